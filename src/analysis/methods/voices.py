"""Louder and quieter voices: who gives feedback compared with who uses the service.

Pure functions over ``fft_responses``, ``service_population`` and ``fft_eligible``. The
responses may be rows (one per response: ``response_date``, ``rating``) or counts (one row
per service, ``month``, group and mode, with ``responses`` and ``positive``: the query
layer's :meth:`analysis.query.Queries.group_counts`, so no response rows are read); counts
by month give the same figures wherever the population periods are whole months.

Intervals for a proportion are Wilson score intervals (Wilson, 1927, *JASA* 22:209;
method 3 of Newcombe, 1998, *Statistics in Medicine* 17:857), the interval PHE/UKHSA
recommend for proportions; differences between two proportions use Newcombe's
hybrid score interval (Newcombe 1998, method 10). Both are computed by statsmodels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

GROUP_TYPES = ("age_band", "sex", "ethnicity")
POSITIVE = ("Very good", "Good")


def wilson_interval(successes, trials, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``successes`` out of ``trials`` (arrays or numbers).

    >>> low, high = wilson_interval(10, 100)
    >>> round(float(low), 4), round(float(high), 4)
    (0.0552, 0.1744)
    """
    low, high = proportion_confint(
        np.asarray(successes, dtype=float),
        np.asarray(trials, dtype=float),
        alpha=1 - confidence,
        method="wilson",
    )
    return np.asarray(low), np.asarray(high)


def _weights(responses: pd.DataFrame) -> pd.Series:
    """How many responses each row stands for: 1 for a response, ``responses`` for counts."""
    if "responses" in responses:
        return responses["responses"]
    return pd.Series(1, index=responses.index, dtype="int64")


def _positive(responses: pd.DataFrame) -> pd.Series:
    """Positive responses (Very good or Good) each row stands for."""
    if "positive" in responses and "rating" not in responses:
        return responses["positive"]
    return responses["rating"].isin(POSITIVE).astype("int64")


def _dates(responses: pd.DataFrame) -> pd.Series:
    """Each row's date: the response's, or the first day of a count's month."""
    return responses["response_date"] if "response_date" in responses else responses["month"]


def _check_group_type(group_type: str) -> None:
    if group_type not in GROUP_TYPES:
        raise ValueError(f"group_type must be one of {GROUP_TYPES}, not {group_type!r}")


def whole_month_periods(population: pd.DataFrame) -> bool:
    """Whether every population period starts on a month's first day and ends on its last:
    then counts by month (:meth:`analysis.query.Queries.group_counts`) give the figures of
    the response rows.

    >>> whole_month_periods(pd.DataFrame({"period_start": pd.to_datetime(["2024-04-01"]),
    ...     "period_end": pd.to_datetime(["2025-03-31"])}))
    True
    """
    start, end = population["period_start"], population["period_end"]
    return bool((start.dt.is_month_start & end.dt.is_month_end).all())


def responses_in_population_periods(
    responses: pd.DataFrame, population: pd.DataFrame
) -> pd.DataFrame:
    """Responses of services with a population, within that population's period (tagged with it)."""
    periods = population[["service_id", "period_start", "period_end"]].drop_duplicates()
    joined = responses.merge(periods, on="service_id")
    inside = _dates(joined).between(joined["period_start"], joined["period_end"])
    return joined.loc[inside]


def representation(
    responses: pd.DataFrame, population: pd.DataFrame, group_type: str, confidence: float = 0.95
) -> pd.DataFrame:
    """Each group's share of responses against its share of the service population.

    Responses count where the service has a population for the response's date and
    the respondent answered ``group_type``; population shares pool the same services
    and periods. A group is ``under_represented`` when the upper end of the Wilson
    interval of its response share is below its population share (and
    ``over_represented`` when the lower end is above).
    """
    _check_group_type(group_type)
    pop = population.loc[population["group_type"] == group_type]
    inside = responses_in_population_periods(responses, pop)
    answered = inside.loc[
        inside[group_type].notna() & (inside[group_type].astype(str).str.strip() != "")
    ]
    counts = _weights(answered).groupby(answered[group_type]).sum()
    people = pop.groupby("group")["people"].sum()
    groups = sorted(set(people.index) | set(counts.index))
    out = pd.DataFrame({"group": groups})
    out["responses"] = out["group"].map(counts).fillna(0).astype(int)
    out["people"] = out["group"].map(people).fillna(0).astype(int)
    total = out["responses"].sum()
    out["response_share"] = out["responses"] / total if total else np.nan
    out["low"], out["high"] = (
        wilson_interval(out["responses"], total, confidence) if total else (np.nan, np.nan)
    )
    out["population_share"] = out["people"] / out["people"].sum()
    out["ratio"] = out["response_share"] / out["population_share"]
    out["under_represented"] = out["high"] < out["population_share"]
    out["over_represented"] = out["low"] > out["population_share"]
    return out.assign(group_type=group_type)[
        [
            "group_type",
            "group",
            "responses",
            "response_share",
            "low",
            "high",
            "people",
            "population_share",
            "ratio",
            "under_represented",
            "over_represented",
        ]
    ]


