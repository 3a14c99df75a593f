"""Statistical process control the Making Data Count way: XmR charts, vectorised across series.

The entry point :func:`ptd_spc` mirrors ``ptd_spc`` of the R package NHSRplotthedots
(nhs-r-community/NHSRplotthedots, ``R/ptd_spc.R``, ``R/ptd_spc_standard.R``,
``R/ptd_calculate_point_type.R``, ``R/ptd_calculate_assurance_type.R``,
``R/geom_ptd_icon.R``) so analysts can port their R code: the same arguments, and one
row per point with the same column names and vocabulary. It follows NHS England's
*Making Data Count* guidance (NHS Improvement, "Making data count: strengthening your
decisions", 2019) which that package implements:

* centre line = mean of the points; moving range = |y_i − y_(i−1)|; limits =
  mean ± 2.66 × mean moving range (2.66 = 3 / d2, d2 = 1.128 for ranges of two);
  the "close to limits" band is at 2/3 of that distance (2σ);
* moving ranges of 3.267 × the mean moving range or more are screened out once
  before the limits are set (``screen_outliers``, on by default);
* special cause, evaluated within each facet and rebase group, with
  NHSRplotthedots' label priority: a point outside the limits; a run of 7 rising or
  falling points (a tie breaks it); two of three consecutive points in the outer
  third on the same side of the mean (all three on that side; a point outside the
  limits does not count as "close"); a run of 7 on one side of the mean (a point on
  the mean breaks it);
* the variation icon comes from the last point, the assurance icon from a target
  against the latest limits.

Deliberate departures, each where NHSRplotthedots would fail or mislead: missing values
(``NaN``, or absent dates when ``freq`` is given) are kept as rows, are never flagged,
never enter the mean or a moving range, and break runs and trends; a rebase date that
is not a date of the series is an error rather than being silently ignored; a constant
series keeps zero-width limits (R screens all its zero moving ranges out and leaves
none); and ``short_group_warning`` counts observed points, not rows.

``rules="mdc_tool"`` gives the behaviour of Making Data Count's *Single Chart Tool*
(Excel) as this project understands it: runs and trends of 6, no screening of
moving ranges, and limits only for groups of at least 13 points (shorter groups
keep their mean and run rules but have no limits).

Example: the first series of NHSRplotthedots' own tests (R ``set.seed(123);
rnorm(20)``) has mean 0.142 and limits −3.01 to 3.29.

>>> import pandas as pd
>>> d = pd.DataFrame({"month": pd.date_range("2024-01-01", periods=5, freq="MS"),
...                   "value": [1, 3, 2, 4, 3]})
>>> out = ptd_spc(d, "value", "month")
>>> [round(float(out[c].iloc[0]), 2) for c in ("mean", "lpl", "upl")]
[2.6, -1.39, 6.59]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Limit multiplier for individuals charts: 3 / d2 with d2 = 1.128 (Making Data Count).
LIMIT = 2.66
#: Moving ranges at or above this multiple of their mean are screened out (Making Data Count).
SCREEN = 3.267
#: Groups with fewer points than this carry NHSRplotthedots' ``short_group_warning``.
SHORT_GROUP = 12
DIRECTIONS = {"increase": 1, "neutral": 0, "decrease": -1}
NO_FACET = "no facet"

POINT_TYPES = [
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
]
#: Columns of ``ptd_spc``'s result, in NHSRplotthedots' names and order (plus ``target``
#: and ``special_cause_type`` from its later versions).
COLUMNS = [
    "y",
    "x",
    "f",
    "rebase_group",
    "short_group_warning",
    "trajectory",
    "target",
    "fix_y",
    "mean",
    "lpl",
    "upl",
    "outside_limits",
    "relative_to_mean",
    "close_to_limits",
    "special_cause_type",
    "special_cause_flag",
    "point_type",
]


@dataclass(frozen=True)
class SpcRules:
    """Run lengths and the least number of points that get limits.

    ``PTD_RULES`` are NHSRplotthedots' (runs of 7); ``MDC_TOOL_RULES`` those of Making
    Data Count's Single Chart Tool (runs of 6, no screening, limits from 13 points).
    """

    shift_run: int = 7
    trend_run: int = 7
    min_points: int = 2
    screen_outliers: bool = True


PTD_RULES = SpcRules()
MDC_TOOL_RULES = SpcRules(shift_run=6, trend_run=6, min_points=13, screen_outliers=False)
RULES = {"ptd": PTD_RULES, "mdc_tool": MDC_TOOL_RULES}


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


def _runs(values: np.ndarray, same: np.ndarray, length: int) -> np.ndarray:
    """Rows in a run of at least ``length`` consecutive equal non-zero ``values`` within a group."""
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=bool)
    new = np.ones(n, dtype=bool)
    new[1:] = ~(same[1:] & (values[1:] == values[:-1]))
    run = np.cumsum(new) - 1
    lengths = np.bincount(run)
    return (values != 0) & (lengths[run] >= length)


def classify(
    series: Series,
    y: np.ndarray,
    mean: np.ndarray,
    lpl: np.ndarray,
    upl: np.ndarray,
    nlpl: np.ndarray,
    nupl: np.ndarray,
    improvement_direction: str,
    rules: SpcRules,
) -> dict[str, np.ndarray]:
    """Special-cause rules and labels for every point, all series at once.

    Mirrors ``ptd_special_cause_type`` and ``ptd_point_type`` of NHSRplotthedots,
    with missing points never flagged and breaking every run.
    """
    n = len(y)
    same = series.same
    observed = ~np.isnan(y)
    with np.errstate(invalid="ignore"):
        outside = observed & ((y > upl) | (y < lpl))
        rtm = np.sign(y - mean)
        close = observed & ~outside & ((y < nlpl) | (y > nupl))
    r = np.where(np.isnan(rtm), 0, rtm).astype(np.int8)

    shift = _runs(r, same, rules.shift_run)

    d = np.zeros(n, dtype=np.int8)
    if n > 1:
        ok = same[1:] & observed[1:] & observed[:-1]
        with np.errstate(invalid="ignore"):
            d[1:] = np.where(ok, np.sign(y[1:] - y[:-1]), 0)
    in_trend_diff = _runs(d, same, rules.trend_run - 1)
    trend = in_trend_diff.copy()
    trend[:-1] |= in_trend_diff[1:]
    # Direction of a trend point: the step to the next point when both are in a trend
    # (NHSRplotthedots: "if a point is part of a trend either side, use right side").
    right = np.zeros(n, dtype=bool)
    right[:-1] = trend[:-1] & trend[1:] & same[1:]
    d_right = np.zeros(n, dtype=np.int8)
    d_right[:-1] = d[1:]
    trend_dir = np.where(right, d_right, d)

    c = close.astype(np.int8)
    ok3 = np.zeros(n, dtype=bool)
    if n > 2:
        valid = same[1:-1] & same[2:]
        s_c = c[:-2] + c[1:-1] + c[2:]
        s_r = r[:-2].astype(np.int16) + r[1:-1] + r[2:]
        ok3[:-2] = valid & (s_c >= 2) & (np.abs(s_r) == 3)
    window = ok3.copy()
    window[1:] |= ok3[:-1]
    window[2:] |= ok3[:-2]
    two_in_three = close & window

    # Label priority as NHSRplotthedots: outside limits, trend, 2 in 3, shift.
    side = np.where(r > 0, 1, -1)
    kind = np.select(
        [~observed, outside, trend, two_in_three, shift],
        [-1, 0, 1, 2, 3],
        default=4,
    )
    labels = [
        "Above UCL",
        "Below LCL",
        f"{rules.trend_run} Point Trend (Increasing)",
        f"{rules.trend_run} Point Trend (Decreasing)",
        "2 in 3 Above CL",
        "2 in 3 Below CL",
        f"{rules.shift_run} Points Above CL",
        f"{rules.shift_run} Points Below CL",
        "Common Cause",
    ]
    outside_code = np.where(r == 1, 0, 1)
    trend_code = np.where(trend_dir == 1, 2, 3)
    code = np.select(
        [kind == 0, kind == 1, kind == 2, kind == 3, kind == 4],
        [outside_code, trend_code, np.where(side > 0, 4, 5), np.where(side > 0, 6, 7), 8],
        default=-1,
    )
    v = np.select([np.isin(code, [0, 2, 4, 6]), np.isin(code, [1, 3, 5, 7])], [1, -1], default=0)
    direction = DIRECTIONS[improvement_direction]
    if direction == 0:
        pcode = np.select([v > 0, v < 0], [3, 4], default=0)
    else:
        pcode = np.select([v * direction > 0, v * direction < 0], [1, 2], default=0)
    pcode = np.where(observed, pcode, -1)
    return {
        "outside_limits": outside,
        "relative_to_mean": rtm,
        "close_to_limits": close,
        "special_cause_type": pd.Categorical.from_codes(code, categories=labels),
        "special_cause_flag": observed & (code != 8),
        "point_type": pd.Categorical.from_codes(pcode, categories=POINT_TYPES),
    }


def validate_options(improvement_direction: str, fix_after_n_points, rules: str) -> SpcRules:
    """Check the options shared by every chart; return the rule set."""
    if improvement_direction not in DIRECTIONS:
        _fail(
            f"improvement_direction must be one of {', '.join(DIRECTIONS)}, got {improvement_direction!r}"
        )
    if fix_after_n_points is not None and (
        not isinstance(fix_after_n_points, int | np.integer) or fix_after_n_points < 12
    ):
        _fail(
            f"fix_after_n_points must be a whole number of at least 12 (Making Data Count), "
            f"got {fix_after_n_points!r}"
        )
    if rules not in RULES:
        _fail(f"rules must be one of {', '.join(RULES)}, got {rules!r}")
    return RULES[rules]


def target_column(series: Series, target) -> np.ndarray:
    """The target of each row: one value for every facet, or a mapping facet → value."""
    f = series.frame["f"]
    if target is None:
        return np.full(len(f), np.nan)
    if isinstance(target, Mapping):
        unknown = set(target) - set(f.unique())
        if unknown:
            _fail(f"target names facets not in the data: {sorted(map(str, unknown))}")
        return f.map(target).to_numpy(dtype="float64")
    return np.full(len(f), float(target))


def finish(
    series: Series,
    fix: np.ndarray,
    mean: np.ndarray,
    lpl: np.ndarray,
    upl: np.ndarray,
    nlpl: np.ndarray,
    nupl: np.ndarray,
    improvement_direction: str,
    rules: SpcRules,
    target,
    trajectory: np.ndarray | None,
    options: dict,
) -> pd.DataFrame:
    """Assemble the NHSRplotthedots-shaped result from per-row limits."""
    fr = series.frame
    y = fr["y"].to_numpy()
    flags = classify(series, y, mean, lpl, upl, nlpl, nupl, improvement_direction, rules)
    n_obs = group_count(series, ~np.isnan(y))
    out = pd.DataFrame(
        {
            "y": y,
            "x": fr["x"].to_numpy(),
            "f": fr["f"].to_numpy(),
            "rebase_group": fr["rebase_group"].to_numpy(),
            "short_group_warning": n_obs[series.group] < SHORT_GROUP,
            "trajectory": trajectory if trajectory is not None else np.full(len(y), np.nan),
            "target": target_column(series, target),
            "fix_y": np.where(fix, y, np.nan),
            "mean": mean,
            "lpl": lpl,
            "upl": upl,
            **flags,
        }
    )
    out = out[COLUMNS]
    extra = [c for c in fr.columns if c not in ("y", "x", "f", "rebase_group", "trajectory")]
    for c in extra:
        out[c] = fr[c].to_numpy()
    out.attrs["ptd_options"] = {
        **options,
        "improvement_direction": improvement_direction,
        "target": target,
    }
    return out


def ptd_spc(
    data: pd.DataFrame,
    value_field: str,
    date_field: str,
    facet_field: str | None = None,
    rebase: Sequence | Mapping | None = None,
    fix_after_n_points: int | None = None,
    improvement_direction: str = "increase",
    target: float | Mapping | None = None,
    trajectory: str | None = None,
    screen_outliers: bool | None = None,
    rules: str = "ptd",
    freq: str | None = None,
) -> pd.DataFrame:
    """XmR chart values for every point of every facet, NHSRplotthedots style.

    Arguments as ``NHSRplotthedots::ptd_spc``: ``rebase`` is a list of dates (every
    facet) or a mapping facet → dates; ``target`` one value or a mapping facet → value;
    ``screen_outliers`` defaults to the rule set's (on for ``"ptd"``, off for
    ``"mdc_tool"``). ``freq`` (e.g. ``"MS"``) inserts absent dates as missing points.

    Returns one row per point: ``y, x, f, rebase_group, short_group_warning, trajectory,
    target, fix_y, mean, lpl, upl, outside_limits, relative_to_mean, close_to_limits,
    special_cause_type, special_cause_flag, point_type``; see :func:`ptd_summary` and
    :func:`ptd_icons` for the per-facet summary and icons.
    """
    rule_set = validate_options(improvement_direction, fix_after_n_points, rules)
    screen = rule_set.screen_outliers if screen_outliers is None else bool(screen_outliers)
    extra = {"trajectory": trajectory} if trajectory else None
    series = prepare_series(data, value_field, date_field, facet_field, rebase, freq, extra)
    y = series.frame["y"].to_numpy()
    fix = fixed_points(series, fix_after_n_points)
    g = series.group
    mean_g = group_mean(series, np.where(fix, y, np.nan))
    amr_g = mean_moving_range(series, moving_ranges(series, y, fix), screen)
    n_fix = group_count(series, fix)
    amr_g = np.where(n_fix >= rule_set.min_points, amr_g, np.nan)
    mean, amr = mean_g[g], amr_g[g]
    trajectory_values = series.frame["trajectory"].to_numpy() if trajectory else None
    return finish(
        series,
        fix,
        mean,
        mean - LIMIT * amr,
        mean + LIMIT * amr,
        mean - 2 / 3 * LIMIT * amr,
        mean + 2 / 3 * LIMIT * amr,
        improvement_direction,
        rule_set,
        target,
        trajectory_values,
        {
            "value_field": value_field,
            "date_field": date_field,
            "facet_field": facet_field,
            "rebase": rebase,
            "fix_after_n_points": fix_after_n_points,
            "screen_outliers": screen,
            "rules": rules,
        },
    )


def assurance_type(upl: float, lpl: float, target: float, improvement_direction: str) -> str | None:
    """Making Data Count's assurance from a target and the latest limits.

    As ``ptd_calculate_assurance_type``: a target beyond the upper limit is a
    consistent fail when higher is better (pass when lower is better), a target below
    the lower limit the reverse, anything between inconsistent. None without a target,
    limits, or for a neutral measure.

    >>> assurance_type(95.0, 85.0, 80.0, "increase"), assurance_type(95.0, 85.0, 90.0, "increase")
    ('consistent_pass', 'inconsistent')
    """
    if target is None or np.isnan(target) or improvement_direction == "neutral":
        return None
    if np.isnan(upl) or np.isnan(lpl):
        return None
    increasing = improvement_direction == "increase"
    if target > upl:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


def variation_icon(point_type: str | None, improvement_direction: str) -> str | None:
    """The Making Data Count variation icon for a point type (as ``ptd_get_icons``).

    >>> variation_icon("special_cause_concern", "increase"), variation_icon("special_cause_improvement", "decrease")
    ('concern_low', 'improvement_low')
    """
    if point_type is None or (isinstance(point_type, float) and np.isnan(point_type)):
        return None
    high = improvement_direction == "increase"
    return {
        "common_cause": "common_cause",
        "special_cause_neutral_high": "neutral_high",
        "special_cause_neutral_low": "neutral_low",
        "special_cause_concern": "concern_low" if high else "concern_high",
        "special_cause_improvement": "improvement_high" if high else "improvement_low",
    }[point_type]


def _last_observed(spc: pd.DataFrame) -> pd.DataFrame:
    return spc[spc["y"].notna()].groupby("f", sort=False, observed=True).tail(1)


def ptd_icons(spc: pd.DataFrame) -> pd.DataFrame:
    """One row per facet: the latest point, its variation icon and the assurance icon."""
    opts = spc.attrs.get("ptd_options", {})
    direction = opts.get("improvement_direction", "increase")
    last = _last_observed(spc)
    rows = []
    for r in last.itertuples(index=False):
        pt = None if pd.isna(r.point_type) else str(r.point_type)
        rows.append(
            {
                "f": r.f,
                "x": r.x,
                "y": r.y,
                "point_type": pt,
                "special_cause_type": None
                if pd.isna(r.special_cause_type)
                else str(r.special_cause_type),
                "variation_icon": variation_icon(pt, direction),
                "assurance_type": assurance_type(r.upl, r.lpl, r.target, direction),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "f",
            "x",
            "y",
            "point_type",
            "special_cause_type",
            "variation_icon",
            "assurance_type",
        ],
    )


def ptd_summary(spc: pd.DataFrame) -> pd.DataFrame:
    """One row per facet and rebase group, as ``summary()`` of a ``ptd_spc_df``.

    Columns: ``f, rebase_group, mean, lpl, upl, n, common_cause,
    special_cause_improvement, special_cause_concern, variation_type`` and
    ``assurance_type`` (latest rebase group only).
    """
    opts = spc.attrs.get("ptd_options", {})
    direction = opts.get("improvement_direction", "increase")
    obs = spc[spc["y"].notna()]
    keys = ["f", "rebase_group"]
    s = obs.groupby(keys, sort=False, observed=True).agg(
        mean=("mean", "first"),
        lpl=("lpl", "first"),
        upl=("upl", "first"),
        n=("y", "size"),
        flagged=("special_cause_flag", "sum"),
        special_cause_improvement=(
            "point_type",
            lambda p: int((p == "special_cause_improvement").sum()),
        ),
        special_cause_concern=("point_type", lambda p: int((p == "special_cause_concern").sum())),
        variation_type=("point_type", lambda p: str(p.iloc[-1])),
        target=("target", "last"),
    )
    s["common_cause"] = s["n"] - s["flagged"]
    s = s.reset_index()
    latest = s.groupby("f", sort=False)["rebase_group"].transform("max") == s["rebase_group"]
    s["assurance_type"] = [
        assurance_type(u, lo, t, direction) if is_latest else None
        for u, lo, t, is_latest in zip(s["upl"], s["lpl"], s["target"], latest, strict=True)
    ]
    cols = [
        "f",
        "rebase_group",
        "mean",
        "lpl",
        "upl",
        "n",
        "common_cause",
        "special_cause_improvement",
        "special_cause_concern",
        "variation_type",
        "assurance_type",
    ]
    return s[cols]
