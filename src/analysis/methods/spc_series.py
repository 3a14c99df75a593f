"""The points of an SPC chart: validated, sorted, grouped by facet and rebase, and the
limits' ingredients (means, moving ranges, screening), vectorised across series.

Shared by the XmR chart (:mod:`analysis.methods.spc`) and the attribute charts
(:mod:`analysis.methods.attribute_charts`). Making Data Count / NHSRplotthedots
(``R/ptd_spc_standard.R``): moving range |y_i − y_(i−1)| within a group; ranges of 3.267 ×
their mean or more are screened out once before the mean moving range is taken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Moving ranges at or above this multiple of their mean are screened out (Making Data Count).
SCREEN = 3.267
NO_FACET = "no facet"


@dataclass
class Series:
    """Points sorted by facet and date, with the integer group (facet × rebase group) of each."""

    frame: pd.DataFrame  # columns y, x, f, rebase_group (+ trajectory), sorted
    group: np.ndarray  # group index per row, 0..G-1, contiguous
    start: np.ndarray  # first row of each group
    same: np.ndarray  # row i is in the same group as row i-1

    @property
    def n_groups(self) -> int:
        return len(self.start)


def _fail(msg: str) -> None:
    raise ValueError(msg)


def prepare_series(
    data: pd.DataFrame,
    value_field: str,
    date_field: str,
    facet_field: str | None = None,
    rebase: Sequence | Mapping | None = None,
    freq: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> Series:
    """Validate, sort and group the points: shared by XmR and attribute charts.

    ``extra`` maps output names to further columns to carry (numerators, denominators).
    With ``freq`` (e.g. ``"MS"``), dates absent inside each facet's span become missing
    points, so no moving range bridges a gap such as the 2020 FFT collection pause.
    """
    if not isinstance(data, pd.DataFrame):
        _fail(f"ptd_spc needs a pandas DataFrame, got {type(data).__name__}")
    wanted = {"value_field": value_field, "date_field": date_field}
    if facet_field is not None:
        wanted["facet_field"] = facet_field
    wanted.update(extra or {})
    for arg, col in wanted.items():
        if col not in data.columns:
            _fail(
                f"{arg}={col!r} is not a column of the data (columns: {', '.join(map(str, data.columns))}); "
                "pass the name of an existing column"
            )
    y = pd.to_numeric(data[value_field], errors="coerce")
    bad = y.isna() & data[value_field].notna()
    if bad.any():
        row = bad.idxmax()
        _fail(
            f"value_field {value_field!r} holds a non-numeric value {data[value_field][row]!r} at row {row}; "
            "convert it to a number or to missing (NaN)"
        )
    x = pd.to_datetime(data[date_field], errors="coerce")
    if x.isna().any():
        row = x.isna().idxmax()
        _fail(
            f"date_field {date_field!r} holds a missing or unreadable date {data[date_field][row]!r} at row {row}; "
            "every point needs a date"
        )
    frame = pd.DataFrame(
        {
            "y": y.to_numpy(dtype="float64"),
            "x": x.to_numpy(dtype="datetime64[ns]"),
            "f": data[facet_field].to_numpy()
            if facet_field
            else np.full(len(data), NO_FACET, dtype=object),
        }
    )
    for name, col in (extra or {}).items():
        frame[name] = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype="float64")
    if frame["f"].isna().any():
        _fail(f"facet_field {facet_field!r} has missing values: give every point a facet")
    frame = frame.sort_values(["f", "x"], kind="stable", ignore_index=True)
    dup = frame.duplicated(["f", "x"])
    if dup.any():
        r = frame[dup].iloc[0]
        _fail(
            f"facet {r.f!r} has more than one point dated {r.x:%Y-%m-%d}; "
            "aggregate to one value per date first"
        )
    if freq is not None:
        frame = _complete_periods(frame, freq)
    frame["rebase_group"] = _rebase_groups(frame, rebase, facet_field)
    f_new = np.ones(len(frame), dtype=bool)
    if len(frame) > 1:
        fv = frame["f"].to_numpy()
        f_new[1:] = fv[1:] != fv[:-1]
    rebased = frame["rebase_group"].to_numpy()
    new = f_new.copy()
    new[1:] |= rebased[1:] != rebased[:-1]
    group = np.cumsum(new) - 1
    return Series(frame=frame, group=group, start=np.flatnonzero(new), same=~new)


def _complete_periods(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    parts = []
    for f, part in frame.groupby("f", sort=False):
        full = pd.date_range(part["x"].iloc[0], part["x"].iloc[-1], freq=freq)
        off = part["x"][~part["x"].isin(full)]
        if len(off):
            _fail(
                f"facet {f!r}: date {off.iloc[0]:%Y-%m-%d} is not on the {freq!r} calendar; "
                "use dates at the start of each period"
            )
        parts.append(part.set_index("x").reindex(full).rename_axis("x").reset_index().assign(f=f))
    return pd.concat(parts, ignore_index=True)[frame.columns] if parts else frame


def _rebase_groups(frame: pd.DataFrame, rebase, facet_field) -> np.ndarray:
    flag = np.zeros(len(frame), dtype=np.int64)
    if rebase is None or (not isinstance(rebase, Mapping) and len(rebase) == 0):
        return flag
    if isinstance(rebase, Mapping):
        if facet_field is None:
            _fail(
                "rebase given per facet (a mapping) but no facet_field: pass a list of dates instead"
            )
        items = rebase.items()
    else:
        items = [(f, rebase) for f in frame["f"].unique()]
    for f, dates in items:
        in_facet = (frame["f"] == f).to_numpy()
        if not in_facet.any():
            _fail(f"rebase names facet {f!r}, which is not in the data")
        for d in pd.to_datetime(pd.Series(list(np.atleast_1d(dates)))):
            hit = in_facet & (frame["x"] == d).to_numpy()
            if not hit.any():
                _fail(
                    f"rebase date {d:%Y-%m-%d} is not a date of facet {f!r}: "
                    "a rebase must fall on a point's date"
                )
            flag |= hit
    return pd.Series(flag).groupby(frame["f"].to_numpy(), sort=False).cumsum().to_numpy()


def group_sum(series: Series, values: np.ndarray) -> np.ndarray:
    """Sum of ``values`` per group, ignoring NaN."""
    v = np.where(np.isnan(values), 0.0, values)
    return np.bincount(series.group, weights=v, minlength=series.n_groups)


def group_count(series: Series, mask: np.ndarray) -> np.ndarray:
    """Number of true ``mask`` rows per group."""
    return np.bincount(series.group, weights=mask.astype("float64"), minlength=series.n_groups)


def group_mean(series: Series, values: np.ndarray) -> np.ndarray:
    """Mean of the non-missing ``values`` per group (NaN for a group with none)."""
    n = group_count(series, ~np.isnan(values))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, group_sum(series, values) / np.where(n > 0, n, 1), np.nan)


def fixed_points(series: Series, fix_after_n_points: int | None) -> np.ndarray:
    """Rows that set the limits: observed points, only the first n of each group when fixed."""
    y = series.frame["y"].to_numpy()
    observed = ~np.isnan(y)
    if fix_after_n_points is None:
        return observed
    c = np.cumsum(observed)
    before = c[series.start] - observed[series.start]
    rank = c - before[series.group]
    return observed & (rank <= fix_after_n_points)


def moving_ranges(series: Series, values: np.ndarray, use: np.ndarray) -> np.ndarray:
    """|v_i − v_(i−1)| for consecutive rows of one group where both are used, else NaN."""
    mr = np.full(len(values), np.nan)
    if len(values) > 1:
        ok = series.same[1:] & use[1:] & use[:-1]
        mr[1:] = np.where(ok, np.abs(values[1:] - values[:-1]), np.nan)
    return mr


def mean_moving_range(series: Series, mr: np.ndarray, screen: bool) -> np.ndarray:
    """Mean moving range per group, after screening out ranges ≥ 3.267 × the mean once."""
    amr = group_mean(series, mr)
    if screen:
        # A constant series (mean moving range 0) keeps its ranges: NHSRplotthedots would
        # screen them all out and leave no limits.
        keep_all = (amr == 0)[series.group]
        with np.errstate(invalid="ignore"):
            mr = np.where(keep_all | (mr < SCREEN * amr[series.group]), mr, np.nan)
        amr = group_mean(series, mr)
    return amr
