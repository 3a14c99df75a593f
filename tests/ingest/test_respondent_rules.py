"""Respondent-level de-duplication: rules in order, time windows, and configuration errors."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.config import ConfigError
from analysis.ingest.clean import clean
from analysis.ingest.dedup import respondent_duplicates
from analysis.ingest.sources import RespondentRule, SourceSpec
from tests.ingest.conftest import FFT, fft_csv

MARCH = "fft/fft_2024-03.csv"


def _rows(*pairs: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"who": [w for w, _ in pairs], "response_date": pd.to_datetime([d for _, d in pairs])}
    )


def test_a_window_keeps_the_first_row_and_starts_again_after_it():
    # Hand-worked: a's rows on days 1, 5, 9, 20 with a 7-day window from the row kept:
    # 1 kept; 5 (4 days) removed; 9 (8 days from 1) kept; 20 (11 days from 9) kept.
    rows = _rows(("a", "2024-03-09"), ("a", "2024-03-01"), ("b", "2024-03-01"),
                 ("a", "2024-03-05"), ("a", "2024-03-20"))  # fmt: skip
    rule = RespondentRule(("who",), "first", within_days=7, date="response_date")
    assert respondent_duplicates(rows, rule).tolist() == [False, False, False, True, False]


def test_a_window_keeping_the_last_row_counts_back_from_it():
    # Days 1, 5, 9, 20 kept from the latest: 20 kept; 9 (11 days) kept; 5 (4 days) removed;
    # 1 (8 days from 9) kept.
    rows = _rows(("a", "2024-03-01"), ("a", "2024-03-05"), ("a", "2024-03-09"),
                 ("a", "2024-03-20"))  # fmt: skip
    rule = RespondentRule(("who",), "last", within_days=7, date="response_date")
    assert respondent_duplicates(rows, rule).tolist() == [False, True, False, False]


def test_rows_without_a_date_are_never_in_a_window():
    rows = pd.DataFrame(
        {"who": ["a", "a", "a"], "response_date": pd.to_datetime(["2024-03-01", None, None])}
    )
    rule = RespondentRule(("who",), "first", within_days=30, date="response_date")
    assert respondent_duplicates(rows, rule).tolist() == [False, False, False]


def test_without_a_window_one_row_per_respondent_is_kept():
    rows = _rows(("a", "2024-03-01"), ("a", "2024-09-01"), ("b", "2024-03-01"))
    assert respondent_duplicates(rows, RespondentRule(("who",), "last")).tolist() == [
        True,
        False,
        False,
    ]


def test_rules_apply_in_order_and_their_removals_are_counted_together(partnership):
    # Rule 1 (same service, day and rating) removes R2; rule 2 (same service and rating
    # within 7 days) then removes R4 (5 days after R1) but not R5 (20 days after R1).
    rules = [
        {"keys": ["service_id", "response_date", "rating"]},
        {"keys": ["service_id", "rating"], "within_days": 7},
    ]
    cfg = partnership(
        {
            MARCH: fft_csv(
                "R1,A1,01/03/2024,Good,,",
                "R2,A1,01/03/2024,Good,,",
                "R3,A1,01/03/2024,Poor,,",
                "R4,A1,06/03/2024,Good,,",
                "R5,A1,21/03/2024,Good,,",
            )
        },
        sources={"fft": {**FFT, "dedup": {"respondent": rules}}},
    )
    counts = clean(cfg)["counts"]["fft"]
    assert (counts["kept"], counts["duplicates_by_kind"]["respondent"]) == (3, 2)


@pytest.mark.parametrize(
    "dedup, message",
    [
        ({"respondent": {"keep": "first"}}, r"respondent\[0\]\.keys: required but missing"),
        ({"respondent": {"keys": ["nhs_number"]}}, r"\['nhs_number'\] are not columns"),
        ({"respondent": {"keys": ["rating"], "keep": "latest"}}, "'first' or 'last'"),
        ({"respondent": {"keys": ["rating"], "within_days": "a week"}}, "whole number of days"),
        ({"respondent": {"keys": ["rating"], "within_days": 7, "date": "rating"}}, "date column"),
        ({"respondent": [{"keys": ["rating"]}, {"keys": ["rating"], "days": 7}]}, r"\[1\]\.days: unknown key"),
        ({"respondents": {"keys": ["rating"]}}, "did you mean `respondent`"),
    ],
)  # fmt: skip
def test_a_wrong_rule_is_a_configuration_error_naming_it(dedup, message):
    with pytest.raises(ConfigError, match=message):
        SourceSpec.from_config("fft", {**FFT, "dedup": dedup})
