"""The thematic review (quarterly and annual pages): FFT themes, concerns, complaint
subjects and compliments side by side per service and financial quarter
(:mod:`analysis.methods.triangulation`).

Topics named with fewer than ``min_count`` comments or complaints are left out, and a
small compliments count is suppressed, so no count in the text can be disclosive.
"""

from __future__ import annotations

from analysis.methods import triangulation
from analysis.publish import formatting as fmt
from analysis.publish.sections.base import Section, Table, start
from analysis.publish.suppression import is_small, suppress

ANCHOR = "thematic-review"


def compute(ctx) -> Section:
    section = start(ANCHOR)
    comments = ctx.period_comments  # the period's quarters only are kept below
    if comments.empty and ctx.complaints.empty:
        return section
    subjects = ctx.complaint_subjects
    long = triangulation.triangulate(
        comments, ctx.period_themes, ctx.period_sentiment, ctx.complaints, subjects, ctx.compliments
    )
    quarters = {m.asfreq("Q") for m in ctx.period.months}
    long = long[long["quarter"].isin(quarters)]
    long = long[~is_small(long["count"], ctx.min_count) | (long["source"] == "compliments")]
    if long.empty:
        return section
    review = triangulation.thematic_review(long)
    review = suppress(review, "compliments", [], ctx.min_count)
    review["compliments"] = review["compliments"].map(fmt.count)
    review["quarter"] = review["quarter"].map(fmt.financial_quarter)
    review["service_id"] = review["service_id"].map(ctx.service_names)
    table = review.rename(
        columns={
            "service_id": "Service",
            "quarter": "Quarter",
            "FFT theme": "Most mentioned in FFT comments",
            "FFT concern": "Concerns in FFT comments",
            "complaint subject": "Complaint subjects",
            "compliments": "Compliments",
        }
    )
    section.sentences.append(
        "For each service, the three topics people raised most through each route; the number "
        "in brackets is how many comments or complaints raised it."
    )
    section.tables.append(
        Table(
            table,
            "thematic-review",
            f"Thematic review by service and quarter, {ctx.period.label}",
            counts=("Compliments",),
        )
    )
    return section
