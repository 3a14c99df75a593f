"""Dates as exported (``03/04/2024``, ``4/3/2024``, ``2024-04-03``, ``3 Apr 2024``) → calendar dates.

Day-first unless the source says otherwise (``date_order: mdy``), and never a
silent swap: the rows of a column (or of each group of rows, ``date_order_by``)
are read as evidence. A row whose first part is above 12 proves day-first; one
whose second part is above 12 proves month-first. When the evidence contradicts
the configured order:

* **slips**: when the rows proving the other order are a handful (at most
  :data:`SLIP_SHARE` of the rows proving either order, e.g. two month-first dates
  among five hundred day-first ones), they are quarantined as ``date_order_mixed``
  with their line, and the column keeps its configured order, so its ambiguous
  rows are read that way rather than all quarantined for a couple of slips;
* **a mixture** (more than a handful): each unambiguous row follows its own proof
  and the ambiguous rows (both parts 12 or less, and different) are quarantined as
  ``ambiguous_date_order``, unless ``ambiguous_date_order`` in the configuration
  settles them (which also accepts slips as the order they prove). A column proven
  only the other way round is read that way (the configuration was wrong).
ISO dates (year first) and dates with month names are never ambiguous. A time
after the date is allowed and dropped.

The period an export covers is evidence too (see :mod:`analysis.ingest.convert`): an
ambiguous date that falls outside the period while its other reading falls inside it
looks swapped, and is quarantined as ``ambiguous_date_order`` rather than read either way.

Everything here is vectorised (``pyarrow.compute`` regular expressions and
NumPy date arithmetic): a million dates take well under a second.

Example
-------
>>> r = parse_dates(["03/04/2024", "13/04/2024", "4/15/2024", "2024-02-30", "soon"])
>>> [str(d)[:10] for d in r.dates]
['NaT', '2024-04-13', '2024-04-15', 'NaT', 'NaT']
>>> r.problems.tolist()
['ambiguous_date_order', None, None, 'invalid_date', 'unparseable_date']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.ingest.frames import dictionary_array
from analysis.ingest.values import no_problems, problem_names

ORDERS = ("dmy", "mdy")
#: Rows proving the order against the configured one, as a share of all rows proving an
#: order, up to which they are slips in a column of the configured order, not a mixture:
#: reading the column's ambiguous rows the configured way then errs on about this share.
SLIP_SHARE = 0.01
_NUMERIC = (
    r"^\s*(?P<p1>\d{1,4})[/.\-](?P<p2>\d{1,2})[/.\-](?P<p3>\d{2,4})"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?)?\s*$"
)
_NAMED = r"^\s*(?P<day>\d{1,2})(?:st|nd|rd|th)?[ \-/]+(?P<mon>[A-Za-z]{3,9})\.?[ \-/,]+(?P<year>\d{2,4})\s*$"
_MONTH_ONLY = [
    (r"^\s*(?P<year>\d{4})[-/](?P<mon>\d{1,2})\s*$", "number"),
    (r"^\s*(?P<mon>\d{1,2})[-/](?P<year>\d{4})\s*$", "number"),
    (r"^\s*(?P<mon>[A-Za-z]{3,9})\.?[ \-/]+(?P<year>\d{2,4})\s*$", "name"),
]
MONTH_NAMES = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
PROBLEM_MESSAGES = {
    "unparseable_date": "not a date in any accepted form (dd/mm/yyyy, yyyy-mm-dd, 3 Apr 2024 …)",
    "invalid_date": "no such calendar date",
    "ambiguous_date_order": (
        "ambiguous date order: this column holds both day-first and month-first dates, and "
        "both parts of this one are 12 or less; set `ambiguous_date_order` for the source to settle it"
    ),
    "date_order_mixed": (
        "day and month the other way round from the rest of the column (a slip: almost every "
        "row proving an order proves the configured one), so it is not read the other way "
        "round; check the row, or set `ambiguous_date_order` if the column really mixes orders"
    ),
    "missing_date": "no date given",
}


@dataclass
class ParsedDates:
    """Dates (``datetime64[ns]``, NaT where not parsed), a problem per row, the evidence found."""

    dates: np.ndarray
    problems: np.ndarray  # object array: None or a key of PROBLEM_MESSAGES
    evidence: dict  # group → {"dmy": rows proving day-first, "mdy": rows proving month-first}
    other_reading: np.ndarray | None = None  # ambiguous rows read the other way round (else NaT)
    proves: tuple[np.ndarray, np.ndarray] | None = None  # rows proving day-first, month-first


def _as_strings(values) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values.cast(pa.string())
    if isinstance(values, pd.Series):
        values = values.astype(object).where(values.notna(), None).tolist()
    return pa.array([None if v is None else str(v) for v in values], pa.string())


def _field_ints(struct: pa.StructArray, name: str) -> np.ndarray:
    col = pc.struct_field(struct, name)
    return pc.fill_null(pc.cast(col, pa.int64(), safe=False), -1).to_numpy(zero_copy_only=False)


def _month_numbers(names: pa.Array) -> np.ndarray:
    lowered = pc.utf8_lower(pc.fill_null(names, ""))
    keys = pa.array(list(MONTH_NAMES), pa.string())
    idx = pc.index_in(lowered, value_set=keys).to_numpy(zero_copy_only=False)
    lookup = np.array(list(MONTH_NAMES.values()) + [-1])
    idx = np.where(np.isnan(idx.astype(float)), len(keys), idx).astype(np.int64)
    return lookup[idx]


def _full_year(year: np.ndarray) -> np.ndarray:
    """Two-digit years are this century (exports do not go back to the 1900s)."""
    return np.where((year >= 0) & (year < 100), year + 2000, year)


def assemble(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``datetime64[ns]`` from parts, and whether each is a real calendar date."""
    ok = (year >= 1900) & (year <= 2100) & (month >= 1) & (month <= 12) & (day >= 1)
    y, m = np.where(ok, year, 1970), np.where(ok, month, 1)
    first = ((y - 1970) * 12 + (m - 1)).astype("datetime64[M]")
    days_in_month = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(
        int
    )
    ok &= day <= days_in_month
    d = np.where(ok, day, 1)
    dates = (first.astype("datetime64[D]") + (d - 1)).astype("datetime64[ns]")
    return np.where(ok, dates, np.datetime64("NaT", "ns")), ok


