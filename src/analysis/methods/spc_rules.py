"""Special-cause rules of an XmR chart, all series at once (NHSRplotthedots and Making Data Count).

Mirrors ``ptd_special_cause_type`` and ``ptd_point_type`` of NHSRplotthedots
(``R/ptd_calculate_point_type.R``, v0.2.2): a point outside the limits; a run of
``trend_run`` rising or falling points (a tie breaks it); two of three consecutive points
in the outer third on the same side of the mean; a run of ``shift_run`` on one side of
the mean (a point on the mean breaks it); labels in that priority. The rule set
``MDC_TOOL_RULES`` (Making Data Count's Single Chart Tool) differs as the tool's team
describes it (NHSRplotthedots issue #194, Making Data Count team, 2023): runs of 6,
points beyond three sigma count towards "two in three", and a point flagged both ways
is shown as improvement.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analysis.methods.spc_series import Series

DIRECTIONS = {"increase": 1, "neutral": 0, "decrease": -1}

POINT_TYPES = [
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
]


@dataclass(frozen=True)
class SpcRules:
    """How special cause is judged, and from how many points limits and icons are given.

    ``PTD_RULES`` are NHSRplotthedots' (runs of 7, screening, limits from 2 points);
    ``MDC_TOOL_RULES`` those of Making Data Count's Single Chart Tool as its team
    describes it: runs of 6, no screening, limits (``min_points``) and icons
    (``icons_from``) only from 13 points, points
    beyond three sigma counting towards "two in three" (``two_in_three_beyond``), and a
    point that breaks rules in both directions shown as improvement
    (``conflict="improvement"``; NHSRplotthedots takes the first rule in its priority
    order, ``"priority"``), and a fixed baseline of 12 to 20 points (``max_baseline``;
    the team on PowerBI-SPC issue #253: "In our Excel tool, this has to be for the first
    12-20 points"). ``runs_across_rebase`` lets shifts and trends run on over a
    recalculation point (each point judged against its own period's mean); off in both
    rule sets.
    """

    shift_run: int = 7
    trend_run: int = 7
    min_points: int = 2
    screen_outliers: bool = True
    two_in_three_beyond: bool = False
    conflict: str = "priority"
    runs_across_rebase: bool = False
    max_baseline: int | None = None
    icons_from: int = 0

    def with_run_length(self, n: int | None) -> SpcRules:
        """The same rules with shifts and trends of ``n`` points (6 or 7)."""
        if n is None:
            return self
        if n not in (6, 7):
            raise ValueError(f"run_length must be 6 or 7 points, not {n!r}")
        return replace(self, shift_run=n, trend_run=n)


PTD_RULES = SpcRules()
MDC_TOOL_RULES = SpcRules(
    shift_run=6,
    trend_run=6,
    min_points=13,
    screen_outliers=False,
    two_in_three_beyond=True,
    conflict="improvement",
    max_baseline=20,
    icons_from=13,
)
#: Rule sets by name; ``nhsr`` is another name for NHSRplotthedots' ``ptd``.
RULES = {"ptd": PTD_RULES, "nhsr": PTD_RULES, "mdc_tool": MDC_TOOL_RULES}


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


def _same_facet(series: Series) -> np.ndarray:
    """Row i is in the same facet as row i−1 (whatever its rebase group)."""
    f = series.frame["f"].to_numpy()
    same = np.zeros(len(f), dtype=bool)
    if len(f) > 1:
        same[1:] = f[1:] == f[:-1]
    return same


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
    run_same = _same_facet(series) if rules.runs_across_rebase else same
    observed = ~np.isnan(y)
    with np.errstate(invalid="ignore"):
        outside = observed & ((y > upl) | (y < lpl))
        rtm = np.sign(y - mean)
        beyond_two = observed & ((y < nlpl) | (y > nupl))
    close = beyond_two & ~outside
    r = np.where(np.isnan(rtm), 0, rtm).astype(np.int8)

    shift = _runs(r, run_same, rules.shift_run)

    d = np.zeros(n, dtype=np.int8)
    if n > 1:
        ok = run_same[1:] & observed[1:] & observed[:-1]
        with np.errstate(invalid="ignore"):
            d[1:] = np.where(ok, np.sign(y[1:] - y[:-1]), 0)
    in_trend_diff = _runs(d, run_same, rules.trend_run - 1)
    trend = in_trend_diff.copy()
    trend[:-1] |= in_trend_diff[1:]
    # Direction of a trend point: the step to the next point when both are in a trend
    # (NHSRplotthedots: "if a point is part of a trend either side, use right side").
    right = np.zeros(n, dtype=bool)
    right[:-1] = trend[:-1] & trend[1:] & run_same[1:]
    d_right = np.zeros(n, dtype=np.int8)
    d_right[:-1] = d[1:]
    trend_dir = np.where(right, d_right, d)

    counted = beyond_two if rules.two_in_three_beyond else close
    c = counted.astype(np.int8)
    ok3 = np.zeros(n, dtype=bool)
    if n > 2:
        valid = same[1:-1] & same[2:]
        s_c = c[:-2] + c[1:-1] + c[2:]
        s_r = r[:-2].astype(np.int16) + r[1:-1] + r[2:]
        ok3[:-2] = valid & (s_c >= 2) & (np.abs(s_r) == 3)
    window = ok3.copy()
    window[1:] |= ok3[:-1]
    window[2:] |= ok3[:-2]
    two_in_three = counted & window

    # Label priority as NHSRplotthedots: outside limits, trend, 2 in 3, shift.
    side = np.where(r > 0, 1, -1)
    fired = [outside, trend, two_in_three, shift]
    kind = np.select([~observed, *fired], [-1, 0, 1, 2, 3], default=4)
    direction = DIRECTIONS[improvement_direction]
    if rules.conflict == "improvement" and direction != 0:
        # The Single Chart Tool shows improvement when a point breaks rules both ways:
        # the first rule (in priority order) that signals improvement wins.
        signs = [np.where(r == 1, 1, -1), np.where(trend_dir == 1, 1, -1), side, side]
        better = [f & (sg * direction > 0) for f, sg in zip(fired, signs, strict=True)]
        first_better = np.select(better, [0, 1, 2, 3], default=-1)
        kind = np.where(observed & (first_better >= 0), first_better, kind)
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
