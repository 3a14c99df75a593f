"""Reporting periods: a month, a financial quarter or a financial year (April to March).

>>> p = Period.of("quarter", pd.Period("2025-03", "M"))
>>> p.label, [str(m) for m in p.months], str(p.previous[0])
('Q4 2024/25 (January to March 2025)', ['2025-01', '2025-02', '2025-03'], '2024-10')
>>> Period.of("year", pd.Period("2025-03", "M")).label
'2024/25 (April 2024 to March 2025)'
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

LENGTH = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Period:
    """A reporting period (month, financial quarter or year): its months and the previous ones."""

    kind: str
    months: tuple[pd.Period, ...]
    previous: tuple[pd.Period, ...]
    label: str

    @classmethod
    def of(cls, kind: str, last: pd.Period) -> Period:
        """The ``kind`` of period ending with month ``last`` (a quarter or year must end in
        June, September, December or March, as financial quarters do)."""
        if kind not in LENGTH:
            raise ValueError(f"period kind {kind!r} is not one of {sorted(LENGTH)}")
        n = LENGTH[kind]
        if kind == "quarter" and last.month % 3:
            raise ValueError(
                f"{last} does not end a financial quarter (June, September, December, March)"
            )
        if kind == "year" and last.month != 3:
            raise ValueError(f"{last} does not end a financial year (March)")
        months = tuple(last - i for i in range(n - 1, -1, -1))
        previous = tuple(m - n for m in months)
        fy = last.year if last.month <= 3 else last.year + 1  # the year the financial year ends
        span = (
            f"{months[0]:%B}" + (f" {months[0]:%Y}" if kind == "year" else "") + f" to {last:%B %Y}"
        )
        if kind == "month":
            label = f"{last:%B %Y}"
        elif kind == "quarter":
            q = {6: 1, 9: 2, 12: 3, 3: 4}[last.month]
            label = f"Q{q} {fy - 1}/{str(fy)[2:]} ({span})"
        else:
            label = f"{fy - 1}/{str(fy)[2:]} ({span})"
        return cls(kind, months, previous, label)

    def contains(self, dates: pd.Series) -> pd.Series:
        """Whether each date falls in the period."""
        return dates.dt.to_period("M").isin(self.months)