def parse_dates(
    values, order: str = "dmy", ambiguous: str | None = None, groups=None, counts=None
) -> ParsedDates:
    """Parse exported dates; see the module docstring for the rules.

    ``groups`` (optional, one key per row) names sets of rows whose order is
    judged separately, e.g. the organisation that exported them. ``counts``
    (optional) says how many rows each value stands for, when distinct values are
    parsed once for many rows, so the evidence is weighed in rows.
    """
    if order not in ORDERS + ("ymd",):
        raise ValueError(f"date order {order!r} is not one of dmy, mdy, ymd")
    if ambiguous is not None and ambiguous not in ORDERS:
        raise ValueError(f"ambiguous_date_order {ambiguous!r} is not dmy or mdy")
    text = values.cast(pa.string()) if isinstance(values, pa.ChunkedArray) else _as_strings(values)
    n = len(text)
    if groups is None and n >= 10_000:
        # An export holds few distinct dates: parse each once, then spread to the rows.
        encoded = dictionary_array(text)
        distinct = pa.concat_arrays([encoded.dictionary, pa.array([None], pa.string())])
        if 4 * len(distinct) < n:
            index = pc.fill_null(encoded.indices, len(distinct) - 1).to_numpy(zero_copy_only=False)
            rows = np.bincount(index, minlength=len(distinct))
            once = parse_dates(distinct, order, ambiguous, counts=rows)
            day_first, month_first = once.proves
            evidence = {
                "all": {"dmy": int(rows[day_first].sum()), "mdy": int(rows[month_first].sum())}
            }
            return ParsedDates(
                once.dates[index],
                once.problems[index] if pd.notna(once.problems).any() else no_problems(n),
                evidence,
                once.other_reading[index],
                (day_first[index], month_first[index]),
            )
    text = _as_strings(text)
    blank = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(text), ""), True).to_numpy(
        zero_copy_only=False
    )

    num = pc.extract_regex(text, _NUMERIC)
    matched = num.is_valid().to_numpy(zero_copy_only=False)
    p1, p2, p3 = (_field_ints(num, k) for k in ("p1", "p2", "p3"))
    p1_len = pc.fill_null(pc.utf8_length(pc.struct_field(num, "p1")), 0).to_numpy(
        zero_copy_only=False
    )
    iso = matched & (p1_len == 4)
    triple = (
        matched
        & ~iso
        & (p3 >= 0)
        & (
            pc.fill_null(pc.utf8_length(pc.struct_field(num, "p3")), 0).to_numpy(
                zero_copy_only=False
            )
            != 3
        )
    )
    a, b = p1, p2
    proves_dmy = triple & (a > 12) & (b <= 12)
    proves_mdy = triple & (b > 12) & (a <= 12)
    is_ambiguous = triple & (a <= 12) & (b <= 12) & (a != b)

    if groups is None:
        codes, keys = np.zeros(n, dtype=np.int64), np.array(["all"], dtype=object)
    else:
        codes, keys = pd.factorize(
            pd.Series(
                list(groups) if not isinstance(groups, pd.Series) else groups, dtype=object
            ).fillna(""),
            sort=True,
        )
    k = len(keys)
    weight = 1 if counts is None else np.asarray(counts)
    dmy_votes = np.bincount(codes, weights=proves_dmy * weight, minlength=k)
    mdy_votes = np.bincount(codes, weights=proves_mdy * weight, minlength=k)
    evidence = {
        str(g): {"dmy": int(dmy_votes[i]), "mdy": int(mdy_votes[i])} for i, g in enumerate(keys)
    }

    wrong_way = np.zeros(n, dtype=bool)
    if order == "ymd":
        contradicted = np.zeros(k, dtype=bool)
        day_first = np.zeros(n, dtype=bool)
    else:
        against, own = (mdy_votes, dmy_votes) if order == "dmy" else (dmy_votes, mdy_votes)
        contradicted = against > 0
        if ambiguous is None:  # a handful against the configured order: slips, quarantined
            slips = contradicted & (against <= SLIP_SHARE * (against + own))
            wrong_way = slips[codes] & (proves_mdy if order == "dmy" else proves_dmy)
            contradicted = contradicted & ~slips
        row_contradicted = contradicted[codes]
        settled = order if ambiguous is None else ambiguous
        day_first = np.where(
            row_contradicted,
            np.where(proves_dmy, True, np.where(proves_mdy, False, settled == "dmy")),
            order == "dmy",
        )
    quarantine_ambiguous = is_ambiguous & contradicted[codes] & (ambiguous is None)

    year = np.where(iso, p1, _full_year(p3)).astype(np.int64)
    month = np.where(iso, p2, np.where(day_first, b, a)).astype(np.int64)
    day = np.where(iso, p3, np.where(day_first, a, b)).astype(np.int64)

    named_ok = np.zeros(n, dtype=bool)
    rest = np.flatnonzero(~matched & ~blank)
    if len(rest):  # month names: tried only where the numeric forms did not match
        named = pc.extract_regex(pc.take(text, pa.array(rest)), _NAMED)
        hit = named.is_valid().to_numpy(zero_copy_only=False)
        named_ok[rest[hit]] = True
        year[rest] = np.where(hit, _full_year(_field_ints(named, "year")), year[rest])
        month[rest] = np.where(hit, _month_numbers(pc.struct_field(named, "mon")), month[rest])
        day[rest] = np.where(hit, _field_ints(named, "day"), day[rest])

    parsed_any = iso | triple | named_ok
    dates, valid = assemble(year, month, day)
    problems = problem_names(
        n,
        (~parsed_any, "unparseable_date"),
        (parsed_any & ~valid, "invalid_date"),
        (quarantine_ambiguous, "ambiguous_date_order"),
        (wrong_way, "date_order_mixed"),
        (blank, "missing_date"),
    )
    ok = parsed_any & valid & ~quarantine_ambiguous & ~wrong_way & ~blank  # no problem
    dates = np.where(ok, dates, np.datetime64("NaT", "ns"))
    other, other_ok = assemble(
        year,
        np.where(iso, p2, np.where(day_first, a, b)).astype(np.int64),
        np.where(iso, p3, np.where(day_first, b, a)).astype(np.int64),
    )
    parsed_ok = pd.isna(problems)
    other = np.where(is_ambiguous & other_ok & parsed_ok, other, np.datetime64("NaT", "ns"))
    return ParsedDates(
        dates.astype("datetime64[ns]"),
        problems,
        evidence,
        other.astype("datetime64[ns]"),
        (proves_dmy, proves_mdy),
    )


