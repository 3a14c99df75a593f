"""Funnel-plot limits and significance as UKHSA's PHEindicatormethods computes them.

Reference: the R package PHEindicatormethods (v2.1.0, ``R/Funnels.R`` and the helpers
``sigma_adjustment``, ``poisson_funnel``, ``poisson_cis`` and
``funnel_ratio_significance`` in ``R/utils.R``), which follows the Fingertips *Public
Health Technical Guidance* (funnel plots chapter). Three functions mirror the R ones:

* :func:`calculate_funnel_limits`: 100 rows of funnel lines for drawing, at 95%
  ("2s", p = 0.025 each side) and 99.8% ("3s", p = 0.001 each side) around the
  pooled average:

  - proportions: Wilson score limits solved for the point whose interval touches the
    average (``sigma_adjustment``), lower lines floored at 0 and upper lines capped at 100
    as the R code does (``max(0, …)``, ``min(100, …)``);
  - ratios (observed / expected): exact Poisson limits on the observed count found by
    bisection (``poisson_funnel``); ``ratio_type="count"`` reports ratio − 1, which is
    negative below the line and is kept negative, as the package does;
    ``"isr"`` reports ratio × 100;
  - rates (crude or directly standardised): the Poisson lines on events, with the
    population a line corresponds to (per year of data).

* :func:`assign_funnel_significance`: each record's ``High (0.001)``, ``High (0.025)``,
  ``Low (0.001)``, ``Low (0.025)`` or ``Not significant`` against the pooled
  average (proportions by the Wilson lines; ratios and rates by exact Poisson limits
  below 10 events and Byar's from 10, the average against the record's interval);
  directly standardised rates with fewer than 10 events are ``Not applicable``.
* :func:`calculate_funnel_points`: the rate and the derived yearly denominator each
  record is drawn at (DSRs with fewer than 10 events are not drawn).

The x-axis points follow the package's rounding (``signif.floor`` / ``signif.ceiling``,
which count the characters of R's printed number, so 100000 prints as ``1e+05``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.methods.phe_funnel_helpers import (
    axis_points,
    funnel_ratio_significance,
    poisson_funnel,
    sigma_adjustment,
    signif_ceiling,
    signif_floor,
)

SIGNIFICANCE_LEVELS = [
    "High (0.001)",
    "High (0.025)",
    "Low (0.001)",
    "Low (0.025)",
    "Not significant",
    "Not applicable for events less than 10 for dsrs",
]
STATISTICS = ("proportion", "ratio", "rate")


@dataclass(frozen=True)
class FunnelStatistic:
    """What the funnel is of: ``statistic`` and the options the R functions take with it.

    ``multiplier`` scales the output (100 for a percentage, 1e5 for a rate per 100,000);
    ``ratio_type`` is ``"count"`` or ``"isr"`` for ratios; ``rate_type`` ``"dsr"`` or
    ``"crude"`` and ``years_of_data`` are needed for rates.
    """

    statistic: str
    multiplier: float | None = None
    ratio_type: str | None = None
    rate_type: str | None = None
    years_of_data: float | None = None

    def check(self, need_multiplier: bool = True, limits: bool = True) -> None:
        if self.statistic not in STATISTICS:
            raise ValueError(
                f"statistic must be one of {', '.join(STATISTICS)}, not {self.statistic!r}"
            )
        if need_multiplier and self.multiplier is None:
            raise ValueError(f"a {self.statistic} funnel needs a multiplier (e.g. 100)")
        if limits and self.statistic == "ratio" and self.ratio_type not in ("count", "isr"):
            raise ValueError("ratio funnels need ratio_type 'count' or 'isr'")
        if self.statistic == "rate" and self.rate_type not in ("dsr", "crude"):
            raise ValueError("rate funnels need rate_type 'dsr' or 'crude'")


def _column(data: pd.DataFrame, name: str | None, what: str) -> np.ndarray | None:
    if name is None:
        return None
    if name not in data.columns:
        raise ValueError(
            f"{what} {name!r} is not a column of the data (columns: {', '.join(map(str, data.columns))})"
        )
    return pd.to_numeric(data[name], errors="coerce").to_numpy(dtype="float64")


def _derived_denominator(num, den, rate, stat: FunnelStatistic) -> np.ndarray:
    """Denominators implied by rates (``denominator_derived`` in the R code)."""
    m = stat.multiplier
    with np.errstate(divide="ignore", invalid="ignore"):
        implied = m * num / rate
    if stat.rate_type == "dsr":
        return np.where(num == 0, np.nan, implied)
    if den is None:
        return implied
    return np.where(num == 0, den, implied)


def _check_rate_inputs(num, den, rate) -> None:
    if np.isnan(num).any():
        raise ValueError(
            "for rates, numerators must be provided for all records, even when their values are zero"
        )
    if rate is None:
        raise ValueError("rate funnels need the rate column")
    zero = num == 0
    if zero.any():
        if den is None:
            raise ValueError(
                "for rates, where there are 0 events for a record, the denominator field "
                "needs to be provided using the denominator argument"
            )
        if (zero & ~(den > 0)).any():
            raise ValueError(
                "for rates, where there are 0 events for a record, the denominator must be provided"
            )


# ---------------------------------------------------------------- the three R functions


def calculate_funnel_limits(  # noqa: C901 (one step of many branches; split when next changed)
    data: pd.DataFrame,
    numerator: str,
    denominator: str | None = None,
    rate: str | None = None,
    statistic: FunnelStatistic | None = None,
    full: bool = True,
) -> pd.DataFrame:
    """100 rows of funnel lines, as ``PHEindicatormethods::calculate_funnel_limits``.

    Columns, in the package's names: ``Population`` (proportions), ``Observed_events``
    (ratios) or ``Events`` (rates), then ``lower_2s_limit, upper_2s_limit,
    lower_3s_limit, upper_3s_limit`` (ratios and rates also give the expected events or
    yearly population each line corresponds to) and ``baseline``; ``full=True``
    (R's ``type = "full"``) adds ``statistic`` and ``method``.
    """
    if statistic is None:
        raise ValueError("statistic must be provided as proportion, rate or ratio")
    statistic.check()
    m = float(statistic.multiplier)
    num = _column(data, numerator, "numerator")
    den = _column(data, denominator, "denominator")
    kind = statistic.statistic
    if kind == "proportion":
        if den is None or np.isnan(num).any() or np.isnan(den).any():
            raise ValueError(
                "for proportions, numerators and denominators must be provided for all "
                "records, even when their values are zero"
            )
        derived = den
    elif kind == "ratio":
        if den is None:
            raise ValueError("ratio funnels need the expected (denominator) column")
        derived = den
    else:
        if statistic.years_of_data is None:
            raise ValueError("rate funnels need years_of_data")
        r = _column(data, rate, "rate")
        _check_rate_inputs(num, den, r)
        derived = _derived_denominator(num, den, r, statistic)
    av = num.sum() / np.nansum(derived)
    lo_d, hi_d = np.nanmin(derived), np.nanmax(derived)
    years = statistic.years_of_data or 1
    if hi_d > 2 * lo_d:
        axis_min = 0.0
    elif kind == "rate":
        axis_min = signif_floor(lo_d / years) * years
    else:
        axis_min = signif_floor(lo_d)
    axis_max = signif_ceiling(hi_d / years) * years if kind == "rate" else signif_ceiling(hi_d)
    if kind == "rate":
        axis_min, axis_max = float(np.floor(axis_min * av)), float(np.ceil(axis_max * av))
    x = axis_points(axis_min, axis_max, ratio=kind == "ratio")

    if kind == "proportion":
        t = pd.DataFrame({"Population": x})
        for name, p, side, clip in (
            ("lower_2s_limit", 0.975, "low", np.maximum),
            ("upper_2s_limit", 0.975, "high", np.minimum),
            ("lower_3s_limit", 0.999, "low", np.maximum),
            ("upper_3s_limit", 0.999, "high", np.minimum),
        ):
            bound = 0.0 if clip is np.maximum else 100.0
            t[name] = clip(bound, sigma_adjustment(p, x, av, side, m))
        t["baseline"] = av * m
    elif kind == "ratio":
        t = pd.DataFrame({"Observed_events": x})
        for level, p in (("2s", 0.025), ("3s", 0.001)):
            t[f"lower_{level}_exp_events"] = poisson_funnel(x, p, "high")
            t[f"lower_{level}_limit"] = x / t[f"lower_{level}_exp_events"]
            t[f"upper_{level}_exp_events"] = poisson_funnel(x, p, "low")
            t[f"upper_{level}_limit"] = x / t[f"upper_{level}_exp_events"]
        t = t[
            ["Observed_events"]
            + [
                f"{s}_{lv}_{c}"
                for lv in ("2s", "3s")
                for s in ("lower", "upper")
                for c in ("exp_events", "limit")
            ]
        ]
        limits = [c for c in t.columns if c.endswith("limit")]
        t[limits] = t[limits] - 1 if statistic.ratio_type == "count" else t[limits] * 100
    else:
        t = pd.DataFrame({"Events": x})
        for level, p in (("2s", 0.025), ("3s", 0.001)):
            for side, tail in (("lower", "high"), ("upper", "low")):
                pop = poisson_funnel(x, p, tail) / av
                t[f"{side}_{level}_population_1_year"] = pop / years
                t[f"{side}_{level}_limit"] = x / pop * m
        t["baseline"] = av * m
    if full:
        if kind == "ratio":
            label = f"ratio ({statistic.ratio_type})"
        elif kind == "rate":
            label = f"rate ({statistic.rate_type} per {m:,.0f})"
        else:
            label = "proportion"
        t["statistic"] = label
        t["method"] = "Wilson" if kind == "proportion" else "Poisson"
    return t


def proportion_significance(num, den, average: float) -> pd.Categorical:
    """Each proportion ``num / den`` against ``average`` (0–1) by the Wilson funnel lines.

    As ``assign_funnel_significance`` for proportions, but with the average given (e.g.
    England's, when the records are a few services rather than every provider).
    """
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    y = num / den
    conditions = [
        y < sigma_adjustment(0.999, den, average, "low", 1),
        y < sigma_adjustment(0.975, den, average, "low", 1),
        y > sigma_adjustment(0.999, den, average, "high", 1),
        y > sigma_adjustment(0.975, den, average, "high", 1),
    ]
    labels = ["Low (0.001)", "Low (0.025)", "High (0.001)", "High (0.025)"]
    sig = np.select(conditions, labels, default="Not significant")
    return pd.Categorical(sig, categories=SIGNIFICANCE_LEVELS[:-1])


def assign_funnel_significance(
    data: pd.DataFrame,
    numerator: str,
    denominator: str | None = None,
    rate: str | None = None,
    statistic: FunnelStatistic | None = None,
) -> pd.DataFrame:
    """The data with a ``significance`` column, as ``assign_funnel_significance``.

    Proportions and ratios need no multiplier; rates need ``multiplier`` and
    ``rate_type``. Returns an ordered categorical in the package's levels.
    """
    if statistic is None:
        raise ValueError("statistic must be provided as proportion, rate or ratio")
    statistic.check(need_multiplier=statistic.statistic == "rate", limits=False)
    num = _column(data, numerator, "numerator")
    den = _column(data, denominator, "denominator")
    kind = statistic.statistic
    if kind in ("proportion", "ratio") and den is None:
        raise ValueError(
            "the following arguments are required for ratios and proportions: "
            "data, numerator, denominator"
        )
    if kind == "proportion" and (np.isnan(num).any() or np.isnan(den).any()):
        raise ValueError(
            "for proportions, numerators and denominators must be provided for all "
            "records, even when their values are zero"
        )
    if np.nanmin(num) < 0:
        raise ValueError("numerators must be greater than or equal to zero")
    if den is not None and (den <= 0).any():
        raise ValueError("denominators must be greater than zero")
    if kind == "proportion" and (num > den).any():
        raise ValueError(
            "numerators must be less than or equal to denominator for a proportion statistic"
        )

    def lim(conf, side, expected):
        return funnel_ratio_significance(num, expected, conf, side)

    if kind == "proportion":
        out = data.copy()
        out["significance"] = proportion_significance(num, den, num.sum() / den.sum())
        return out
    if kind == "ratio":
        expected, centre = den, 1.0
    else:
        r = _column(data, rate, "rate")
        _check_rate_inputs(num, den, r)
        expected = _derived_denominator(num, den, r, statistic)
        centre = num.sum() / np.nansum(expected)
    with np.errstate(invalid="ignore", divide="ignore"):
        conditions = [
            centre < lim(0.998, "low", expected),
            centre < lim(0.95, "low", expected),
            centre > lim(0.998, "high", expected),
            centre > lim(0.95, "high", expected),
        ]
    labels = ["High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)"]
    sig = np.select(conditions, labels, default="Not significant").astype(object)
    if kind == "rate" and statistic.rate_type == "dsr":
        sig = np.where(num < 10, SIGNIFICANCE_LEVELS[-1], sig)
    levels = SIGNIFICANCE_LEVELS if kind == "rate" else SIGNIFICANCE_LEVELS[:-1]
    out = data.copy()
    out["significance"] = pd.Categorical(sig, categories=levels)
    return out


def calculate_funnel_points(
    data: pd.DataFrame,
    numerator: str,
    rate: str,
    denominator: str | None = None,
    statistic: FunnelStatistic | None = None,
) -> pd.DataFrame:
    """The data with ``<rate>_chart`` and ``denominator_derived`` (per year) for a rate funnel."""
    if statistic is None or statistic.statistic != "rate" or statistic.years_of_data is None:
        raise ValueError(
            "calculate_funnel_points needs a rate statistic with rate_type, multiplier and years_of_data"
        )
    statistic.check()
    num = _column(data, numerator, "numerator")
    den = _column(data, denominator, "denominator")
    r = _column(data, rate, "rate")
    _check_rate_inputs(num, den, r)
    m, years = statistic.multiplier, statistic.years_of_data
    out = data.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        implied = m * num / r / years
    if statistic.rate_type == "dsr":
        out[f"{rate}_chart"] = np.where(num < 10, np.nan, r)
        out["denominator_derived"] = np.where(num < 10, np.nan, implied)
    else:
        out[f"{rate}_chart"] = r
        out["denominator_derived"] = (
            implied if den is None else np.where(num == 0, den / years, implied)
        )
    return out
