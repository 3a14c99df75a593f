"""Exported text → typed values, vectorised, with a problem named for every value that does not fit.

Each parser takes a pyarrow string array and returns ``(values, problems)``:
``problems`` is an object array holding ``None`` or a rule name from
:data:`RULE_MESSAGES`, so the caller can quarantine the row with the value as
exported. Nothing is guessed: an unknown rating or choice is a problem. Text
values (ratings, choices, free text) come back as pyarrow arrays, so a million
rows never become a million Python strings.

Example
-------
>>> import pyarrow as pa
>>> labels, scales, problems = parse_ratings(pa.array(["Very Good", "Dont Know", "extremely likely", "4", "7"]))
>>> labels.to_pylist(), scales.to_pylist(), problems.tolist()
(['Very good', "Don't know", 'Very good', 'Poor', None], ['six_point', 'six_point', 'pre_2020', 'six_point', 'six_point'], [None, None, None, None, 'unknown_rating'])
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.ingest.frames import dictionary_array
from analysis.ingest.schemas import RATING_SCALES, RATINGS

#: Rating labels on either FFT scale (normalised: lower case, no apostrophes) → (six-point label, scale).
#: Since April 2020 the FFT asks "Overall, how was your experience of our service?" (very good …
#: very poor, don't know); before it asked how likely people were to recommend the service
#: (extremely likely … extremely unlikely, don't know). NHS England, "Using the Friends and
#: Family Test to improve patient experience" (2019): the pre-2020 answers are mapped by position.
RATING_TEXT = {
    "very good": ("Very good", "six_point"),
    "good": ("Good", "six_point"),
    "neither good nor poor": ("Neither good nor poor", "six_point"),
    "neither good or poor": ("Neither good nor poor", "six_point"),
    "poor": ("Poor", "six_point"),
    "very poor": ("Very poor", "six_point"),
    "dont know": ("Don't know", "six_point"),
    "do not know": ("Don't know", "six_point"),
    "extremely likely": ("Very good", "pre_2020"),
    "likely": ("Good", "pre_2020"),
    "neither likely nor unlikely": ("Neither good nor poor", "pre_2020"),
    "neither likely or unlikely": ("Neither good nor poor", "pre_2020"),
    "unlikely": ("Poor", "pre_2020"),
    "extremely unlikely": ("Very poor", "pre_2020"),
}
#: Numeric rating codes: the six answers in the order NHS England's FFT guidance lists them.
#: A source may override them with ``rating_codes``; any other code is quarantined.
RATING_CODES = {str(i + 1): label for i, label in enumerate(RATINGS)}

RULE_MESSAGES = {
    "unknown_rating": "not a rating on the FFT scale, nor a configured rating code",
    "missing_value": "required value is empty",
    "not_a_whole_number": "not a whole number",
    "negative_count": "a count cannot be negative",
    "not_a_number": "not a number",
    "not_a_flag": "not yes/no (accepted: yes, no, y, n, true, false, 1, 0)",
    "unknown_value": "not one of the allowed values",
}


def no_problems(n: int) -> np.ndarray:
    """``n`` rows without a problem: a read-only view of ``None`` that takes no memory."""
    return np.broadcast_to(np.array(None, dtype=object), (n,))


def problem_names(n: int, *rules: tuple[np.ndarray, str]) -> np.ndarray:
    """Per row, the rule of the last ``(mask, rule)`` holding it, else ``None``.

    With no problem at all (the usual case) the result is a read-only view of ``None``
    that takes no memory, rather than a million pointers.

    >>> problem_names(3, (np.array([1, 1, 0], bool), "a"), (np.array([0, 1, 0], bool), "b")).tolist()
    ['a', 'b', None]
    >>> problem_names(2, (np.zeros(2, bool), "a")).tolist()
    [None, None]
    """
    found = [(mask, rule) for mask, rule in rules if mask.any()]
    if not found:
        return no_problems(n)
    problems = np.full(n, None, dtype=object)
    for mask, rule in found:
        problems[mask] = rule
    return problems


def normalise_text(arr: pa.Array) -> pa.Array:
    """Lower case, apostrophes dropped, runs of space made one, trimmed (for vocabulary matching)."""
    out = pc.utf8_lower(pc.fill_null(arr, ""))
    out = pc.replace_substring_regex(out, r"['’`]", "")
    out = pc.replace_substring_regex(out, r"\s+", " ")
    return pc.utf8_trim_whitespace(out)


def blank(arr: pa.Array) -> np.ndarray:
    """Whether each text is null, empty or only white space."""
    empty = pc.or_(pc.equal(pc.binary_length(arr), 0), pc.utf8_is_space(arr))
    return pc.fill_null(empty, True).to_numpy(zero_copy_only=False)


def lookup_index(arr: pa.Array, keys: list[str]) -> np.ndarray:
    """Position in ``keys`` of each text, compared normalised (-1 where none matches).

    Values spelt exactly as a key are matched first; only the rest are normalised,
    so the usual case (an export's own consistent spelling) costs one hash lookup.
    A long column is looked up once per distinct value.
    """
    arr = pc.fill_null(arr, "")
    if len(arr) >= 10_000:
        encoded = dictionary_array(arr)
        if 4 * len(encoded.dictionary) < len(arr):
            once = lookup_index(encoded.dictionary, keys)
            return once[encoded.indices.to_numpy(zero_copy_only=False)]
    idx = (
        pc.fill_null(pc.index_in(arr, value_set=pa.array(keys, pa.string())), -1)
        .to_numpy(zero_copy_only=False)
        .astype(np.int64)
    )
    rest = np.flatnonzero(idx < 0)
    if len(rest):
        first: dict[str, int] = {}
        for i, k in enumerate(normalise_text(pa.array(keys, pa.string())).to_pylist()):
            first.setdefault(k, i)
        unmatched = normalise_text(pc.take(arr, pa.array(rest)))
        found = pc.fill_null(
            pc.index_in(unmatched, value_set=pa.array(list(first), pa.string())), -1
        )
        positions = np.array([*first.values(), -1], dtype=np.int64)
        idx[rest] = positions[found.to_numpy(zero_copy_only=False).astype(np.int64)]
    return idx


def lookup(
    arr: pa.Array, mapping: dict[str, object], missing=None
) -> tuple[np.ndarray, np.ndarray]:
    """Map text through ``mapping``, compared normalised: ``(values, found)``."""
    idx = lookup_index(arr, list(mapping))
    table = np.empty(len(mapping) + 1, dtype=object)
    table[:] = [*mapping.values(), missing]
    return table[idx], idx >= 0


def take_text(labels: list[str | None], idx: np.ndarray) -> pa.Array:
    """``labels[i]`` for each position ``i`` (null where ``i`` is -1), as Arrow text.

    >>> take_text(["a", "b"], np.array([1, -1, 0])).to_pylist()
    ['b', None, 'a']
    """
    table = pa.array([*labels, None], pa.large_string())
    return table.take(pa.array(np.where(idx < 0, len(labels), idx)))


def parse_ratings(arr: pa.Array, codes: dict | None = None):
    """Ratings as labels of either scale, spelling variants or numeric codes → ``(label, scale, problem)``.

    ``label`` and ``scale`` are pyarrow text arrays (null where the rating is not understood).
    """
    code_map = {str(k).strip(): v for k, v in (codes or RATING_CODES).items()}
    unknown = sorted({v for v in code_map.values()} - set(RATINGS))
    if unknown:
        raise ValueError(f"rating_codes map to {unknown}, which are not FFT ratings {RATINGS}")
    idx = lookup_index(arr, list(RATING_TEXT))
    text_found = idx >= 0
    # Positions in RATINGS and RATING_SCALES; -1 (the last entry) where nothing matched.
    label = np.array([RATINGS.index(p[0]) for p in RATING_TEXT.values()] + [-1])[idx]
    scale = np.array([RATING_SCALES.index(p[1]) for p in RATING_TEXT.values()] + [-1])[idx]
    rest = np.flatnonzero(~text_found)
    code_found = np.zeros(len(arr), dtype=bool)
    if len(rest):  # numeric codes, where the text was not a label
        codes_text = pc.replace_substring_regex(
            pc.take(pc.fill_null(arr, ""), pa.array(rest)), r"\.0+$", ""
        )
        code_idx = lookup_index(codes_text, list(code_map))
        label[rest] = np.array([RATINGS.index(v) for v in code_map.values()] + [-1])[code_idx]
        scale[rest] = RATING_SCALES.index("six_point")
        code_found[rest] = code_idx >= 0
    missing = ~(text_found | code_found)
    empty = blank(arr) if missing.any() else np.zeros(len(arr), dtype=bool)
    problems = problem_names(
        len(arr), (missing & empty, "missing_value"), (missing & ~empty, "unknown_rating")
    )
    return take_text(RATINGS, label), take_text(RATING_SCALES, scale), problems


def parse_integers(arr: pa.Array, nullable: bool = True):
    """Whole numbers (``1,234``, ``12.0`` accepted) → ``(Int64-ready floats, problems)``."""
    clean = pc.replace_substring_regex(pc.utf8_trim_whitespace(pc.fill_null(arr, "")), r"[, ]", "")
    clean = pc.replace_substring_regex(clean, r"\.0+$", "")
    ok = pc.match_substring_regex(clean, r"^-?\d{1,15}$").to_numpy(zero_copy_only=False)
    values = np.full(len(arr), np.nan)
    if ok.any():
        values[ok] = pc.cast(pc.filter(clean, pa.array(ok)), pa.int64()).to_numpy().astype(float)
    empty = blank(arr)
    problems = problem_names(
        len(arr),
        (~ok & ~empty, "not_a_whole_number"),
        (ok & (values < 0), "negative_count"),
        (empty & (not nullable), "missing_value"),
    )
    return values, problems


def parse_floats(arr: pa.Array, nullable: bool = True):
    """Numbers (``12.5``, ``12.5%``, ``1,234``) → ``(floats, problems)``."""
    clean = pc.replace_substring_regex(pc.utf8_trim_whitespace(pc.fill_null(arr, "")), r"[,% ]", "")
    ok = pc.match_substring_regex(clean, r"^-?(\d+\.?\d*|\.\d+)$").to_numpy(zero_copy_only=False)
    values = np.full(len(arr), np.nan)
    if ok.any():
        values[ok] = pc.cast(pc.filter(clean, pa.array(ok)), pa.float64()).to_numpy()
    empty = blank(arr)
    problems = problem_names(
        len(arr), (~ok & ~empty, "not_a_number"), (empty & (not nullable), "missing_value")
    )
    return values, problems


FLAGS = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}


def parse_flags(arr: pa.Array, nullable: bool = True, synonyms: dict | None = None):
    """Yes/no answers (``synonyms`` add spellings) → ``(objects True/False/None, problems)``."""
    extra = {
        str(k): v if isinstance(v, bool) else FLAGS.get(str(v).strip().lower())
        for k, v in (synonyms or {}).items()
    }
    values, found = lookup(arr, {**FLAGS, **extra})
    empty = blank(arr)
    problems = problem_names(
        len(arr), (~found & ~empty, "not_a_flag"), (empty & (not nullable), "missing_value")
    )
    return values, problems


def parse_choices(
    arr: pa.Array, allowed: list[str], synonyms: dict | None = None, nullable: bool = True
):
    """A value from ``allowed`` (compared without case or apostrophes; ``synonyms`` map others onto them).

    Returns ``(values, problems)``, the values as a pyarrow text array.
    """
    mapping = {**{a: a for a in allowed}, **(synonyms or {})}
    idx = lookup_index(arr, list(mapping))
    values, found = (
        take_text([None if v is None else str(v) for v in mapping.values()], idx),
        idx >= 0,
    )
    empty = blank(arr)
    problems = problem_names(
        len(arr), (~found & ~empty, "unknown_value"), (empty & (not nullable), "missing_value")
    )
    return values, problems


def parse_text(arr: pa.Array, nullable: bool = True):
    """Free text, trimmed; empty is missing (null). Returns a pyarrow array, kept columnar for speed."""
    trimmed = pc.utf8_trim_whitespace(arr)
    empty = pc.fill_null(pc.equal(pc.binary_length(trimmed), 0), True)
    values = pc.if_else(empty, pa.scalar(None, trimmed.type), trimmed)
    missing = empty.to_numpy(zero_copy_only=False) if not nullable else np.zeros(0, dtype=bool)
    return values, problem_names(len(arr), (missing, "missing_value"))
