"""Report sections beyond the FFT table: SPC, complaints, indicators, "You said, We did", good news.

Each function takes the tidy tables (already limited to the report's scope), writes its
tables and charts through a :class:`~analysis.publish.report.ReportBuilder` (so they
are suppressed, checked and downloadable) and returns ``(html, headlines)``: the
section's HTML and the sentences it contributes to the report's headline summary.
"""

from __future__ import annotations

import html

import pandas as pd

from analysis.complaint_settings import handling_rules, subject_mapping
from analysis.config import Config
from analysis.methods import theme_trends, triangulation
from analysis.methods.attribute_charts import attribute_spc
from analysis.methods.complaints import profile, timeliness
from analysis.methods.headline_series import headline_series
from analysis.methods.interrupted_time_series import evaluate_actions
from analysis.methods.quotes import BETTER, GOOD
from analysis.publish import quoting
from analysis.publish.disclosure import Disclosure
from analysis.publish.indicator_table import indicator_table, status_summary
from analysis.publish.periods import Period
from analysis.publish.report import ReportBuilder
from analysis.publish.spc_plot import spc_panels
from analysis.publish.suppression import MARK, is_small, suppress, suppress_column_against_total


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _in(dates: pd.Series, period: Period) -> pd.Series:
    return period.contains(dates.dropna()).reindex(dates.index, fill_value=False)


def fft_spc_section(
    report: ReportBuilder,
    responses: pd.DataFrame,
    eligible: pd.DataFrame,
    services: pd.DataFrame,
    period: Period,
    label: str,
    disclosure=None,
) -> tuple[str, list[str]]:
    """SPC charts (Making Data Count) of the FFT percentage positive and response rate.

    p′ charts (Laney) for the pooled monthly series of the scope; months with fewer than
    the disclosure threshold of responses, or whose total ``disclosure`` hides (the
    limits would give the count away), are gaps, not points.
    """
    last = period.months[-1]
    series = headline_series(
        responses, eligible, services, through=last, min_count=report.min_count, label=label
    )
    if disclosure is not None:
        ids = services["service_id"]
        hidden = [not disclosure.published(ids, [m.to_period("M")]) for m in series["month"]]
        series.loc[hidden, ["responses", "positive", "pct_positive", "response_rate"]] = None
    parts, headlines = [], []
    measures = [
        ("positive", "responses", "FFT percentage positive", "% positive"),
        ("responses", "eligible", "FFT response rate", "% of people eligible"),
    ]
    for value, denominator, measure, y_label in measures:
        if series[value].notna().sum() < 2 or series[denominator].notna().sum() < 2:
            parts.append(_p(f"{measure}: too few months with data for an SPC chart."))
            continue
        spc = attribute_spc(
            series,
            value,
            denominator,
            "month",
            facet_field="facet",
            chart="pprime",
            multiplier=100,
            freq="MS",
        )
        for panel in spc_panels(spc, measure, "%", y_label, save_dir=report.folder / "figures"):
            parts.append(
                f"<p><strong>{html.escape(measure)}.</strong> {html.escape(panel['reading'])}</p>"
            )
            parts.append(panel["html"])
            headlines.append(f"{measure}: {panel['reading']}")
    return "".join(parts), headlines


