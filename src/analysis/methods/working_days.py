"""Working days per nation: Monday to Friday, less that nation's bank holidays.

Bank holidays come from the maintained ``holidays`` library (offline, no download):
England and Wales share a calendar (Easter Monday, early May, spring and summer bank
holidays on the last Mondays of May and August); Scotland's differs (2 January,
no Easter Monday, summer bank holiday on the first Monday of August, St Andrew's Day
on 30 November or the Monday after when it falls at a weekend).

Counting follows the Local Authority Social Services and National Health Service
Complaints (England) Regulations 2009, reg. 13: "not later than 3 working days
*after the day on which it receives the complaint*" — the day of receipt is not
counted, each later working day up to and including the day of the reply is.

>>> import pandas as pd
>>> cal = WorkingDays("england")
>>> # Received Thursday 28 March 2024; Good Friday and Easter Monday are bank holidays.
>>> cal.elapsed(pd.Timestamp("2024-03-28"), pd.Timestamp("2024-04-03"))
2
>>> cal.deadline(pd.Timestamp("2024-03-28"), 3)
Timestamp('2024-04-04 00:00:00')
"""

from __future__ import annotations

from functools import cached_property

import holidays
import numpy as np
import pandas as pd

#: ``holidays`` subdivisions of the United Kingdom for each nation the project knows.
SUBDIVISIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern_ireland": "NIR"}
_YEARS = range(1995, 2051)


class WorkingDays:
    """A nation's working-day calendar.

    ``extra_closures`` adds local non-working days (e.g. a board's local holidays),
    as dates.
    """

    def __init__(self, nation: str, extra_closures: list | None = None):
        if nation not in SUBDIVISIONS:
            raise ValueError(
                f"no working-day calendar for nation {nation!r}; use one of {sorted(SUBDIVISIONS)}"
            )
        self.nation = nation
        self.extra_closures = [pd.Timestamp(d) for d in extra_closures or []]

    @cached_property
    def bank_holidays(self) -> dict:
        """Date → name of every bank holiday from 1995 to 2050."""
        return dict(holidays.country_holidays("GB", subdiv=SUBDIVISIONS[self.nation], years=_YEARS))

    @cached_property
    def _closed(self) -> np.ndarray:
        days = [np.datetime64(d, "D") for d in self.bank_holidays]
        days += [np.datetime64(d.date(), "D") for d in self.extra_closures]
        return np.array(sorted(set(days)), dtype="datetime64[D]")

    def is_working_day(self, day) -> bool:
        return bool(
            np.is_busday(np.datetime64(pd.Timestamp(day).date(), "D"), holidays=self._closed)
        )

    def elapsed(self, start, end, receipt_day: bool = False):
        """Working days after ``start`` up to and including ``end``.

        With ``receipt_day`` the day of ``start`` counts too when it is a working day
        (procedures that number the day a complaint arrives as day 1).
        Element-wise on Series (missing dates give <NA>); scalars give an int.
        """
        s, scalar = _as_dates(start)
        e, _ = _as_dates(end)
        ok = (s.notna() & e.notna()).to_numpy()
        out = pd.Series(pd.NA, index=s.index, dtype="Int64")
        if ok.any():
            a = s[ok].to_numpy().astype("datetime64[D]") + (0 if receipt_day else 1)
            b = e.set_axis(s.index)[ok].to_numpy().astype("datetime64[D]") + 1
            out[ok] = np.busday_count(a, b, holidays=self._closed)
        return (None if pd.isna(out.iloc[0]) else int(out.iloc[0])) if scalar else out

    def deadline(self, start, days: int, receipt_day: bool = False):
        """The last day still within ``days`` working days after ``start`` (see :meth:`elapsed`)."""
        s, scalar = _as_dates(start)
        ok = s.notna().to_numpy()
        out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
        if ok.any():
            day_one = s[ok].to_numpy().astype("datetime64[D]") + (0 if receipt_day else 1)
            first = np.busday_offset(day_one, 0, roll="forward", holidays=self._closed)
            due = np.busday_offset(first, days - 1, holidays=self._closed)
            out[ok] = due.astype("datetime64[ns]")
        return out.iloc[0] if scalar else out


def _as_dates(x) -> tuple[pd.Series, bool]:
    scalar = np.ndim(x) == 0
    series = pd.Series([x]) if scalar else pd.Series(x)
    return pd.to_datetime(series).astype("datetime64[ns]"), scalar
