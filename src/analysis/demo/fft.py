"""Synthetic Friends and Family Test responses, eligible counts and service populations.

Ratings follow each service's share of positive answers, with a winter dip and the
planted effects (a step drop and recovery, a persistent outlier); the revised six-point
question replaces the old "how likely are you to recommend" scale in April 2020
(NHS England, *Friends and Family Test guidance*, 2019); collection pauses as it did
nationally from April to November 2020. Demographics follow the service population,
except one group that answers less often than its share of the population.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.demo.comments import CommentBank, comment_kind
from analysis.demo.partnership import DemoService, Partnership, month

RATINGS = ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know"]
#: The pre-April-2020 answers, position by position with :data:`RATINGS`.
OLD_RATINGS = [
    "Extremely likely",
    "Likely",
    "Neither likely nor unlikely",
    "Unlikely",
    "Extremely unlikely",
    "Don't know",
]
#: How a non-positive answer splits over the other ratings (neither, poor, very poor, don't know).
NON_POSITIVE_SPLIT = np.array([0.35, 0.25, 0.25, 0.15])
#: Share of positive answers that are "Very good" (the rest "Good").
VERY_GOOD_SHARE = 0.68
RATING_GROUP = np.array(["positive", "positive", "neutral", "negative", "negative", "neutral"])
WINTER_DIP = 0.025
SEX = {"Female": 0.53, "Male": 0.47}
ETHNICITY = {
    "White": 0.74,
    "Asian or Asian British": 0.15,
    "Black or Black British": 0.04,
    "Mixed": 0.03,
    "Other": 0.04,
}
AGE_BANDS = ["Under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]
AGE_PROFILES = {
    "younger": [0.04, 0.16, 0.22, 0.19, 0.16, 0.12, 0.07, 0.04],
    "older": [0.01, 0.02, 0.04, 0.06, 0.10, 0.17, 0.25, 0.35],
    "all ages": [0.18, 0.10, 0.14, 0.13, 0.13, 0.12, 0.10, 0.10],
}
SETTING_AGES = {
    "mental health inpatient": "younger",
    "mental health community": "younger",
    "learning disability": "younger",
    "community health": "older",
    "social care": "older",
    "urgent care": "all ages",
}
SETTING_MODES = {
    "urgent care": {"SMS": 0.55, "telephone": 0.30, "online": 0.15},
    "mental health inpatient": {"paper": 0.55, "kiosk": 0.35, "online": 0.10},
    "learning disability": {"paper": 0.60, "telephone": 0.20, "online": 0.20},
    "social care": {"telephone": 0.40, "paper": 0.40, "online": 0.20},
}
DEFAULT_MODES = {"SMS": 0.45, "paper": 0.30, "online": 0.15, "telephone": 0.10}
#: Chance a respondent leaves a demographic question blank.
BLANK_DEMOGRAPHIC = 0.08
#: Chance a respondent answers each comment question.
ANSWERS = {"what_was_good": 0.5, "what_could_be_better": 0.4, "what_matters": 0.3}


@dataclass
class FftData:
    """The generated FFT tables (tidy column names; exports are written from them)."""

    responses: pd.DataFrame
    eligible: pd.DataFrame
    population: pd.DataFrame
    truth: dict = field(default_factory=dict)


def _seasonal(m: pd.Period) -> float:
    """Volume factor: a little more feedback in autumn and winter, less in summer."""
    return 1 + 0.12 * np.cos(2 * np.pi * (m.month - 1) / 12)


def positive_share(service: DemoService, m: pd.Period, planted: dict) -> float:
    """The share of positive answers planted for ``service`` in month ``m``."""
    p = service.positive - (WINTER_DIP if m.month in (12, 1, 2) else 0.0)
    step = planted.get("step")
    if step and step["service_id"] == service.service_id:
        if m >= month(step["drop"]):
            p += step["drop_pp"] / 100
        if m >= month(step["recovery"]):
            p += step["recovery_pp"] / 100
    return p


def rating_probabilities(p_positive: float) -> np.ndarray:
    """Probabilities of the six ratings given the share of positive answers."""
    rest = (1 - p_positive) * NON_POSITIVE_SPLIT
    return np.array([p_positive * VERY_GOOD_SHARE, p_positive * (1 - VERY_GOOD_SHARE), *rest])


def theme_share(m: pd.Period, planted: dict) -> float:
    """Share of "what could be better" comments drawn from the rising theme in month ``m``."""
    rt = planted["rising_theme"]
    steps = (m - month(rt["start"])).n + 1
    ramp = min(max(steps, 0), rt["months"]) / rt["months"]
    return rt["from_share"] + ramp * (rt["to_share"] - rt["from_share"])


def population_shares(service: DemoService, ages: str | None = None) -> dict[str, dict[str, float]]:
    """Each group's share of the people the service sees, by group type."""
    profile = AGE_PROFILES[ages or SETTING_AGES.get(service.setting, "all ages")]
    return {
        "age_band": dict(zip(AGE_BANDS, profile, strict=True)),
        "sex": SEX,
        "ethnicity": ETHNICITY,
    }


def _respondent_shares(shares: dict[str, dict[str, float]], planted: dict):
    """Shares among respondents: the under-represented group answers less often."""
    out = {k: dict(v) for k, v in shares.items()}
    ur = planted.get("under_represented")
    if ur:
        groups = out[ur["group_type"]]
        groups[ur["group"]] *= ur["response_propensity"]
        total = sum(groups.values())
        out[ur["group_type"]] = {g: v / total for g, v in groups.items()}
    return out


