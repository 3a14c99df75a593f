"""The thematic review (quarterly and annual pages): FFT themes, concerns, complaint
subjects and compliments side by side per service and financial quarter
(:mod:`analysis.methods.triangulation`).

Topics named with fewer than ``min_count`` comments or complaints are left out, and a
compliments count is shown only where the partnership's compliments pattern publishes
that service's quarter (``ctx.compliments_disclosure``, :mod:`analysis.publish.disclosure`),
so no count in the text can be disclosive or worked back from the monthly pages.
"""

from __future__ import annotations

import pandas as pd

from analysis.methods import triangulation
from analysis.publish import formatting as fmt
from analysis.publish.sections.base import Section, Table, start
from analysis.publish.suppression import MARK, is_small, suppress

ANCHOR = "thematic-review"
#: Each route's column of topics, and what one of its topics is called in a sentence.
ROUTES = {
    "FFT theme": "FFT comment theme",
    "FFT concern": "concern in FFT comments",
    "complaint subject": "complaint subject",
}
#: What a cell shows where no topic of its route was raised often enough to be named.
NONE_NAMED = "none named"


def compute(ctx) -> Section:
    """The thematic review: themes of comments, complaints and compliments side by side."""
    section = start(ANCHOR)
    if not ctx.period_theme_totals().comments and ctx.complaints.empty:
        return section
    long = triangulation.triangulate_counts(  # the period's quarters only are kept below
        ctx.topic_counts(ctx.period.months[0]),
        ctx.complaints,
        ctx.complaint_subjects,
        ctx.compliments,
    )
    quarters = {m.asfreq("Q") for m in ctx.period.months}
    long = long[long["quarter"].isin(quarters)]
    long = long[~is_small(long["count"], ctx.min_count) | (long["source"] == "compliments")]
    if long.empty:
        return section
    review = triangulation.thematic_review(long)
    review = suppress(review, "compliments", [], ctx.min_count)
    hidden = [
        n not in (0, MARK)
        and not ctx.compliments_disclosure.published(
            [sid], pd.period_range(q.start_time, q.end_time, freq="M")
        )
        for sid, q, n in zip(
            review["service_id"], review["quarter"], review["compliments"], strict=True
        )
    ]
    review.loc[hidden, "compliments"] = MARK
    review["compliments"] = review["compliments"].map(fmt.count)
    review["quarter"] = review["quarter"].map(fmt.financial_quarter)
    review["service_id"] = review["service_id"].map(ctx.service_names)
    section.sentences.append(
        "For each service, the three topics people raised most through each route; the number "
        "in brackets is how many comments or complaints raised it. A topic raised fewer than "
        f"{ctx.min_count} times is not named (“{NONE_NAMED}” where no topic of a route was)."
    )
    unnamed = [route for route in ROUTES if (review[route] == "").all()]
    if unnamed:  # a column empty in every row would read as a fault: said in words instead
        section.sentences.append(
            f"No {fmt.join_words([ROUTES[r] for r in unnamed], 'or')} was raised "
            f"{ctx.min_count} or more times for one service in a quarter, so the table "
            f"names none."
        )
    review = review.drop(columns=unnamed)
    for route in ROUTES:
        if route in review:
            review[route] = review[route].replace("", NONE_NAMED)
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
    section.tables.append(
        Table(
            table,
            "thematic-review",
            f"Thematic review by service and quarter, {ctx.period.label}",
            counts=("Compliments",),
        )
    )
    return section