def parse_months(values) -> ParsedDates:
    """Months (``2024-04``, ``04/2024``, ``Apr-24``, ``April 2024`` or a full date) → first of month.

    >>> [str(d)[:10] for d in parse_months(["2024-04", "Apr-24", "15/04/2024", "April 2024"]).dates]
    ['2024-04-01', '2024-04-01', '2024-04-01', '2024-04-01']
    """
    text = _as_strings(values)
    n = len(text)
    year, month = np.full(n, -1), np.full(n, -1)
    found = np.zeros(n, dtype=bool)
    for pattern, kind in _MONTH_ONLY:
        m = pc.extract_regex(text, pattern)
        hit = m.is_valid().to_numpy(zero_copy_only=False) & ~found
        if not hit.any():
            continue
        mon = (
            _field_ints(m, "mon") if kind == "number" else _month_numbers(pc.struct_field(m, "mon"))
        )
        year = np.where(hit, _full_year(_field_ints(m, "year")), year)
        month = np.where(hit, mon, month)
        found |= hit
    full = parse_dates(text)
    full_month = full.dates.astype("datetime64[M]").astype("datetime64[ns]")
    dates, valid = assemble(year, month, np.ones(n, dtype=np.int64))
    problems = np.where(found, np.where(valid, None, "invalid_date"), full.problems).astype(object)
    dates = np.where(found, dates, full_month)
    return ParsedDates(dates.astype("datetime64[ns]"), problems, full.evidence)
