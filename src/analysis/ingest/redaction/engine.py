"""Run the detectors over text: one document, or a column of texts with cheap vectorised tests first.

Each detector (:data:`DETECTORS`) has a quick test in RE2 syntax that every text holding one of
its identifiers passes (``pyarrow.compute`` runs it over the whole column at once) and a
finder, in Python, run only on the texts that pass. The names of the name model are found in
a column by splitting it into words and looking them up (``pyarrow.compute.is_in``), not by a
regular expression of thousands of names.

Spans found by an earlier detector win over overlapping later ones (an e-mail address is not
also read as a name), and a span never takes the ``'`` that starts a text: a spreadsheet
reads that quote as "this is text, not a formula".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.ingest.redaction import (
    date_of_birth,
    email,
    name_model,
    names,
    nhs_number,
    phone,
    postcode,
)

MARKERS = {
    "email": "[email]",
    "nhs_number": "[NHS number]",
    "phone": "[phone]",
    "date_of_birth": "[date of birth]",
    "postcode": "[postcode]",
    "staff_name": "[name]",
    "name": "[name]",
    "listed_name": "[name]",
}
KINDS = tuple(MARKERS)

Span = tuple[int, int, str]


@dataclass(frozen=True)
class Detector:
    """One kind of identifier: its quick test (RE2; ``None``: the name words) and its finder."""

    kind: str
    prefilter: str | None
    find: Callable[[str], list[tuple[int, int]]]


def _spans_of(finder) -> Callable[[str], list[tuple[int, int]]]:
    return lambda text: [m.span() for m in finder(text)]


DETECTORS = (
    Detector("email", email.PREFILTER, _spans_of(email.find)),
    Detector("nhs_number", nhs_number.PREFILTER, _spans_of(nhs_number.find)),
    Detector("phone", phone.PREFILTER, _spans_of(phone.find)),
    Detector(
        "date_of_birth",
        date_of_birth.PREFILTER,
        lambda text: [m.span("date") for m in date_of_birth.find(text)],
    ),
    Detector("postcode", postcode.PREFILTER, _spans_of(postcode.find)),
    Detector("name", names.CUE_PREFILTER, names.find_cued),
    Detector("listed_name", None, names.find_listed),
)


def staff_pattern(staff_names: Iterable[str]) -> str | None:
    """A whole-word pattern (Python and RE2) for every name of the staff list, longest first."""
    found = sorted({" ".join(n.split()) for n in staff_names if n and n.strip()}, key=len)
    if not found:
        return None
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in reversed(found))
    return r"\b(?:" + alternatives + r")\b"


@lru_cache(maxsize=8)
def detectors(staff_names: tuple[str, ...] = (), use_name_model: bool = True) -> list[Detector]:
    """The detectors in the order they are applied, with the staff list's if one is given."""
    chosen = [d for d in DETECTORS if use_name_model or d.kind != "listed_name"]
    pattern = staff_pattern(staff_names)
    if pattern:  # before the other names, so a listed member of staff is counted as one
        compiled = re.compile(pattern)
        staff = Detector("staff_name", pattern, _spans_of(compiled.finditer))
        chosen.insert([d.kind for d in chosen].index("name"), staff)
    return chosen


def find_spans(text: str, chosen: Iterable[Detector]) -> list[Span]:
    """Every identifier's span in ``text``, earlier detectors first, none overlapping."""
    taken: list[Span] = []
    for detector in chosen:
        for start, end in detector.find(text):
            if start == 0 and text.startswith("'"):
                start = 1  # keep the quote that stops a spreadsheet reading a formula
            if end > start and not any(start < b and a < end for a, b, _ in taken):
                taken.append((start, end, detector.kind))
    return taken


#: What :func:`find_in` returns for each text in which it found something: the text's
#: position, the text with its identifiers replaced and the kind of each identifier replaced.
Found = tuple[int, str, tuple[str, ...]]


