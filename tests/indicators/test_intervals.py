"""Intervals against published figures (named in each test) and a hand calculation."""

import math

import numpy as np
import pytest

from analysis.methods.intervals import (
    byars_limits,
    exact_poisson_limits,
    mean_limits,
    poisson_limits,
    rate_limits,
    wilson,
)


@pytest.mark.parametrize(
    "x, n, lower, upper",
    [
        # Newcombe RG (1998) Two-sided confidence intervals for the single proportion,
        # Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_reproduces_newcombe_1998(x, n, lower, upper):
    lo, hi = wilson(x, n)
    assert round(float(lo), 4) == lower
    assert round(float(hi), 4) == upper


def test_wilson_by_hand():
    # 65 of 100 (the proportion PHEindicatormethods' tests use), z = 1.959964:
    # z^2 = 3.841459; 2O + z^2 = 133.841459; 4Oq = 4 * 65 * 0.35 = 91
    # sqrt(z^2 + 4Oq) = sqrt(94.841459) = 9.738658; z * that = 19.087423
    # 2(n + z^2) = 207.682918 → lower = 114.754036 / 207.682918 = 0.552544
    #                            upper = 152.928882 / 207.682918 = 0.736357
    lo, hi = wilson(65, 100)
    assert float(lo) == pytest.approx(0.552544, abs=2e-6)
    assert float(hi) == pytest.approx(0.736357, abs=2e-6)


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError, match="numerator <= denominator"):
        wilson(5, 4)
    with pytest.raises(ValueError, match="confidence"):
        wilson(5, 10, confidence=0.5)


@pytest.mark.parametrize(
    "x, lower, upper",
    [
        # Exact 95% limits for a Poisson count, as tabulated in standard tables (e.g. Geigy
        # Scientific Tables; Sahai & Khurshid 1993) and used below 10 events by the OHID
        # Public health technical guidance: Rates / PHEindicatormethods::phe_rate.
        (0, 0.0, 3.689),
        (1, 0.0253, 5.572),
        (2, 0.242, 7.225),
        (3, 0.619, 8.767),
        (5, 1.623, 11.668),
        (9, 4.115, 17.085),
    ],
)
def test_exact_poisson_matches_tables(x, lower, upper):
    lo, hi = poisson_limits(x)
    decimals = 4 if lower and lower < 0.1 else 3
    assert round(float(lo), decimals) == lower
    assert round(float(hi), 3) == upper


def test_byars_within_published_accuracy_of_exact_from_10_events():
    # PHE Technical Guide: Confidence Intervals (2018), Appendix 1: for 95% intervals
    # "Byar's method is within 0.2% of the exact value for numerators of 10 or more".
    x = np.arange(10, 5001)
    b_lo, b_hi = byars_limits(x)
    e_lo, e_hi = exact_poisson_limits(x)
    assert np.max(np.abs(b_lo / e_lo - 1)) < 0.002
    assert np.max(np.abs(b_hi / e_hi - 1)) < 0.002


def test_poisson_switches_to_byars_at_10_events():
    lo9, _ = poisson_limits(9)
    assert float(lo9) == pytest.approx(float(exact_poisson_limits(9)[0]))
    lo10, hi10 = poisson_limits(10)
    # Byar's by hand for O = 10, z = 1.959964:
    # lower = 10 (1 - 1/90 - z / (3 sqrt 10))^3 = 10 (0.988889 - 0.206600)^3 = 10 * 0.782289^3 = 4.7874
    # upper = 11 (1 - 1/99 + z / (3 sqrt 11))^3 = 11 (0.989899 + 0.196985)^3 = 11 * 1.186884^3 = 18.3915
    assert float(lo10) == pytest.approx(4.7874, abs=1e-4)
    assert float(hi10) == pytest.approx(18.3915, abs=1e-4)


def test_rate_scales_count_limits():
    lo, hi = rate_limits(5, 2000, multiplier=1000)
    assert float(lo) == pytest.approx(1.623 / 2, abs=1e-3)
    assert float(hi) == pytest.approx(11.668 / 2, abs=1e-3)
    with pytest.raises(ValueError, match="positive denominator"):
        rate_limits(5, 0)


def test_mean_limits_by_hand():
    # values 2, 4, 6, 8: mean 5, sd = sqrt(20/3) = 2.581989, se = 1.290994
    # t(0.975, 3) = 3.182446 → half-width 3.182446 * 1.290994 = 4.108520
    lo, hi = mean_limits([2, 4, 6, 8])
    assert lo == pytest.approx(5 - 4.108520, abs=1e-5)
    assert hi == pytest.approx(5 + 4.108520, abs=1e-5)
    assert all(math.isnan(v) for v in mean_limits([3]))
