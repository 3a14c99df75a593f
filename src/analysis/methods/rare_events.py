"""Control charts for rare events: t-charts (time between) and g-charts (cases between).

When events are rare (ombudsman referrals, serious complaints) a monthly count is mostly
zeros and a c- or u-chart says little; charting the gap between successive events does
better. Two charts, as the R package qicharts2 draws them (anhoej/qicharts2,
``R/helper.functions.R``: ``qic.t``, ``qic.g``, ``qic.i``):

* **t-chart** (Nelson L.S., "A control chart for parts-per-million nonconforming
  items", *Journal of Quality Technology* 26 (1994) 239–240; Montgomery D.C.,
  *Introduction to Statistical Quality Control*, section 7.3.5 and example 7.6): times
  between events are made near-normal by y = t^(1/3.6); an individuals (X) chart of y
  has centre ȳ and limits ȳ ± 3 · MR̄ / 1.128 (MR̄ the mean moving range, unscreened);
  centre and limits are transformed back by ^3.6, a negative lower limit becoming 0.
* **g-chart** (Benneyan J.C., "Number-between g-type statistical quality control charts
  for monitoring adverse events", *Health Care Management Science* 4 (2001) 305–318;
  Montgomery p. 319): the number of cases (opportunities) between events is geometric
  with mean ḡ and standard deviation √(ḡ(ḡ + 1)); limits ḡ ± 3√(ḡ(ḡ + 1)), the lower
  floored at 0; the centre line drawn is the median (qicharts2's default), because the
  geometric distribution is skewed.

A point above the upper limit on either chart is a longer gap than chance explains
(fewer events: improvement when events are bad); below the lower limit, a shorter gap.

>>> round(float(t_chart([286, 948, 536, 124, 816])["cl"].iloc[0]), 1)
463.2
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Nelson's exponent: y = t^(1/3.6) is near-normal for Weibull / exponential times.
T_POWER = 3.6
#: d2 for moving ranges of two (individuals chart sigma = MR̄ / d2).
D2 = 1.128


def times_between(dates) -> pd.Series:
    """Days between successive events from their dates (the first event has none)."""
    d = pd.to_datetime(pd.Series(dates)).sort_values(ignore_index=True)
    return d.diff().dt.total_seconds() / 86400


def cases_between(is_event, inclusive: bool = True) -> pd.Series:
    """Cases from one event to the next, from a sequence of cases in time order.

    ``is_event`` marks each case (e.g. each operation: did the patient die?). With
    ``inclusive`` (as qicharts2's vignette counts ``x - lag(x)``) the count includes the
    event's own case; without, only the cases strictly between (Benneyan's "number
    between"). One value per event; the first event has none.
    """
    flags = np.asarray(is_event, dtype=bool)
    where = np.flatnonzero(flags)
    gaps = np.diff(where).astype("float64")
    if not inclusive:
        gaps -= 1
    return pd.Series(np.concatenate([[np.nan], gaps]) if len(where) else [], dtype="float64")


def _result(y, cl, lcl, ucl, lcl_95, ucl_95, mean=None) -> pd.DataFrame:
    y = np.asarray(y, dtype="float64")
    n = len(y)
    out = pd.DataFrame(
        {
            "event": np.arange(1, n + 1),
            "y": y,
            "cl": np.full(n, cl),
            "lcl": np.full(n, lcl),
            "ucl": np.full(n, ucl),
            "lcl_95": np.full(n, lcl_95),
            "ucl_95": np.full(n, ucl_95),
        }
    )
    if mean is not None:
        out.insert(3, "mean", np.full(n, mean))
    with np.errstate(invalid="ignore"):
        out["above_ucl"] = out["y"] > out["ucl"]
        out["below_lcl"] = out["y"] < out["lcl"]
    return out


def t_chart(times) -> pd.DataFrame:
    """A t-chart of times between events (all > 0; missing values are skipped).

    Returns one row per value: ``event`` (1, 2, …), ``y``, ``cl``, ``lcl``, ``ucl``,
    ``lcl_95``, ``ucl_95`` (2-sigma) on the original scale, ``above_ucl`` and
    ``below_lcl``.
    """
    t = np.asarray(pd.to_numeric(pd.Series(times), errors="coerce"), dtype="float64")
    seen = t[~np.isnan(t)]
    if seen.size < 2:
        raise ValueError("a t-chart needs at least two times between events")
    if np.min(seen) <= 0:
        raise ValueError(
            "times between events must be greater than zero (events on the same day: "
            "use hours, or a g-chart of cases between events)"
        )
    y = t ** (1 / T_POWER)
    cl = np.nanmean(y)
    mr = np.abs(np.diff(y[~np.isnan(y)]))
    sigma = np.mean(mr) / D2

    def back(v: float) -> float:
        return float(v**T_POWER) if v >= 0 else 0.0

    return _result(
        t,
        back(cl),
        back(cl - 3 * sigma),
        back(cl + 3 * sigma),
        back(cl - 2 * sigma),
        back(cl + 2 * sigma),
    )


def g_chart(counts, centre: str = "median") -> pd.DataFrame:
    """A g-chart of cases (opportunities) between events (whole numbers ≥ 0).

    Limits from the mean ḡ (Benneyan); ``centre="median"`` (default, as qicharts2) or
    ``"mean"`` for the line drawn. Columns as :func:`t_chart`, plus ``mean``.
    """
    g = np.asarray(pd.to_numeric(pd.Series(counts), errors="coerce"), dtype="float64")
    seen = g[~np.isnan(g)]
    if seen.size < 2:
        raise ValueError("a g-chart needs at least two counts between events")
    if np.min(seen) < 0:
        raise ValueError("counts between events cannot be negative")
    if centre not in ("median", "mean"):
        raise ValueError(f"centre must be 'median' or 'mean', not {centre!r}")
    mean = float(seen.mean())
    sd = float(np.sqrt(mean * (mean + 1)))
    cl = float(np.median(seen)) if centre == "median" else mean
    return _result(
        g,
        cl,
        max(0.0, mean - 3 * sd),
        mean + 3 * sd,
        max(0.0, mean - 2 * sd),
        mean + 2 * sd,
        mean=mean,
    )


def rare_event_charts(
    records: pd.DataFrame, flag: str, date_field: str, order_field: str | None = None
) -> dict[str, pd.DataFrame | None]:
    """g- and t-charts of the records ``flag`` marks, e.g. complaints referred to an ombudsman.

    ``records`` (e.g. the ``complaints`` table) are put in date order (then
    ``order_field``); the g-chart counts the records strictly between flagged ones
    (Benneyan's "number between"), the t-chart the days between flagged records' dates.
    Each chart gains ``date``, the flagged record's date. The t-chart is None when two
    flagged records share a date (no time between them: use the g-chart).
    """
    for col in (flag, date_field, order_field):
        if col is not None and col not in records.columns:
            raise ValueError(f"{col!r} is not a column of the records")
    keys = [date_field] + ([order_field] if order_field else [])
    r = records.dropna(subset=[date_field]).sort_values(keys, kind="stable")
    flagged = r[flag].fillna(False).astype(bool).to_numpy()
    dates = pd.to_datetime(r.loc[flagged, date_field]).reset_index(drop=True)
    if len(dates) < 3:
        raise ValueError(
            f"only {len(dates)} records are flagged {flag!r}: a rare-event chart needs at least three"
        )
    g = g_chart(cases_between(flagged, inclusive=False)).assign(date=dates)
    gaps = times_between(dates)
    t = t_chart(gaps).assign(date=dates) if (gaps.dropna() > 0).all() else None
    return {"g": g, "t": t}
