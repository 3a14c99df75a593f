"""The planted truth: what was written into the demonstration data on purpose.

Each function returns a piece of ``truth.json`` (documented in :mod:`analysis.demo`),
from the configuration's ``demo.planted`` section and, where a figure is observed
rather than planted (e.g. a group's actual share of responses), from the rows generated.
"""

from __future__ import annotations

import pandas as pd

from analysis.demo.fft import (
    OLD_RATINGS,
    RATINGS,
    FftData,
)
from analysis.demo.partnership import Partnership, month

POSITIVE = set(RATINGS[:2]) | set(OLD_RATINGS[:2])


def _observed_positive(responses: pd.DataFrame) -> float | None:
    if responses.empty:
        return None
    return round(float(responses["rating"].isin(POSITIVE).mean()), 4)


def step_truth(part: Partnership, fft: FftData, step: dict) -> dict:
    """The step drop and recovery of one service's positive share."""
    service = part.service(step["service_id"])
    drop, recovery = month(step["drop"]), month(step["recovery"])
    rows = fft.responses.loc[fft.responses["service_id"] == service.service_id]
    m = rows["response_date"].dt.to_period("M")
    before = rows.loc[m < drop]
    return {
        "service_id": service.service_id,
        "measure": "percent_positive",
        "baseline": service.positive,
        "drop_date": drop.to_timestamp().date().isoformat(),
        "drop_pp": step["drop_pp"],
        "recovery_date": recovery.to_timestamp().date().isoformat(),
        "recovery_pp": step["recovery_pp"],
        "action_date": pd.Timestamp(step["action_date"]).date().isoformat(),
        "observed": {
            "before": _observed_positive(
                before.loc[before["response_date"] >= pd.Timestamp("2020-12-01")]
            ),
            "during": _observed_positive(rows.loc[(m >= drop) & (m < recovery)]),
            "after": _observed_positive(rows.loc[m >= recovery]),
        },
    }


def rising_theme_truth(theme: dict) -> dict:
    """What the planted rising theme should look like to the theme-trend method."""
    start = month(theme["start"])
    return {
        "subcategory": theme["subcategory"],
        "category": theme["category"],
        "question": theme["question"],
        "start_month": str(start),
        "full_month": str(start + theme["months"] - 1),
        "from_share": theme["from_share"],
        "to_share": theme["to_share"],
        "size_pp": round(100 * (theme["to_share"] - theme["from_share"]), 1),
    }


def under_represented_truth(part: Partnership, fft: FftData, ur: dict) -> dict:
    """The group's share of the service population against its share of responses."""
    pop = fft.population.loc[fft.population["group_type"] == ur["group_type"]]
    expected = pop.loc[pop["group"] == ur["group"], "people"].sum() / pop["people"].sum()
    answered = fft.responses[ur["group_type"]]
    answered = answered.loc[answered != ""]
    return {
        "group_type": ur["group_type"],
        "group": ur["group"],
        "expected_share": round(float(expected), 4),
        "actual_share": round(float((answered == ur["group"]).mean()), 4),
        "response_propensity": ur["response_propensity"],
    }


def outlier_truth(part: Partnership, outlier: dict) -> dict:
    """What the planted outlier should look like to the funnel plot."""
    others = [s.positive for s in part.services if s.service_id != outlier["service_id"]]
    return {
        "service_id": outlier["service_id"],
        "positive_share": part.service(outlier["service_id"]).positive,
        "peer_range": [min(others), max(others)],
    }


def fft_truth(part: Partnership, fft: FftData, planted: dict) -> dict:
    """The FFT part of the truth: collection, step, rising theme, representation, outlier."""
    comments = sum(
        int((fft.responses[q] != "").sum())
        for q in ("what_was_good", "what_could_be_better", "what_matters")
    )
    out = {
        "fft": {
            "paused": [str(m) for m in part.paused] if part.paused else None,
            "six_point_from": str(part.six_point_from),
            "responses": len(fft.responses),
            "comments": comments,
        }
    }
    if "step" in planted:
        out["step"] = step_truth(part, fft, planted["step"])
    if "rising_theme" in planted:
        out["rising_theme"] = rising_theme_truth(planted["rising_theme"])
    if "under_represented" in planted:
        out["under_represented"] = under_represented_truth(part, fft, planted["under_represented"])
    if "outlier" in planted:
        out["outlier"] = outlier_truth(part, planted["outlier"])
    return out