def find_in(
    texts: list[str], tries: bytes, staff_names: tuple[str, ...], use_name_model: bool
) -> list[Found]:
    """Run the finders over ``texts``: on each text, the detectors whose bit is set in its
    byte of ``tries`` (bit ``k``: the ``k``-th of :func:`detectors`); the texts changed.

    Pure Python over strings, so that it can run in another process (see
    :mod:`analysis.ingest.redaction.process`) and find there exactly what it finds here.
    """
    chosen = detectors(staff_names, use_name_model)
    found = []
    for i, text in enumerate(texts):
        bits = tries[i]
        spans = find_spans(text, [d for k, d in enumerate(chosen) if bits >> k & 1])
        if spans:
            found.append((i, replace_spans(text, spans), tuple(kind for _, _, kind in spans)))
    return found


def replace_spans(text: str, spans: list[Span]) -> str:
    """``text`` with each span replaced by its kind's marker."""
    for start, end, kind in sorted(spans, reverse=True):
        text = text[:start] + MARKERS[kind] + text[end:]
    return text


@lru_cache(maxsize=1)
def _name_words() -> pa.Array:
    """Words whose presence sends a text to the name finders: first names as written, with a
    possessive and in capitals, and unambiguous names in lower case ("thanks to kerry")."""
    first = name_model.first_names()
    words = set(first) | {f"{n}'s" for n in first} | {f"{n}’s" for n in first}
    words |= {n.upper() for n in first if len(n) >= 3}
    words |= {n.lower() for n in name_model.unambiguous_first_names()}
    words |= {n.lower() for n in name_model.unambiguous_surnames()}
    return pa.array(sorted(words), pa.string())


#: Punctuation around a word (``"Kerry,"``, ``"(Sam)"``), trimmed before it is looked up.
_PUNCTUATION = ".,;:!?()[]{}<>\"'`*…/“”‘’-–—"


def _words_hit(words: pa.ListArray, fold: bool) -> np.ndarray:
    """The rows (list positions) of ``words`` holding a word of :func:`_name_words`, each word
    trimmed of :data:`_PUNCTUATION` and, with ``fold``, looked up without accents."""
    flat = pc.utf8_trim(pc.list_flatten(words), characters=_PUNCTUATION)
    accented = pc.invert(pc.string_is_ascii(flat)) if fold else None
    if fold and pc.any(accented).as_py():  # the lists also hold names without their accents
        folded = pc.replace_substring_regex(
            pc.utf8_normalize(pc.filter(flat, accented), "NFKD"), r"\p{Mn}", ""
        )
        flat = pc.replace_with_mask(flat, accented, folded)
    hits = pc.is_in(flat, value_set=_name_words())
    return pc.filter(pc.list_parent_indices(words), hits).to_numpy(zero_copy_only=False)


#: Bytes that Arrow's ``utf8_split_whitespace`` reads as white space and its
#: ``ascii_split_whitespace`` does not (the separators ``\x1c``-``\x1f``).
_SEPARATORS = (0x1C, 0x1F)


def _not_plain_ascii(arr: pa.Array) -> np.ndarray:
    """Rows that are not ASCII or hold a separator ``\x1c``-``\x1f`` (not null)."""
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return np.ones(len(arr), dtype=bool)  # split all at Unicode white space
    plain = pc.fill_null(pc.string_is_ascii(arr), True).to_numpy(zero_copy_only=False)
    special = ~plain
    offsets_buffer, data_buffer = arr.buffers()[1:3]
    if data_buffer is None:
        return special
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=width)[arr.offset : arr.offset + len(arr) + 1]
    text = data_buffer[offsets[0] : offsets[-1]].to_pybytes()
    if not any(bytes([b]) in text for b in range(_SEPARATORS[0], _SEPARATORS[1] + 1)):
        return special  # the usual case, found by a quick search of the bytes
    data = np.frombuffer(text, dtype=np.uint8)
    at = np.flatnonzero((data >= _SEPARATORS[0]) & (data <= _SEPARATORS[1]))
    special[np.searchsorted(offsets, at + offsets[0], side="right") - 1] = True
    return special