def complaints_section(
    report: ReportBuilder,
    complaints: pd.DataFrame,
    subjects: pd.DataFrame | None,
    period: Period,
    cfg: Config,
    disclosure: Disclosure | None = None,
) -> tuple[str, list[str]]:
    """Complaints received, their timeliness in working days, and the complaints lead's profile.

    Time limits are the nation's with the partnership's overrides; with a
    ``complaint_subjects`` map the volumes are also shown in the national return's
    subject areas (see :mod:`analysis.complaint_settings`). The number received is
    stated only where ``disclosure`` (the partnership's complaints pattern,
    :meth:`Disclosure.of_events`) shows it, so a month's hidden count cannot be worked
    back from its quarter.
    """
    nation = cfg.nation
    rules = handling_rules(cfg)
    mapping = subject_mapping(cfg)
    min_count = report.min_count
    start = period.months[0].start_time
    end = period.months[-1].end_time.normalize()
    received = complaints[complaints["received_date"].between(start, end)]
    before = complaints[
        complaints["received_date"].between(
            period.previous[0].start_time, period.previous[-1].end_time.normalize()
        )
    ]
    if disclosure is None:
        ids = complaints["service_id"].dropna().unique()
        disclosure = Disclosure.of_events(
            complaints, "received_date", pd.DataFrame({"service_id": ids, "setting": ""}), min_count
        )
    ids = complaints["service_id"].dropna().unique()

    def stated(n: int, months, of: str = "") -> str:
        if disclosure.published(ids, months):
            return f"{n:,}"
        return f"fewer than {min_count}" if n < min_count else f"an undisclosed number{of}"

    headline = (
        f"{stated(len(received), period.months, ' of').capitalize()} complaints were received "
        f"in {period.label} ({stated(len(before), period.previous)} in the previous {period.kind})."
    )
    t = timeliness(complaints, nation, end, rules)
    rows = []
    for what, within, decided in (
        ("Acknowledged in time", "acknowledged_within", "acknowledge_decided"),
        ("Responded to in time", "responded_within", "respond_decided"),
    ):
        due = t[t[decided].between(start, end) & t[within].notna()]
        met = int(due[within].sum())
        rows.append(
            {
                "Measure": what,
                "Complaints due": len(due),
                "Met": met,
                "Percent": round(100 * met / len(due), 1) if len(due) else None,
            }
        )
    table = suppress(pd.DataFrame(rows), "Complaints due", ["Met", "Percent"], min_count)
    table = suppress(table, "Met", ["Percent"], min_count)
    parts = [
        _p(headline),
        report.table(
            table,
            "complaints-timeliness",
            caption=(
                f"Complaints answered within the time limits ({rules.basis} days, "
                f"{nation.replace('_', ' ').title()} rules), {period.label}"
            ),
            counts=("Complaints due", "Met"),
        ),
    ]
    subject_map, national = mapping or (None, None)
    captions = {
        "by_return_subject": "by subject area of the national return (KO41a), with the "
        "subjects recorded locally under each"
    }
    for part, frame in profile(complaints, start, end, subjects, subject_map, national).items():
        rule = suppress if part == "flags" else suppress_column_against_total
        safe = rule(frame, count="complaints", dependent=["percent"], min_count=min_count)
        parts.append(
            report.table(
                safe,
                f"complaints-{part}",
                caption=f"Complaints, {captions.get(part, part.replace('_', ' '))}, {period.label}",
                counts=("complaints",),
            )
        )
    return "".join(parts), [headline]


def indicators_section(report: ReportBuilder, evaluations: dict) -> tuple[str, list[str]]:
    """Each logic model's indicators: status counts and the indicator table (words and symbols)."""
    parts, headlines = [], []
    for name, evaluation in evaluations.items():
        model = evaluation.model
        latest = evaluation.latest
        parts.append(f"<h3>{html.escape(model.partnership)}: {html.escape(model.title)}</h3>")
        parts.append(
            report.table(
                status_summary(latest), f"status-{name}", f"{model.title}: indicators by status"
            )
        )
        parts.append(
            report.table(
                indicator_table(latest, report.min_count),
                f"indicators-{name}",
                f"{model.title}: each indicator in its latest complete period",
            )
        )
        met = int((latest["status"] == "met").sum())
        missed = int((latest["status"] == "not met").sum())
        if met + missed:
            headlines.append(
                f"{model.title}: {met} indicators met their target and {missed} did not."
            )
        else:
            headlines.append(
                f"{model.title}: {len(latest)} indicators monitored; no targets fell due."
            )
    return "".join(parts), headlines


def actions_section(
    report: ReportBuilder,
    actions: pd.DataFrame,
    responses: pd.DataFrame,
    eligible: pd.DataFrame,
    services: pd.DataFrame,
    period: Period,
    label: str,
) -> tuple[str, list[str]]:
    """The "You said, We did" section: actions completed in the period, with evidence where there is some."""
    done = actions[(actions["status"] == "completed") & _in(actions["action_date"], period)]
    names = services.set_index("service_id")["service_name"]
    table = pd.DataFrame(
        {
            "Service": done["service_id"].map(names).fillna("Whole partnership"),
            "You said": done["you_said"],
            "We did": done["we_did"],
            "Completed": done["action_date"].dt.strftime("%d %b %Y"),
            "Published": done["published"].map({True: "yes", False: "not yet"}),
        }
    )
    parts = [
        report.table(
            table, "you-said-we-did", f"You said, we did: actions completed in {period.label}"
        )
    ]
    # Evidence for actions completed in the year to the period's end that have enough months after.
    last = period.months[-1]
    window = actions["action_date"].between((last - 11).start_time, last.end_time) & (
        actions["status"] == "completed"
    )
    if window.any():
        by_service = headline_series(
            responses, eligible, services, by="service", through=last, min_count=report.min_count
        )
        everyone = headline_series(
            responses, eligible, services, through=last, min_count=report.min_count, label=label
        )
        evidence = evaluate_actions(
            pd.concat([by_service, everyone]), actions[window], everyone=label
        )
        evaluated = evidence[evidence["odds_ratio"].notna()]
        if not evaluated.empty:
            parts.append("<h3>Did it make a difference?</h3><ul>")
            parts += [f"<li>{html.escape(str(r))}</li>" for r in evaluated["reading"]]
            parts.append("</ul>")
    headline = (
        f"{len(done)} actions were completed because of what people told us in {period.label}."
    )
    return "".join(parts), [headline]


