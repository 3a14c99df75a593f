"""Making Data Count's Single Chart Tool rules (``rules="mdc_tool"``), by hand-worked cases.

The Making Data Count team's XmR testing document (announced in NHSRplotthedots issue
#194, 2023) could not be found among public sources, so its figures are not reproduced
here. The behaviour checked is what the team states in that issue: process limits and
summary icons only from 13 points; in "two in three" every point beyond two sigma counts
(also one beyond three sigma), all three on one side of the mean, and only the points
beyond two sigma are flagged; a point that breaks rules both ways is shown as
improvement. Runs of 6 or 7 are a choice the tool offers (issue #202).

Baseline used below: 14 points alternating 10, 12 → mean 11, every moving range 2, so
limits 11 ± 2.66 × 2 = 5.68 … 16.32 and two sigma 11 ± 3.547 = 7.453 … 14.547.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from analysis.config import ConfigError, load_config
from analysis.methods.spc import MDC_TOOL_RULES, PTD_RULES, ptd_icons, ptd_spc
from analysis.methods.spc_options import parse_spc, spc_settings

BASE = [10.0, 12.0] * 7


def frame(values) -> pd.DataFrame:
    return pd.DataFrame(
        {"x": pd.date_range("2022-01-01", periods=len(values), freq="MS"), "y": values}
    )


def chart(values, rules, **kw):
    return ptd_spc(frame(values), "y", "x", rules=rules, fix_after_n_points=14, **kw)


def test_limits_as_hand_worked():
    out = chart(BASE + [11.0], "mdc_tool")
    assert out["mean"].iloc[0] == 11
    assert out["upl"].iloc[0] == pytest.approx(16.32)
    assert out["lpl"].iloc[0] == pytest.approx(5.68)


def test_twelve_points_no_limits_and_no_icons_thirteen_have_them():
    twelve = ptd_spc(frame(BASE[:12]), "y", "x", rules="mdc_tool", target=8)
    assert twelve["upl"].isna().all()
    icons = ptd_icons(twelve).iloc[0]
    assert icons["variation_icon"] is None and icons["assurance_type"] is None
    thirteen = ptd_spc(frame(BASE[:13]), "y", "x", rules="mdc_tool", target=8)
    assert thirteen["upl"].notna().all()
    icons = ptd_icons(thirteen).iloc[0]
    # Mean 142/13 = 10.92, moving ranges all 2: lower limit 5.60 > target 8? No: 8 lies
    # inside 5.60 … 16.24, so the target may or may not be met.
    assert icons["variation_icon"] == "common_cause"
    assert icons["assurance_type"] == "inconsistent"


def test_two_in_three_counts_a_point_beyond_three_sigma():
    # 15 is beyond two sigma (14.547), 17 beyond three (16.32): NHSRplotthedots counts
    # only points between two and three sigma, so 15 stays common cause; the tool flags it.
    values = BASE + [15.0, 17.0, 11.0]
    ptd = chart(values, "ptd")
    mdc = chart(values, "mdc_tool")
    assert str(ptd["point_type"].iloc[14]) == "common_cause"
    assert str(mdc["special_cause_type"].iloc[14]) == "2 in 3 Above CL"
    assert str(mdc["point_type"].iloc[14]) == "special_cause_improvement"
    assert str(mdc["special_cause_type"].iloc[15]) == "Above UCL"
    assert str(mdc["point_type"].iloc[16]) == "common_cause"  # within two sigma: not flagged


def test_conflict_resolved_as_improvement():
    # Six falling points all above the mean: a falling trend (concern when higher is
    # better) and a run of six above the mean (improvement); 16, 15.5 and 15 are also
    # beyond two sigma on one side (two in three, improvement).
    values = BASE + [16.0, 15.5, 15.0, 14.5, 14.0, 13.5]
    mdc = chart(values, "mdc_tool")
    tail = mdc.iloc[14:]
    assert (tail["point_type"] == "special_cause_improvement").all()
    assert (
        tail["special_cause_type"].astype(str).tolist()
        == ["2 in 3 Above CL"] * 3 + ["6 Points Above CL"] * 3
    )
    by_priority = chart(values, replace(MDC_TOOL_RULES, conflict="priority"))
    assert (by_priority.iloc[14:]["point_type"] == "special_cause_concern").all()
    assert (by_priority.iloc[14:]["special_cause_type"] == "6 Point Trend (Decreasing)").all()


def test_six_or_seven_point_runs():
    values = BASE + [12.0] * 6  # the baseline's last 12 then six more: 7 above the mean
    six = chart(BASE[:-1] + [10.0] + [12.0] * 6, "mdc_tool")  # exactly six above
    assert (six.iloc[14:]["special_cause_type"] == "6 Points Above CL").all()
    seven = chart(BASE[:-1] + [10.0] + [12.0] * 6, MDC_TOOL_RULES.with_run_length(7))
    assert (seven.iloc[14:]["point_type"] == "common_cause").all()
    assert (chart(values, PTD_RULES).iloc[13:]["special_cause_type"] == "7 Points Above CL").all()


def test_runs_across_a_recalculation_point_only_when_asked():
    # 1..8 rising, recalculated at the 5th point: four points each side, no trend of 6
    # within either period; across the recalculation the 8 rising points are a trend.
    values = [float(v) for v in range(1, 9)]
    rebase = [frame(values)["x"][4]]
    within = ptd_spc(frame(values), "y", "x", rules="mdc_tool", rebase=rebase)
    assert not within["special_cause_flag"].any()
    across = ptd_spc(
        frame(values),
        "y",
        "x",
        rules=replace(MDC_TOOL_RULES, runs_across_rebase=True),
        rebase=rebase,
    )
    assert (across["special_cause_type"] == "6 Point Trend (Increasing)").all()


def test_configuration_per_partnership_and_measure():
    s = parse_spc(
        {
            "rules": "nhsr",
            "measures": {
                "fft_positive": {
                    "rules": "mdc_tool",
                    "rebase": ["2022-04"],
                    "fix_after_n_points": 12,
                },
                "response_rate": {"run_length": 6},
            },
        }
    )
    assert s.rules_for("complaints") == PTD_RULES
    args = s.arguments("fft_positive")
    assert args["rules"] == MDC_TOOL_RULES
    assert args["rebase"] == [pd.Timestamp("2022-04-01")] and args["fix_after_n_points"] == 12
    assert (
        s.rules_for("response_rate").shift_run == 6 and s.rules_for("response_rate").screen_outliers
    )
    with pytest.raises(ConfigError, match=r"spc\.measures\.x\.rule: .*remove it"):
        parse_spc({"measures": {"x": {"rule": "mdc_tool"}}})
    with pytest.raises(ConfigError, match=r"spc\.rules"):
        parse_spc({"rules": "wheeler"})
    with pytest.raises(ConfigError, match="YYYY-MM"):
        parse_spc({"measures": {"x": {"rebase": ["April"]}}})
    with pytest.raises(ConfigError, match="fix_after_n_points"):
        parse_spc({"measures": {"x": {"fix_after_n_points": 6}}})
    # The tool fixes a baseline of 12 to 20 points (PowerBI-SPC issue #253).
    with pytest.raises(ConfigError, match="12 to 20 points"):
        parse_spc({"measures": {"x": {"rules": "mdc_tool", "fix_after_n_points": 24}}})
    assert (
        parse_spc({"measures": {"x": {"fix_after_n_points": 24}}}).arguments("x")[
            "fix_after_n_points"
        ]
        == 24
    )  # NHSRplotthedots has no upper bound
    with pytest.raises(ValueError, match="between 12 and 20"):
        ptd_spc(frame(BASE * 2), "y", "x", rules="mdc_tool", fix_after_n_points=24)


def test_demo_partnership_declares_its_spc_section():
    s = spc_settings(load_config())
    assert s.rules == "nhsr"
    assert s.rules_for("fft_positive") == MDC_TOOL_RULES


def test_nhsrplotthedots_rules_give_icons_however_short():
    # NHSRplotthedots draws the variation icon of the latest point whatever the group's length.
    icons = ptd_icons(ptd_spc(frame([10.0]), "y", "x")).iloc[0]
    assert icons["variation_icon"] == "common_cause"
