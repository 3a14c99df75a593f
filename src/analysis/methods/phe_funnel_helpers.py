"""The helpers of PHEindicatormethods' funnel functions (``R/utils.R``), and its axis rounding.

``sigma_adjustment``: the proportion whose Wilson interval at a quantile just reaches the
average; ``poisson_funnel``: the expected count at which an observed count sits at a tail
probability, by the package's bisection; ``funnel_ratio_significance``: exact Poisson limits
below 10 events, Byar's from 10; and the x-axis points of ``calculate_funnel_limits``
(``signif.floor`` / ``signif.ceiling`` count the characters R prints, so 100000 is ``1e+05``).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2, norm, poisson


def sigma_adjustment(p: float, population, average: float, side: str, multiplier: float):
    """The proportion whose Wilson interval at quantile ``p`` just reaches ``average``."""
    n = np.asarray(population, dtype="float64")
    q2 = norm.ppf(p) ** 2
    first = average * (n / q2 + 1)
    with np.errstate(invalid="ignore"):
        adj = np.sqrt(
            (-8 * average * (n / q2 + 1)) ** 2
            - 64
            * (1 / q2 + 1 / n)
            * average
            * (n * (average * (n / q2 + 2) - 1) + q2 * (average - 1))
        )
    last = 1 / q2 + 1 / n
    value = (first - adj / 8) / last if side == "low" else (first + adj / 8) / last
    return value / n * multiplier


def poisson_funnel(obs, p: float, side: str) -> np.ndarray:
    """Expected events at which ``obs`` sits at tail probability ``p`` (bisection, as R).

    ``side="low"``: P(K ≥ obs) = p (the lower exact limit); ``"high"``: P(K ≤ obs) = p.
    """
    obs = np.asarray(obs, dtype="float64")
    v = np.full(obs.shape, 0.5)
    dv = 0.5
    while dv > 1e-7:
        dv /= 2
        mu = (1 + obs) * v / (1 - v)
        move_down = poisson.sf(obs - 1, mu) > p if side == "low" else poisson.cdf(obs, mu) < p
        v = np.where(move_down, v - dv, v + dv)
    return (1 + obs) * v / (1 - v)


def funnel_ratio_significance(obs, expected, p: float, side: str) -> np.ndarray:
    """Limit of ``obs / expected`` at confidence ``p``: exact below 10 events, Byar's from 10."""
    obs = np.asarray(obs, dtype="float64")
    expected = np.asarray(expected, dtype="float64")
    z = norm.ppf(0.5 + p / 2)
    if side == "low":
        with np.errstate(invalid="ignore", divide="ignore"):
            exact = chi2.isf(0.5 + p / 2, 2 * obs) / 2
            byar = obs * (1 - 1 / (9 * obs) - z / 3 / np.sqrt(obs)) ** 3
        stat = np.where(obs < 10, np.where(obs == 0, 0.0, exact), byar)
    else:
        exact = chi2.ppf(0.5 + p / 2, 2 * obs + 2) / 2
        o1 = obs + 1
        byar = o1 * (1 - 1 / (9 * o1) + z / 3 / np.sqrt(o1)) ** 3
        stat = np.where(obs < 10, exact, byar)
    return stat / expected


def r_nchar(x: float) -> int:
    """Characters R prints for a whole number (``as.character``): 100000 is ``1e+05``."""
    fixed = str(int(x))
    digits = fixed.rstrip("0") or "0"
    exponent = len(fixed) - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    sci = f"{mantissa}e+{exponent:02d}"
    return len(sci) if len(sci) < len(fixed) else len(fixed)


def signif_floor(x: float, down: float = 0.95) -> float:
    """Round down to a round number below ``x * down``, as PHEindicatormethods' axis limits do."""
    if x == 0:
        return 0.0
    n = r_nchar(np.floor(x * down)) - 1
    return float(np.floor(x * down / 10**n) * 10**n)


def signif_ceiling(x: float, up: float = 1.05) -> float:
    """Round up to a round number above ``x * up``, as PHEindicatormethods' axis limits do."""
    if x == 0:
        return 0.0
    n = r_nchar(np.ceil(x * up)) - 2
    return float(np.ceil(x * up / 10.0**n) * 10.0**n)


def axis_points(lo: float, hi: float, ratio: bool) -> np.ndarray:
    """The denominators at which PHEindicatormethods evaluates funnel limits."""
    first = [max(1.0, lo)]
    for j in range(2, 101):
        offset = j - 1 if ratio else j
        prev = first[-1]
        first.append(max(float(np.round((hi / prev) ** (1 / (101 - offset)) * prev)), prev + 1))
    return np.array(first)
