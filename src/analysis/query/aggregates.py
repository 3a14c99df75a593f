"""The aggregates the methods and reports need, written once as Ibis expressions.

Each function here takes Ibis tables and a :class:`Selection` (months and services)
and returns an Ibis expression: the same expression runs on DuckDB or Spark (see
:mod:`analysis.query.engine`). Filters come first, so each engine reads only the months
(partitions) and columns asked for.

Definitions follow NHS England's FFT guidance (see :mod:`analysis.methods.fft`):
positive = Very good + Good, negative = Poor + Very poor, both over all responses
including "Neither good nor poor" and "Don't know".
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import pandas as pd

from analysis.ingest.schemas import NEGATIVE_RATINGS, POSITIVE_RATINGS, RATINGS
from analysis.ingest.store import PARTITION_COLUMN
from analysis.reference import NO_USABLE_TEXT

#: Each rating's count column (the names of NHS England's published FFT counts).
RATING_COLUMNS = dict(
    zip(RATINGS, ["very_good", "good", "neither", "poor", "very_poor", "dont_know"], strict=True)
)
#: What FFT responses can be grouped by besides the month.
FFT_GROUPS = ("service_id", "setting", "directorate", "mode", "age_band", "sex", "ethnicity")
#: Grouping columns that come from the services table.
SERVICE_COLUMNS = ("setting", "directorate")


@dataclass(frozen=True)
class Selection:
    """Which months (``first``..``last`` inclusive, either open) and services (``None``: all)."""

    first: pd.Period | None = None
    last: pd.Period | None = None
    services: tuple[str, ...] | None = None


def select(t: ibis.Table, date: str, sel: Selection, partitioned: bool) -> ibis.Table:
    """Rows of ``t`` whose ``date`` falls in the selected months and services.

    On a partitioned table the months are also filtered on the partition column, so the
    engine skips the other months' folders without opening them.
    """
    preds = []
    if sel.first is not None:
        preds.append(t[date] >= sel.first.start_time.to_pydatetime())
        if partitioned:
            preds.append(t[PARTITION_COLUMN] >= str(sel.first))
    if sel.last is not None:
        preds.append(t[date] < (sel.last + 1).start_time.to_pydatetime())
        if partitioned:
            preds.append(t[PARTITION_COLUMN] <= str(sel.last))
    if sel.services is not None:
        preds.append(t["service_id"].isin(list(sel.services)))
    return t.filter(preds) if preds else t


def in_months(t: ibis.Table, sel: Selection) -> ibis.Table:
    """Rows of a table kept by its comments' months (themes, sentiment) in the selected
    months: only those folders are read. A table kept otherwise is returned whole (the
    join with the selected comments limits it)."""
    if PARTITION_COLUMN not in t.columns or not t[PARTITION_COLUMN].type().is_string():
        return t
    if sel.first is not None:
        t = t.filter(t[PARTITION_COLUMN] >= str(sel.first))
    if sel.last is not None:
        t = t.filter(t[PARTITION_COLUMN] <= str(sel.last))
    return t


def _with_services(t: ibis.Table, services: ibis.Table, by: tuple[str, ...]) -> ibis.Table:
    extra = [c for c in by if c in SERVICE_COLUMNS]
    if not extra:
        return t
    return t.join(services.select("service_id", *extra), "service_id")


def _check_by(by: tuple[str, ...], allowed: tuple[str, ...]) -> None:
    unknown = [b for b in by if b not in allowed]
    if unknown:
        raise ValueError(f"cannot group by {unknown}; choose from {list(allowed)}")


def fft_counts(
    responses: ibis.Table,
    services: ibis.Table,
    sel: Selection,
    by: tuple[str, ...] = ("service_id",),
    partitioned: bool = False,
) -> ibis.Table:
    """FFT responses per group and month: a count per rating, ``positive``, ``negative``, ``responses``."""
    _check_by(by, FFT_GROUPS)
    t = _with_services(select(responses, "response_date", sel, partitioned), services, by)
    counts = {col: (t.rating == rating).sum() for rating, col in RATING_COLUMNS.items()}
    return t.group_by([*(t[b] for b in by), t.response_date.truncate("M").name("month")]).agg(
        **counts,
        positive=t.rating.isin(POSITIVE_RATINGS).sum(),
        negative=t.rating.isin(NEGATIVE_RATINGS).sum(),
        responses=t.count(),
    )


def eligible_counts(
    eligible: ibis.Table,
    services: ibis.Table,
    sel: Selection,
    by: tuple[str, ...] = ("service_id",),
) -> ibis.Table:
    """People eligible to respond to the FFT per group and month."""
    _check_by(by, ("service_id", *SERVICE_COLUMNS))
    t = _with_services(select(eligible, "month", sel, partitioned=False), services, by)
    return t.group_by([*(t[b] for b in by), t.month]).agg(eligible=t.eligible.sum())


def theme_counts(
    comments: ibis.Table,
    themes: ibis.Table,
    sel: Selection,
    level: str = "subcategory",
    by: tuple[str, ...] = (),
    question: str | None = None,
    partitioned: bool = False,
) -> tuple[ibis.Table, ibis.Table]:
    """Usable comments per group and month, and comments carrying each theme per group and month.

    A comment counts once per theme at ``level`` ("subcategory" or "category"); comments
    whose only theme is "no usable text" are left out of both (as
    :func:`analysis.methods.theme_trends.monthly_theme_shares` does).
    """
    if level not in ("subcategory", "category"):
        raise ValueError(f"level must be 'subcategory' or 'category', not {level!r}")
    _check_by(by, ("service_id", "question"))
    c = select(comments, "response_date", sel, partitioned)
    if question:
        c = c.filter(c.question == question)
    themes = in_months(themes, sel)
    unusable = themes.filter(themes.subcategory == NO_USABLE_TEXT).select("comment_id")
    c = c.anti_join(unusable, "comment_id")
    c = c.select("comment_id", *by, month=c.response_date.truncate("M"))
    keys = [*by, "month"]
    totals = c.group_by(keys).agg(comments=c.count())
    carried = c.join(themes.select("comment_id", level), "comment_id").distinct()
    counts = carried.group_by([*keys, level]).agg(count=carried.count())
    return totals, counts


def comments_matching(
    comments: ibis.Table,
    themes: ibis.Table,
    sel: Selection,
    text: str = "",
    subcategory: str = "",
    partitioned: bool = False,
) -> ibis.Table:
    """Comments in the selection whose text contains ``text`` (ignoring case) and/or that
    carry the theme ``subcategory`` (the search of
    :func:`analysis.methods.theme_trends.search_comments`, run where the comments lie)."""
    c = select(comments, "response_date", sel, partitioned)
    if text:
        c = c.filter(c.text.lower().contains(text.lower()))
    if subcategory:
        c = c.semi_join(themes.filter(themes.subcategory == subcategory), "comment_id")
    return c.select(*[col for col in c.columns if col != PARTITION_COLUMN])


#: The complaint columns the timeliness and volume figures need.
COMPLAINT_COLUMNS = (
    "complaint_id",
    "service_id",
    "received_date",
    "acknowledged_date",
    "responded_date",
    "closed_date",
    "stage",
)


def complaints_settled(
    complaints: ibis.Table,
    sel: Selection,
    lookback_months: int = 12,
    partitioned: bool = False,
) -> ibis.Table:
    """Complaints whose acknowledgement or response can be settled in the selected months.

    Those received up to the last month, and either received within ``lookback_months``
    before the first (a missed deadline falls within weeks of receipt) or acknowledged
    or responded to in the selected months, or not yet.
    """
    window = Selection(None, sel.last, sel.services)
    t = select(complaints, "received_date", window, partitioned)
    if sel.first is not None:
        start = sel.first.start_time.to_pydatetime()
        early = (sel.first - lookback_months).start_time.to_pydatetime()
        t = t.filter(
            (t.received_date >= early)
            | t.acknowledged_date.isnull()
            | t.responded_date.isnull()
            | (t.acknowledged_date >= start)
            | (t.responded_date >= start)
        )
    return t.select(*COMPLAINT_COLUMNS)


def complaints_received(
    complaints: ibis.Table, sel: Selection, partitioned: bool = False
) -> ibis.Table:
    """Complaints received per service and month."""
    t = select(complaints, "received_date", sel, partitioned)
    return t.group_by([t.service_id, t.received_date.truncate("M").name("month")]).agg(
        complaints=t.count()
    )


def latest_date(t: ibis.Table, date: str) -> ibis.Scalar:
    """The latest ``date`` in table ``t``."""
    return t[date].max()
