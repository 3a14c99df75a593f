"""Suppression that survives subtraction: one pattern for every FFT figure a partnership publishes.

The reports publish, for each month, financial quarter and financial year, the FFT
responses and % positive of every service, and the totals of the whole partnership, of
each setting and of each service (``--scope`` reports, headlines, SPC charts). Hiding a
small count in one table is not enough: it could be worked back from the quarter minus
the published months, from a setting's total minus its other services, or from another
scope's table that chose a different secondary cell.

The rule (after NHS England's FFT data publication technical notes, which suppress
counts of 1 to 4 and the percentages built on them with secondary suppression "so the
suppressed value cannot be derived"; NHS Digital's *Disclosure control guidance*
(2021) and the ONS *Disclosure control guidance for tables produced from surveys*,
which require complementary suppression to hold across every linked table, including
hierarchical totals and time aggregates, and recommend auditing the pattern by linear
programming, as tau-ARGUS does):

1. **Each month is protected on its own, across the service hierarchy.** A month's
   cells are its services, its settings (the services they hold) and the partnership.
   Counts from 1 to ``min_count`` - 1 are suppressed (primary). The pattern is then
   *audited*: with every published cell as an equation, each suppressed cell as at
   least 1, and positive ratings between 0 and the responses, an integer program finds
   the least and greatest value each suppressed cell (its responses and its positive
   ratings) can take. A cell fixed to one value takes a complementary cell with it: the
   smallest published sibling (another service of its setting, another setting),
   preferably one of at least 2 with both positive and other ratings, else its parent;
   until no suppressed cell is fixed. The pattern is computed once, over all services,
   so every scope's report hides the same cells.
2. **A quarter or year is published for a service, setting or the partnership only if
   every one of its months is published there** (a month hidden hides its quarter and
   year). Every published quarter and year figure is then a sum of published months,
   so it tells nothing the months do not; the months are protected by rule 1.
3. A change on the previous period is shown only when both periods are published.

Example: two services of one setting, and a second setting with one service. Ward A has
3 responses in May, so it is hidden; its setting's total would give it away, so Ward B
(the smallest sibling) is hidden too; the quarter April–June of both wards is hidden
because May is.

>>> import pandas as pd
>>> services = pd.DataFrame({"service_id": ["A", "B", "C"], "setting": ["ward", "ward", "team"]})
>>> months = pd.to_datetime(["2024-04-01", "2024-05-01", "2024-06-01"])
>>> summary = pd.DataFrame({"service_id": [s for s in "ABC" for _ in months],
...     "month": list(months) * 3, "responses": [20, 3, 25, 30, 12, 28, 40, 41, 39],
...     "positive": [18, 2, 20, 27, 10, 25, 35, 36, 30]})
>>> d = Disclosure(summary, services, min_count=5)
>>> sorted(d.hidden(pd.Period("2024-05", "M")))
[('service', 'A'), ('service', 'B')]
>>> d.published(["A"], [pd.Period("2024-04", "M")]), d.published(["A"], d.quarter("2024-06"))
(True, False)
>>> d.published(["A", "B"], [pd.Period("2024-05", "M")])  # the setting's total
True
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import LinearConstraint, milp

Unit = tuple[str, str]  # ("service", id) | ("setting", name) | ("partnership", "")
PARTNERSHIP: Unit = ("partnership", "")
#: This module's code: a month's pattern kept on disk is reused only by the code that made it.
_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


class Disclosure:
    """The partnership's suppression pattern, month by month (see the module's rule)."""

    def __init__(
        self,
        summary: pd.DataFrame,
        services: pd.DataFrame,
        min_count: int = 5,
        cache_dir: str | os.PathLike | None = None,
    ):
        """``summary``: counts per service and month; ``cache_dir``: where each month's
        pattern is kept once computed, under a key of everything it depends on (that
        month's counts, the services and settings, ``min_count``, this module's code), so
        past months are not audited again by every report."""
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.min_count = int(min_count)
        self.setting = dict(zip(services["service_id"], services["setting"], strict=True))
        month = pd.to_datetime(summary["month"]).dt.to_period("M")
        #: without a ``positive`` column (counts of complaints, compliments) only counts are audited
        self.with_positive = "positive" in summary
        summary = summary if self.with_positive else summary.assign(positive=0)
        counts = summary.assign(month=month).groupby(["month", "service_id"])[
            ["responses", "positive"]
        ]
        self._counts = counts.sum().astype("int64")
        self._with_data = set(summary.loc[summary["responses"] > 0, "service_id"])
        self._members: dict[Unit, frozenset[str]] = {PARTNERSHIP: frozenset(self.setting)}
        for sid, setting in self.setting.items():
            self._members[("service", sid)] = frozenset([sid])
            self._members.setdefault(("setting", setting), frozenset())
            self._members[("setting", setting)] |= {sid}
        self.hidden = cache(self._hidden_kept)

    @classmethod
    def of_events(
        cls,
        events: pd.DataFrame,
        date: str,
        services: pd.DataFrame,
        min_count: int = 5,
        cache_dir: str | os.PathLike | None = None,
    ) -> Disclosure:
        """The pattern for counts of rows (complaints, compliments) per service and month of ``date``."""
        month = events[date].dt.to_period("M").dt.to_timestamp()
        counts = events.assign(month=month).groupby(["service_id", "month"]).size()
        return cls(counts.rename("responses").reset_index(), services, min_count, cache_dir)

    @staticmethod
    def quarter(last: str | pd.Period) -> list[pd.Period]:
        """The three months of the quarter ending with ``last``."""
        last = pd.Period(last, "M")
        return [last - 2, last - 1, last]

    def unit(self, service_ids: Iterable[str]) -> Unit | None:
        """The unit whose total these services make (compared on services with data)."""
        ids = frozenset(service_ids) & self._with_data
        for unit, members in self._members.items():
            if members & self._with_data == ids:
                return unit
        return None

    def published(self, service_ids: Iterable[str], months: Iterable[pd.Period]) -> bool:
        """Whether the total of ``service_ids`` over ``months`` may be published.

        A group that is not a service, setting or the partnership is published only when
        each of its services is (its total then adds nothing).
        """
        ids = list(service_ids)
        months = [pd.Period(m, "M") for m in months]
        unit = self.unit(ids)
        units = [unit] if unit else [("service", s) for s in ids]
        return all(u not in self.hidden(m) for m in months for u in units)

    def published_services(
        self, service_ids: Iterable[str], months: Iterable[pd.Period]
    ) -> pd.Series:
        """For each service id, whether its figure over ``months`` may be published."""
        months = list(months)
        ids = list(service_ids)
        return pd.Series([self.published([s], months) for s in ids], index=ids, dtype=bool)

    # --- one month ------------------------------------------------------------------------

    def _key(self, month: pd.Period) -> str:
        ids = sorted(self.setting)
        try:
            part = self._counts.loc[month].reindex(ids, fill_value=0)
        except KeyError:
            part = pd.DataFrame({"responses": [], "positive": []})
        facts = {
            "code": _CODE,
            "min_count": self.min_count,
            "with_positive": self.with_positive,
            "members": sorted([list(u), sorted(m)] for u, m in self._members.items()),
            "with_data": sorted(self._with_data),
            "counts": [ids, part["responses"].tolist(), part["positive"].tolist()],
        }
        return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()

    def _hidden_kept(self, month: pd.Period) -> frozenset[Unit]:
        """:meth:`_hidden`, read from ``cache_dir`` when this month's facts were seen before."""
        month = pd.Period(month, "M")
        if self.cache_dir is None:
            return self._hidden(month)
        path = self.cache_dir / f"{self._key(month)}.json"
        try:
            return frozenset(tuple(u) for u in json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass
        hidden = self._hidden(month)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(sorted(hidden), f)
        os.replace(tmp, path)  # whole or not at all, whoever writes it first
        return hidden

    def _hidden(self, month: pd.Period) -> frozenset[Unit]:
        """The month's suppressed units: primary, then complementary until the audit passes."""
        month = pd.Period(month, "M")
        ids = sorted(self.setting)
        try:
            part = self._counts.loc[month].reindex(ids, fill_value=0)
        except KeyError:
            return frozenset()
        r, p = part["responses"].to_numpy(), part["positive"].to_numpy()
        units = list(self._members)
        member = np.array([[sid in self._members[u] for sid in ids] for u in units], dtype=float)
        value_r, value_p = member @ r, member @ p
        hidden = {i for i, v in enumerate(value_r) if 0 < v < self.min_count}
        while True:
            # a hidden total whose parts are all shown is their sum: hide a part first
            bare = next((i for i in sorted(hidden) if self._bare(units, value_r, hidden, i)), None)
            if bare is not None:
                hidden.add(self._complement(units, value_r, value_p, hidden, bare))
                continue
            fixed = next(
                (
                    i
                    for i in sorted(hidden)
                    if _fixed(member, value_r, value_p, hidden, i, self.with_positive)
                ),
                None,
            )
            if fixed is None:
                return frozenset(units[i] for i in hidden)
            hidden.add(self._complement(units, value_r, value_p, hidden, fixed))

    def _parent(self, unit: Unit) -> Unit | None:
        if unit[0] == "service":
            return ("setting", self.setting[unit[1]])
        return PARTNERSHIP if unit[0] == "setting" else None

    def _complement(self, units, value_r, value_p, hidden, fixed: int) -> int:
        """The cell to hide with ``fixed``.

        A hidden total whose parts are all shown gives up its smallest part; otherwise the
        smallest shown sibling (another service of the setting, another setting) is hidden,
        preferring one of at least 2 with both positive and other ratings and one whose
        parts already include a hidden one; with no sibling left, the parent is, or the
        parent's siblings when the parent is hidden already.
        """

        def key(i):
            r, p = value_r[i], value_p[i]
            children = self._children(units, units[i])
            covered = not children or any(c in hidden for c in children)
            varied = r >= 2 and (0 < p < r or not self.with_positive)
            return (0 if covered else 1, 0 if varied else 1, r, units[i])

        def shown(cells):
            return [i for i in cells if i not in hidden and value_r[i] >= 1]

        parts = self._children(units, units[fixed])
        if parts and not any(c in hidden for c in parts) and shown(parts):
            return min(shown(parts), key=key)
        cell = fixed
        while True:
            parent = self._parent(units[cell])
            siblings = shown(
                i
                for i, u in enumerate(units)
                if i != cell and u[0] == units[cell][0] and self._parent(u) == parent
            )
            if siblings:
                return min(siblings, key=key)
            if parent is None:
                break
            if units.index(parent) not in hidden:
                return units.index(parent)
            cell = units.index(parent)
        rest = shown(range(len(units)))
        if not rest:  # cannot happen: a fixed cell needs a shown one to be fixed by
            raise RuntimeError("disclosure audit: no cell left to suppress")
        return min(rest, key=key)

    def _bare(self, units, value_r, hidden, i: int) -> bool:
        parts = self._children(units, units[i])
        return bool(parts) and not any(c in hidden for c in parts) and value_r[i] > 0

    def _children(self, units, unit: Unit) -> list[int]:
        return [i for i, u in enumerate(units) if u != unit and self._parent(u) == unit]


def _fixed(
    member: np.ndarray, value_r, value_p, hidden: set[int], cell: int, positive: bool = True
) -> bool:
    """Whether the published cells fix the responses or positive ratings of ``cell``."""
    n = member.shape[1]
    shown = [i for i in range(len(member)) if i not in hidden]
    rows, lo, hi = [], [], []
    for i in shown:
        rows += [np.r_[member[i], np.zeros(n)], np.r_[np.zeros(n), member[i]]]
        lo += [value_r[i], value_p[i]]
        hi += [value_r[i], value_p[i]]
    for i in hidden:
        rows.append(np.r_[member[i], np.zeros(n)])
        lo.append(1)
        hi.append(np.inf)
    rows += list(np.c_[-np.eye(n), np.eye(n)])  # p <= r
    lo += [-np.inf] * n
    hi += [0] * n
    constraint = LinearConstraint(np.array(rows), lo, hi)
    for offset in (0, n) if positive else (0,):
        c = np.r_[member[cell], np.zeros(n)] if offset == 0 else np.r_[np.zeros(n), member[cell]]
        low = milp(c, integrality=np.ones(2 * n), bounds=(0, np.inf), constraints=constraint)
        high = milp(-c, integrality=np.ones(2 * n), bounds=(0, np.inf), constraints=constraint)
        if high.status == 3:  # unbounded above: free
            continue
        if low.status == 0 and high.status == 0 and round(-high.fun) - round(low.fun) < 1:
            return True
    return False


def blank_hidden(
    series: pd.DataFrame, disclosure: Disclosure, service_ids: Iterable[str], columns: list[str]
) -> pd.DataFrame:
    """``series`` (one row per ``month``) with ``columns`` blanked in the months whose total of
    ``service_ids`` the pattern hides: a chart shows those months as gaps, not points.

    >>> services = pd.DataFrame({"service_id": ["A", "B"], "setting": ["ward", "ward"]})
    >>> summary = pd.DataFrame({"service_id": ["A", "B"], "month": pd.to_datetime(["2024-05-01"] * 2),
    ...     "responses": [3, 40], "positive": [2, 30]})
    >>> s = pd.DataFrame({"month": pd.to_datetime(["2024-05-01"]), "responses": [3.0]})
    >>> blank_hidden(s, Disclosure(summary, services, 5), ["A"], ["responses"])["responses"].isna().all()
    np.True_
    """
    if series.empty:
        return series
    ids = list(service_ids)
    months = pd.to_datetime(series["month"]).dt.to_period("M")
    hidden = [not disclosure.published(ids, [m]) for m in months]
    out = series.copy()
    out[columns] = out[columns].astype("float64")
    out.loc[hidden, columns] = np.nan
    return out
