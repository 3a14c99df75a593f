"""Surveys (quarterly and annual pages): staff, service-user and carer survey results by year.

Each question's percentage positive is pooled over services (positive ÷ responses); where
a survey publishes only a percentage, that percentage is shown. A year with fewer than
``min_count`` responses is suppressed.
"""

from __future__ import annotations

from analysis.publish import formatting as fmt
from analysis.publish.sections.base import Section, Table, start
from analysis.publish.suppression import MARK, is_small

ANCHOR = "surveys"
YEARS = 4


def compute(ctx) -> Section:
    """The surveys section: each question's share answering positively, by year."""
    section = start(ANCHOR)
    s = ctx.surveys
    last_year = ctx.month.year
    recent = s[s["year"].between(last_year - YEARS + 1, last_year)] if len(s) else s
    if recent.empty:
        return section
    pooled = (
        recent.groupby(["survey", "respondent_group", "question", "year"], dropna=False)
        .agg(
            responses=("responses", lambda v: v.sum(min_count=1)),
            positive=("positive", lambda v: v.sum(min_count=1)),
            published=("percent_positive", "mean"),
        )
        .reset_index()
    )
    pct = (100 * pooled["positive"] / pooled["responses"]).fillna(pooled["published"])
    small = is_small(pooled["responses"], ctx.min_count)
    pooled["cell"] = [MARK if sm else fmt.percent(v) for sm, v in zip(small, pct, strict=True)]
    table = pooled.pivot_table(
        index=["survey", "respondent_group", "question"],
        columns="year",
        values="cell",
        aggfunc="first",
    ).reset_index()
    table.columns = [str(c) for c in table.columns]
    table = table.rename(
        columns={"survey": "Survey", "respondent_group": "Who", "question": "Question"}
    ).fillna("")
    table["Who"] = table["Who"].str.capitalize()
    section.tables.append(
        Table(
            table,
            "surveys",
            f"Survey results: percentage answering positively, by year, to {last_year}",
            collapsed=True,
        )
    )
    section.sentences.append(
        f"{len(table)} survey questions on whether people feel listened to, with results for "
        f"up to {YEARS} years."
    )
    return section
