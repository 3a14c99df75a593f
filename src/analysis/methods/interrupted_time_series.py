"""Before and after an action: interrupted time series by segmented regression.

Reference: Lopez Bernal J., Cummins S., Gasparrini A., "Interrupted time series
regression for the evaluation of public health interventions: a tutorial",
*International Journal of Epidemiology* 46(1) 2017, 348–355 (code and data:
github.com/gasparrini/2017_lopezbernal_IJE_codedata). The model is

    g(E[yₜ]) = β₀ + β₁·t + β₂·stepₜ + β₃·(t − t₀)·stepₜ [+ Fourier terms] [+ log exposureₜ]

with t the month number, stepₜ = 1 from the first month of the action, t₀ the last
month before it. ``family``:

* ``"poisson"`` — counts (complaints) with ``exposure_field`` as offset; quasi-Poisson
  (scale = Pearson χ² / df, as R's ``quasipoisson``) when ``overdispersion``;
* ``"binomial"`` — successes of ``trials_field`` (FFT positive of responses); quasi-
  binomial when ``overdispersion``; effects are odds ratios;
* ``"gaussian"`` — a continuous outcome by least squares with Newey–West (HAC)
  standard errors (lag ``maxlags``, default ⌊0.75·n^(1/3)⌋).

Seasonality, as ``tsModel::harmonic(month, k, 12)``: k pairs of sin/cos of the
calendar month. Confidence intervals are Wald intervals (coefficient ± 1.96 SE),
as ``Epi::ci.exp`` in the tutorial.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

FAMILIES = ("poisson", "binomial", "gaussian")


def harmonics(x: np.ndarray, nfreq: int, period: float = 12) -> np.ndarray:
    """sin and cos of x·2πj/period for j = 1 … nfreq (``tsModel::harmonic``).

    >>> harmonics(np.array([3.0]), 1).round(6).tolist()
    [[1.0, 0.0]]
    """
    k = np.arange(1, nfreq + 1) * 2 * np.pi / period
    m = np.outer(np.asarray(x, dtype="float64"), k)
    return np.column_stack([np.sin(m), np.cos(m)])


@dataclass
class ItsResult:
    """Step and slope change with confidence intervals, and the fitted model."""

    family: str
    effect_scale: str  # "rate ratio", "odds ratio" or "difference"
    step: float
    step_ci: tuple[float, float]
    step_p: float
    slope_change: float | None
    slope_change_ci: tuple[float, float] | None
    slope_change_p: float | None
    pre_slope: float
    dispersion: float
    n_before: int
    n_after: int
    action_month: pd.Timestamp
    table: pd.DataFrame = field(repr=False)
    fitted: pd.DataFrame = field(repr=False)

    def sentence(self, outcome: str, action: str) -> str:
        """A plain-English reading of the step change."""
        lo, hi = self.step_ci
        when = f"{self.action_month:%B %Y}"
        if self.effect_scale == "difference":
            size = f"changed by {self.step:+.2f} (95% CI {lo:+.2f} to {hi:+.2f})"
            clear = lo > 0 or hi < 0
        else:
            pct = 100 * (self.step - 1)
            size = (
                f"{'rose' if pct >= 0 else 'fell'} by {abs(pct):.0f}% "
                f"({self.effect_scale} {self.step:.2f}, 95% CI {lo:.2f} to {hi:.2f})"
            )
            clear = lo > 1 or hi < 1
        verdict = "" if clear else "; the interval includes no change, so this could be chance"
        return (
            f"After {action} in {when}, {outcome} {size} compared with the trend before{verdict}."
        )


def interrupted_time_series(  # noqa: C901 (one step of many branches; split when next changed)
    data: pd.DataFrame,
    outcome_field: str,
    date_field: str,
    action_date,
    family: str = "poisson",
    exposure_field: str | None = None,
    trials_field: str | None = None,
    harmonics_k: int = 0,
    slope_change: bool = True,
    overdispersion: bool = True,
    maxlags: int | None = None,
) -> ItsResult:
    """Segmented regression of monthly ``outcome_field`` around ``action_date``.

    Rows with a missing outcome (e.g. the 2020 FFT pause) are left out; month numbers
    keep counting across them, so the trend is measured in calendar time.
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}, got {family!r}")
    need = [outcome_field, date_field] + [c for c in (exposure_field, trials_field) if c]
    missing = [c for c in need if c not in data.columns]
    if missing:
        raise ValueError(
            f"columns {missing} are not in the data; columns are {', '.join(data.columns)}"
        )
    if family == "binomial" and not trials_field:
        raise ValueError("a binomial model needs trials_field (e.g. the number of responses)")
    d = data[need].copy()
    d[date_field] = pd.to_datetime(d[date_field])
    d = d[d[date_field].notna()].sort_values(date_field)
    if d.empty:
        raise ValueError(
            "no months of data to evaluate (the scope or period has no responses); "
            "choose another scope or period"
        )
    month = d[date_field].dt.to_period("M")
    action = pd.Period(pd.Timestamp(action_date), "M")
    d["t"] = (month - month.min()).apply(lambda p: p.n).astype("int64") + 1
    t0 = (action - month.min()).n  # the last month number before the action
    d = d.dropna(subset=[c for c in need if c != date_field])
    d["step"] = (d["t"] > t0).astype("float64")
    n_before, n_after = int((d["step"] == 0).sum()), int((d["step"] == 1).sum())
    if n_before < 3 or n_after < 3:
        raise ValueError(
            f"need at least 3 months before and 3 after {action} (have {n_before} and {n_after}); "
            "choose another action date or wait for more data"
        )
    cols = {
        "const": np.ones(len(d)),
        "time": d["t"].to_numpy(dtype="float64"),
        "step": d["step"].to_numpy(),
    }
    if slope_change:
        cols["time_after"] = (d["t"] - t0).clip(lower=0).to_numpy(dtype="float64") * d[
            "step"
        ].to_numpy()
    X = pd.DataFrame(cols, index=d.index)
    if harmonics_k:
        h = harmonics(d[date_field].dt.month.to_numpy(), harmonics_k)
        for j in range(harmonics_k):
            X[f"sin{j + 1}"] = h[:, j]
            X[f"cos{j + 1}"] = h[:, harmonics_k + j]
    y = d[outcome_field].to_numpy(dtype="float64")
    if family == "poisson":
        offset = np.log(d[exposure_field].to_numpy(dtype="float64")) if exposure_field else None
        res = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(
            scale="X2" if overdispersion else 1.0
        )
        dispersion = float(res.scale)
    elif family == "binomial":
        trials = d[trials_field].to_numpy(dtype="float64")
        # Proportions weighted by trials: statsmodels' Pearson χ² (the quasi scale) is only
        # right in this form, not with a (successes, failures) response.
        res = sm.GLM(y / trials, X, family=sm.families.Binomial(), var_weights=trials).fit(
            scale="X2" if overdispersion else 1.0
        )
        dispersion = float(res.scale)
    else:
        lags = maxlags if maxlags is not None else int(np.floor(0.75 * len(d) ** (1 / 3)))
        res = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
        dispersion = float(res.scale)
    ci = res.conf_int(alpha=0.05)
    table = pd.DataFrame(
        {"estimate": res.params, "se": res.bse, "lower": ci[0], "upper": ci[1], "p": res.pvalues}
    )
    ratio = family != "gaussian"
    tr = np.exp if ratio else (lambda v: v)

    def eff(name):
        if name not in table.index:
            return None, None, None
        r = table.loc[name]
        return float(tr(r.estimate)), (float(tr(r.lower)), float(tr(r.upper))), float(r.p)

    step, step_ci, step_p = eff("step")
    sc, sc_ci, sc_p = eff("time_after")
    fitted = pd.DataFrame(
        {
            "date": d[date_field].to_numpy(),
            "observed": y,
            "fitted": res.fittedvalues
            if family != "binomial"
            else res.fittedvalues * d[trials_field],
        }
    )
    return ItsResult(
        family=family,
        effect_scale={"poisson": "rate ratio", "binomial": "odds ratio", "gaussian": "difference"}[
            family
        ],
        step=step,
        step_ci=step_ci,
        step_p=step_p,
        slope_change=sc,
        slope_change_ci=sc_ci,
        slope_change_p=sc_p,
        pre_slope=float(tr(table.loc["time", "estimate"])),
        dispersion=dispersion,
        n_before=n_before,
        n_after=n_after,
        action_month=action.to_timestamp(),
        table=table,
        fitted=fitted,
    )


