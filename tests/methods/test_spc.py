"""XmR charts against NHSRplotthedots' published test figures and hand-worked series.

References: nhs-r-community/NHSRplotthedots, ``tests/testthat/_snaps/ptd_spc_standard.md``
and ``_snaps/ptd_spc.md`` (R ``set.seed(123); rnorm(20)``: mean 0.142, limits −3.01 to
3.29; facets of 10: 0.0746 (−2.60, 2.75) and 0.209 (−3.28, 3.70)), and the rule vectors of
``tests/testthat/test-ptd_calculate_point_type.R``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.methods.spc import (
    COLUMNS,
    PTD_RULES,
    assurance_type,
    classify,
    prepare_series,
    ptd_icons,
    ptd_spc,
    ptd_summary,
    variation_icon,
)

# R: set.seed(123); rnorm(20) — the values NHSRplotthedots' snapshot tests use.
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip


def frame(values, start="2020-01-01", freq="MS", **cols):
    return pd.DataFrame(
        {"x": pd.date_range(start, periods=len(values), freq=freq), "y": values, **cols}
    )


def test_limits_match_nhsrplotthedots_snapshot():
    out = ptd_spc(frame(RNORM_123, "2020-01-02", "D"), "y", "x")
    assert list(out.columns) == COLUMNS
    assert out["mean"].round(3).unique().tolist() == [0.142]
    assert out["lpl"].round(2).unique().tolist() == [-3.01]
    assert out["upl"].round(2).unique().tolist() == [3.29]
    assert (out["point_type"] == "common_cause").all()
    assert (out["f"] == "no facet").all()


def test_facets_match_nhsrplotthedots_snapshot():
    d = frame(RNORM_123, "2020-01-02", "D", facet=[0] * 10 + [1] * 10)
    s = ptd_summary(ptd_spc(d, "y", "x", facet_field="facet"))
    assert s["mean"].round(4).tolist() == [0.0746, 0.2086]
    assert s["lpl"].round(2).tolist() == [-2.60, -3.28]
    assert s["upl"].round(2).tolist() == [2.75, 3.70]
    assert s["n"].tolist() == [10, 10] and s["common_cause"].tolist() == [10, 10]


def test_hand_worked_limits():
    # 1,3,2,4,3: mean 13/5 = 2.6; moving ranges 2,1,2,1 → 1.5; limits 2.6 ± 2.66 × 1.5 = 2.6 ± 3.99.
    out = ptd_spc(frame([1, 3, 2, 4, 3]), "y", "x")
    assert out["mean"].iloc[0] == pytest.approx(2.6)
    assert out["lpl"].iloc[0] == pytest.approx(-1.39)
    assert out["upl"].iloc[0] == pytest.approx(6.59)
    assert out["short_group_warning"].all()  # fewer than 13 points


def test_outlying_moving_ranges_screened_once():
    # Moving ranges 1,1,1,1,1,19,19,1,1: mean 45/9 = 5; 3.267 × 5 = 16.3 screens both 19s,
    # leaving seven 1s: mean moving range 1. Mean (4×10 + 5×11 + 30)/10 = 12.5.
    values = [10, 11, 10, 11, 10, 11, 30, 11, 10, 11]
    screened = ptd_spc(frame(values), "y", "x")
    assert screened["lpl"].iloc[0] == pytest.approx(12.5 - 2.66)
    assert screened["upl"].iloc[0] == pytest.approx(12.5 + 2.66)
    raw = ptd_spc(frame(values), "y", "x", screen_outliers=False)
    assert raw["upl"].iloc[0] == pytest.approx(12.5 + 2.66 * 5)
    assert screened["special_cause_type"].iloc[6] == "Above UCL"
    assert screened["point_type"].iloc[6] == "special_cause_improvement"


def rules_on(y, mean=0.0, limit=3.0, direction="increase", rules=PTD_RULES):
    """Apply the rules with fixed limits (mean ± limit, close band at 2/3 of it)."""
    s = prepare_series(frame(list(map(float, y))), "y", "x")
    n = len(y)
    full = np.full(n, float(limit))
    m = np.full(n, float(mean))
    c = classify(s, s.frame["y"].to_numpy(), m, m - full, m + full, m - 2 * full / 3, m + 2 * full / 3,
                 direction, rules)  # fmt: skip
    return c


def flags(c):
    return c["special_cause_flag"].astype(int).tolist()


def test_seven_on_one_side_nhsrplotthedots_vectors():
    # test-ptd_calculate_point_type.R: c(rep(1, 8), -1) → first 8 are part of the run.
    assert flags(rules_on([1] * 8 + [-1])) == [1] * 8 + [0]
    assert flags(rules_on([1] * 6 + [-1])) == [0] * 7
    assert list(rules_on([-1] * 7)["special_cause_type"]) == ["7 Points Below CL"] * 7
    # A point on the mean breaks the run.
    assert flags(rules_on([1, 1, 1, 0, 1, 1, 1, 1])) == [0] * 8


def test_seven_point_trend_nhsrplotthedots_vectors():
    scale = lambda v: [(a - 4) * 0.3 for a in v]  # noqa: E731 — keeps points inside the limits
    assert flags(rules_on(scale(range(1, 8)))) == [1] * 7
    assert flags(rules_on(scale([1, 2, 3, 3, 4, 5, 6]))) == [0] * 7  # a tie breaks it
    assert flags(rules_on(scale([2, *range(1, 8), 3]))) == [0, 1, 1, 1, 1, 1, 1, 1, 0]
    down = rules_on(scale(range(7, 0, -1)))
    assert list(down["special_cause_type"]) == ["7 Point Trend (Decreasing)"] * 7
    assert list(down["point_type"]) == ["special_cause_concern"] * 7
    # Peak shared by a rise and a fall takes the direction of the step after it.
    peak = rules_on(scale([1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]))
    assert peak["special_cause_type"][6] == "7 Point Trend (Decreasing)"
    assert peak["special_cause_type"][5] == "7 Point Trend (Increasing)"


def test_two_in_three_nhsrplotthedots_vectors():
    # Close band is beyond 2; points at 2.5 are close, 0.5 are not; all on one side.
    # The first and last points sit below the mean so no run of 7 forms.
    close = lambda v: [2.5 if a else 0.5 for a in v]  # noqa: E731
    assert flags(rules_on([-0.5, *close([0, 1, 0, 1, 0]), -0.5])) == [0, 0, 1, 0, 1, 0, 0]
    assert flags(rules_on([-0.5, *close([0, 1, 1, 0, 0]), -0.5])) == [0, 0, 1, 1, 0, 0, 0]
    assert flags(rules_on(close([1, 0, 0, 1]))) == [0, 0, 0, 0]
    assert list(rules_on(close([1, 1, 0]))["special_cause_type"])[:2] == ["2 in 3 Above CL"] * 2
    # NHSRplotthedots test: two close points on opposite sides of the mean are common cause.
    assert flags(rules_on([0.5, 2.5, -2.5, 0.5])) == [0, 0, 0, 0]
    # All three must be on the same side: a middle point below the mean stops it.
    assert flags(rules_on([2.5, -0.5, 2.5])) == [0, 0, 0]


def test_label_priority_outside_then_trend():
    c = rules_on([-1.8, -1.2, -0.6, 0.0, 0.6, 1.2, 3.5])
    assert list(c["special_cause_type"]) == ["7 Point Trend (Increasing)"] * 6 + ["Above UCL"]


def test_improvement_direction_decrease_and_neutral():
    assert list(rules_on([4.0], direction="decrease")["point_type"]) == ["special_cause_concern"]
    assert list(rules_on([-4.0], direction="decrease")["point_type"]) == [
        "special_cause_improvement"
    ]
    assert list(rules_on([4.0, -4.0], direction="neutral")["point_type"]) == [
        "special_cause_neutral_high",
        "special_cause_neutral_low",
    ]


def test_mdc_tool_runs_of_six():
    from analysis.methods.spc import MDC_TOOL_RULES

    assert flags(rules_on([1] * 6 + [-1])) == [0] * 7
    assert flags(rules_on([1] * 6 + [-1], rules=MDC_TOOL_RULES)) == [1] * 6 + [0]


def test_mdc_tool_limits_only_from_13_points():
    out = ptd_spc(frame([1, 3, 2, 4, 3, 2, 3, 2, 3, 4, 2, 3]), "y", "x", rules="mdc_tool")
    assert out["upl"].isna().all() and out["mean"].notna().all()
    out = ptd_spc(frame([1, 3, 2, 4, 3, 2, 3, 2, 3, 4, 2, 3, 3]), "y", "x", rules="mdc_tool")
    assert out["upl"].notna().all()


def test_missing_points_break_runs_and_are_never_flagged():
    c = rules_on([1, 1, 1, np.nan, 1, 1, 1, 1])
    assert flags(c) == [0] * 8
    assert pd.isna(c["point_type"][3])


def test_collection_pause_neither_corrupts_moving_ranges_nor_flags():
    # Monthly FFT data with April–November 2020 absent (the national collection pause).
    months = pd.date_range("2019-04-01", "2021-06-01", freq="MS")
    pause = (months >= "2020-04-01") & (months <= "2020-11-01")
    # Before the pause the value alternates 80/82; after it 90/92 (a real step).
    values = np.where(months < "2020-04-01", 80.0, 90.0) + 2 * (np.arange(len(months)) % 2)
    data = pd.DataFrame({"month": months[~pause], "pct": values[~pause]})
    out = ptd_spc(data, "pct", "month", freq="MS")
    assert len(out) == len(months)  # the eight paused months are rows, marked missing
    gap = out[out["x"].isin(months[pause])]
    assert gap["y"].isna().all() and not gap["special_cause_flag"].any()
    # Every moving range is 2: the 80→90 jump across the gap is not a moving range.
    assert out["upl"].iloc[0] - out["mean"].iloc[0] == pytest.approx(2.66 * 2)


def test_rebase_gives_each_group_its_own_limits():
    d = frame([1, 3, 2, 4, 3, 11, 13, 12, 14, 13])
    out = ptd_spc(d, "y", "x", rebase=["2020-06-01"])
    assert out["rebase_group"].tolist() == [0] * 5 + [1] * 5
    assert out["mean"].iloc[0] == pytest.approx(2.6) and out["mean"].iloc[-1] == pytest.approx(12.6)
    assert out["upl"].iloc[-1] == pytest.approx(12.6 + 2.66 * 1.5)
    per_facet = ptd_spc(d.assign(s="A"), "y", "x", facet_field="s", rebase={"A": ["2020-06-01"]})
    assert per_facet["rebase_group"].tolist() == out["rebase_group"].tolist()


def test_fix_after_n_points_uses_only_the_first_n():
    values = [1, 3] * 6 + [10, 12, 10, 12]
    out = ptd_spc(frame(values), "y", "x", fix_after_n_points=12)
    assert out["mean"].iloc[0] == pytest.approx(2.0)
    assert out["upl"].iloc[0] == pytest.approx(2.0 + 2.66 * 2)
    assert out["fix_y"].notna().sum() == 12
    assert (out["point_type"].iloc[12:] == "special_cause_improvement").all()


def test_edge_cases_constant_single_and_all_missing():
    const = ptd_spc(frame([5.0] * 8), "y", "x")
    assert (const["lpl"] == 5).all() and not const["special_cause_flag"].any()
    one = ptd_spc(frame([5.0]), "y", "x")
    assert one["upl"].isna().all() and not one["special_cause_flag"].any()
    none = ptd_spc(frame([np.nan] * 4), "y", "x")
    assert none["mean"].isna().all() and not none["special_cause_flag"].any()
    empty = ptd_spc(frame([]), "y", "x")
    assert empty.empty


def test_one_facet_too_short_does_not_disturb_another():
    long = frame([1, 3, 2, 4, 3, 2, 3, 2, 3, 4, 2, 3, 3], s="long")
    short = frame([7.0], s="short")
    out = ptd_spc(pd.concat([long, short]), "y", "x", facet_field="s")
    assert out.loc[out.f == "short", "upl"].isna().all()
    assert out.loc[out.f == "short", "short_group_warning"].all()
    assert not out.loc[out.f == "long", "short_group_warning"].any()
    assert out.loc[out.f == "long", "upl"].notna().all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"improvement_direction": "up"}, "improvement_direction must be one of"),
        ({"fix_after_n_points": 6}, "at least 12"),
        ({"rebase": ["2020-02-15"]}, "not a date of facet"),
        ({"value_field": "nope"}, "value_field='nope' is not a column"),
        ({"rules": "excel"}, "rules must be one of"),
    ],
)
def test_bad_options_say_what_to_do(kwargs, message):
    args = {"value_field": "y", "date_field": "x", **kwargs}
    with pytest.raises(ValueError, match=message):
        ptd_spc(frame([1, 2, 3]), **args)


def test_bad_values_and_duplicate_dates_are_located():
    with pytest.raises(ValueError, match="non-numeric value 'n/a' at row 1"):
        ptd_spc(frame([1, "n/a", 3]), "y", "x")
    d = pd.DataFrame({"x": pd.to_datetime(["2024-01-01", "2024-01-01"]), "y": [1, 2]})
    with pytest.raises(ValueError, match="more than one point dated 2024-01-01"):
        ptd_spc(d, "y", "x")


def test_icons_and_assurance_follow_ptd_get_icons():
    assert variation_icon("special_cause_improvement", "increase") == "improvement_high"
    assert variation_icon("special_cause_concern", "decrease") == "concern_high"
    assert variation_icon("special_cause_neutral_low", "neutral") == "neutral_low"
    # ptd_calculate_assurance_type: target above upl fails when higher is better.
    assert assurance_type(10.0, 5.0, 12.0, "increase") == "consistent_fail"
    assert assurance_type(10.0, 5.0, 12.0, "decrease") == "consistent_pass"
    assert assurance_type(10.0, 5.0, 3.0, "decrease") == "consistent_fail"
    assert assurance_type(10.0, 5.0, 7.0, "increase") == "inconsistent"
    assert assurance_type(10.0, 5.0, 7.0, "neutral") is None
    values = [10, 11, 10, 11, 10, 11, 30, 11, 10, 11]
    icons = ptd_icons(ptd_spc(frame(values + [np.nan]), "y", "x", target=9.0))
    # The last observed point (11) is common cause; target 9 is below lpl 9.84 → pass.
    assert icons.loc[0, "variation_icon"] == "common_cause"
    assert icons.loc[0, "assurance_type"] == "consistent_pass"


def test_summary_counts_points_by_type():
    values = [10, 11, 10, 11, 10, 11, 30, 11, 10, 11]
    s = ptd_summary(ptd_spc(frame(values), "y", "x"))
    assert s.loc[0, "n"] == 10
    # Limits 12.5 ± 2.66, close band beyond 12.5 ± 1.77: each 10 is close to the lower
    # limit, so 10, 11, 10 (rows 0–2 and 2–4) are "2 in 3 below": rows 0, 2, 4 are concern;
    # row 8 (11, 10, 11) has one close point only. Row 6 (30) is above the upper limit.
    assert s.loc[0, "special_cause_improvement"] == 1 and s.loc[0, "special_cause_concern"] == 3
    assert s.loc[0, "common_cause"] == 6
    assert s.loc[0, "variation_type"] == "common_cause"


def test_every_label_as_nhsrplotthedots_names_it():
    # ptd_special_cause_type's labels, one hand-built series each (limits ±3, close band ±2).
    cases = {
        "Above UCL": [3.5],
        "Below LCL": [-3.5],
        # Three points all on one side, two of them close (two points alone never qualify:
        # NHSRplotthedots needs |sum of relative_to_mean| = 3 over the window).
        "2 in 3 Above CL": [2.5, 2.5, 0.5],
        "2 in 3 Below CL": [-2.5, -0.5, -2.5],
        "7 Points Above CL": [1.0] * 7,
        "7 Points Below CL": [-1.0] * 7,
    }
    for label, y in cases.items():
        types = rules_on(y)["special_cause_type"].astype(str)
        assert {t for t, v in zip(types, y, strict=True) if abs(v) != 0.5} == {label}, label
    assert set(rules_on([0.5, -0.5, 0.5])["special_cause_type"].astype(str)) == {"Common Cause"}


@pytest.mark.parametrize(
    ("point_type", "direction", "icon"),
    [
        ("common_cause", "increase", "common_cause"),
        ("special_cause_improvement", "increase", "improvement_high"),
        ("special_cause_improvement", "decrease", "improvement_low"),
        ("special_cause_concern", "increase", "concern_low"),
        ("special_cause_concern", "decrease", "concern_high"),
        ("special_cause_neutral_high", "neutral", "neutral_high"),
        ("special_cause_neutral_low", "neutral", "neutral_low"),
    ],
)
def test_variation_icons_as_ptd_get_icons(point_type, direction, icon):
    assert variation_icon(point_type, direction) == icon
