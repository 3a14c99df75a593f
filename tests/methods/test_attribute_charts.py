"""p, Laney p′, c and u charts against Montgomery's published examples and hand-worked figures."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.methods.attribute_charts import attribute_spc


def monthly(**cols):
    n = len(next(iter(cols.values())))
    return pd.DataFrame({"month": pd.date_range("2024-01-01", periods=n, freq="MS"), **cols})


def test_p_chart_hand_worked():
    # p̄ = 350 / 400 = 0.875; σ = √(0.875 × 0.125 / 100) = 0.033072; limits 0.875 ± 0.099216.
    d = monthly(pos=[90, 80, 85, 95], n=[100, 100, 100, 100])
    out = attribute_spc(d, "pos", "n", "month", chart="p")
    assert out["mean"].iloc[0] == pytest.approx(0.875)
    assert out["upl"].iloc[0] == pytest.approx(0.974216, abs=1e-6)
    assert out["lpl"].iloc[0] == pytest.approx(0.775784, abs=1e-6)


def test_p_chart_limits_vary_with_denominator():
    # p̄ = 150 / 300 = 0.5; n = 100 → 0.5 ± 3 × 0.05 = 0.35–0.65; n = 25 → 0.5 ± 0.3.
    d = monthly(pos=[50, 50, 37.5, 12.5], n=[100, 100, 75, 25])
    out = attribute_spc(d, "pos", "n", "month", chart="p")
    assert out["upl"].tolist()[0] == pytest.approx(0.65)
    assert out["upl"].tolist()[3] == pytest.approx(0.8)
    assert out["lpl"].tolist()[3] == pytest.approx(0.2)


def test_laney_p_prime_hand_worked():
    # Laney (2002): z = (p − p̄)/σ = [0.756, −2.268, −0.756, 2.268]; moving ranges
    # 3.024, 1.512, 3.024 → mean 2.520; σ_z = 2.520 / 1.128 = 2.2338;
    # limits 0.875 ± 3 × 0.033072 × 2.2338 = 0.875 ± 0.22163 (upper clipped at 1).
    d = monthly(pos=[90, 80, 85, 95], n=[100, 100, 100, 100])
    out = attribute_spc(d, "pos", "n", "month", chart="pprime", multiplier=100)
    assert out["sigma_z"].iloc[0] == pytest.approx(2.2338, abs=1e-4)
    assert out["lpl"].iloc[0] == pytest.approx(100 * (0.875 - 0.22163), abs=1e-3)
    assert out["upl"].iloc[0] == 100


def test_laney_narrows_overdispersed_large_denominators():
    # Large denominators: the p-chart flags most months, p′ does not (Laney's motivation).
    # n = 100,000 a month: p-chart limits are p̄ ± 0.003, far tighter than the months vary.
    pos = [
        86_000,
        88_000,
        85_000,
        89_000,
        87_000,
        86_500,
        88_500,
        85_500,
        87_500,
        88_000,
        86_000,
        87_000,
    ]
    d = monthly(pos=pos, n=[100_000] * 12)
    p = attribute_spc(d, "pos", "n", "month", chart="p")
    pp = attribute_spc(d, "pos", "n", "month", chart="pprime")
    assert p["special_cause_flag"].sum() > 6
    assert pp["special_cause_flag"].sum() == 0


def test_u_and_c_charts_hand_worked():
    # u: ū = 15 / 400 = 0.0375; n = 100 → 0.0375 + 3√(0.0375/100) = 0.095595; lower floored at 0.
    d = monthly(c=[4, 6, 5], n=[100, 200, 100])
    u = attribute_spc(d, "c", "n", "month", chart="u")
    assert u["mean"].iloc[0] == pytest.approx(0.0375)
    assert u["upl"].iloc[0] == pytest.approx(0.0375 + 3 * math.sqrt(0.0375 / 100))
    assert u["lpl"].iloc[0] == 0
    # c: c̄ = 5; 5 + 3√5 = 11.708.
    c = attribute_spc(d, "c", None, "month", chart="c")
    assert c["upl"].iloc[0] == pytest.approx(11.7082, abs=1e-4)


def test_bad_points_are_reported_with_place():
    d = monthly(pos=[90, 120], n=[100, 100])
    with pytest.raises(ValueError, match="2024-02-01: numerator 120 and denominator 100"):
        attribute_spc(d, "pos", "n", "month", chart="p")
    with pytest.raises(ValueError, match="needs denominator_field"):
        attribute_spc(d, "pos", None, "month", chart="u")
    with pytest.raises(ValueError, match="chart must be one of"):
        attribute_spc(d, "pos", "n", "month", chart="np")


# Montgomery D.C., Introduction to Statistical Quality Control (7th ed.), Chapter 7.
# The data are the book's tables; the expected limits are the figures printed in its text.

#: Example 7.1 (Table 7.1): nonconforming orange-juice cans in 30 samples of 50.
MONTGOMERY_7_1 = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22,
                  8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]  # fmt: skip
#: Example 7.3 (Table 7.7): nonconformities in 26 samples of 100 printed circuit boards.
MONTGOMERY_7_3 = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16,
                  19, 10, 17, 13, 22, 18, 39, 30, 24, 16, 19, 17, 15]  # fmt: skip
#: Example 7.4 (Table 7.9): nonconformities in 20 samples of 5 personal computers.
MONTGOMERY_7_4 = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5]


def test_p_chart_reproduces_montgomery_example_7_1():
    d = monthly(x=MONTGOMERY_7_1, n=[50] * 30)
    out = attribute_spc(d, "x", "n", "month", chart="p", improvement_direction="decrease")
    # Trial limits: p̄ = 347/1500 = 0.2313, UCL = 0.4102, LCL = 0.0524.
    assert round(out["mean"].iloc[0], 4) == 0.2313
    assert round(out["upl"].iloc[0], 4) == 0.4102
    assert round(out["lpl"].iloc[0], 4) == 0.0524
    # Samples 15 and 23 are above the upper limit, and only they.
    assert (out.index[out["outside_limits"]] + 1).tolist() == [15, 23]
    # Revised limits without samples 15 and 23: p̄ = 301/1400 = 0.2150, 0.3893, 0.0407.
    revised = attribute_spc(
        d.drop(index=[14, 22]), "x", "n", "month", chart="p", improvement_direction="decrease"
    )
    assert round(revised["mean"].iloc[0], 4) == 0.2150
    assert round(revised["upl"].iloc[0], 4) == 0.3893
    assert round(revised["lpl"].iloc[0], 4) == 0.0407


def test_c_chart_reproduces_montgomery_example_7_3():
    d = monthly(x=MONTGOMERY_7_3)
    out = attribute_spc(d, "x", None, "month", chart="c", improvement_direction="decrease")
    # c̄ = 516/26 = 19.85, UCL = 33.22, LCL = 6.48; samples 6 and 20 are outside. The book
    # rounds c̄ to 19.85 before taking 3√c̄, which puts its UCL 0.005 above the exact 33.211.
    assert round(out["mean"].iloc[0], 2) == 19.85
    assert out["upl"].iloc[0] == pytest.approx(33.22, abs=0.01)
    assert round(out["lpl"].iloc[0], 2) == 6.48
    assert (out.index[out["outside_limits"]] + 1).tolist() == [6, 20]
    # Revised without them: c̄ = 19.67, UCL = 32.97, LCL = 6.36.
    revised = attribute_spc(d.drop(index=[5, 19]), "x", None, "month", chart="c")
    assert round(revised["mean"].iloc[0], 2) == 19.67
    assert round(revised["upl"].iloc[0], 2) == 32.97
    assert round(revised["lpl"].iloc[0], 2) == 6.36


def test_u_chart_reproduces_montgomery_example_7_4():
    d = monthly(x=MONTGOMERY_7_4, n=[5] * 20)
    out = attribute_spc(d, "x", "n", "month", chart="u", improvement_direction="decrease")
    # ū = 193/100 = 1.93, UCL = 3.79, LCL = 0.07; the process is in control.
    assert round(out["mean"].iloc[0], 2) == 1.93
    assert round(out["upl"].iloc[0], 2) == 3.79
    assert round(out["lpl"].iloc[0], 2) == 0.07
    assert not out["outside_limits"].any()
