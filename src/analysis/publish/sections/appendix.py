"""About this report: definitions, methods and provenance, in an appendix that prints."""

from __future__ import annotations

from analysis.publish.sections.base import Section, start

ANCHOR = "about"


def compute(ctx) -> Section:
    """The appendix: how the figures are defined, methods and provenance."""
    pooled = " pooled over the period's months," if ctx.kind != "month" else ""
    return start(
        ANCHOR,
        sentences=[
            f"Counts of 1 to {ctx.min_count - 1} people, and percentages built on them, are "
            "shown as * to protect privacy (NHS England's FFT practice); where a total would "
            "give a hidden count away, the next smallest is hidden too.",
            "Percentage positive: responses rating the service very good or good, divided by "
            f"all responses (including neither good nor poor and don't know),{pooled} as NHS "
            "England defines it. Response rate: responses divided by the people eligible to "
            "respond.",
            "Usual range: the process limits of a Making Data Count statistical process control "
            "(SPC) chart. A point outside them, a run of seven on one side of the average, a run "
            "of six rising or falling, or two of three close to a limit is special cause "
            "variation; anything else is common cause variation (the usual ups and downs).",
            "Complaint time limits are counted in working days, excluding weekends and bank "
            "holidays. Financial years run from April to March; quarters are financial quarters.",
            "FFT results are not designed to compare services or providers: case mix and "
            "collection methods differ.",
        ],
    )