def compliments_section(
    report: ReportBuilder,
    compliments: pd.DataFrame,
    services: pd.DataFrame,
    period: Period,
    quotes: int = 3,
    disclosure: Disclosure | None = None,
) -> tuple[str, list[str]]:
    """Good news: compliments received by service, and a few of them in people's own words.

    Counts follow ``disclosure`` (the partnership's compliments pattern,
    :meth:`Disclosure.of_events`; built from ``compliments`` if not given), so no hidden
    count can be worked back from another period's or scope's figures.

    Quotes are the longest redacted compliments of the period that pass the
    sensitive-content screen (:mod:`analysis.methods.quotes`), one per service first, so
    no one service fills the section.
    """
    this = compliments[_in(compliments["received_date"], period)]
    counts = (
        this.groupby("service_id")
        .size()
        .rename("compliments")
        .reset_index()
        .merge(services[["service_id", "service_name"]], on="service_id", how="right")
        .fillna({"compliments": 0})
    )
    counts["compliments"] = counts["compliments"].astype("int64")
    disclosure = disclosure or Disclosure.of_events(
        compliments, "received_date", services, report.min_count
    )
    shown = counts["service_id"].map(
        disclosure.published_services(services["service_id"], period.months)
    )
    counts = counts.astype({"compliments": object})
    counts.loc[~shown.astype(bool), "compliments"] = MARK
    table = counts[["service_name", "compliments"]].rename(columns={"service_name": "Service"})
    parts = [
        report.table(
            table,
            "compliments",
            f"Compliments received by service, {period.label}",
            counts=("compliments",),
        )
    ]
    chosen = quoting.pick(
        report, quoting.compliment_candidates(this), GOOD, quoting.service_names(services), quotes
    )
    parts.append(quoting.quotes_html("In their own words", chosen))
    if disclosure.published(services["service_id"], period.months):
        headline = f"{len(this):,} compliments were received in {period.label}."
    else:
        headline = f"Compliments were received in {period.label} (too few to count publicly)."
    return "".join(parts), [headline]


def themes_section(
    report: ReportBuilder,
    comments: pd.DataFrame,
    themes: pd.DataFrame,
    sentiment: pd.DataFrame,
    period: Period,
    quotes: int = 3,
    responses: pd.DataFrame | None = None,
    services: pd.DataFrame | None = None,
) -> tuple[str, list[str]]:
    """What people told us: the period's most common themes, themes rising against the
    previous 12 months (p-chart limits), and quotes in people's own (redacted) words.

    Quote candidates follow :func:`analysis.methods.theme_trends.representative_quotes`'s
    stated rule; :func:`analysis.methods.quotes.select_quotes` then keeps those that fit
    the heading (by the response's rating from ``responses``, and sentiment) and pass the
    sensitive-content screen, naming each one's service (from ``services``).
    """
    last = period.months[-1]
    in_period = comments[_in(comments["response_date"], period)]
    period_themes = themes[themes["comment_id"].isin(in_period["comment_id"])]
    rows, _ = theme_trends.comment_themes_by_month(in_period, period_themes)
    usable = rows["comment_id"].nunique()
    top = (
        rows.drop_duplicates(["comment_id", "subcategory"])
        .groupby(["category", "subcategory"])
        .size()
        .rename("Comments")
        .reset_index()
        .sort_values(["Comments", "subcategory"], ascending=[False, True])
        .head(10)
    )
    top["Share of comments"] = (100 * top["Comments"] / max(usable, 1)).round(1).astype(str) + "%"
    table = suppress(
        top.rename(columns={"category": "Category", "subcategory": "Theme"}),
        "Comments",
        ["Share of comments"],
        report.min_count,
    )
    parts = [
        report.table(
            table,
            "themes",
            f"The most common themes in comments, {period.label}",
            counts=("Comments",),
        )
    ]
    history = comments[comments["response_date"].dt.to_period("M") <= last]
    rising = theme_trends.rising_themes(
        theme_trends.monthly_theme_shares(history, themes, question="what_could_be_better"),
        last,
        min_count=report.min_count,
    )
    headlines = []
    if len(top):
        headlines.append(
            f"The most common themes in comments were {', '.join(top['subcategory'].head(3))}."
        )
    if len(rising):
        named = [
            f"{r.subcategory} ({100 * r.share:.0f}% of comments, usually {100 * r.baseline_share:.0f}%)"
            for r in rising.head(3).itertuples()
        ]
        sentence = f"Rising in what could be better in {last:%B %Y}: {'; '.join(named)}."
        parts.append(_p(sentence))
        headlines.append(sentence)
    candidates = quoting.comment_candidates(in_period, period_themes, sentiment, responses)
    for side, heading in ((GOOD, "What was good"), (BETTER, "What could be better")):
        chosen = quoting.pick(report, candidates, side, quoting.service_names(services), quotes)
        parts.append(quoting.quotes_html(f"{heading}, in people's own words", chosen))
    return "".join(parts), headlines


