"""The detector on the labelled test set: recall per class, and ordinary comments left alone.

The cases (``tests/ingest/data/redaction/cases.csv``, made by ``make_cases.py`` beside it
without the detector) hold synthetic identifiers written the ways people write them; the
ordinary comments are a reproducible sample of the real shipped FFT comments (see
``benchmarks/bench_redaction.py`` for how they are picked). ``bench_redaction.py`` prints the
same figures.
"""

from __future__ import annotations

import importlib.util
import random
import re

import pytest

from analysis.config import PROJECT_ROOT
from analysis.ingest.redaction import find_identifiers, redact, redact_text

_spec = importlib.util.spec_from_file_location(
    "bench_redaction", PROJECT_ROOT / "benchmarks" / "bench_redaction.py"
)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def measured():
    return bench.measure()


def test_the_test_set_is_large_enough():
    cases = bench.cases()
    labelled = cases[cases["class"] != "ordinary_words"]
    assert len(labelled) >= 300
    assert labelled["class"].value_counts().min() >= 50
    assert len(bench.ordinary_comments()) >= 300


@pytest.mark.parametrize(
    "kind", ["nhs_number", "phone", "email", "postcode", "date_of_birth", "name"]
)
def test_recall_of_each_class_is_at_least_95_percent(measured, kind):
    assert measured["recall"][kind] >= 0.95, measured["missed"]


def test_at_most_one_percent_of_ordinary_comments_change(measured):
    assert measured["real_changed"] <= 0.01, measured["changed"]


def test_names_that_are_ordinary_words_stay_words(measured):
    assert measured["ordinary_words_changed"] <= 0.05, measured["changed"]


def _check_digit(digits: list[int]) -> int | None:
    """Modulus 11 by hand (NHS Digital data dictionary): None when the remainder gives 10."""
    check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
    return None if check == 10 else check % 11


def _valid_numbers(n: int, seed: int) -> list[str]:
    rng, out = random.Random(seed), []
    while len(out) < n:
        digits = [rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(8)]
        check = _check_digit(digits)
        if check is not None:
            out.append("".join(map(str, digits)) + str(check))
    return out


SEPARATORS = [" ", "-", ".", "/", "_", "  ", " - ", "--", " / "]


@pytest.mark.parametrize("sep", SEPARATORS)
def test_nhs_numbers_with_any_separator_and_grouping(sep):
    for d in _valid_numbers(6, seed=len(sep) + ord(sep[0])):
        for written in (sep.join([d[:3], d[3:6], d[6:]]), sep.join([d[:4], d[4:7], d[7:]])):
            out = redact_text(f"nhs number {written} thanks")
            assert out == "nhs number [NHS number] thanks", written


def test_a_wrong_check_digit_is_not_an_nhs_number():
    for d in _valid_numbers(20, seed=1):
        wrong = d[:9] + str((int(d[9]) + 1) % 10)
        assert find_identifiers(f"ref {wrong[:3]} {wrong[3:6]} {wrong[6:]}") == []


def test_redacting_twice_changes_nothing_more():
    texts = bench.cases()["text"].tolist()
    once, _ = redact(texts)
    twice, counts = redact(once)
    assert twice == once and sum(counts.values()) == 0


@pytest.mark.parametrize(
    "text",
    ["'Kerry Okafor was lovely", "'jo.bloggs@example.com", "'07700 900123 =SUM(A1)", "'Dr Patel"],
)
def test_the_quote_that_stops_a_formula_is_kept(text):
    out = redact_text(text)
    assert out.startswith("'") and out != text


def test_pages_are_checked_for_cued_names_only_by_default():
    page = "Rose Ward and Kerry Unit; thanks to Dr Okafor"
    assert find_identifiers(page) == [("name", "Okafor")]
    assert ("listed_name", "Priya") in find_identifiers("Priya was kind", name_model=True)


def test_every_marker_is_recognised_by_the_benchmark():
    from analysis.ingest.redaction import MARKERS

    assert all(bench._MARKER.fullmatch(m) for m in MARKERS.values())
    assert re.search(r"\[name\]", redact_text("thank you Sam"))


def test_the_quick_tests_let_through_everything_the_finders_find():
    # redact() tries a finder only on texts passing its quick test; redact_text() tries all.
    texts = bench.cases()["text"].tolist() + bench.ordinary_comments()["text"].tolist()
    columns, _ = redact(texts)
    assert columns == [redact_text(t) for t in texts]
