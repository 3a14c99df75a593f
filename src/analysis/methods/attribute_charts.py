"""Attribute control charts: p and Laney p′ for proportions, c and u for counts and rates.

Same rules, output columns and vocabulary as :func:`analysis.methods.spc.ptd_spc`
(NHSRplotthedots), with limits that vary with each point's denominator:

* **p-chart** (Montgomery, *Introduction to Statistical Quality Control*, 7th ed., §7.2):
  p̄ = Σx / Σn; σᵢ = √(p̄(1 − p̄) / nᵢ); limits p̄ ± 3σᵢ, clipped to [0, 1].
* **p′-chart** (Laney D.B., "Improved control charts for attributes", *Quality
  Engineering* 14(4), 2002, 531–537): zᵢ = (pᵢ − p̄) / σᵢ; σ_z = mean moving range of
  z / 1.128; limits p̄ ± 3 σᵢ σ_z. With large denominators the p-chart's limits hug the
  centre line and flag almost every month (overdispersion); σ_z > 1 widens them to the
  process's real month-to-month variation, σ_z < 1 narrows them. The same formulas,
  limits clipped to [0, 1], are Minitab's ("Methods and formulas for Laney P' Chart").
* **c-chart**: c̄ ± 3√c̄ (counts with a constant opportunity).
* **u-chart**: ū = Σc / Σn; limits ū ± 3√(ū / nᵢ) (counts per unit of exposure, e.g.
  complaints per 1,000 contacts). Lower limits are floored at 0.

``multiplier`` scales proportions and rates for display (100 for percentages, 1000 for
"per 1,000"). Missing numerators or denominators are missing points, as in ``ptd_spc``.

Example — a p-chart of FFT positive shares:

>>> import pandas as pd
>>> d = pd.DataFrame({"month": pd.date_range("2024-01-01", periods=4, freq="MS"),
...                   "positive": [90, 80, 85, 95], "responses": [100, 100, 100, 100]})
>>> out = attribute_spc(d, "positive", "responses", "month", chart="p", multiplier=100)
>>> float(out["mean"].iloc[0]), round(float(out["upl"].iloc[0]), 2)
(87.5, 97.42)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.methods.spc import (
    finish,
    fixed_points,
    group_count,
    group_mean,
    group_sum,
    moving_ranges,
    prepare_series,
    validate_options,
)

#: d2 for moving ranges of two points (Laney 2002 uses MR̄ / 1.128 for σ_z).
D2 = 1.128
CHARTS = ("p", "pprime", "c", "u", "uprime")


def attribute_spc(
    data: pd.DataFrame,
    numerator_field: str,
    denominator_field: str | None,
    date_field: str,
    facet_field: str | None = None,
    chart: str = "p",
    rebase: Sequence | Mapping | None = None,
    fix_after_n_points: int | None = None,
    improvement_direction: str = "increase",
    target: float | Mapping | None = None,
    multiplier: float = 1.0,
    rules: str = "ptd",
    freq: str | None = None,
) -> pd.DataFrame:
    """p, p′ (``"pprime"``), c, u or u′ (``"uprime"``) chart values for every point.

    ``y`` is numerator ÷ denominator × ``multiplier`` (the count itself for a c-chart);
    ``target`` is on the same scale. The result also carries ``numerator``,
    ``denominator`` and, for p′ and u′, ``sigma_z`` (Laney's overdispersion factor).
    """
    if chart not in CHARTS:
        raise ValueError(f"chart must be one of {', '.join(CHARTS)}, got {chart!r}")
    if chart != "c" and denominator_field is None:
        raise ValueError(
            f"a {chart}-chart needs denominator_field (responses, eligible, contacts …)"
        )
    rule_set = validate_options(improvement_direction, fix_after_n_points, rules)
    extra = {"numerator": numerator_field}
    if denominator_field is not None:
        extra["denominator"] = denominator_field
    series = prepare_series(data, numerator_field, date_field, facet_field, rebase, freq, extra)
    fr = series.frame
    num = fr["numerator"].to_numpy()
    den = fr["denominator"].to_numpy() if denominator_field is not None else np.ones(len(fr))
    bad = (den <= 0) | (num < 0)
    if chart in ("p", "pprime"):
        bad |= num > den
    if np.any(bad & ~np.isnan(num) & ~np.isnan(den)):
        i = int(np.flatnonzero(bad & ~np.isnan(num) & ~np.isnan(den))[0])
        raise ValueError(
            f"facet {fr['f'].iloc[i]!r}, {fr['x'].iloc[i]:%Y-%m-%d}: numerator {num[i]:g} and denominator "
            f"{den[i]:g} are not a valid {chart}-chart point (need denominator > 0, 0 ≤ numerator"
            f"{' ≤ denominator' if chart in ('p', 'pprime') else ''})"
        )
    rate = num / den
    fr["y"] = rate
    fix = fixed_points(series, fix_after_n_points)
    g = series.group
    centre_g = group_sum(series, np.where(fix, num, np.nan)) / group_sum(
        series, np.where(fix, den, np.nan)
    )
    centre = centre_g[g]
    with np.errstate(invalid="ignore", divide="ignore"):
        if chart in ("p", "pprime"):
            sigma = np.sqrt(centre * (1 - centre) / den)
        else:
            sigma = np.sqrt(centre / den)
    sigma_z = np.ones(len(fr))
    if chart in ("pprime", "uprime"):
        with np.errstate(invalid="ignore", divide="ignore"):
            z = (rate - centre) / sigma
        sz_g = group_mean(series, moving_ranges(series, z, fix & np.isfinite(z))) / D2
        sigma_z = sz_g[g]
        sigma = sigma * sigma_z
    # no limits while a group has fewer points than the rule set's minimum (13 for Making
    # Data Count's tool, which then may fix its baseline at the first 12)
    n_obs = group_count(series, ~np.isnan(num) & ~np.isnan(den))
    sigma = np.where(n_obs[g] >= rule_set.min_points, sigma, np.nan)
    upper = 1.0 if chart in ("p", "pprime") else np.inf
    lpl = np.clip(centre - 3 * sigma, 0, upper)
    upl = np.clip(centre + 3 * sigma, 0, upper)
    nlpl = np.clip(centre - 2 * sigma, 0, upper)
    nupl = np.clip(centre + 2 * sigma, 0, upper)
    fr["y"] = rate * multiplier
    out = finish(
        series,
        fix,
        centre * multiplier,
        lpl * multiplier,
        upl * multiplier,
        nlpl * multiplier,
        nupl * multiplier,
        improvement_direction,
        rule_set,
        target,
        None,
        {
            "chart": chart,
            "numerator_field": numerator_field,
            "denominator_field": denominator_field,
            "date_field": date_field,
            "facet_field": facet_field,
            "multiplier": multiplier,
            "rules": rules if isinstance(rules, str) else "custom",
        },
    )
    if chart in ("pprime", "uprime"):
        out["sigma_z"] = sigma_z
    if denominator_field is None:
        out = out.drop(columns="denominator", errors="ignore")
    return out
