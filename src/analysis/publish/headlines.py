"""Headline sentences written from the numbers, for the top of a report.

Each function returns plain sentences (no HTML); a sentence built on a count below the
disclosure threshold is not written.

>>> import pandas as pd
>>> s = pd.DataFrame({"service_id": ["A", "A"], "month": pd.to_datetime(["2025-02-01", "2025-03-01"]),
...     "responses": [200, 250], "positive": [170, 225]})
>>> fft_headlines(s, pd.Period("2025-03", "M"))[0]
'250 people answered the Friends and Family Test in March 2025; 90% rated their experience good or very good (85% in February 2025).'
"""

from __future__ import annotations

import html

import pandas as pd


def bullets(sentences: list[str]) -> str:
    """Sentences as an escaped HTML list."""
    return "<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in sentences) + "</ul>"


def fft_headlines(summary: pd.DataFrame, period: pd.Period, min_count: int = 5) -> list[str]:
    """The partnership's FFT volume and percentage positive this month, against last month."""
    totals = summary.groupby("month")[["responses", "positive"]].sum()
    this, last = period.to_timestamp(), (period - 1).to_timestamp()
    if this not in totals.index or totals.loc[this, "responses"] < min_count:
        return [f"Too few Friends and Family Test responses in {period:%B %Y} to report."]
    n, pos = totals.loc[this]
    sentence = (
        f"{int(n):,} people answered the Friends and Family Test in {period:%B %Y}; "
        f"{100 * pos / n:.0f}% rated their experience good or very good"
    )
    if last in totals.index and totals.loc[last, "responses"] >= min_count:
        n0, pos0 = totals.loc[last]
        sentence += f" ({100 * pos0 / n0:.0f}% in {(period - 1):%B %Y})"
    return [sentence + "."]
