"""Fingertips' "compare with benchmark": significantly better, similar or worse.

Reference: OHID Fingertips *Public Health Technical Guidance* ("Comparing with a
benchmark" in the confidence-intervals chapter) as the R package fingertipscharts
implements it (ukhsa-collaboration/fingertipscharts, ``R/dummy_data.R``: an area is
*Higher* when the lower confidence limit is above the benchmark value, *Lower* when the
upper limit is below it, *Similar* otherwise; with a polarity "RAG - High is good" or
"RAG - Low is good" Higher/Lower become Better/Worse; "BOB" keeps Higher/Lower; "Not
applicable" polarity gives "None"), with the colours of ``scale_fill_phe``
(``R/theme.R``).

Intervals come from :mod:`analysis.methods.intervals`, as PHEindicatormethods computes
them: Wilson for proportions, exact Poisson below 10 events and Byar's from 10 for
counts and rates. Fingertips compares at 95% and at 99.8%; :func:`compare_levels` gives
both.

>>> compare_proportion(90, 100, benchmark=0.8, polarity="RAG - High is good")
['Better']
>>> compare_proportion(82, 100, benchmark=0.8, polarity="BOB - Blue orange blue")
['Similar']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.methods.intervals import rate_limits, wilson

POLARITIES = (
    "RAG - High is good",
    "RAG - Low is good",
    "BOB - Blue orange blue",
    "Not applicable",
)
#: Fingertips' fills (fingertipscharts ``scale_fill_phe``): RAG and BOB schemes.
COLOURS = {
    "Better": "#92D050",
    "Similar": "#FFC000",
    "Worse": "#C00000",
    "Higher": "#BED2FF",
    "Lower": "#5555E6",
    "Not compared": "#C9C9C9",
    "None": "#A6A6A6",
}
RAG = ("Better", "Similar", "Worse")
BOB = ("Higher", "Similar", "Lower")
LEVELS = (0.95, 0.998)


def polarity_for(improvement_direction: str) -> str:
    """The Fingertips polarity of an SPC ``improvement_direction``."""
    return {
        "increase": "RAG - High is good",
        "decrease": "RAG - Low is good",
        "neutral": "BOB - Blue orange blue",
    }[improvement_direction]


def compare_interval(lower, upper, benchmark, polarity: str = "RAG - High is good") -> list[str]:
    """Each value's comparison from its interval ``(lower, upper)`` against ``benchmark``.

    Missing limits or a missing benchmark give ``"Not compared"``.
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {', '.join(POLARITIES)}, not {polarity!r}")
    lo = np.atleast_1d(np.asarray(lower, dtype="float64"))
    hi = np.atleast_1d(np.asarray(upper, dtype="float64"))
    b = np.broadcast_to(np.asarray(benchmark, dtype="float64"), lo.shape)
    if polarity == "Not applicable":
        return ["None"] * len(lo)
    higher, lower_ = lo > b, hi < b
    if polarity.startswith("RAG"):
        up, down = ("Better", "Worse") if "High" in polarity else ("Worse", "Better")
    else:
        up, down = "Higher", "Lower"
    out = np.select([higher, lower_], [up, down], default="Similar").astype(object)
    missing = np.isnan(lo) | np.isnan(hi) | np.isnan(b)
    out[missing] = "Not compared"
    return out.tolist()


def compare_proportion(
    x, n, benchmark, polarity: str = "RAG - High is good", confidence: float = 0.95
) -> list[str]:
    """Compare ``x / n`` with a benchmark proportion (0–1) by its Wilson interval."""
    x = np.atleast_1d(np.asarray(x, dtype="float64"))
    n = np.atleast_1d(np.asarray(n, dtype="float64"))
    ok = (n > 0) & ~np.isnan(x) & (x >= 0) & (x <= n)
    lo = np.full(x.shape, np.nan)
    hi = np.full(x.shape, np.nan)
    if ok.any():
        lo[ok], hi[ok] = wilson(x[ok], n[ok], confidence)
    return compare_interval(lo, hi, benchmark, polarity)


def compare_rate(
    x,
    n,
    benchmark,
    polarity: str = "RAG - Low is good",
    multiplier: float = 1.0,
    confidence: float = 0.95,
) -> list[str]:
    """Compare the rate ``x / n × multiplier`` with a benchmark rate (Byar's / exact Poisson)."""
    x = np.atleast_1d(np.asarray(x, dtype="float64"))
    n = np.atleast_1d(np.asarray(n, dtype="float64"))
    ok = (n > 0) & ~np.isnan(x) & (x >= 0)
    lo = np.full(x.shape, np.nan)
    hi = np.full(x.shape, np.nan)
    if ok.any():
        lo[ok], hi[ok] = rate_limits(x[ok], n[ok], multiplier, confidence)
    return compare_interval(lo, hi, benchmark, polarity)


def compare_levels(
    data: pd.DataFrame,
    numerator: str,
    denominator: str,
    benchmark: str,
    polarity: str = "RAG - High is good",
    kind: str = "proportion",
) -> pd.DataFrame:
    """The data with ``compared_95`` and ``compared_998`` (and their ``colour_…``) columns.

    ``benchmark`` names the column holding each row's benchmark (as a proportion 0–1
    for ``kind="proportion"``, a rate per unit of denominator for ``kind="rate"``).
    """
    for col in (numerator, denominator, benchmark):
        if col not in data.columns:
            raise ValueError(f"{col!r} is not a column of the data")
    if kind not in ("proportion", "rate"):
        raise ValueError(f"kind must be 'proportion' or 'rate', not {kind!r}")
    compare = compare_proportion if kind == "proportion" else compare_rate
    out = data.copy()
    for level, name in ((0.95, "95"), (0.998, "998")):
        result = compare(
            data[numerator].to_numpy(dtype="float64"),
            data[denominator].to_numpy(dtype="float64"),
            data[benchmark].to_numpy(dtype="float64"),
            polarity,
            confidence=level,
        )
        out[f"compared_{name}"] = result
        out[f"colour_{name}"] = [COLOURS[r] for r in result]
    return out
