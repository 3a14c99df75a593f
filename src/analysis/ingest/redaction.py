"""Find and redact identifiers in free text: the one detector the clean step and the publish gate share.

Kinds found, in the order they are applied, each replaced by a typed marker:

=================  ==================  ==================================================
kind               marker              what
=================  ==================  ==================================================
``email``          ``[email]``         an e-mail address
``nhs_number``     ``[NHS number]``    ten digits (``943 476 5919``, ``943-476-5919`` or
                                       run together) with a valid Modulus 11 check digit
                                       (NHS Digital data dictionary, "NHS Number"); the
                                       999 test range is included
``phone``          ``[phone]``         a UK telephone number: ``0`` or ``+44`` then 9–10
                                       digits, spaces or hyphens allowed
``date_of_birth``  ``[date of birth]`` a date after "DOB", "date of birth" or "born (on)"
``postcode``       ``[postcode]``      a UK postcode in capitals (``LE1 5WW``, ``NE11AB``)
``name``           ``[name]``          a capitalised name after a title (Dr, Mr, Mrs, Ms,
                                       Miss, Mx, Nurse, Sister, Matron, Prof …)
``staff_name``     ``[name]``          a name from the staff-name list kept with the raw
                                       data (never committed), matched as a whole word
=================  ==================  ==================================================

Markers already in real data (``[name redacted]``, ``[Date Redacted]``) are left as they are.

Two entry points:

* :func:`redact` for columns of text: vectorised with ``pyarrow.compute``
  (RE2), so a few hundred thousand comments take about a second;
* :func:`find_identifiers` for one document (a finished HTML page): what would
  be redacted, as ``(kind, match)`` pairs.

Lower-case postcodes and names without a title or not on the staff list are not
found: the detector prefers a few misses to marking ordinary words.

Example
-------
>>> texts = ["Dr Patel rang 07700 900123 about 943 476 5919", "Lovely staff [name redacted]", None]
>>> redacted, counts = redact(texts)
>>> redacted
['Dr [name] rang [phone] about [NHS number]', 'Lovely staff [name redacted]', None]
>>> {k: v for k, v in counts.items() if v}
{'nhs_number': 1, 'phone': 1, 'name': 1}
>>> find_identifiers("Write to jo@example.org, LE1 5WW")
[('email', 'jo@example.org'), ('postcode', 'LE1 5WW')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MARKERS = {
    "email": "[email]",
    "nhs_number": "[NHS number]",
    "phone": "[phone]",
    "date_of_birth": "[date of birth]",
    "postcode": "[postcode]",
    "name": "[name]",
    "staff_name": "[name]",
}
KINDS = tuple(MARKERS)

_TITLES = r"Dr|Doctor|Mr|Mrs|Ms|Miss|Mx|Nurse|Sister|Matron|Prof|Professor|Dr\.|Mr\.|Mrs\.|Ms\."
_NAME_WORD = r"[A-Z](?:[a-z]+(?:[A-Z][a-z]+)?|['’][A-Z][a-z]+)(?:-[A-Z]?[a-z]+)?"
_DATE = r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{1,2}(?:st|nd|rd|th)? [A-Za-z]{3,9}\.?,? \d{2,4}"
#: kind → (pattern, replacement). Patterns use only syntax that RE2 (pyarrow) and Python share.
PATTERNS: dict[str, tuple[str, str]] = {
    "email": (r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", "[email]"),
    "nhs_number": (r"\b\d{3}[ \-]?\d{3}[ \-]?\d{4}\b", "[NHS number]"),
    "phone": (r"(?:\+44[ \-]?(?:\(0\)[ \-]?)?|\b0)(?:\d[ \-]?){8,9}\d\b", "[phone]"),
    "date_of_birth": (
        r"(\b(?i:d\.?o\.?b\.?|date of birth|born on|born)[ :\-]*)(?:" + _DATE + r")",
        r"\1[date of birth]",
    ),
    "postcode": (r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}\b", "[postcode]"),
    "name": (r"\b(" + _TITLES + r") +" + _NAME_WORD + r"(?: " + _NAME_WORD + r")?", r"\1 [name]"),
}


#: A quick test a text must pass before a kind's full pattern is tried on it: anything the
#: pattern finds passes it (a title is found in any case, so "Doctor" and "DR" pass too).
_PREFILTER = {
    "email": "@",
    "nhs_number": r"\d{3}[ \-]?\d{3}[ \-]?\d{4}",
    "phone": r"\+44|\b0\d",
    "date_of_birth": r"(?i:dob|d\.o\.b|birth|born)",
    "postcode": r"[A-Z]\d",
    "name": "(?i:" + _TITLES.replace("\\.", "") + ")",
}


def nhs_number_is_valid(number: str) -> bool:
    """Whether ten digits carry a valid NHS number check digit (Modulus 11).

    NHS Digital data dictionary: multiply the first nine digits by 10, 9 … 2, sum,
    take the remainder on dividing by 11 and subtract it from 11; 11 means a
    check digit of 0, and 10 means the number is not valid.

    >>> nhs_number_is_valid("943 476 5919"), nhs_number_is_valid("943 476 5918")
    (True, False)
    """
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 10:
        return False
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == digits[9]


def _staff_pattern(staff_names: Iterable[str]) -> str | None:
    names = sorted(
        {" ".join(n.split()) for n in staff_names if n and n.strip()}, key=len, reverse=True
    )
    if not names:
        return None
    return r"\b(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names) + r")\b"


def _nhs_sub(text: str, count: list[int]) -> str:
    def one(m: re.Match) -> str:
        if nhs_number_is_valid(m.group()):
            count[0] += 1
            return MARKERS["nhs_number"]
        return m.group()

    return re.sub(PATTERNS["nhs_number"][0], one, text)


def _as_array(texts) -> pa.Array:
    if isinstance(texts, pa.ChunkedArray):
        return texts.combine_chunks()
    if isinstance(texts, pa.Array):
        return texts
    if isinstance(texts, pd.Series):
        return pa.array(texts.astype(object).where(texts.notna(), None).tolist(), pa.string())
    return pa.array(list(texts), pa.string())


def redact_rows(
    texts: pa.Array, staff_names: Iterable[str] = ()
) -> tuple[pa.Array, dict[str, np.ndarray]]:
    """Redact a pyarrow string array; returns it and, per kind, how many were replaced in each row.

    Only texts passing one kind's quick test (:data:`_PREFILTER`, tried all at once)
    go through the patterns; most comments hold no identifier, and most responses no comment.
    """
    full = _as_array(texts)
    n = len(full)
    per_row = {kind: np.zeros(n, dtype=np.int64) for kind in KINDS}
    steps = [(k, *PATTERNS[k], _PREFILTER[k]) for k in PATTERNS]
    staff = _staff_pattern(staff_names)
    if staff:
        steps.append(("staff_name", staff, MARKERS["staff_name"], staff))
    any_step = "|".join(f"(?:{prefilter})" for *_, prefilter in steps)
    present = pc.fill_null(pc.match_substring_regex(full, any_step), False)
    if not pc.any(present).as_py():
        return full, per_row
    where = np.flatnonzero(present.to_numpy(zero_copy_only=False))
    arr = pc.filter(full, present)
    for kind, pattern, replacement, prefilter in steps:
        candidates = pc.match_substring_regex(arr, prefilter)
        if not pc.any(candidates).as_py():
            continue
        rows = np.flatnonzero(candidates.to_numpy(zero_copy_only=False))
        if kind == "nhs_number":  # the check digit needs arithmetic: Python, on candidates only
            texts, found = [], np.zeros(len(rows), dtype=np.int64)
            for j, text in enumerate(pc.filter(arr, candidates).to_pylist()):
                count = [0]
                texts.append(_nhs_sub(text, count))
                found[j] = count[0]
            if found.any():
                per_row[kind][where[rows]] = found
                arr = pc.replace_with_mask(arr, candidates, pa.array(texts, arr.type))
            continue
        subset = pc.filter(arr, candidates)
        marker = MARKERS[kind]
        replaced = pc.replace_substring_regex(subset, pattern, replacement)
        found = pc.count_substring(replaced, marker).to_numpy(
            zero_copy_only=False
        ) - pc.count_substring(subset, marker).to_numpy(zero_copy_only=False)
        if found.any():
            per_row[kind][where[rows]] = found
            arr = pc.replace_with_mask(arr, candidates, replaced)
    return pc.replace_with_mask(full, present, arr), per_row


def redact_array(
    texts: pa.Array, staff_names: Iterable[str] = ()
) -> tuple[pa.Array, dict[str, int]]:
    """Redact a pyarrow string array; returns the redacted array and counts per kind."""
    arr, per_row = redact_rows(texts, staff_names)
    return arr, {kind: int(v.sum()) for kind, v in per_row.items()}


def redact(texts: Sequence[str | None] | pd.Series | pa.Array, staff_names: Iterable[str] = ()):
    """Redact every identifier in ``texts``; returns ``(redacted, counts)``.

    ``redacted`` has the type of ``texts`` (a list, a pandas Series with the same
    index, or a pyarrow array); ``counts`` maps each kind to how many were replaced.
    """
    arr, counts = redact_array(_as_array(texts), staff_names)
    if isinstance(texts, pd.Series):
        return pd.Series(arr.to_pylist(), index=texts.index, name=texts.name, dtype=object), counts
    if isinstance(texts, pa.Array | pa.ChunkedArray):
        return arr, counts
    return arr.to_pylist(), counts


def find_identifiers(text: str, staff_names: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Every identifier :func:`redact` would replace in ``text``, as ``(kind, match)`` pairs."""
    found: list[tuple[str, str]] = []
    steps = [(k, *PATTERNS[k]) for k in PATTERNS]
    staff = _staff_pattern(staff_names)
    if staff:
        steps.append(("staff_name", staff, MARKERS["staff_name"]))
    for kind, pattern, replacement in steps:
        compiled = re.compile(pattern)
        matches = list(compiled.finditer(text))
        if kind == "nhs_number":
            matches = [m for m in matches if nhs_number_is_valid(m.group())]
            found += [(kind, m.group()) for m in matches]
            for m in reversed(matches):
                text = text[: m.start()] + MARKERS[kind] + text[m.end() :]
            continue
        if kind in ("date_of_birth", "name"):
            found += [(kind, m.group()[len(m.group(1)) :].strip()) for m in matches]
        else:
            found += [(kind, m.group()) for m in matches]
        text = compiled.sub(replacement, text)
    return found