def evaluate_actions(
    series: pd.DataFrame,
    actions: pd.DataFrame,
    outcome: str = "the odds of a positive rating",
    harmonics_k: int = 0,
    everyone: str = "All services",
    baseline: str = "heard",
    min_before: int = 3,
) -> pd.DataFrame:
    """Before and after each completed "You said, We did" action, on the FFT positive share.

    ``series`` is :func:`analysis.methods.headline_series.headline_series` by service
    (``facet`` = service id); actions without a service are read against the facet
    ``everyone`` (the partnership series' label). Each action gets a quasi-binomial segmented
    regression (level and trend, and a step at the action month) — the tutorial's
    step-change model — or, when it cannot be evaluated, the reason why.

    ``baseline="heard"`` starts the series at the month the feedback was heard ("You
    said"), or ``min_before`` months before the action if that is later: the comparison is
    with the experience people told us about, not with years before it (a fall that
    prompted the action would otherwise be averaged away). ``baseline="all"`` uses every
    month before the action.
    """
    if baseline not in ("heard", "all"):
        raise ValueError(f"baseline must be 'heard' or 'all', got {baseline!r}")
    rows = []
    done = actions[(actions["status"] == "completed") & actions["action_date"].notna()]
    for a in done.itertuples(index=False):
        facet = a.service_id if isinstance(a.service_id, str) else everyone
        s = series[series["facet"] == facet]
        action_month = pd.Timestamp(a.action_date).to_period("M")
        if baseline == "heard":
            start = action_month - min_before
            if not pd.isna(a.heard_date):
                start = min(start, pd.Timestamp(a.heard_date).to_period("M"))
            s = s[s["month"] >= start.to_timestamp()]
        row = {
            "action_id": a.action_id,
            "service_id": facet,
            "we_did": a.we_did,
            "action_month": action_month.to_timestamp(),
        }
        try:
            r = interrupted_time_series(
                s, "positive", "month", a.action_date, family="binomial", trials_field="responses",
                harmonics_k=harmonics_k, slope_change=False,
            )  # fmt: skip
        except ValueError as exc:
            rows.append({**row, "reading": f"“{a.we_did}” ({a.action_id}) not evaluated: {exc}"})
            continue
        rows.append(
            {
                **row,
                "months_before": r.n_before,
                "months_after": r.n_after,
                "odds_ratio": r.step,
                "lower": r.step_ci[0],
                "upper": r.step_ci[1],
                "reading": r.sentence(outcome, f"“{a.we_did}”"),
            }
        )
    cols = ["action_id", "service_id", "we_did", "action_month", "months_before", "months_after",
            "odds_ratio", "lower", "upper", "reading"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)
