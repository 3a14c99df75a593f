"""Rare-event charts against published worked examples.

* t-chart: Montgomery, *Introduction to Statistical Quality Control*, example 7.6 (hours
  between failures of a valve, table 7.14). qicharts2's stored reference for this
  example (``tests/testthat/ex_7.6_1.rds`` in anhoej/qicharts2 0.8.1, ``qic(failure,
  hours, data = tbl_07.14, chart = "t")``) has centre line 430.040952, lower limit 0 and
  upper limit 6937.933488.
* g- and t-charts of the deaths after coronary bypass surgery in qicharts2's ``cabg``
  data (its vignette, "T and G charts for rare events"): "Deaths number 24 and 25 are
  unusually far apart", the only point above either chart's upper limit.
* g-chart limits by hand from Benneyan's formula ḡ ± 3√(ḡ(ḡ + 1)).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.methods.rare_events import cases_between, g_chart, t_chart, times_between

DATA = Path(__file__).parent / "data"


def test_montgomery_example_7_6():
    hours = pd.read_csv(DATA / "montgomery_tbl_07_14.csv")["hours"]
    out = t_chart(hours)
    assert out["cl"].iloc[0] == pytest.approx(430.040952, abs=1e-6)
    assert out["ucl"].iloc[0] == pytest.approx(6937.933488, abs=1e-6)
    assert out["lcl"].iloc[0] == 0
    assert not out["above_ucl"].any() and not out["below_lcl"].any()


@pytest.fixture(scope="module")
def deaths() -> pd.DataFrame:
    return pd.read_csv(DATA / "cabg_deaths.csv")


def test_cabg_g_chart_flags_the_gap_between_deaths_24_and_25(deaths):
    operations = pd.Series(False, index=range(1, 2206))
    operations[deaths["surgery"]] = True
    between = cases_between(operations.to_numpy())
    assert between.iloc[1:].tolist() == deaths["surgery"].diff().iloc[1:].tolist()
    out = g_chart(between)
    assert out.loc[out["above_ucl"], "event"].tolist() == [25]


def test_cabg_t_chart_agrees(deaths):
    out = t_chart(times_between(deaths["date"]))
    assert out.loc[out["above_ucl"], "event"].tolist() == [25]


def test_g_chart_limits_by_hand():
    counts = [10, 30, 20, 40]  # mean 25: sd √(25 × 26) = 25.495
    out = g_chart(counts)
    sd = math.sqrt(25 * 26)
    assert out["mean"].iloc[0] == 25
    assert out["ucl"].iloc[0] == pytest.approx(25 + 3 * sd)
    assert out["lcl"].iloc[0] == 0  # 25 − 76.5 < 0: floored
    assert out["cl"].iloc[0] == 25  # median of 10, 20, 30, 40
    assert g_chart(counts, centre="mean")["cl"].iloc[0] == 25
    assert cases_between([True, False, False, True], inclusive=False).iloc[1] == 2


def test_errors():
    with pytest.raises(ValueError, match="greater than zero"):
        t_chart([3, 0, 5])
    with pytest.raises(ValueError, match="at least two"):
        g_chart([4])
    with pytest.raises(ValueError, match="cannot be negative"):
        g_chart([4, -1, 3])


def test_rare_event_charts_from_complaints():
    # Ten complaints, the 2nd, 5th and 10th referred: 2 and 4 complaints lie between them;
    # referrals on 5 Jan, 20 Jan and 4 Mar 2024 (day 64 of a leap year): 15 and 44 days apart.
    from analysis.methods.rare_events import rare_event_charts

    days = [1, 5, 8, 12, 20, 25, 30, 40, 50, 64]
    complaints = pd.DataFrame(
        {
            "complaint_id": [f"C{i}" for i in range(10)],
            "received_date": pd.Timestamp("2024-01-01")
            + pd.to_timedelta([d - 1 for d in days], "D"),
            "ombudsman_referral": [False, True, False, False, True] + [False] * 4 + [True],
        }
    ).sample(frac=1, random_state=1)  # order does not matter
    out = rare_event_charts(complaints, "ombudsman_referral", "received_date", "complaint_id")
    assert out["g"]["y"].iloc[1:].tolist() == [2, 4]
    assert out["t"]["y"].iloc[1:].tolist() == [15, 44]
    assert out["t"]["date"].iloc[-1] == pd.Timestamp("2024-03-04")
    with pytest.raises(ValueError, match="at least three"):
        rare_event_charts(
            complaints.assign(ombudsman_referral=False), "ombudsman_referral", "received_date"
        )
