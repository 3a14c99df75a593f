"""The trend methods find what the demonstration partnership planted, at the sizes recorded.

The demonstration generator (``analysis.demo``) plants a step drop and recovery in one
service's FFT positive share around a "We did" action, an outlier service, and the
April–November 2020 collection pause, and records them in ``truth.json`` through
``analysis.demo.truth.fft_truth``. These tests build the same FFT responses and truth in
memory (fixture ``demo_fft``) and check the methods recover them.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.methods.attribute_charts import attribute_spc
from analysis.methods.funnel import proportion_funnel
from analysis.methods.interrupted_time_series import interrupted_time_series
from analysis.methods.spc import ptd_spc

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def planted(demo_fft):
    from analysis.demo.truth import POSITIVE

    _, fft, truth = demo_fft
    r = fft.responses.assign(
        month=fft.responses["response_date"].dt.to_period("M").dt.to_timestamp(),
        positive=fft.responses["rating"].isin(POSITIVE),
    )
    monthly = (
        r.groupby(["service_id", "month"])
        .agg(responses=("rating", "size"), positive=("positive", "sum"))
        .reset_index()
    )
    return truth, monthly


def test_step_drop_and_recovery_sizes(planted):
    truth, monthly = planted
    step = truth["step"]
    s = monthly[monthly["service_id"] == step["service_id"]].assign(
        pct=lambda d: 100 * d.positive / d.responses
    )
    s = s[s["month"] >= "2020-12-01"]  # after the pause, on the six-point scale
    out = ptd_spc(s, "pct", "month", rebase=[step["drop_date"], step["recovery_date"]], freq="MS")
    means = out.groupby("rebase_group")["mean"].first()
    # Planted: −16 points at the drop, +15 at the recovery (truth.json drop_pp, recovery_pp);
    # monthly means of percentages agree within 3 points (winter dips and sampling noise).
    assert means[1] - means[0] == pytest.approx(step["drop_pp"], abs=3)
    assert means[2] - means[1] == pytest.approx(step["recovery_pp"], abs=3)
    # Without rebasing, the drop months are special-cause concern.
    plain = ptd_spc(s, "pct", "month", freq="MS")
    drop = plain[(plain.x >= step["drop_date"]) & (plain.x < step["recovery_date"])]
    assert (drop["point_type"] == "special_cause_concern").mean() >= 4 / 6


def test_recovery_after_the_action(planted):
    truth, monthly = planted
    step = truth["step"]
    # The months the action addressed (from the drop on), a step at the recovery month the
    # truth records (the action is dated 2023-02-20; its effect shows from April), and one
    # seasonal harmonic for the planted winter dip.
    s = monthly[
        (monthly["service_id"] == step["service_id"]) & (monthly["month"] >= step["drop_date"])
    ]
    r = interrupted_time_series(
        s, "positive", "month", step["recovery_date"], family="binomial",
        trials_field="responses", slope_change=False, harmonics_k=1,
    )  # fmt: skip
    obs = step["observed"]
    odds = lambda p: p / (1 - p)  # noqa: E731
    recorded = odds(obs["after"]) / odds(obs["during"])  # 2.6 from truth.json's observed shares
    assert r.step_ci[0] > 1
    assert r.step_ci[0] < recorded < r.step_ci[1]


def test_outlier_service_found_by_funnel(planted):
    truth, monthly = planted
    out = truth["outlier"]
    year = monthly[(monthly["month"] >= "2023-04-01") & (monthly["month"] <= "2024-03-01")]
    pooled = year.groupby("service_id", as_index=False)[["positive", "responses"]].sum()
    units, fit = proportion_funnel(pooled, "positive", "responses", "service_id")
    below = units.loc[units["position"] == "below", "unit"].tolist()
    assert below == [out["service_id"]]
    share = units.loc[units["unit"] == out["service_id"], "proportion"].item()
    assert share == pytest.approx(out["positive_share"], abs=0.03)
    # The step service recovered by then; every other service sits near the peer range.
    others = units[units["unit"] != out["service_id"]]["proportion"]
    lo, hi = out["peer_range"]
    assert others.between(lo - 0.05, hi + 0.03).all()


def test_collection_pause_leaves_gaps_not_flags(planted):
    truth, monthly = planted
    first, last = truth["fft"]["paused"]
    allm = monthly.groupby("month", as_index=False)[["positive", "responses"]].sum()
    out = attribute_spc(
        allm, "positive", "responses", "month", chart="pprime", multiplier=100, freq="MS"
    )
    paused = out[
        (out["x"] >= pd.Period(first).to_timestamp()) & (out["x"] <= pd.Period(last).to_timestamp())
    ]
    assert len(paused) == 8
    assert paused["y"].isna().all() and not paused["special_cause_flag"].any()


def test_the_planted_action_is_read_as_working(planted, demo_actions):
    from analysis.methods.interrupted_time_series import evaluate_actions

    truth, monthly = planted
    actions, action_truth = demo_actions
    series = monthly.rename(columns={"service_id": "facet"})
    # The export says "Complete"; the clean step's tidy status is "completed".
    planted_action = actions[actions["action_id"] == action_truth["action_id"]].assign(
        status="completed"
    )
    assert planted_action["service_id"].item() == truth["step"]["service_id"]
    heard = evaluate_actions(series, planted_action)
    # Heard in November 2022, done 20 February 2023: the baseline is November–January (the
    # drop people told us about), and the odds of a positive rating are higher afterwards.
    # The interval is wide (the recovery only shows from April, two months after the action,
    # and months vary), so the test asks for the direction, not significance.
    assert heard.loc[0, "months_before"] == 3
    assert heard.loc[0, "odds_ratio"] > 1.5
    assert heard.loc[0, "reading"].startswith("After “We set up a duty line")
    everything = evaluate_actions(series, planted_action, baseline="all")
    assert everything.loc[0, "months_before"] > 20
