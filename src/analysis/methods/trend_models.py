"""Trend models for monthly feedback: is the positive share or the complaint rate changing?

* positive share: binomial GLM of positive out of responses on time (per year) and
  season (calendar-month harmonics); the trend is an **odds ratio per year**;
* complaint counts: Poisson GLM (or negative binomial, for counts more variable than
  Poisson) with log exposure (contacts, bed days) as offset; the trend is a **rate
  ratio per year**.

Overdispersion is allowed for by a Pearson-χ² scale (quasi-binomial, quasi-Poisson),
as in McCullagh & Nelder, *Generalized Linear Models* (2nd ed., 1989) §4.5, floored
at 1 so that a series less variable than binomial or Poisson is not credited with
extra precision (as PHE's overdispersed-indicator methods do); the
negative binomial (NB2) estimates its α by maximum likelihood (statsmodels
``NegativeBinomial``). Intervals are Wald 95% intervals, exponentiated.

Months with no data (the 2020 FFT pause) are simply absent; time is counted in
calendar months, so the pause does not compress the trend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis.methods.interrupted_time_series import harmonics


@dataclass
class TrendResult:
    """The yearly trend as a ratio with its 95% interval."""

    measure: str  # "odds ratio per year" or "rate ratio per year"
    ratio: float
    lower: float
    upper: float
    p: float
    dispersion: float
    n_months: int
    first: pd.Timestamp
    last: pd.Timestamp

    def sentence(self, outcome: str) -> str:
        """Plain English, e.g. "The odds of a positive rating rose by 8% a year (…)"."""
        pct = 100 * (self.ratio - 1)
        direction = "rose" if pct >= 0 else "fell"
        clear = self.lower > 1 or self.upper < 1
        tail = "" if clear else "; the interval includes no change, so there is no clear trend"
        return (
            f"From {self.first:%B %Y} to {self.last:%B %Y}, {outcome} {direction} by {abs(pct):.1f}% a year "
            f"({self.measure} {self.ratio:.3f}, 95% CI {self.lower:.3f} to {self.upper:.3f}){tail}."
        )


def _design(dates: pd.Series, harmonics_k: int) -> pd.DataFrame:
    month = dates.dt.to_period("M")
    t = (month - month.min()).apply(lambda p: p.n).astype("float64") / 12
    X = pd.DataFrame({"const": 1.0, "years": t.to_numpy()}, index=dates.index)
    if harmonics_k:
        h = harmonics(dates.dt.month.to_numpy(), harmonics_k)
        for j in range(harmonics_k):
            X[f"sin{j + 1}"] = h[:, j]
            X[f"cos{j + 1}"] = h[:, harmonics_k + j]
    return X


def _check(data: pd.DataFrame, cols: list[str], min_months: int) -> pd.DataFrame:
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise ValueError(
            f"columns {missing} are not in the data; columns are {', '.join(data.columns)}"
        )
    d = data[cols].dropna().copy()
    d[cols[0]] = pd.to_datetime(d[cols[0]])
    if len(d) < min_months:
        raise ValueError(
            f"a trend model needs at least {min_months} months with data, got {len(d)}; "
            "use the SPC chart for shorter series"
        )
    return d.sort_values(cols[0])


def _quasi_fit(model, overdispersion: bool):
    """Fit with scale max(1, Pearson χ² / df) when ``overdispersion``, else 1."""
    res = model.fit(scale="X2") if overdispersion else None
    if res is None or res.scale < 1:
        res = model.fit(scale=1.0)
    return res


def _result(res, measure: str, dates: pd.Series, dispersion: float) -> TrendResult:
    ci = res.conf_int()
    lo, hi = (ci.loc["years"] if isinstance(ci, pd.DataFrame) else ci[1]).tolist()
    return TrendResult(
        measure=measure,
        ratio=float(np.exp(res.params["years"])),
        lower=float(np.exp(lo)),
        upper=float(np.exp(hi)),
        p=float(res.pvalues["years"]),
        dispersion=dispersion,
        n_months=len(dates),
        first=dates.min(),
        last=dates.max(),
    )


def positive_share_trend(
    data: pd.DataFrame,
    date_field: str = "month",
    positive_field: str = "positive",
    responses_field: str = "responses",
    harmonics_k: int = 1,
    overdispersion: bool = True,
) -> TrendResult:
    """Odds ratio per year of a positive FFT rating (binomial GLM, trend + season)."""
    d = _check(data, [date_field, positive_field, responses_field], 6 + 2 * harmonics_k)
    X = _design(d[date_field], harmonics_k)
    pos = d[positive_field].to_numpy(dtype="float64")
    n = d[responses_field].to_numpy(dtype="float64")
    res = _quasi_fit(
        sm.GLM(np.column_stack([pos, n - pos]), X, family=sm.families.Binomial()), overdispersion
    )
    return _result(res, "odds ratio per year", d[date_field], float(res.scale))


def count_trend(
    data: pd.DataFrame,
    date_field: str = "month",
    count_field: str = "complaints",
    exposure_field: str | None = None,
    harmonics_k: int = 1,
    family: str = "quasipoisson",
) -> TrendResult:
    """Rate ratio per year of a count, optionally per unit of exposure.

    ``family``: ``"poisson"``, ``"quasipoisson"`` (default) or ``"negbin"``.
    """
    if family not in ("poisson", "quasipoisson", "negbin"):
        raise ValueError(f"family must be poisson, quasipoisson or negbin, got {family!r}")
    cols = [date_field, count_field] + ([exposure_field] if exposure_field else [])
    d = _check(data, cols, 6 + 2 * harmonics_k)
    X = _design(d[date_field], harmonics_k)
    y = d[count_field].to_numpy(dtype="float64")
    offset = np.log(d[exposure_field].to_numpy(dtype="float64")) if exposure_field else None
    if family == "negbin":
        res = sm.NegativeBinomial(y, X, offset=offset).fit(disp=False, maxiter=200)
        return _result(res, "rate ratio per year", d[date_field], float(res.params["alpha"]))
    res = _quasi_fit(
        sm.GLM(y, X, family=sm.families.Poisson(), offset=offset), family == "quasipoisson"
    )
    return _result(res, "rate ratio per year", d[date_field], float(res.scale))
