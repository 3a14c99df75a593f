"""Seasonality of long monthly series by STL (Seasonal-Trend decomposition using Loess).

Reference: Cleveland R.B., Cleveland W.S., McRae J.E., Terpenning I., "STL: a
seasonal-trend decomposition procedure based on loess", *Journal of Official
Statistics* 6(1) 1990, 3–73; statsmodels ``STL``. STL needs at least two full years
and no gaps: months missing inside the series (the 2020 FFT pause) are filled by
linear interpolation for the decomposition and marked ``interpolated`` so a chart can
show them as such.
"""

from __future__ import annotations

import pandas as pd
from statsmodels.tsa.seasonal import STL


def stl_decompose(
    data: pd.DataFrame,
    value_field: str,
    date_field: str = "month",
    period: int = 12,
    robust: bool = True,
) -> pd.DataFrame:
    """Observed, trend, seasonal and remainder per month, plus ``interpolated``.

    >>> import numpy as np
    >>> m = pd.date_range("2021-01-01", periods=36, freq="MS")
    >>> d = pd.DataFrame({"month": m, "v": 80 + 5 * np.sin(2 * np.pi * m.month / 12)})
    >>> out = stl_decompose(d, "v")
    >>> bool((out["seasonal"] + out["trend"] + out["remainder"] - out["observed"]).abs().max() < 1e-9)
    True
    """
    for col in (value_field, date_field):
        if col not in data.columns:
            raise ValueError(
                f"{col!r} is not a column of the data; columns are {', '.join(data.columns)}"
            )
    s = data.set_index(pd.to_datetime(data[date_field]))[value_field].astype("float64").sort_index()
    if s.index.duplicated().any():
        raise ValueError("more than one value for a month: aggregate to one value per month first")
    s = s.dropna()
    if s.empty:
        raise ValueError(f"{value_field!r} has no values to decompose")
    full = pd.date_range(s.index.min(), s.index.max(), freq="MS")
    if len(full) < 2 * period + 1:
        raise ValueError(
            f"STL needs more than two full cycles ({2 * period + 1} months), the series spans {len(full)}; "
            "show the SPC chart instead"
        )
    s = s.reindex(full)
    interpolated = s.isna()
    filled = s.interpolate("linear")
    fit = STL(filled, period=period, robust=robust).fit()
    return pd.DataFrame(
        {
            date_field: full,
            "observed": filled.to_numpy(),
            "trend": fit.trend.to_numpy(),
            "seasonal": fit.seasonal.to_numpy(),
            "remainder": fit.resid.to_numpy(),
            "interpolated": interpolated.to_numpy(),
        }
    )
