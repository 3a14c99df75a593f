"""Small-number suppression as NHS England's FFT publication does it (counts 1-4 hidden)."""

import pandas as pd

from analysis.publish.suppression import (
    MARK,
    suppress,
    suppress_breakdown,
    suppress_column_against_total,
)


def test_primary_suppression_hides_counts_one_to_four_and_their_percentages():
    df = pd.DataFrame({"n": [0, 1, 4, 5, 40], "pct": [None, 100.0, 75.0, 80.0, 90.0]})
    out = suppress(df, "n", ["pct"], min_count=5)
    assert out["n"].tolist() == [0, MARK, MARK, 5, 40]
    assert out["pct"].tolist()[1:3] == [MARK, MARK]
    assert out["pct"].tolist()[3:] == [80.0, 90.0]


def test_stricter_threshold_is_configurable():
    df = pd.DataFrame({"n": [6, 12]})
    assert suppress(df, "n", [], min_count=10)["n"].tolist() == [MARK, 12]


def test_single_suppressed_service_takes_the_next_smallest_when_a_total_is_shown():
    # Services 3, 7, 50, 100 with total 160: hiding only the 3 would leave 160-7-50-100 = 3.
    df = pd.DataFrame(
        {"service": list("ABCD"), "n": [3, 7, 50, 100], "pct": [66.7, 85.7, 90.0, 95.0]}
    )
    out = suppress_column_against_total(df, "n", ["pct"], min_count=5)
    assert out["n"].tolist() == [MARK, MARK, 50, 100]
    assert out["pct"].tolist() == [MARK, MARK, 90.0, 95.0]


def test_two_suppressed_cells_need_no_secondary():
    df = pd.DataFrame({"n": [2, 3, 50]})
    assert suppress_column_against_total(df, "n", [], min_count=5)["n"].tolist() == [MARK, MARK, 50]


def test_breakdown_secondary_suppression_skips_zeros():
    # 0 is not disclosive and cannot protect the 2: the next smallest non-zero (9) is hidden.
    row = pd.DataFrame({"vg": [30], "g": [9], "poor": [2], "vpoor": [0]})
    out = suppress_breakdown(row, ["vg", "g", "poor", "vpoor"], min_count=5)
    assert out.iloc[0].tolist() == [30, MARK, MARK, 0]