def _has_name_word(arr: pa.Array) -> np.ndarray:
    """Which texts hold a word of :func:`_name_words` (words split at white space, as
    ``pyarrow.compute.utf8_split_whitespace`` splits them, and trimmed of punctuation).

    Split at ASCII white space first, which is quicker; the words of a text in plain ASCII
    are then those of the Unicode split, and need no accents taken off. Other texts are
    split again at Unicode white space: a word their ASCII split gives is either one of
    these or holds white space, which no name word does, so it adds no row.
    """
    mask = np.zeros(len(arr), dtype=bool)
    if len(arr) == 0:
        return mask
    mask[_words_hit(pc.ascii_split_whitespace(arr), fold=False)] = True
    special = np.flatnonzero(_not_plain_ascii(arr))
    if len(special):
        subset = pc.take(arr, pa.array(special))
        mask[special[_words_hit(pc.utf8_split_whitespace(subset), fold=True)]] = True
    return mask


def _mask(arr: pa.Array, pattern: str) -> np.ndarray:
    matched = pc.fill_null(pc.match_substring_regex(arr, pattern), False)
    return matched.to_numpy(zero_copy_only=False)


def _scatter(n: int, rows: np.ndarray, found: np.ndarray) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[rows[found]] = True
    return mask


#: White space as Python's ``re`` reads ``\s`` in ASCII text (RE2's ``\s`` leaves out
#: ``\v`` and the separators ``\x1c``-``\x1f``).
_ASCII_SPACE = r"[\t\n\x0b\x0c\r \x1c-\x1f]"
#: Quick test (RE2) passed by every ASCII text in which :data:`names._CUES` finds a cue:
#: each cue's first words, between the same word boundaries (ASCII text reads ``\b``,
#: ``\s`` and case alike in RE2 and in Python's ``re``).
_ANY_CUE = (
    rf"(?i:\b(?:{names._STRONG_TITLES})\b|\b(?:{names._ROLES})s?\b|\b(?:called|named|name)"
    rf"|\b(?:{names._THANKS})\b)"
).replace(r"\s", _ASCII_SPACE)


def _cue_possible(arr: pa.Array, rows: np.ndarray) -> np.ndarray:
    """Of ``rows``, those whose text may hold a cue for :func:`names.find_cued`: any text
    that is not ASCII (left to the finder), and ASCII text passing :data:`_ANY_CUE`."""
    subset = pc.take(arr, pa.array(rows))
    ascii_ = pc.fill_null(pc.string_is_ascii(subset), True).to_numpy(zero_copy_only=False)
    return ~ascii_ | _mask(subset, _ANY_CUE)


def candidates(arr: pa.Array, chosen: list[Detector]) -> dict[str, np.ndarray]:
    """Per kind, which texts pass its quick test (the name kinds share the name-word lookup).

    The quick tests are run together as one pattern over the column, then each alone over the
    few texts that pass it. A text with a name word but no quick cue goes to the cued-name
    finder only when it may hold a cue (a name written in lower case after one: "thanks to
    kerry"): its finder finds nothing in a text without one.
    """
    n = len(arr)
    tests = [d for d in chosen if d.prefilter is not None]
    out: dict[str, np.ndarray] = {}
    if tests:
        either = "|".join(f"(?:{d.prefilter})" for d in tests)
        rows = np.flatnonzero(_mask(arr, either))
        subset = pc.take(arr, pa.array(rows)) if len(rows) else None
        for d in tests:
            out[d.kind] = (
                _scatter(n, rows, _mask(subset, d.prefilter)) if len(rows) else np.zeros(n, bool)
            )
    if any(d.kind.endswith("name") for d in chosen):
        words = _has_name_word(arr)
        if "listed_name" in out or any(d.kind == "listed_name" for d in chosen):
            out["listed_name"] = words
        if "name" in out:
            only_words = np.flatnonzero(words & ~out["name"])
            if len(only_words):
                out["name"] = out["name"] | _scatter(n, only_words, _cue_possible(arr, only_words))
    return {d.kind: out[d.kind] for d in chosen}
