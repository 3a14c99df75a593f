"""Targets that change over time, deadlines before and after, trajectories and status."""

import pandas as pd
import pytest

from analysis.methods import indicators as ind

T = pd.Timestamp
# Leicestershire's response-time trajectory: >= 70% by Q3 2019/20, >= 90% by Q4 2019/20.
RESPONSE = [ind.Target(">=", 70, T("2019-12-31")), ind.Target(">=", 90, T("2020-03-31"))]


def test_target_in_force_before_between_and_after_deadlines():
    current, upcoming = ind.target_in_force(RESPONSE, T("2019-11-30"))
    assert current is None and upcoming.value == 70
    current, upcoming = ind.target_in_force(RESPONSE, T("2019-12-31"))  # the deadline day itself
    assert current.value == 70 and upcoming.value == 90
    current, upcoming = ind.target_in_force(RESPONSE, T("2020-04-30"))
    assert current.value == 90 and upcoming is None


def test_ongoing_target_applies_from_its_start():
    ack = [ind.Target(">=", 100, None, T("2019-04-01"))]
    assert ind.target_in_force(ack, T("2019-03-31")) == (None, None)
    assert ind.target_in_force(ack, T("2019-04-30"))[0].value == 100


def test_status_met_and_not_met_after_deadline():
    s = ind.status(80, 75, 85, T("2020-01-31"), RESPONSE, baseline=None)
    assert s["status"] == ind.MET and s["target_value"] == 70
    s = ind.status(80, 75, 85, T("2020-04-30"), RESPONSE, baseline=None)
    assert s["status"] == ind.NOT_MET and s["target_value"] == 90
    assert s["clear"] == "statistically clear"  # upper limit 85 < 90


def test_statistically_not_clear_when_interval_straddles_target():
    s = ind.status(88, 84, 92, T("2020-04-30"), RESPONSE, baseline=None)
    assert s["status"] == ind.NOT_MET and s["clear"] == "not clear"


def test_trajectory_before_the_first_deadline():
    # Baseline 20% on 1 Apr 2019, target >= 40% by 31 Mar 2020 (365 days).
    # On 30 Sep 2019 (182 days): 20 + 20 * 182/365 = 29.97%.
    targets = [ind.Target(">=", 40, T("2020-03-31"))]
    baseline = (T("2019-04-01"), 20.0)
    assert ind.trajectory_value(baseline, targets[0], T("2019-09-30")) == pytest.approx(
        29.9726, abs=1e-4
    )
    assert (
        ind.status(31, None, None, T("2019-09-30"), targets, baseline)["status"]
        == ind.ON_TRAJECTORY
    )
    assert (
        ind.status(29, None, None, T("2019-09-30"), targets, baseline)["status"]
        == ind.OFF_TRAJECTORY
    )


def test_trajectory_between_changing_targets_uses_the_passed_target():
    # Collaborative care planning: 40 by 2019/20, 70 by 2020/21. In 2020/21 the 40% target
    # (passed) is in force; the 70% target is reported as the next one.
    targets = [ind.Target(">=", 40, T("2020-03-31")), ind.Target(">=", 70, T("2021-03-31"))]
    s = ind.status(55, None, None, T("2020-09-30"), targets, (T("2019-04-01"), 20.0))
    assert s["status"] == ind.MET and s["target_value"] == 40


def test_no_target_and_no_data():
    assert ind.status(5, None, None, T("2020-01-31"), [], None)["status"] == ind.NO_TARGET
    assert (
        ind.status(float("nan"), None, None, T("2020-01-31"), RESPONSE, None)["status"]
        == ind.NO_DATA
    )


def test_lower_is_better_comparison_with_benchmark():
    assert ind.compare(5, 4, 6, 8, "lower is better") == "better"
    assert ind.compare(5, 4, 6, 3, "lower is better") == "worse"
    assert ind.compare(5, 4, 6, 5.5, "lower is better") == "similar"
    assert ind.compare(5, 4, 6, 3, "neutral") == "higher"


def test_period_labels_follow_the_financial_year():
    assert ind.period_label(pd.Period("2024-04", "M")) == "2024-04"
    q = pd.Timestamp("2024-05-15").to_period("Q-MAR")
    assert ind.period_label(q) == "2024/25 Q1"
    assert ind.period_label(pd.Timestamp("2025-03-31").to_period("Y-MAR")) == "2024/25"
    assert ind.period_label(pd.Timestamp("2025-04-01").to_period("Y-MAR")) == "2025/26"


def test_spc_trend_reads_the_last_point():
    # Eleven points alternating 10, 11 then 30. Mean = (6*10 + 5*11 + 30) / 12 = 12.083;
    # moving ranges ten of 1 and one of 19; 19 >= 3.267 * mean(2.636) is screened out, so the
    # mean moving range is 1 and the upper limit 12.083 + 2.66 = 14.74 (Making Data Count):
    # the last point is outside the limits.
    values = [10, 11] * 5 + [10, 30]
    history = pd.DataFrame(
        {
            "period_end": pd.date_range("2023-04-30", periods=12, freq="ME"),
            "value": values,
            "target_value": 12.0,
        }
    )
    words, assurance = ind.spc_trend(history, "higher is better")
    assert words.iloc[-1] == "special cause: improvement"
    # the first eleven points all lie below the mean of 12.083: a run of 7 or more on one side
    assert words.iloc[0] == "special cause: concern"
    assert assurance == "target may or may not be met"  # 12 lies between the limits
    words, _ = ind.spc_trend(history, "lower is better")
    assert words.iloc[-1] == "special cause: concern"
    short, assurance = ind.spc_trend(history.head(5), "higher is better")
    assert short.iloc[-1] == "too few periods for SPC (5 of 12)" and assurance is None


def test_no_spc_reading_for_milestones_or_flat_series():
    history = pd.DataFrame(
        {
            "period_end": pd.date_range("2019-06-30", periods=12, freq="QE"),
            "value": [0.0] * 3 + [1.0] * 9,
            "target_value": 1.0,
        }
    )
    words, assurance = ind.spc_trend(history, "higher is better", applicable=False)
    assert words.iloc[-1].startswith("SPC not applicable") and assurance is None
    flat = history.assign(value=5.0)
    # every moving range is 0: the limits collapse onto the mean, so no assurance is given
    assert ind.spc_trend(flat, "higher is better")[1] is None
