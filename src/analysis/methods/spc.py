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

Parity with NHSRplotthedots v0.2.2 at the edges: a facet and rebase group with fewer
than 13 points (R: ``getOption("ptd_spc.warning_threshold", 13)``; its help page says
12 but the code's default is 13) has ``short_group_warning`` set and :func:`ptd_spc`
warns with R's message (:class:`ShortGroupWarning`); the threshold is
``OPTIONS["ptd_spc.warning_threshold"]``, as R's ``options(ptd_spc.warning_threshold =
10)``. Every argument default is R's (``fix_after_n_points`` none and at least 12,
``improvement_direction="increase"``, ``screen_outliers=True``). Version 0.2.2 names
the centre line ``mean_col``; this package keeps the 0.1 name ``mean``. R gives the
assurance "inconsistent" when the latest limits are missing; :func:`assurance_type`
gives none.

``rules="mdc_tool"`` gives the behaviour of Making Data Count's *Single Chart Tool*
(Excel) as its team describes it (NHSRplotthedots issue #194): runs and trends of 6, no
screening of moving ranges, limits and icons only for groups of at least 13 points
(shorter groups keep their mean and run rules), every point beyond two sigma counting
towards "two in three", and a point breaking rules both ways shown as improvement
(:mod:`analysis.methods.spc_rules`). ``rules`` may also be an :class:`SpcRules`, e.g.
``MDC_TOOL_RULES.with_run_length(7)``; a partnership chooses per measure in its
``spc:`` configuration (:mod:`analysis.methods.spc_options`).

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

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.methods.spc_icons import (  # noqa: F401  (re-exported: one import for callers)
    assurance_type,
    ptd_icons,
    ptd_summary,
    variation_icon,
)
from analysis.methods.spc_rules import (  # noqa: F401
    DIRECTIONS,
    MDC_TOOL_RULES,
    POINT_TYPES,
    PTD_RULES,
    RULES,
    SpcRules,
    classify,
)
from analysis.methods.spc_series import (  # noqa: F401
    NO_FACET,
    SCREEN,
    Series,
    _fail,
    fixed_points,
    group_count,
    group_mean,
    group_sum,
    mean_moving_range,
    moving_ranges,
    prepare_series,
)

#: Limit multiplier for individuals charts: 3 / d2 with d2 = 1.128 (Making Data Count).
LIMIT = 2.66
#: Options NHSRplotthedots reads with ``getOption`` (v0.2.2), at its defaults: groups with
#: fewer points than ``ptd_spc.warning_threshold`` carry ``short_group_warning``.
OPTIONS: dict[str, int] = {"ptd_spc.warning_threshold": 13}
#: The default threshold (the option may change the one in force).
SHORT_GROUP = OPTIONS["ptd_spc.warning_threshold"]
#: NHSRplotthedots' warning text, word for word (``R/ptd_add_short_group_warnings.R``).
SHORT_GROUP_MESSAGE = (
    "Some groups have 'n < 12' observations. These have trial limits, which will be "
    "revised with each additional observation until 'n = fix_after_n_points' has been reached."
)


class ShortGroupWarning(UserWarning):
    """A facet and rebase group is shorter than ``ptd_spc.warning_threshold``."""


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


def validate_options(
    improvement_direction: str, fix_after_n_points, rules: str | SpcRules
) -> SpcRules:
    """Check the options shared by every chart; return the rule set (a name or an :class:`SpcRules`)."""
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
    if not isinstance(rules, SpcRules):
        if rules not in RULES:
            _fail(f"rules must be one of {', '.join(RULES)}, got {rules!r}")
        rules = RULES[rules]
    too_long = rules.max_baseline is not None and (fix_after_n_points or 0) > rules.max_baseline
    if too_long:
        _fail(
            f"fix_after_n_points must be between 12 and {rules.max_baseline} with these "
            f"rules (Making Data Count's tool), got {fix_after_n_points}"
        )
    return rules


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
    short = n_obs < OPTIONS["ptd_spc.warning_threshold"]
    if short.any():
        warnings.warn(SHORT_GROUP_MESSAGE, ShortGroupWarning, stacklevel=3)
    out = pd.DataFrame(
        {
            "y": y,
            "x": fr["x"].to_numpy(),
            "f": fr["f"].to_numpy(),
            "rebase_group": fr["rebase_group"].to_numpy(),
            "short_group_warning": short[series.group],
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
        "icons_from": rules.icons_from,
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
    rules: str | SpcRules = "ptd",
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
            "rules": rules if isinstance(rules, str) else "custom",
        },
    )
