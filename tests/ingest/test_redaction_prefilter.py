"""The column redactor's quick tests choose the same texts, and find the same names, as each
detector's own test and finder would.

The reference is the plain way: every detector's quick test run alone over the column, and
the cued-name finder run on every text holding a name word (what the column redactor did
before its quick tests were run together); the texts are the labelled redaction cases, the
shipped real comments and hand-written edge cases (white space and case that RE2 and
Python's ``re`` read differently).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analysis.config import PROJECT_ROOT
from analysis.ingest.redaction import engine, names, redact_rows
from analysis.reference import TEXT_COLUMN

CASES = PROJECT_ROOT / "tests" / "ingest" / "data" / "redaction" / "cases.csv"
REAL = PROJECT_ROOT / "src" / "analysis" / "reference" / "labelled_comments_v6.csv.gz"
EDGES = [
    "thanks to kerry",  # a lower-case name after a cue: the cue decides
    "great care, kerry was lovely",  # a name word and no cue
    "staff\xa0nurse kerry",  # no-break space inside a role
    "staff\x1cnurse kerry",  # a separator Python reads as white space, RE2 does not
    "Thank\x0bYou kerry",  # a vertical tab
    "mıss kerry",  # a dotless i
    "thanKs kerry",  # a Kelvin sign
    "Merci à Dr Smith",
    "Café called kerry",
    "DR SMITH and NURSE JONES",
    "the doctor-kerry",
    "named: kerry",
    "Names is kerry",
    None,
    "",
]


@pytest.fixture(scope="module")
def texts() -> pa.Array:
    cases = pd.read_csv(CASES, dtype=str, keep_default_na=False)["text"].tolist()
    real = pd.read_csv(REAL, dtype=str)
    columns = [TEXT_COLUMN, *(c for c in real.columns if c != TEXT_COLUMN)]  # comments first
    comments = [t for c in columns for t in real[c].dropna()]
    return pa.array(cases + comments[:20_000] + EDGES, pa.string())


def _reference(arr: pa.Array, chosen) -> dict[str, np.ndarray]:
    words = engine._has_name_word(arr)
    out = {}
    for d in chosen:
        if d.prefilter is None:
            out[d.kind] = words
        elif d.kind == "name":
            out[d.kind] = engine._mask(arr, d.prefilter) | words
        else:
            out[d.kind] = engine._mask(arr, d.prefilter)
    return out


@pytest.mark.parametrize("staff", [(), ("Jo Bloggs", "Tracey")])
def test_each_kind_is_tried_where_its_finder_can_find_something(texts, staff):
    chosen = engine.detectors(staff, True)
    got = engine.candidates(texts, chosen)
    expected = _reference(texts, chosen)
    assert list(got) == [d.kind for d in chosen]
    python = texts.to_pylist()
    for d in chosen:
        if d.kind != "name":
            np.testing.assert_array_equal(got[d.kind], expected[d.kind], err_msg=d.kind)
            continue
        assert not (got["name"] & ~expected["name"]).any()
        # A text the reference tries and the quick tests leave out: the finder finds nothing.
        for i in np.flatnonzero(expected["name"] & ~got["name"]):
            assert names.find_cued(python[i]) == [], python[i]
            assert names._CUES.search(python[i]) is None, python[i]


def test_a_lower_case_name_after_a_cue_is_still_found():
    out, _ = redact_rows(pa.array(["thanks to kerry", "staff\x1cnurse kerry"], pa.string()))
    assert out.to_pylist() == ["thanks to [name]", "staff\x1cnurse [name]"]


def test_cues_in_lower_case_ascii_text_are_the_cues_found_ignoring_case(texts):
    for text in texts.to_pylist():
        if not text or not text.isascii():
            continue
        lower = [(m.span(), m.lastgroup) for m in names._CUES_LOWER.finditer(text.lower())]
        assert lower == [(m.span(), m.lastgroup) for m in names._CUES.finditer(text)], text
