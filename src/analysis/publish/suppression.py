"""Small-number suppression for anything a stakeholder sees.

Reference: NHS England, *Friends and Family Test: data publication technical notes*
("suppression"): counts of 1 to 4 are suppressed, together with the percentages
calculated from them; zero is not disclosive and is shown. Where one cell of a set
that adds to a published total is suppressed, the next smallest cell of that set is
suppressed too (secondary suppression), so that the hidden value cannot be worked
back from the total. The threshold is configurable (``disclosure.min_count``) for
stricter practice such as Public Health Scotland's.

Primary suppression, with the percentage built on the count:

>>> import pandas as pd
>>> df = pd.DataFrame({"n": [0, 3, 12], "pct": [None, 66.7, 91.7]})
>>> suppress(df, count="n", dependent=["pct"], min_count=5).values.tolist()
[[0, nan], ['*', '*'], [12, 91.7]]

Secondary suppression across a row whose cells add to a shown total (3 + 20 + 30 = 53):
the 3 is suppressed, and so is the next smallest, 20.

>>> row = pd.DataFrame({"good": [30], "poor": [3], "neither": [20], "total": [53]})
>>> suppress_breakdown(row, ["good", "poor", "neither"], min_count=5).values.tolist()
[[30, '*', '*', 53]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MARK = "*"


def is_small(values: pd.Series, min_count: int) -> pd.Series:
    """True where a count is disclosive: between 1 and ``min_count`` - 1."""
    v = pd.to_numeric(values, errors="coerce")
    return (v > 0) & (v < min_count)


def suppress(
    df: pd.DataFrame, count: str, dependent: list[str], min_count: int = 5
) -> pd.DataFrame:
    """Replace small counts in ``count``, and the ``dependent`` columns beside them, by "*"."""
    out = df.copy().astype({c: "object" for c in [count, *dependent] if c in df})
    small = is_small(df[count], min_count)
    for col in [count, *dependent]:
        if col in out:
            out.loc[small, col] = MARK
    return out


def suppress_breakdown(df: pd.DataFrame, parts: list[str], min_count: int = 5) -> pd.DataFrame:
    """Suppress small counts among ``parts`` (cells that add to a shown total), row by row.

    A row with exactly one suppressed cell also loses its next smallest non-zero cell,
    so the hidden value cannot be recovered by subtraction.
    """
    values = df[parts].apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64")
    hide = (values > 0) & (values < min_count)
    single = hide.sum(axis=1) == 1
    if single.any():
        candidates = np.where(hide | (values <= 0) | np.isnan(values), np.inf, values)
        nxt = candidates.argmin(axis=1)
        rows = np.flatnonzero(single & np.isfinite(candidates.min(axis=1)))
        hide[rows, nxt[rows]] = True
    out = df.copy().astype({c: "object" for c in parts})
    for j, col in enumerate(parts):
        out.loc[hide[:, j], col] = MARK
    return out


def suppress_column_against_total(
    df: pd.DataFrame, count: str, dependent: list[str], min_count: int = 5
) -> pd.DataFrame:
    """Primary suppression of ``count`` down a table shown with a total of that column.

    If exactly one row is suppressed, the row with the next smallest non-zero count is
    suppressed too (with its ``dependent`` columns).
    """
    values = pd.to_numeric(df[count], errors="coerce")
    small = is_small(values, min_count)
    if small.sum() == 1:
        others = values.where(~small & (values > 0))
        if others.notna().any():
            small.loc[others.idxmin()] = True
    out = df.copy().astype({c: "object" for c in [count, *dependent] if c in df})
    for col in [count, *dependent]:
        if col in out:
            out.loc[small, col] = MARK
    return out
