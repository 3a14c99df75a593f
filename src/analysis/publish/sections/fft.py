"""Friends and Family Test: how many answered, how many were positive, by service.

Percentages are pooled over the period's months (all responses, as NHS England counts
them). Which figures are shown follows the partnership's suppression pattern
(``ctx.disclosure``, :mod:`analysis.publish.disclosure`): small counts hidden with their
percentages, complementary cells across services and settings, a quarter or year hidden
when any of its months is; the same pattern for every scope and kind of page, so no
hidden count can be worked back from any other published figure.
"""

from __future__ import annotations

import pandas as pd

from analysis.publish import formatting as fmt
from analysis.publish import style
from analysis.publish.disclosure import Disclosure
from analysis.publish.periods import Period
from analysis.publish.sections.base import Figure, Section, Table, start
from analysis.publish.suppression import MARK

ANCHOR = "fft"


def summary(ctx) -> pd.DataFrame:
    """Responses, positive and eligible by service and month up to the period's end
    (aggregated once per context, by the query layer)."""
    return ctx.fft_monthly


def _totals(s: pd.DataFrame, months) -> pd.DataFrame:
    part = s[s["month"].isin([m.to_timestamp() for m in months])]
    agg = {"responses": ("responses", "sum"), "positive": ("positive", "sum")}
    if "eligible" in part:
        agg["eligible"] = ("eligible", lambda v: v.sum(min_count=1))
    out = part.groupby("service_id").agg(**agg).reset_index()
    out["pct_positive"] = 100 * out["positive"] / out["responses"]
    if "eligible" in out:
        out["response_rate"] = 100 * out["responses"] / out["eligible"].astype("float64")
    return out


def fft_table(
    s: pd.DataFrame,
    services: pd.DataFrame,
    period: Period,
    min_count: int,
    disclosure: Disclosure | None = None,
):
    """Per service: responses, % positive, change on the previous period, response rate.

    A service's figures are shown only where ``disclosure`` (the partnership's pattern;
    built from ``s`` if not given) publishes them; the change on the previous period only
    where both periods are published.
    """
    disclosure = disclosure or Disclosure(s, services, min_count)
    ids = services["service_id"]
    shown = disclosure.published_services(ids, period.months)
    shown_before = disclosure.published_services(ids, period.previous)
    this = _totals(s, period.months)
    last = _totals(s, period.previous)
    last = last.loc[last["service_id"].map(shown_before).fillna(False).astype(bool)]
    last = last[["service_id", "pct_positive"]]
    df = (
        services[["service_id", "service_name", "setting"]]
        .merge(this, on="service_id", how="left")
        .merge(last.rename(columns={"pct_positive": "last_pct"}), on="service_id", how="left")
    )
    df["responses"] = df["responses"].fillna(0).astype("int64")
    if "response_rate" not in df:
        df["response_rate"] = float("nan")
    df["change"] = df["pct_positive"] - df["last_pct"]
    hidden = ~df["service_id"].map(shown).astype(bool)
    figures = ["responses", "pct_positive", "response_rate", "change"]
    df = df.astype({c: "object" for c in figures})
    df.loc[hidden, figures] = MARK
    return pd.DataFrame(
        {
            "Service": df["service_name"],
            "Setting": df["setting"].str.capitalize(),
            "Responses": df["responses"].map(fmt.count),
            "% positive": df["pct_positive"].map(fmt.percent),
            f"Change on previous {period.kind} (points)": df["change"].map(fmt.signed),
            "Response rate": df["response_rate"].map(fmt.percent),
        }
    )


def headline(
    s: pd.DataFrame, period: Period, min_count: int, disclosure: Disclosure | None = None
) -> str:
    """The scope's FFT volume and percentage positive, against the previous period.

    ``s`` holds the scope's services; a total that ``disclosure`` (the partnership's
    pattern) hides is not stated, nor is a previous period it hides.
    """
    ids = s["service_id"].unique() if "service_id" in s else []

    def pooled(months):
        part = s[s["month"].isin([m.to_timestamp() for m in months])]
        return int(part["responses"].sum()), int(part["positive"].sum())

    def shown(months, n):
        if disclosure is None:
            return n >= min_count
        return n > 0 and disclosure.published(ids, months)

    n, pos = pooled(period.months)
    if not shown(period.months, n):
        return f"Too few Friends and Family Test responses in {period.label} to report."
    sentence = (
        f"{n:,} people answered the Friends and Family Test in {period.label}; "
        f"{100 * pos / n:.1f}% rated their experience good or very good"
    )
    n0, pos0 = pooled(period.previous)
    if shown(period.previous, n0):
        sentence += f" ({100 * pos0 / n0:.1f}% in the previous {period.kind})"
    return sentence + "."


def setting_chart(
    s: pd.DataFrame,
    services: pd.DataFrame,
    setting: str,
    month,
    min_count: int,
    disclosure: Disclosure | None = None,
):
    """Monthly % positive of each service in ``setting`` up to ``month``: only the months
    whose figure the monthly tables publish (``disclosure``, see :func:`fft_table`);
    returns the figure and its alt text."""
    import matplotlib.pyplot as plt

    style.apply()
    disclosure = disclosure or Disclosure(s, services, min_count)
    ids = services.loc[services["setting"] == setting, ["service_id", "service_name"]]
    data = s[
        s["service_id"].isin(ids["service_id"])
        & (s["month"] <= month.to_timestamp())
        & (s["responses"] >= min_count)
    ]
    data = data[
        [
            disclosure.published([sid], [pd.Timestamp(m).to_period("M")])
            for sid, m in zip(data["service_id"], data["month"], strict=True)
        ]
    ]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    described = []
    for (sid, name), (colour, marker, line) in zip(
        ids.itertuples(index=False), style.series_styles(), strict=False
    ):
        part = data[data["service_id"] == sid].sort_values("month")
        if part.empty:
            continue
        ax.plot(
            part["month"],
            part["pct_positive"],
            color=colour,
            marker=marker,
            linestyle=line,
            label=name,
        )
        latest = part.iloc[-1]
        described.append(
            f"{name}: {latest['pct_positive']:.1f}% positive in {latest['month']:%B %Y}, "
            f"ranging {part['pct_positive'].min():.1f}% to {part['pct_positive'].max():.1f}%"
        )
    ax.set_ylabel("% positive (very good or good)")
    ax.set_ylim(0, 100)
    ax.set_title(f"{setting.capitalize()}: FFT % positive by month")
    if described:
        ax.legend(loc="lower left", fontsize=8)
    alt = (
        f"Line chart of the monthly Friends and Family Test percentage positive for {setting} "
        "services. " + ("; ".join(described) or "No months with enough responses to show.") + "."
    )
    return fig, alt


def compute(ctx) -> Section:
    """The Friends and Family Test section: responses, percentage positive and response rate."""
    s = summary(ctx)
    section = start(
        ANCHOR,
        sentences=[headline(s, ctx.period, ctx.min_count, ctx.disclosure)],
        tables=[
            Table(
                fft_table(s, ctx.services, ctx.period, ctx.min_count, ctx.disclosure),
                "fft-by-service",
                f"Responses, percentage positive and response rate by service, {ctx.period.label}",
                counts=("Responses",),
                collapsed=ctx.services["service_id"].nunique() > 1,
            )
        ],
    )
    for setting in ctx.services["setting"].drop_duplicates():
        fig, alt = setting_chart(s, ctx.services, setting, ctx.month, ctx.min_count, ctx.disclosure)
        caption = f"Percentage positive by month, {setting} services"
        section.figures.append(Figure(fig, f"positive-{setting}", alt, caption, collapsed=True))
    return section
