"""Funnel plots for standardised ratios (observed ÷ expected), as FunnelPlotR's SR method.

References: Spiegelhalter D.J., "Handling over-dispersion of performance indicators",
*Quality and Safety in Health Care* 14 (2005) 347–351; NHS Digital's SHMI methodology
(log-transformed z-scores, 10% truncation); the R package FunnelPlotR
(nhs-r-community/FunnelPlotR, ``funnel_plot(data_type = "SR", sr_method = "SHMI")``:
``R/od_adjustment.R``, ``R/od_limits.R``, ``R/poisson_limits.R``,
``R/outliers_func.R``). Steps, per unit with observed O and expected E (E rounded to
two decimals, as the package does for SHMI):

1. z-scores zᵢ = √Eᵢ · log(Oᵢ / Eᵢ), standard errors sᵢ = 1/√Eᵢ;
2. truncation: rank the z-scores (ties averaged), split into 1/trim groups
   (⌊rank · k / (n + 1)⌋) and drop the lowest and highest (10% each side by default);
3. φ = Σ z² / n over the units kept; τ² = (nφ − (n − 1)) / (Σw − Σw²/Σw), wᵢ = 1/sᵢ²
   over the same units, 0 when nφ < n − 1;
4. limits exp(± z_α √(1/E + τ²)) for 95% (z = 1.959964) and 99.8% (z = 3.090232);
   without overdispersion (or when τ² = 0) exact Poisson limits
   χ²(α/2; 2E)/(2E) and χ²(1 − α/2; 2(E + 1))/(2E);
5. a unit is an outlier when its ratio lies outside the chosen limits (99.8% by
   default, ``limit=99`` in the package).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2, rankdata

Z = {95: 1.959964, 99: 3.090232}


@dataclass(frozen=True)
class SrFit:
    """The fitted funnel: φ, τ², whether limits are overdispersed, and the units truncated."""

    phi: float
    tau2: float
    overdispersed: bool
    n_used: int
    limit: int


def poisson_ratio_limits(expected, limit: int = 99, target: float = 1.0):
    """Exact Poisson limits of O/E for expected ``E`` (FunnelPlotR ``poisson_limits``)."""
    e = np.asarray(expected, dtype="float64")
    alpha = {95: 0.05, 99: 0.002}[limit]
    lower = target * chi2.isf(1 - alpha / 2, 2 * e) / 2 / e
    upper = target * chi2.isf(alpha / 2, 2 * (e + 1)) / 2 / e
    return lower, upper


def shmi_truncation(z: np.ndarray, trim: float = 0.1) -> np.ndarray:
    """Which z-scores survive SHMI's truncation (FunnelPlotR ``truncation``)."""
    k = 1 / trim
    sp = np.floor(rankdata(z, method="average") * k / (len(z) + 1))
    return (sp > 0) & (sp < k - 1)


def sr_overdispersion(observed, expected, trim: float = 0.1) -> tuple[float, float, int]:
    """(φ, τ², units kept) for standardised ratios by the SHMI method."""
    o = np.asarray(observed, dtype="float64")
    e = np.asarray(expected, dtype="float64")
    z = np.sqrt(e) * np.log(o / e)
    s = 1 / np.sqrt(e)
    keep = shmi_truncation(z, trim)
    n = int(keep.sum())
    if n == 0:
        return 0.0, 0.0, 0
    phi = float(np.sum(z[keep] ** 2) / n)
    if n * phi < n - 1:
        return phi, 0.0, n
    w = 1 / s[keep] ** 2
    tau2 = max(0.0, (n * phi - (n - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    return phi, float(tau2), n


def ratio_funnel(
    data: pd.DataFrame,
    observed_field: str,
    expected_field: str,
    unit_field: str,
    overdispersed: bool = True,
    limit: int = 99,
    trim: float = 0.1,
) -> tuple[pd.DataFrame, SrFit]:
    """Each unit's standardised ratio against funnel limits for its expected count.

    Rows are summed per unit first (as FunnelPlotR's ``aggregate_func``). Returns
    ``(units, fit)``: ``units`` has ``unit, observed, expected, ratio, z, lower_95,
    upper_95, lower_998, upper_998, outlier`` and ``position`` (``"above"``, ``"below"``
    or ``"within"`` the chosen limits); the limits are overdispersed when
    ``fit.overdispersed``, exact Poisson otherwise.
    """
    for col in (observed_field, expected_field, unit_field):
        if col not in data.columns:
            raise ValueError(
                f"{col!r} is not a column of the data; columns are {', '.join(map(str, data.columns))}"
            )
    if limit not in Z:
        raise ValueError(f"limit must be 95 or 99 (99.8%), not {limit!r}")
    agg = (
        data[[unit_field, observed_field, expected_field]]
        .dropna()
        .groupby(unit_field, sort=True, observed=True)[[observed_field, expected_field]]
        .sum()
    )
    if len(agg) < 2:
        raise ValueError("a funnel plot needs at least two units with observed and expected counts")
    o = agg[observed_field].to_numpy(dtype="float64")
    e = np.round(agg[expected_field].to_numpy(dtype="float64"), 2)
    if np.any(e <= 0) or np.any(o < 0):
        i = int(np.flatnonzero((e <= 0) | (o < 0))[0])
        raise ValueError(
            f"unit {agg.index[i]!r}: observed {o[i]:g} and expected {e[i]:g} do not make a "
            "ratio (need observed ≥ 0 and expected > 0)"
        )
    phi, tau2, n_used = sr_overdispersion(o, e, trim)
    use_od = overdispersed and tau2 > 0
    out = pd.DataFrame({"unit": agg.index.to_numpy(), "observed": o, "expected": e, "ratio": o / e})
    with np.errstate(divide="ignore"):
        out["z"] = np.log(o / e) / np.sqrt(1 / e + (tau2 if use_od else 0.0))
    for lvl, name in ((95, "95"), (99, "998")):
        if use_od:
            half = Z[lvl] * np.sqrt(1 / e + tau2)
            lo, hi = np.exp(-half), np.exp(half)
        else:
            lo, hi = poisson_ratio_limits(e, lvl)
        out[f"lower_{name}"], out[f"upper_{name}"] = lo, hi
    name = "95" if limit == 95 else "998"
    out["position"] = np.select(
        [out["ratio"] > out[f"upper_{name}"], out["ratio"] < out[f"lower_{name}"]],
        ["above", "below"],
        default="within",
    )
    out["outlier"] = out["position"] != "within"
    return out, SrFit(phi=phi, tau2=tau2, overdispersed=use_od, n_used=n_used, limit=limit)


def ratio_funnel_curve(fit: SrFit, e_max: float, points: int = 200) -> pd.DataFrame:
    """The funnel's limit lines over expected counts 1.1 … ``e_max`` for drawing."""
    e = np.linspace(1.1, e_max, points)
    curve = {"expected": e}
    for lvl, name in ((95, "95"), (99, "998")):
        if fit.overdispersed:
            half = Z[lvl] * np.sqrt(1 / e + fit.tau2)
            curve[f"lower_{name}"], curve[f"upper_{name}"] = np.exp(-half), np.exp(half)
        else:
            curve[f"lower_{name}"], curve[f"upper_{name}"] = poisson_ratio_limits(e, lvl)
    return pd.DataFrame(curve)
