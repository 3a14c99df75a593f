"""PHEindicatormethods' funnel functions against the package's own test data.

Expected values are the CSV files of ``tests/testthat`` in PHEindicatormethods v2.1.0
(ukhsa-collaboration/PHEindicatormethods, commit 093fd28), copied unchanged into
``tests/methods/data/phe/``; each test repeats one ``test_that`` block of
``tests/testthat/testFunnels.R``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.methods.phe_funnels import (
    FunnelStatistic,
    assign_funnel_significance,
    calculate_funnel_limits,
    calculate_funnel_points,
)

DATA = Path(__file__).parent / "data" / "phe"


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def prop_inputs() -> pd.DataFrame:
    d = read("testdata_funnel_prop_inputs.csv")
    d.columns = ["Area", "numerator", "denominator", "significance"]
    return d


def assert_close(got: pd.DataFrame, expected: pd.DataFrame, rtol: float, atol: float = 0.0):
    assert len(got) == len(expected)
    np.testing.assert_allclose(
        got.to_numpy(dtype="float64"), expected.to_numpy(dtype="float64"), rtol=rtol, atol=atol
    )


def test_proportion_limits(prop_inputs):
    # The expected file holds six decimals.
    got = calculate_funnel_limits(
        prop_inputs,
        "numerator",
        "denominator",
        statistic=FunnelStatistic("proportion", 100),
        full=False,
    )
    assert_close(got, read("testdata_funnel_prop_outputs.csv"), rtol=0, atol=5.1e-7)
    assert got["lower_3s_limit"].iloc[0] == 0  # a negative lower line floored at 0, as R


def test_proportion_limits_with_axis_variation(prop_inputs):
    got = calculate_funnel_limits(
        prop_inputs[prop_inputs.denominator < 31000],
        "numerator",
        "denominator",
        statistic=FunnelStatistic("proportion", 100),
    )
    expected = read("testdata_funnel_prop_outputs_with_axis_variation.csv")
    assert got["Population"].iloc[0] == 10000  # signif.floor of the smallest denominator
    assert_close(got.iloc[:, :6], expected, rtol=1e-8)
    assert (got["statistic"] == "proportion").all() and (got["method"] == "Wilson").all()


@pytest.mark.parametrize("ratio_type", ["count", "isr"])
def test_ratio_limits(ratio_type):
    inputs = read("testdata_funnel_ratio_inputs.csv")
    inputs.columns = ["obs", "expected", "significance"]
    expected = read("testdata_funnel_ratio_outputs.csv")
    expected.columns = ["Observed_events", *expected.columns[1:]]
    other = "isr" if ratio_type == "count" else "count"
    expected = expected[[c for c in expected.columns if not c.endswith(other)]]
    got = calculate_funnel_limits(
        inputs,
        "obs",
        "expected",
        statistic=FunnelStatistic("ratio", 100, ratio_type=ratio_type),
        full=False,
    )
    # Counts below the line are negative (ratio − 1) and stay so, as in the package.
    assert_close(got, expected, rtol=5e-6)
    if ratio_type == "count":
        assert (got["lower_2s_limit"] < 0).all()


def rate_inputs() -> pd.DataFrame:
    return read("testdata_funnel_rate_input_funnels.csv")


def test_dsr_limits():
    got = calculate_funnel_limits(
        rate_inputs(),
        "ev",
        rate="rate",
        statistic=FunnelStatistic("rate", 1e5, rate_type="dsr", years_of_data=3),
    )
    expected = read("testdata_funnel_rate_outputs.csv")
    assert list(got.columns) == list(expected.columns)
    assert_close(got.iloc[:, :10], expected.iloc[:, :10], rtol=1e-8)
    assert (got["statistic"] == "rate (dsr per 100,000)").all()


def test_crude_rate_limits_with_fewer_than_10_events():
    d = rate_inputs()
    d.loc[d.ev == d.ev.max(), "ev"] = 5
    got = calculate_funnel_limits(
        d,
        "ev",
        rate="rate",
        statistic=FunnelStatistic("rate", 1e5, rate_type="crude", years_of_data=3),
    )
    assert_close(got.iloc[:, :10], read("testdata_funnel_rate_outputs_2.csv").iloc[:, :10], 1e-8)


def test_crude_rate_limits_with_zero_events_and_denominator():
    d = rate_inputs()[["ev", "rate"]].copy()
    d["pop"] = 1e5 * d.ev / d.rate
    top = d.ev == d.ev.max()
    d.loc[top, ["rate", "ev"]] = 0
    d = d[d["pop"] > d["pop"].max() / 2]
    got = calculate_funnel_limits(
        d,
        "ev",
        "pop",
        rate="rate",
        statistic=FunnelStatistic("rate", 1e5, rate_type="crude", years_of_data=3),
    )
    assert_close(got.iloc[:, :10], read("testdata_funnel_rate_outputs_3.csv").iloc[:, :10], 1e-8)


def test_significance_for_proportions(prop_inputs):
    got = assign_funnel_significance(
        prop_inputs[["Area", "numerator", "denominator"]],
        "numerator",
        "denominator",
        statistic=FunnelStatistic("proportion"),
    )
    assert got["significance"].astype(str).tolist() == prop_inputs["significance"].tolist()


def test_significance_for_ratios():
    inputs = read("testdata_funnel_ratio_inputs.csv")
    inputs.columns = ["obs", "expected", "significance"]
    got = assign_funnel_significance(
        inputs[["obs", "expected"]], "obs", "expected", statistic=FunnelStatistic("ratio")
    )
    assert got["significance"].astype(str).tolist() == inputs["significance"].tolist()


@pytest.mark.parametrize(
    ("rate", "rate_type", "multiplier", "column", "zeros"),
    [
        ("rate_dsr", "dsr", 1e5, "dsr_per_100000_with_0", True),
        ("rate_crude_per_100", "crude", 100, "crude_per_100_with_0", True),
        ("rate_crude_per_100000", "crude", 1e5, "crude_per_100000_with_0", True),
        ("rate_dsr", "dsr", 1e5, "dsr_per_100000_without_0", False),
        ("rate_dsr", "dsr", 100, "dsr_per_100_without_0", False),
        ("rate_crude_per_100000", "crude", 1e5, "crude_per_100000_without_0", False),
        ("rate_crude_per_100", "crude", 100, "crude_per_100_without_0", False),
    ],
)
def test_significance_for_rates(rate, rate_type, multiplier, column, zeros):
    d = read("testdata_funnel_rate_dsr_inputs.csv")
    if not zeros:
        d = d[d["count"] != 0]
    got = assign_funnel_significance(
        d[["count", rate, "pop"]],
        "count",
        "pop",
        rate=rate,
        statistic=FunnelStatistic("rate", multiplier, rate_type=rate_type),
    )
    assert got["significance"].astype(str).tolist() == d[column].tolist()


def test_funnel_points_for_dsrs_and_crude_rates():
    d = rate_inputs()
    few = d.copy()
    few.loc[few.ev == few.ev.max(), "ev"] = 5
    got = calculate_funnel_points(
        few[["ev", "rate"]],
        "ev",
        "rate",
        statistic=FunnelStatistic("rate", 1e5, rate_type="dsr", years_of_data=3),
    )
    np.testing.assert_allclose(got["rate_chart"], few["rate_chart"], rtol=1e-9)
    np.testing.assert_allclose(got["denominator_derived"], few["denominator_derived"], rtol=1e-8)
    zero = d.copy()
    zero.loc[zero.ev == zero.ev.max(), "ev"] = 0
    got = calculate_funnel_points(
        zero[["ev", "rate", "pop"]],
        "ev",
        "rate",
        "pop",
        statistic=FunnelStatistic("rate", 1e5, rate_type="crude", years_of_data=5),
    )
    np.testing.assert_allclose(
        got["denominator_derived"], zero["denominator_derived_crude_with_denom"], rtol=1e-8
    )


def test_errors_as_the_package():
    d = pd.DataFrame({"area": ["A", "B", "C"], "obs": [65, 80, 30], "pop": [100, 100, 0]})
    prop = FunnelStatistic("proportion", 100)
    with pytest.raises(ValueError, match="denominators must be greater than zero"):
        assign_funnel_significance(d, "obs", "pop", statistic=prop)
    d["pop"] = [100, 100, 20]
    with pytest.raises(ValueError, match="less than or equal to denominator"):
        assign_funnel_significance(d, "obs", "pop", statistic=prop)
    with pytest.raises(ValueError, match="statistic must be provided"):
        calculate_funnel_limits(d, "obs", "pop")
    with pytest.raises(ValueError, match="statistic must be one of"):
        calculate_funnel_limits(d, "obs", "pop", statistic=FunnelStatistic("pop", 100))
    rates = pd.DataFrame({"num": [100, 100, 0], "rate": [50, 25, 0]})
    with pytest.raises(ValueError, match="denominator field needs to be provided"):
        calculate_funnel_limits(
            rates,
            "num",
            rate="rate",
            statistic=FunnelStatistic("rate", 100, rate_type="dsr", years_of_data=1),
        )


def test_axis_rounding_counts_rs_printed_characters():
    # R: nchar(100000) is 5 ("1e+05"), nchar(120000) is 6, nchar(1e6) is 5, nchar(123) is 3.
    from analysis.methods.phe_funnel_helpers import r_nchar, signif_ceiling, signif_floor

    assert [r_nchar(v) for v in (100000, 120000, 1e6, 123)] == [5, 6, 5, 3]
    # signif.floor(41980): floor(0.95 × 41980) = 39881 (5 characters) → floor to 10^4: 30000.
    assert signif_floor(41980) == 30000
    # signif.ceiling(61921): ceiling(1.05 × 61921) = 65018 (5 characters) → ceiling to 10^3.
    assert signif_ceiling(61921) == 66000