def group_shares_over_time(
    responses: pd.DataFrame, group_type: str, freq: str = "Q", confidence: float = 0.95
) -> pd.DataFrame:
    """Each group's share of responses (that answered ``group_type``) per period, with Wilson intervals.

    For services that supplied no population: shows whether a group's voice is growing
    or fading over time.
    """
    _check_group_type(group_type)
    answered = responses.loc[responses[group_type].notna()]
    period = _dates(answered).dt.to_period(freq).rename("period")
    counts = (
        _weights(answered)
        .groupby([period, answered[group_type].rename("group")])
        .sum()
        .rename("responses")
    )
    out = counts.reset_index()
    out["total"] = out.groupby("period")["responses"].transform("sum")
    out["share"] = out["responses"] / out["total"]
    out["low"], out["high"] = wilson_interval(out["responses"], out["total"], confidence)
    return out.assign(group_type=group_type)


def response_rates(
    responses: pd.DataFrame, eligible: pd.DataFrame, confidence: float = 0.95
) -> pd.DataFrame:
    """Monthly response rate per service: responses ÷ people eligible, with Wilson intervals.

    NHS England's FFT response rate; months where responses exceed the eligible count
    (possible when several visits are counted once) get no interval.
    """
    month = _dates(responses).dt.to_period("M").dt.to_timestamp()
    counts = (
        _weights(responses)
        .groupby([responses["service_id"], month.rename("month")])
        .sum()
        .rename("responses")
    )
    out = eligible[["service_id", "month", "eligible"]].merge(
        counts.reset_index(), on=["service_id", "month"], how="left"
    )
    out["responses"] = out["responses"].fillna(0).astype(int)
    out["rate"] = out["responses"] / out["eligible"].where(out["eligible"] > 0)
    ok = (out["eligible"] > 0) & (out["responses"] <= out["eligible"])
    out["low"], out["high"] = np.nan, np.nan
    if ok.any():
        low, high = wilson_interval(
            out.loc[ok, "responses"], out.loc[ok, "eligible"].astype(float), confidence
        )
        out.loc[ok, "low"], out.loc[ok, "high"] = low, high
    return out