def thematic_review_section(
    report: ReportBuilder,
    comments: pd.DataFrame,
    themes: pd.DataFrame,
    sentiment: pd.DataFrame,
    complaints: pd.DataFrame,
    complaint_subjects: pd.DataFrame,
    compliments: pd.DataFrame,
    services: pd.DataFrame,
    period: Period,
) -> tuple[str, list[str]]:
    """The thematic review: FFT themes, concerns, complaint subjects and compliments side by
    side per service and quarter (:mod:`analysis.methods.triangulation`).

    Topics named with fewer than ``min_count`` comments or complaints are left out, and a
    small compliments count is suppressed, so no count in the text can be disclosive.
    """
    long = triangulation.triangulate(
        comments, themes, sentiment, complaints, complaint_subjects, compliments
    )
    quarters = {m.asfreq("Q") for m in period.months}
    long = long[long["quarter"].isin(quarters)]
    small = is_small(long["count"], report.min_count)
    long = long[~small | (long["source"] == "compliments")]
    review = triangulation.thematic_review(long)
    names = services.set_index("service_id")["service_name"]
    review.insert(0, "Service", review.pop("service_id").map(names))
    review["quarter"] = review["quarter"].astype(str)
    review = (
        suppress(review, "compliments", [], report.min_count) if "compliments" in review else review
    )
    table = report.table(
        review.rename(columns={"quarter": "Quarter"}),
        "thematic-review",
        f"Thematic review: what people raised through each route, by service and quarter, {period.label}",
        counts=("compliments",) if "compliments" in review else (),
    )
    return table, []


def surveys_section(
    report: ReportBuilder, surveys: pd.DataFrame, period: Period, years: int = 4
) -> tuple[str, list[str]]:
    """Staff, service-user and carer survey results by year, up to the period's end.

    Each question's percentage positive is pooled over services (positive ÷ responses);
    where a survey publishes only a percentage, that percentage is shown. A year with
    fewer than ``min_count`` responses is suppressed.
    """
    last_year = period.months[-1].year
    recent = surveys[surveys["year"].between(last_year - years + 1, last_year)]
    if recent.empty:
        return _p("No survey results for these years."), []
    pooled = (
        recent.groupby(["survey", "respondent_group", "question", "year"], dropna=False)
        .agg(
            responses=("responses", lambda s: s.sum(min_count=1)),
            positive=("positive", lambda s: s.sum(min_count=1)),
            published=("percent_positive", "mean"),
        )
        .reset_index()
    )
    pct = (100 * pooled["positive"] / pooled["responses"]).fillna(pooled["published"])
    small = is_small(pooled["responses"], report.min_count)
    pooled["cell"] = [
        "*" if s else ("" if pd.isna(v) else f"{v:.1f}%") for s, v in zip(small, pct, strict=True)
    ]
    table = pooled.pivot_table(
        index=["survey", "respondent_group", "question"],
        columns="year",
        values="cell",
        aggfunc="first",
    ).reset_index()
    table.columns = [str(c) for c in table.columns]
    table = table.rename(
        columns={"survey": "Survey", "respondent_group": "Who", "question": "Question"}
    )
    html_table = report.table(
        table.fillna(""),
        "surveys",
        f"Survey results: percentage answering positively, by year, to {last_year}",
    )
    return html_table, []
