"""Small-number suppression for anything a stakeholder sees.

Reference: NHS England, *Friends and Family Test data: technical guidance* — counts of
1 to 4 responses, and the percentages calculated from them, are suppressed
(shown as "*"); zero is not disclosive and is shown.

>>> import pandas as pd
>>> df = pd.DataFrame({"n": [0, 3, 12], "pct": [None, 66.7, 91.7]})
>>> suppress(df, count="n", dependent=["pct"], min_count=5).values.tolist()
[[0, nan], ['*', '*'], [12, 91.7]]
"""

from __future__ import annotations

import pandas as pd

MARK = "*"


def suppress(df: pd.DataFrame, count: str, dependent: list[str], min_count: int = 5) -> pd.DataFrame:
    """Replace counts in 1..``min_count``-1, and the ``dependent`` columns beside them, by "*"."""
    out = df.copy().astype({c: "object" for c in [count, *dependent] if c in df})
    small = (df[count] > 0) & (df[count] < min_count)
    for col in [count, *dependent]:
        if col in out:
            out.loc[small, col] = MARK
    return out
