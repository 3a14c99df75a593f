"""England as a comparator: NHS England's published FFT figures beside the partnership's.

From the ``fft_published`` table (NHS England's monthly FFT data files, read by the
clean step) this module gives, per NHS England collection ("setting"):

* :func:`england_values`: England's percentage positive ((Very good + Good) ÷ all
  responses) and response rate (responses ÷ people eligible, where the files give
  eligible counts), from the ``ENGLAND`` row, or the sum of the organisations' rows
  when a file has none;
* :func:`compare_with_england`: each of the partnership's settings against England,
  per month or financial quarter, for both FFT indicators, significantly *Better*, *Similar* or *Worse* at 95% and 99.8%
  by Fingertips' benchmark comparison (Wilson interval of the local value against the
  England value: :mod:`analysis.methods.benchmark`), with the RAG colours;
* :func:`provider_funnel`: a funnel of the partnership's services among England's
  providers of the same collection in a month or quarter, with PHEindicatormethods' proportion
  limits around the England value (:mod:`analysis.methods.phe_funnels`).

NHS England's caveat goes with every comparison (:data:`FFT_COMPARISON_CAVEAT`): the
FFT is not designed for comparing providers.

A partnership's settings are matched to NHS England's collections by
:data:`PUBLISHED_SETTING` (case-insensitive), or by a mapping passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.ingest.schemas import POSITIVE_RATINGS
from analysis.methods.benchmark import COLOURS, compare_proportion
from analysis.methods.funnel import FFT_COMPARISON_CAVEAT
from analysis.methods.phe_funnels import (
    FunnelStatistic,
    calculate_funnel_limits,
    proportion_significance,
)

__all__ = [
    "FFT_COMPARISON_CAVEAT",
    "PUBLISHED_SETTING",
    "compare_with_england",
    "england_values",
    "local_fft_by_setting",
    "provider_funnel",
]

#: A partnership's service setting → the NHS England FFT collection it is published in.
#: Settings not listed (111, social care, learning disability …) have no England figure.
PUBLISHED_SETTING = {
    "mental health": "Mental Health",
    "mental health inpatient": "Mental Health",
    "mental health community": "Mental Health",
    "community": "Community",
    "community health": "Community",
    "acute inpatient": "Inpatient",
    "inpatient": "Inpatient",
    "a&e": "A&E",
    "emergency department": "A&E",
    "maternity": "Maternity",
    "outpatient": "Outpatient",
    "ambulance": "Ambulance",
}
INDICATORS = {"percent_positive": "FFT percentage positive", "response_rate": "FFT response rate"}
#: Indicator computations (:mod:`analysis.methods.indicators`) that have an England figure.
FFT_COMPUTATIONS = {
    "fft_percent_positive": "percent_positive",
    "fft_response_rate": "response_rate",
}


def england_comparator(
    computation: str, params: Mapping, services: pd.DataFrame | None
) -> dict | None:
    """The England comparator an FFT indicator gets when its logic model names none.

    The published collections of the indicator's settings (``params["settings"]``, or
    the settings of ``params["services"]``, or every service's), as a logic model's
    ``comparator:`` entry; None for other computations or settings NHS England does
    not publish.
    """
    statistic = FFT_COMPUTATIONS.get(computation)
    if statistic is None:
        return None
    if params.get("settings"):
        settings = list(params["settings"])
    elif services is None or services.empty:
        return None
    elif params.get("services"):
        settings = services.loc[services["service_id"].isin(params["services"]), "setting"]
    else:
        settings = services["setting"]
    found = {_published_setting(s, None) for s in settings} - {None}
    if not found:
        return None
    return {"source": "fft_published", "statistic": statistic, "settings": sorted(found)}


def _published_setting(setting: str, mapping: Mapping[str, str] | None) -> str | None:
    table = {k.lower(): v for k, v in (mapping or PUBLISHED_SETTING).items()}
    return table.get(str(setting).strip().lower())


def england_values(published: pd.DataFrame) -> pd.DataFrame:
    """England's counts and FFT indicators per published setting and month.

    Columns: ``setting, month, responses, positive, eligible, percent_positive,
    response_rate`` (percentages; response rate missing without eligible counts).
    """
    cols = ["setting", "month", "responses", "positive", "eligible"]
    if published is None or published.empty:
        return pd.DataFrame(columns=[*cols, "percent_positive", "response_rate"])
    p = published.assign(
        positive=published["very_good"].fillna(0) + published["good"].fillna(0),
        setting_key=published["setting"].str.lower(),
    )
    eng = p[p["level"] == "england"]
    orgs = p[p["level"] == "organisation"]
    have = set(zip(eng["setting_key"], eng["month"], strict=True))
    missing = ~pd.Series(
        [(s, m) in have for s, m in zip(orgs["setting_key"], orgs["month"], strict=True)],
        index=orgs.index,
        dtype=bool,
    )
    rows = pd.concat([eng, orgs[missing]])
    out = (
        rows.groupby(["setting", "month"], sort=True)
        .agg(
            responses=("total_responses", "sum"),
            positive=("positive", "sum"),
            eligible=("total_eligible", lambda s: s.sum() if s.notna().all() else np.nan),
        )
        .reset_index()
    )
    out["percent_positive"] = 100 * out["positive"] / out["responses"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["response_rate"] = 100 * out["responses"] / out["eligible"]
    return out


def local_fft_by_setting(
    responses: pd.DataFrame, services: pd.DataFrame, eligible: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The partnership's FFT counts per service setting and month.

    Columns: ``setting, month, responses, positive, eligible`` (eligible missing where
    the ``fft_eligible`` table has none for that setting and month).
    """
    r = responses.merge(services[["service_id", "setting"]], on="service_id", how="inner")
    r = r.assign(
        month=r["response_date"].dt.to_period("M").dt.to_timestamp(),
        positive=r["rating"].isin(POSITIVE_RATINGS),
    )
    out = (
        r.groupby(["setting", "month"], sort=True)
        .agg(responses=("rating", "size"), positive=("positive", "sum"))
        .reset_index()
    )
    if eligible is not None and not eligible.empty:
        e = eligible.merge(services[["service_id", "setting"]], on="service_id", how="inner")
        e = e.groupby(["setting", "month"])["eligible"].sum().rename("eligible").reset_index()
        e["month"] = pd.to_datetime(e["month"]).dt.to_period("M").dt.to_timestamp()
        out = out.merge(e, on=["setting", "month"], how="left")
    else:
        out["eligible"] = np.nan
    return out


