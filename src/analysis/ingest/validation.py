"""Row rules: the first rule a row breaks sends it to quarantine with the column, value and rule.

:class:`Problems` collects, per row of one file, the first rule broken; the
quarantine table is built from it, so each quarantined input row appears once
and the counts add up. Service references go through the service-code mapping
with effective dates (:func:`service_ids`), so a renamed or merged service
keeps its history.

Example
-------
>>> import numpy as np
>>> p = Problems(3)
>>> p.flag(np.array([True, False, True]), "Rating", "unknown_rating", "not a rating")
>>> p.flag(np.array([True, True, False]), "Date", "invalid_date", "no such date")
>>> p.rules.tolist(), int(p.bad.sum())
(['unknown_rating', 'invalid_date', 'unknown_rating'], 3)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.ingest.frames import dictionary_array
from analysis.ingest.values import no_problems, problem_names, take_text

RULE_MESSAGES = {
    "missing_service_code": "no service code given",
    "unknown_service_code": "service code not in the configuration's services `codes`",
    "service_code_not_in_effect": "service code not in effect on this row's date (see `valid_from`/`valid_to`)",
    "unknown_service_id": "service id not among the configuration's services",
    "date_after_period_end": "date later than the end of the period the export covers",
    "date_before": "date earlier than the date it follows",
    "wrong_field_count": "row has a different number of fields from the header",
    "conflicting_duplicate_id": "same identifier as an earlier row of the same file, with different values",
    "conflicting_response": "rows of the same response disagree on the response's own fields",
    "positive_exceeds_responses": "positive answers exceed responses",
    "percent_out_of_range": "percentage outside 0 to 100",
}


class Problems:
    """The first rule each row of a file breaks (``None`` where it breaks none)."""

    def __init__(self, n: int):
        self.bad = np.zeros(n, dtype=bool)  # rows that broke a rule
        # Per row: the rule, the column and the message (made at the first problem found).
        self.rules = self.columns = self.messages = no_problems(n)

    def flag(self, mask, column: str, rule: str, message: str | np.ndarray) -> None:
        """Record ``rule`` for rows in ``mask`` not already quarantined."""
        new = np.asarray(mask, dtype=bool) & ~self.bad
        if not new.any():
            return
        if not self.bad.any():
            self.rules, self.columns, self.messages = (
                np.full(len(self.bad), None, dtype=object) for _ in range(3)
            )
        self.bad |= new
        self.rules[new] = rule
        self.columns[new] = column
        self.messages[new] = message[new] if isinstance(message, np.ndarray) else message

    def flag_each(self, problems: np.ndarray, column: str, messages: dict[str, str]) -> None:
        """Record per-row problem names (from a parser) with their messages."""
        problems = np.asarray(problems, dtype=object)
        named = pd.notna(problems)
        if not named.any():
            return
        for rule in pd.unique(problems[named]):
            self.flag(problems == rule, column, rule, messages[rule])


def service_ids(codes, dates: np.ndarray, code_table: pd.DataFrame, source: str):
    """Map exported service codes to service ids on each row's date: ``(ids, problems)``.

    ``code_table`` is the ``service_codes`` table; a code applies to rows whose
    date is within ``valid_from``…``valid_to`` (either open) and whose source is
    the code's ``source`` (or any, for ``all``). Codes compare without case, and
    any run of spaces (a non-breaking one included) counts as one space.
    ``ids`` is a pyarrow text array (null where no service applies).
    """
    if not isinstance(codes, pa.Array | pa.ChunkedArray):
        codes = pa.array([None if pd.isna(c) else str(c) for c in codes], pa.string())
    n = len(codes)
    # Few distinct codes: each is normalised once, then the rows follow their code's position.
    encoded = dictionary_array(pc.fill_null(codes.cast(pa.string()), ""))
    index = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    unique_keys = np.array(
        [" ".join(u.split()).casefold() for u in encoded.dictionary.to_pylist()], dtype=object
    )
    table = code_table[code_table["source"].isin(["all", source])]
    table_keys = np.array(
        [" ".join(str(c).split()).casefold() for c in table["code"]], dtype=object
    )
    dates = pd.to_datetime(dates).to_numpy() if len(dates) else np.array([], dtype="datetime64[ns]")
    service_list = list(dict.fromkeys(table["service_id"]))
    # The configured entries in order, each as the distinct codes it applies to. A code's rows
    # take the first entry in effect on their date; an entry without dates settles all the
    # code's remaining rows, so only codes with dated entries are looked at row by row.
    known_codes = np.zeros(len(unique_keys), dtype=bool)
    settled = np.full(len(unique_keys), -1, dtype=np.int64)  # position in service_list
    dated = np.zeros(len(unique_keys), dtype=bool)
    steps = []
    for key, entry in zip(table_keys, table.itertuples(index=False), strict=True):
        hit = unique_keys == key
        known_codes |= hit
        live = hit & (settled < 0)
        if not live.any():
            continue
        start, end = pd.Timestamp(entry.valid_from), pd.Timestamp(entry.valid_to)
        position = service_list.index(entry.service_id)
        if pd.isna(start) and pd.isna(end):
            settled[live] = position
        else:
            dated |= live
        steps.append((live, start, end, position))
    ids = np.where(dated[index], -1, settled[index])
    by_date = np.flatnonzero(dated[index])
    if len(by_date):
        codes_of, dates_of = index[by_date], dates[by_date]
        found = np.full(len(by_date), -1, dtype=np.int64)
        for live, start, end, position in steps:
            in_effect = live[codes_of] & (found < 0)
            if not pd.isna(start):
                in_effect &= np.isnat(dates_of) | (dates_of >= start.to_datetime64())
            if not pd.isna(end):
                in_effect &= np.isnat(dates_of) | (dates_of <= end.to_datetime64())
            found[in_effect] = position
        ids[by_date] = found
    known = known_codes[index]
    blank = (unique_keys == "")[index] if n else np.zeros(0, dtype=bool)
    problems = problem_names(
        n,
        (blank, "missing_service_code"),
        (~blank & ~known, "unknown_service_code"),
        (~blank & known & (ids < 0), "service_code_not_in_effect"),
    )
    return take_text(service_list, ids), problems
