"""What people told us: the period's most common themes, themes rising in what could be
better (p-chart limits against the previous months), and quotes in people's own words.

Comments are themed with the NHS Patient Experience Qualitative Data Categorisation
framework; quotes are chosen through the sensitive-content screen by
:mod:`analysis.publish.sections.quotes`.
"""

from __future__ import annotations

from analysis.methods import theme_trends
from analysis.publish import formatting as fmt
from analysis.publish.sections.base import Finding, Section, Table, start
from analysis.publish.sections.quotes import comment_quotes
from analysis.publish.suppression import suppress

ANCHOR = "themes"


def compute(ctx) -> Section:
    """The "what people told us" section: common and rising themes, with quotes."""
    section = start(ANCHOR)
    totals = ctx.period_theme_totals()
    if not totals.comments:
        return section
    usable = max(totals.usable, 1)
    top = totals.counts.rename(columns={"count": "Comments"}).head(10).copy()
    top["Share of comments"] = (100 * top["Comments"] / usable).map(fmt.percent)
    table = suppress(
        top.rename(columns={"category": "Category", "subcategory": "Theme"}),
        "Comments",
        ["Share of comments"],
        ctx.min_count,
    )
    table["Comments"] = table["Comments"].map(fmt.count)
    section.tables.append(
        Table(
            table,
            "themes",
            f"The most common themes in comments, {ctx.period.label}",
            counts=("Comments",),
            collapsed=True,
        )
    )
    if len(top):
        section.sentences.append(
            f"The most common themes were {', '.join(top['subcategory'].head(3))}."
        )
    rising = theme_trends.rising_themes(
        ctx.theme_shares(ctx.month - 12, question="what_could_be_better"),
        ctx.month,
        min_count=ctx.min_count,
    )
    for r in rising.head(3).itertuples():
        text = (
            f"More people raised {r.subcategory} in what could be better: "
            f"{100 * r.share:.1f}% of comments in {fmt.month_label(ctx.month)}, "
            f"usually {100 * r.baseline_share:.1f}%."
        )
        section.sentences.append(text)
        section.findings.append(
            Finding(
                "rising concern",
                text,
                ANCHOR,
                size=r.share - r.baseline_share,
                term="above the upper limit of a p-chart of the theme's monthly share",
            )
        )
    section.data["quotes"] = comment_quotes(ctx)
    return section