def _pick(rng, shares: dict[str, float], n: int, blank: float) -> np.ndarray:
    values = np.array(list(shares), dtype=object)
    p = np.array(list(shares.values()))
    out = values[rng.choice(len(values), size=n, p=p / p.sum())]
    out[rng.random(n) < blank] = ""
    return out


def _volumes(
    part: Partnership, rng, scale: int | None
) -> tuple[dict[tuple[str, pd.Period], int], float]:
    """Responses per service and month: Poisson around the mean, or exactly ``scale`` in all;
    and the factor by which ``scale`` multiplies the mean volumes (1 without it)."""
    keys = [(s.service_id, m) for m in part.fft_months for s in part.services]
    means = np.array([part.service(sid).responses * _seasonal(m) for sid, m in keys])
    counts = rng.poisson(means) if scale is None else rng.multinomial(scale, means / means.sum())
    factor = 1.0 if scale is None else scale / means.sum()
    return dict(zip(keys, counts.tolist(), strict=True)), factor


def generate_fft(
    part: Partnership, rng: np.random.Generator, bank: CommentBank, scale: int | None = None
) -> FftData:
    """Responses, comments, eligible counts and service populations for the period."""
    planted = part.cfg.demo.planted.as_dict()
    ages = {sid: p.ages for sid, p in part.cfg.demo.services.items()}
    draw = bank.draw if scale is None else bank.compose
    volumes, factor = _volumes(part, rng, scale)  # the people eligible grow with the responses
    chunks, eligible_rows = [], []
    for m in part.fft_months:
        first = m.to_timestamp()
        for s in part.services:
            n = volumes[(s.service_id, m)]
            code = s.code_on(first)
            expected = s.responses * _seasonal(m) * factor
            eligible = int(round(expected / s.rate * rng.lognormal(0, 0.05)))
            eligible_rows.append(
                {"service_code": code, "month": first, "eligible": max(eligible, n)}
            )
            if n == 0:
                continue
            probs = rating_probabilities(positive_share(s, m, planted))
            rating_idx = rng.choice(len(RATINGS), size=n, p=probs)
            labels = RATINGS if m >= part.six_point_from else OLD_RATINGS
            shares = _respondent_shares(population_shares(s, ages.get(s.service_id)), planted)
            modes = SETTING_MODES.get(s.setting, DEFAULT_MODES)
            days = rng.integers(0, m.days_in_month, n)
            cols = {
                "service_id": np.full(n, s.service_id, dtype=object),
                "service_code": np.full(n, code, dtype=object),
                "response_date": np.datetime64(first.date(), "D") + days,
                "rating": np.array(labels, dtype=object)[rating_idx],
                "mode": _pick(rng, modes, n, 0.0),
                "age_band": _pick(rng, shares["age_band"], n, BLANK_DEMOGRAPHIC),
                "sex": _pick(rng, shares["sex"], n, BLANK_DEMOGRAPHIC),
                "ethnicity": _pick(rng, shares["ethnicity"], n, BLANK_DEMOGRAPHIC),
            }
            group_of = RATING_GROUP[rating_idx]
            kind = comment_kind(s.setting)
            for q in ANSWERS:
                cols[q] = np.full(n, "", dtype=object)
                if q == "what_matters" and not s.what_matters:
                    continue
                answered = rng.random(n) < ANSWERS[q]
                themed = np.zeros(n, dtype=bool)
                if q == planted.get("rising_theme", {}).get("question"):
                    themed = rng.random(n) < theme_share(m, planted)
                for group in ("positive", "neutral", "negative"):
                    for flag in (False, True):
                        rows = answered & (group_of == group) & (themed == flag)
                        if rows.any():
                            cols[q][rows] = draw(rng, kind, q, group, flag, int(rows.sum()))
            order = np.argsort(days, kind="stable")
            chunks.append({k: v[order] for k, v in cols.items()})
    responses = pd.DataFrame({k: np.concatenate([c[k] for c in chunks]) for k in chunks[0]}).astype(
        {"response_date": "datetime64[ns]"}
    )
    responses.insert(0, "response_id", [f"R{i:08d}" for i in range(1, len(responses) + 1)])
    eligible = pd.DataFrame(eligible_rows)
    population = service_population(part, eligible, ages)
    return FftData(responses, eligible, population)


def service_population(part: Partnership, eligible: pd.DataFrame, ages: dict) -> pd.DataFrame:
    """People each service saw per financial year, by group (from its eligible counts)."""
    rows = []
    years = sorted({(m - 3).year for m in part.months})
    codes = {c["code"]: s.service_id for s in part.services for c in s.codes}
    eligible = eligible.assign(
        service_id=eligible["service_code"].map(codes),
        fy=(eligible["month"].dt.to_period("M") - 3).dt.year,
    )
    for s in part.services:
        for year in years:
            start = pd.Timestamp(year, 4, 1)
            end = pd.Timestamp(year + 1, 3, 31)
            seen = eligible.loc[(eligible["service_id"] == s.service_id) & (eligible["fy"] == year)]
            monthly = seen["eligible"].mean() if len(seen) else s.responses / s.rate
            people = int(round(monthly * 12))
            for group_type, shares in population_shares(s, ages.get(s.service_id)).items():
                for group, share in shares.items():
                    rows.append(
                        {
                            "service_code": s.code_on(start),
                            "period_start": start,
                            "period_end": end,
                            "group_type": group_type,
                            "group": group,
                            "people": int(round(people * share)),
                        }
                    )
    return pd.DataFrame(rows)
