"""Funnel plots for proportions (Spiegelhalter 2005; FunnelPlotR ``data_type = "PR"``).

Hand-worked: on the arcsine-square-root scale the limit for denominator n is
sin²(θ ± z/(2√n)), and sin²(π/4 + δ) = (1 + sin 2δ)/2, so with a 50% target and n = 100
the upper 95% limit is (1 + sin(1.959964/10))/2 = 0.597372 and the 99.8% one
(1 + sin(3.090232/10))/2 = 0.652006.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.methods.funnel import (
    FFT_COMPARISON_CAVEAT,
    funnel_curve,
    overdispersion,
    proportion_funnel,
)


def test_limits_without_overdispersion_hand_worked():
    d = pd.DataFrame({"unit": ["A", "B"], "x": [50, 50], "n": [100, 100]})
    units, fit = proportion_funnel(d, "x", "n", "unit")
    assert fit["target"] == 0.5 and fit["tau2"] == 0.0 and not fit["overdispersed"]
    assert units["upper_95"].iloc[0] == pytest.approx((1 + math.sin(1.959964 / 10)) / 2, abs=1e-9)
    assert units["upper_998"].iloc[0] == pytest.approx((1 + math.sin(3.090232 / 10)) / 2, abs=1e-9)
    assert units["lower_95"].iloc[0] == pytest.approx((1 - math.sin(1.959964 / 10)) / 2, abs=1e-9)


def test_tau2_hand_worked_for_equal_denominators():
    # Equal denominators n: wᵢ = 4n, so τ² = (kφ − (k − 1)) / (4n(k − 1)) (FunnelPlotR tau_func).
    z = np.array([-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 0.5, -0.5, 0.0])
    s = np.full(10, 1 / (2 * math.sqrt(400)))
    phi, tau2 = overdispersion(z, s)
    lo, hi = np.quantile(z, [0.1, 0.9])  # winsorised at the 10th and 90th centiles: ±2.1
    assert (lo, hi) == pytest.approx((-2.1, 2.1))
    expected_phi = (2 * 2.1**2 + 2 * 2**2 + 2 * 1 + 2 * 0.25) / 10
    assert phi == pytest.approx(expected_phi)
    assert tau2 == pytest.approx((10 * expected_phi - 9) / (4 * 400 * 9))


def test_outlying_service_is_listed():
    # Nine services near 85% positive, one at 60% of 500: below the 99.8% limit.
    units = [f"S{i}" for i in range(10)]
    x = [425, 430, 420, 428, 422, 426, 424, 427, 423, 300]
    d = pd.DataFrame({"service": units, "pos": x, "n": [500] * 10})
    out, fit = proportion_funnel(d, "pos", "n", "service")
    assert out.loc[out.outside, "unit"].tolist() == ["S9"]
    assert out.loc[out.unit == "S9", "position"].item() == "below"
    assert fit["overdispersed"]


def test_curve_and_errors_and_caveat():
    curve = funnel_curve({"target": 0.5, "tau2": 0.0}, 100, points=100)
    assert curve["upper_95"].iloc[-1] == pytest.approx((1 + math.sin(1.959964 / 10)) / 2)
    assert "not designed for comparing providers" in FFT_COMPARISON_CAVEAT
    with pytest.raises(ValueError, match="unit 'B': 120 of 100 is not a proportion"):
        proportion_funnel(
            pd.DataFrame({"u": ["A", "B"], "x": [5, 120], "n": [10, 100]}), "x", "n", "u"
        )
    with pytest.raises(ValueError, match="at least two units"):
        proportion_funnel(pd.DataFrame({"u": ["A"], "x": [5], "n": [10]}), "x", "n", "u")
