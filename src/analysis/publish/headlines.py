"""Headline sentences written from the numbers, for the top of a report.

Each function returns plain sentences (no HTML); a sentence built on a count below the
disclosure threshold is not written.

>>> import pandas as pd
>>> from analysis.publish.periods import Period
>>> s = pd.DataFrame({"service_id": ["A", "A"], "month": pd.to_datetime(["2025-02-01", "2025-03-01"]),
...     "responses": [200, 250], "positive": [170, 225]})
>>> fft_headlines(s, Period.of("month", pd.Period("2025-03", "M")))[0]
'250 people answered the Friends and Family Test in March 2025; 90% rated their experience good or very good (85% in the previous month).'
"""

from __future__ import annotations

import html

import pandas as pd

from analysis.publish.periods import Period


def bullets(sentences: list[str]) -> str:
    """Sentences as an escaped HTML list."""
    return "<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in sentences) + "</ul>"


def fft_headlines(
    summary: pd.DataFrame, period: Period, min_count: int = 5, disclosure=None
) -> list[str]:
    """The scope's FFT volume and percentage positive in the period, against the previous one.

    ``summary`` holds the scope's services. A total that ``disclosure`` (the partnership's
    :class:`~analysis.publish.disclosure.Disclosure`) hides is not stated, nor is a
    previous period it hides.
    """
    ids = summary["service_id"].unique() if "service_id" in summary else []

    def pooled(months):
        part = summary[summary["month"].isin([m.to_timestamp() for m in months])]
        return int(part["responses"].sum()), int(part["positive"].sum())

    def shown(months, n):
        if disclosure is None:
            return n >= min_count
        return n > 0 and disclosure.published(ids, months)

    n, pos = pooled(period.months)
    if not shown(period.months, n):
        return [f"Too few Friends and Family Test responses in {period.label} to report."]
    sentence = (
        f"{n:,} people answered the Friends and Family Test in {period.label}; "
        f"{100 * pos / n:.0f}% rated their experience good or very good"
    )
    n0, pos0 = pooled(period.previous)
    if shown(period.previous, n0):
        sentence += f" ({100 * pos0 / n0:.0f}% in the previous {period.kind})"
    return [sentence + "."]
