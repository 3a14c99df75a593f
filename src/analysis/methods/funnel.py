"""Funnel plots for comparing services' proportions, with overdispersion as FunnelPlotR handles it.

References: Spiegelhalter D.J., "Funnel plots for comparing institutional performance",
*Statistics in Medicine* 24 (2005) 1185–1202, and "Handling over-dispersion of
performance indicators", *Quality and Safety in Health Care* 14 (2005) 347–351; the R
package FunnelPlotR (nhs-r-community/FunnelPlotR, ``R/od_adjustment.R``,
``data_type = "PR"``). Steps, for proportions yᵢ = xᵢ / nᵢ:

1. transform: Yᵢ = asin(√yᵢ), target θ = asin(√(Σx / Σn)), sᵢ = 1 / (2√nᵢ);
2. z-scores zᵢ = (Yᵢ − θ) / sᵢ, winsorised at the 10th and 90th centiles;
3. φ = Σ z_w² / k (k services); overdispersion if kφ > k − 1;
4. additive random effect τ² = max(0, (kφ − (k − 1)) / (Σwᵢ − Σwᵢ² / Σwᵢ)), wᵢ = 1/sᵢ²;
5. limits sin²(θ ± z_α √(1/(4n) + τ²)) for 95% (z = 1.959964) and 99.8% (z = 3.090232).

A service is *outside* when its proportion lies beyond the 99.8% limits for its
denominator (``outside_95`` for the 95% limits).

NHS England's caveat applies to every FFT funnel: the Friends and Family Test is not
designed for comparing providers; case mix and collection methods differ
(:data:`FFT_COMPARISON_CAVEAT`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

Z95 = 1.959964
Z998 = 3.090232
FFT_COMPARISON_CAVEAT = (
    "NHS England advises that FFT results are not designed for comparing providers: "
    "services differ in case mix and in how and when they collect responses, so a "
    "difference on this chart is a prompt to ask why, not a ranking."
)


def _winsorise(z: np.ndarray, trim: float) -> np.ndarray:
    """Winsorise at the ``trim`` and 1 − ``trim`` quantiles (R ``quantile`` type 7, as FunnelPlotR)."""
    lo, hi = np.quantile(z, [trim, 1 - trim])
    return np.clip(z, lo, hi)


def overdispersion(z: np.ndarray, s: np.ndarray, trim: float = 0.1) -> tuple[float, float]:
    """(φ, τ²) from z-scores and their standard errors, as FunnelPlotR's ``phi_func``/``tau_func``.

    >>> phi, tau2 = overdispersion(np.array([0.0, 0.0]), np.array([0.1, 0.1]))
    >>> phi, tau2
    (0.0, 0.0)
    """
    k = len(z)
    phi = float(np.sum(_winsorise(z, trim) ** 2) / k)
    if k * phi < k - 1:
        return phi, 0.0
    w = 1 / s**2
    tau2 = max(0.0, (k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    return phi, float(tau2)


def proportion_funnel(
    data: pd.DataFrame,
    numerator_field: str,
    denominator_field: str,
    unit_field: str,
    overdispersed: bool = True,
    trim: float = 0.1,
) -> tuple[pd.DataFrame, dict]:
    """Each unit's proportion against funnel limits for its denominator.

    Returns ``(units, fit)``: ``units`` has ``unit, numerator, denominator, proportion,
    z, lower_95, upper_95, lower_998, upper_998, outside_95, outside, position``
    (``"above"``, ``"below"`` or ``"within"`` the 99.8% limits); ``fit`` holds
    ``target``, ``phi``, ``tau2`` and ``overdispersed`` (whether τ² was used).
    """
    for col in (numerator_field, denominator_field, unit_field):
        if col not in data.columns:
            raise ValueError(
                f"{col!r} is not a column of the data; columns are {', '.join(data.columns)}"
            )
    d = data[[unit_field, numerator_field, denominator_field]].dropna()
    x = d[numerator_field].to_numpy(dtype="float64")
    n = d[denominator_field].to_numpy(dtype="float64")
    if len(d) < 2:
        raise ValueError("a funnel plot needs at least two units with a numerator and denominator")
    if np.any(n <= 0) or np.any(x < 0) or np.any(x > n):
        i = int(np.flatnonzero((n <= 0) | (x < 0) | (x > n))[0])
        raise ValueError(
            f"unit {d[unit_field].iloc[i]!r}: {x[i]:g} of {n[i]:g} is not a proportion "
            "(need 0 ≤ numerator ≤ denominator, denominator > 0)"
        )
    p0 = x.sum() / n.sum()
    theta = np.arcsin(np.sqrt(p0))
    s = 1 / (2 * np.sqrt(n))
    z = (np.arcsin(np.sqrt(x / n)) - theta) / s
    phi, tau2 = overdispersion(z, s, trim)
    if not overdispersed:
        tau2 = 0.0
    se = np.sqrt(s**2 + tau2)

    def limit(zq: float) -> np.ndarray:
        return np.sin(np.clip(theta + zq * se, 0, np.pi / 2)) ** 2

    out = pd.DataFrame(
        {
            "unit": d[unit_field].to_numpy(),
            "numerator": x,
            "denominator": n,
            "proportion": x / n,
            "z": (np.arcsin(np.sqrt(x / n)) - theta) / se,
            "lower_95": limit(-Z95),
            "upper_95": limit(Z95),
            "lower_998": limit(-Z998),
            "upper_998": limit(Z998),
        }
    )
    out["outside_95"] = (out["proportion"] < out["lower_95"]) | (
        out["proportion"] > out["upper_95"]
    )
    out["position"] = np.select(
        [out["proportion"] > out["upper_998"], out["proportion"] < out["lower_998"]],
        ["above", "below"],
        default="within",
    )
    out["outside"] = out["position"] != "within"
    fit = {"target": float(p0), "phi": phi, "tau2": tau2, "overdispersed": bool(tau2 > 0)}
    return out, fit


def funnel_curve(fit: dict, n_max: float, points: int = 200) -> pd.DataFrame:
    """The funnel's limit lines over denominators 1 … ``n_max`` for drawing."""
    n = np.linspace(1, n_max, points)
    theta = np.arcsin(np.sqrt(fit["target"]))
    se = np.sqrt(1 / (4 * n) + fit["tau2"])
    curve = {"denominator": n}
    for name, zq in (
        ("lower_95", -Z95),
        ("upper_95", Z95),
        ("lower_998", -Z998),
        ("upper_998", Z998),
    ):
        curve[name] = np.sin(np.clip(theta + zq * se, 0, np.pi / 2)) ** 2
    return pd.DataFrame(curve)