def estimated_response_rates(
    responses: pd.DataFrame,
    eligible: pd.DataFrame,
    population: pd.DataFrame,
    group_type: str,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """ESTIMATED response rate per group and mode: responses ÷ (eligible × population share).

    Eligible counts exist per service and month only, so each group's eligible count
    is estimated as the service's eligible people in a population period times the
    group's share of that service's population in the period (assuming the group
    uses the service in proportion to its share of the population). Services and
    periods without a population for ``group_type`` are left out. Rows: every
    group with ``mode`` "all" (the group's response rate), then one row per mode
    (that mode's part of the rate; the parts sum to the "all" row). Responses whose
    respondent did not answer ``group_type`` belong to no group, so the group rates
    understate the service's rate by the share of such responses
    (``unanswered_share``, the same on every row). The Wilson interval (as for
    :func:`response_rates`) treats the estimated eligible count as known, so it is
    narrower than the true uncertainty.
    """
    _check_group_type(group_type)
    pop = population.loc[population["group_type"] == group_type]
    periods = pop[["service_id", "period_start", "period_end"]].drop_duplicates()
    months = eligible[["service_id", "month", "eligible"]].merge(periods, on="service_id")
    months = months.loc[months["month"].between(months["period_start"], months["period_end"])]
    keys = ["service_id", "period_start"]
    per_period = months.groupby(keys)["eligible"].sum().rename("eligible_in_period")
    shares = pop.assign(share=pop["people"] / pop.groupby(keys)["people"].transform("sum"))
    shares = shares.merge(per_period.reset_index(), on=keys)
    estimated = (shares["share"] * shares["eligible_in_period"]).groupby(shares["group"]).sum()
    counted = responses_in_population_periods(responses, pop)
    counted = counted.assign(month=_dates(counted).dt.to_period("M").dt.to_timestamp()).merge(
        months[["service_id", "month", "period_start"]], on=["service_id", "month", "period_start"]
    )
    answered = counted[group_type].notna() & (counted[group_type].astype(str).str.strip() != "")
    weights = _weights(counted)
    unanswered_share = float(weights[~answered].sum() / weights.sum()) if weights.sum() else np.nan
    counted = counted.loc[answered]
    by_mode = (
        _weights(counted).groupby([counted[group_type].rename("group"), counted["mode"]]).sum()
    )
    groups = sorted(set(estimated.index) | set(by_mode.index.get_level_values(0)))
    rows = [(g, "all", int(by_mode.get(g, pd.Series(dtype=int)).sum())) for g in groups]
    rows += [(g, str(m), int(n)) for (g, m), n in by_mode.items()]
    out = pd.DataFrame(rows, columns=["group", "mode", "responses"])
    out["estimated_eligible"] = out["group"].map(estimated).fillna(0.0)
    out["rate"] = out["responses"] / out["estimated_eligible"].where(out["estimated_eligible"] > 0)
    ok = (out["estimated_eligible"] > 0) & (out["responses"] <= out["estimated_eligible"])
    out["low"], out["high"] = np.nan, np.nan
    if ok.any():
        low, high = wilson_interval(
            out.loc[ok, "responses"], out.loc[ok, "estimated_eligible"], confidence
        )
        out.loc[ok, "low"], out.loc[ok, "high"] = low, high
    return out.assign(group_type=group_type, unanswered_share=unanswered_share, estimate=True)


def responses_by_mode_and_group(responses: pd.DataFrame, group_type: str) -> pd.DataFrame:
    """How each group responds: counts and share of the group's responses by mode (SMS, paper …)."""
    _check_group_type(group_type)
    answered = responses.loc[responses[group_type].notna()]
    counts = (
        _weights(answered)
        .groupby([answered[group_type].rename("group"), answered["mode"]])
        .sum()
        .rename("responses")
        .reset_index()
    )
    counts["share_of_group"] = counts["responses"] / counts.groupby("group")["responses"].transform(
        "sum"
    )
    return counts.assign(group_type=group_type)


def rating_by_group(
    responses: pd.DataFrame, group_type: str, confidence: float = 0.95
) -> pd.DataFrame:
    """Percentage positive (Very good + Good of all responses, NHS England's FFT measure) per group.

    Each group is compared with everyone else who answered ``group_type``: the
    difference in positive share with Newcombe's hybrid score interval, and
    ``differs`` when that interval excludes 0.
    """
    _check_group_type(group_type)
    answered = responses.loc[responses[group_type].notna()]
    table = pd.DataFrame(
        {
            "group": answered[group_type],
            "positive": _positive(answered),
            "responses": _weights(answered),
        }
    )
    grouped = table.groupby("group")[["positive", "responses"]].sum()
    out = grouped.reset_index()
    out["positive_share"] = out["positive"] / out["responses"]
    out["low"], out["high"] = wilson_interval(out["positive"], out["responses"], confidence)
    rest_pos = out["positive"].sum() - out["positive"]
    rest_n = out["responses"].sum() - out["responses"]
    diffs = [
        confint_proportions_2indep(
            p, n, rp, rn, method="newcomb", compare="diff", alpha=1 - confidence
        )
        if rn > 0
        else (np.nan, np.nan)
        for p, n, rp, rn in zip(out["positive"], out["responses"], rest_pos, rest_n, strict=True)
    ]
    out["difference"] = out["positive_share"] - rest_pos / rest_n.where(rest_n > 0)
    out["difference_low"] = [d[0] for d in diffs]
    out["difference_high"] = [d[1] for d in diffs]
    out["differs"] = (out["difference_low"] > 0) | (out["difference_high"] < 0)
    return out.assign(group_type=group_type)
