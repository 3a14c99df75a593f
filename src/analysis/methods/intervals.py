"""Confidence intervals for indicator values, as UKHSA's PHEindicatormethods computes them.

References
----------
* Proportions: Wilson score method (Wilson 1927), as recommended by Newcombe (1998,
  *Statistics in Medicine* 17:857-872) and used by ``PHEindicatormethods::phe_proportion``
  (``wilson_lower`` / ``wilson_upper``) and the OHID *Public health technical guidance:
  Proportions*.
* Counts and rates: the exact Poisson (chi-squared) method for fewer than 10 events and
  Byar's approximation (Breslow and Day 1987) for 10 or more, as
  ``PHEindicatormethods::phe_rate`` and the OHID *Public health technical guidance: Rates*
  (and PHE's *Technical Guide: Confidence Intervals*, 2018) specify.

``z`` is the exact normal quantile (1.959964 for 95%), not the rounded 1.96, as
PHEindicatormethods uses ``qnorm``.

>>> lo, hi = wilson(81, 263)
>>> round(float(lo), 4), round(float(hi), 4)
(0.2553, 0.3662)
>>> lo, hi = poisson_limits(5)
>>> round(float(lo), 3), round(float(hi), 3)
(1.623, 11.668)
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2, norm, t

#: Below this many events PHEindicatormethods uses the exact Poisson method, from it Byar's.
BYARS_FROM = 10


def _z(confidence: float) -> float:
    if not 0.9 <= confidence < 1:
        raise ValueError(f"confidence must be between 0.9 and 1 (e.g. 0.95), not {confidence!r}")
    return float(norm.ppf(0.5 + confidence / 2))


def wilson(x, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score limits for ``x`` successes out of ``n`` (as proportions, 0-1).

    Works element-wise on arrays; ``n`` must be positive and ``0 <= x <= n``.
    """
    x = np.asarray(x, dtype="float64")
    n = np.asarray(n, dtype="float64")
    if np.any(x < 0) or np.any(n <= 0) or np.any(x > n):
        raise ValueError("Wilson interval needs 0 <= numerator <= denominator and denominator > 0")
    z = _z(confidence)
    q = 1 - x / n
    centre = 2 * x + z**2
    spread = z * np.sqrt(z**2 + 4 * x * q)
    denom = 2 * (n + z**2)
    return (centre - spread) / denom, (centre + spread) / denom


def exact_poisson_limits(x, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (chi-squared) limits for an observed Poisson count ``x``."""
    x = np.asarray(x, dtype="float64")
    alpha = 1 - confidence
    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, chi2.ppf(alpha / 2, 2 * x) / 2, 0.0)
    upper = chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    return lower, upper


def byars_limits(x, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the exact Poisson limits for a count ``x`` (``x >= 1``)."""
    x = np.asarray(x, dtype="float64")
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
    return lower, upper


def poisson_limits(x, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Limits for a count: exact below :data:`BYARS_FROM` events, Byar's from it (as ``phe_rate``)."""
    x = np.asarray(x, dtype="float64")
    if np.any(x < 0):
        raise ValueError("a count cannot be negative")
    exact = exact_poisson_limits(x, confidence)
    byars = byars_limits(np.maximum(x, 1), confidence)
    small = x < BYARS_FROM
    return np.where(small, exact[0], byars[0]), np.where(small, exact[1], byars[1])


def rate_limits(x, n, multiplier: float = 1.0, confidence: float = 0.95):
    """Limits for the rate ``x / n * multiplier`` (e.g. per 1,000), from :func:`poisson_limits`."""
    n = np.asarray(n, dtype="float64")
    if np.any(n <= 0):
        raise ValueError("a rate needs a positive denominator")
    lower, upper = poisson_limits(x, confidence)
    return lower / n * multiplier, upper / n * multiplier


def mean_limits(values, confidence: float = 0.95) -> tuple[float, float]:
    """Student's t limits for the mean of ``values`` (as ``PHEindicatormethods::phe_mean``)."""
    v = np.asarray(values, dtype="float64")
    v = v[~np.isnan(v)]
    if v.size < 2:
        return float("nan"), float("nan")
    half = t.ppf(0.5 + confidence / 2, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size)
    return float(v.mean() - half), float(v.mean() + half)