def _by_period(df: pd.DataFrame, frequency: str) -> pd.DataFrame:
    """Counts summed per setting and period (eligible only where every month has it)."""
    d = df.assign(period=pd.to_datetime(df["month"]).dt.to_period(frequency))
    return (
        d.groupby(["setting", "period"], sort=True)
        .agg(
            responses=("responses", "sum"),
            positive=("positive", "sum"),
            eligible=("eligible", lambda e: e.sum() if e.notna().all() else np.nan),
        )
        .reset_index()
    )


def compare_with_england(
    local: pd.DataFrame,
    published: pd.DataFrame,
    settings: Mapping[str, str] | None = None,
    frequency: str = "M",
) -> pd.DataFrame:
    """Each local setting and period against England, for both FFT indicators.

    ``local`` has ``setting, month, responses, positive, eligible`` (as
    :func:`local_fft_by_setting`); ``frequency`` is a pandas period frequency (``"M"``,
    or ``"Q-MAR"`` for financial quarters: counts are summed over the period's months
    on both sides). Returns one row per setting, period and indicator
    (``percent_positive``, ``response_rate``): ``setting, published_setting, period,
    indicator, numerator, denominator, value, england, compared_95, compared_998,
    colour_95, colour_998``; values in %. Settings without an NHS England collection,
    or periods without published figures, are left out. Higher is better for both.
    """
    eng = _by_period(england_values(published), frequency)
    eng["percent_positive"] = 100 * eng["positive"] / eng["responses"]
    with np.errstate(invalid="ignore", divide="ignore"):
        eng["response_rate"] = 100 * eng["responses"] / eng["eligible"]
    eng_key = eng.assign(key=eng["setting"].str.lower()).set_index(["key", "period"])
    rows = []
    for r in _by_period(local, frequency).itertuples(index=False):
        pub = _published_setting(r.setting, settings)
        if pub is None or (pub.lower(), r.period) not in eng_key.index:
            continue
        e = eng_key.loc[(pub.lower(), r.period)]
        for indicator, num, den, bench in (
            ("percent_positive", r.positive, r.responses, e["percent_positive"]),
            ("response_rate", r.responses, r.eligible, e["response_rate"]),
        ):
            if pd.isna(den) or den <= 0 or pd.isna(bench) or num > den:
                continue
            result = {
                level: compare_proportion(num, den, bench / 100, confidence=c)[0]
                for level, c in (("95", 0.95), ("998", 0.998))
            }
            rows.append(
                {
                    "setting": r.setting,
                    "published_setting": pub,
                    "period": r.period,
                    "indicator": indicator,
                    "numerator": float(num),
                    "denominator": float(den),
                    "value": 100 * num / den,
                    "england": float(bench),
                    "compared_95": result["95"],
                    "compared_998": result["998"],
                    "colour_95": COLOURS[result["95"]],
                    "colour_998": COLOURS[result["998"]],
                }
            )
    cols = [
        "setting", "published_setting", "period", "indicator", "numerator", "denominator",
        "value", "england", "compared_95", "compared_998", "colour_95", "colour_998",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


@dataclass(frozen=True)
class ProviderFunnel:
    """A national funnel: every provider and the local services, the limit lines, England's value."""

    points: pd.DataFrame  # unit, name, numerator, denominator, value, significance, local
    limits: pd.DataFrame  # PHEindicatormethods' lines (Population, lower_2s_limit, …) in %
    england: float  # %
    setting: str
    period: pd.Period
    indicator: str
    caveat: str = FFT_COMPARISON_CAVEAT


def provider_funnel(
    published: pd.DataFrame,
    local_units: pd.DataFrame,
    setting: str,
    period,
    indicator: str = "percent_positive",
) -> ProviderFunnel:
    """The partnership's services among England's providers of one collection in a period.

    ``setting`` is the NHS England collection (``fft_published.setting``, any case);
    ``period`` a month (``"2024-05"``) or any ``pd.Period`` (a financial quarter
    ``pd.Period("2025Q1", "Q-MAR")``: each provider's months are summed). ``local_units``
    has ``unit`` (e.g. a service name), ``numerator`` and ``denominator`` for the same
    period (positive of responses for percentage positive, responses of eligible for the
    response rate). Each point's ``significance`` is PHEindicatormethods' (``High (0.001)``
    … ``Not significant``) against the England value; the lines are its Wilson funnel
    limits for the same value.
    """
    if indicator not in INDICATORS:
        raise ValueError(f"indicator must be one of {', '.join(INDICATORS)}, not {indicator!r}")
    if not isinstance(period, pd.Period):
        period = pd.Timestamp(period).to_period("M")
    first, last = period.start_time.normalize(), period.end_time.normalize()
    p = published[
        (published["setting"].str.lower() == str(setting).lower())
        & published["month"].between(first, last)
    ]
    if p.empty:
        raise ValueError(
            f"no published FFT figures for {setting!r} in {period}: check the fft_published "
            "sources and the setting's name"
        )
    counts = ["very_good", "good", "total_responses", "total_eligible"]
    orgs = (
        p[p["level"] == "organisation"]
        .groupby(["org_code", "org_name"], dropna=False, sort=True)[counts]
        .sum(min_count=1)
        .reset_index()
    )
    pos = orgs["very_good"].fillna(0) + orgs["good"].fillna(0)
    if indicator == "percent_positive":
        num, den = pos, orgs["total_responses"]
    else:
        num, den = orgs["total_responses"], orgs["total_eligible"]
    providers = pd.DataFrame(
        {"unit": orgs["org_code"], "name": orgs["org_name"], "numerator": num, "denominator": den}
    ).dropna(subset=["numerator", "denominator"])
    providers = providers[providers["denominator"] > 0]
    eng = england_values(p)[["responses", "positive", "eligible"]].sum(min_count=1)
    if indicator == "percent_positive":
        england = float(100 * eng["positive"] / eng["responses"])
    else:
        england = float(100 * eng["responses"] / eng["eligible"])
    if np.isnan(england) or providers.empty:
        raise ValueError(
            f"NHS England's {setting!r} files for {period} give no {INDICATORS[indicator]}"
        )
    local = local_units.assign(name=local_units["unit"]).loc[
        :, ["unit", "name", "numerator", "denominator"]
    ]
    points = pd.concat([providers.assign(local=False), local.assign(local=True)], ignore_index=True)
    points["value"] = 100 * points["numerator"] / points["denominator"]
    points["significance"] = proportion_significance(
        points["numerator"].to_numpy(dtype="float64"),
        points["denominator"].to_numpy(dtype="float64"),
        england / 100,
    )
    limits = calculate_funnel_limits(
        providers,
        "numerator",
        "denominator",
        statistic=FunnelStatistic("proportion", 100),
        full=False,
    )
    return ProviderFunnel(points, limits, england, str(setting), period, indicator)
