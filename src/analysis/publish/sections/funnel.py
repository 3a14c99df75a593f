"""Comparing services (quarterly and annual pages).

Two comparisons, each with NHS England's caveat that the FFT is not designed for
comparing providers:

* the partnership's services with each other: a funnel plot of the FFT percentage
  positive over the twelve months to the period's end, with overdispersion handled as
  FunnelPlotR does (:mod:`analysis.methods.funnel`);
* the partnership's services among England's providers of the same NHS England
  collection in the period (the financial quarter or year), with PHEindicatormethods'
  limits around the England value, and each setting against England
  (:mod:`analysis.methods.national`), from NHS England's published counts
  (``fft_published``); one line says so where the data has none (e.g. Scotland).
"""

from __future__ import annotations

import pandas as pd

from analysis.methods import national
from analysis.methods.funnel import FFT_COMPARISON_CAVEAT, proportion_funnel
from analysis.publish import formatting as fmt
from analysis.publish.funnel_plot import england_funnel_chart, funnel_chart
from analysis.publish.sections.base import Figure, Section, Table, start
from analysis.publish.sections.fft import summary

ANCHOR = "funnel"
#: The pandas period of a page kind (NHS England's counts are summed over its months).
FREQUENCY = {"quarter": "Q-MAR", "year": "Y-MAR", "month": "M"}
NO_ENGLAND = (
    "No comparison with England: the data holds no NHS England published Friends and Family "
    "Test figures (NHS England publishes them for services in England only)."
)
COMPARED = {"better": "Better", "similar": "Similar", "worse": "Worse"}


def _within_services(ctx, section: Section) -> None:
    s = summary(ctx)
    window = s[s["month"] > (ctx.month - 12).to_timestamp()]
    window = window[window["month"] <= ctx.month.to_timestamp()]
    pooled = window.groupby("service_id", as_index=False)[["positive", "responses"]].sum()
    pooled = pooled[pooled["responses"] >= ctx.min_count]
    if len(pooled) < 2:
        return
    pooled["unit"] = pooled["service_id"].map(ctx.service_names)
    units, fit = proportion_funnel(pooled, "positive", "responses", "unit")
    span = f"12 months to {ctx.month:%B %Y}"
    fig, alt = funnel_chart(units, fit, f"FFT percentage positive by service, {span}")
    outside = units.loc[units["outside"], "unit"].astype(str).tolist()
    section.sentences.append(FFT_COMPARISON_CAVEAT)
    section.sentences.append(
        "Outside the 99.8% limits (more different from the others than chance explains): "
        + (", ".join(outside) if outside else "none")
        + "."
    )
    section.figures.append(
        Figure(
            fig, "funnel-positive", alt, f"FFT percentage positive by service, {span} (funnel plot)"
        )
    )


def _in_period(ctx) -> pd.DataFrame:
    """The scope's FFT counts by service and setting over the period's months."""
    s = summary(ctx)
    s = s[s["month"].isin([m.to_timestamp() for m in ctx.period.months])]
    return s.merge(ctx.services[["service_id", "setting"]], on="service_id")


def england_table(ctx, published: pd.DataFrame) -> pd.DataFrame:
    """Each of the scope's settings against England in the period, both FFT indicators
    (:func:`analysis.methods.national.compare_with_england`); small counts left out."""
    s = _in_period(ctx)
    local = (
        s.groupby(["setting", "month"], as_index=False)
        .agg(
            responses=("responses", "sum"),
            positive=("positive", "sum"),
            eligible=("eligible", lambda e: e.sum(min_count=1)),
        )
        .sort_values(["setting", "month"])
    )
    freq = FREQUENCY[ctx.kind]
    compared = national.compare_with_england(local, published, frequency=freq)
    compared = compared[compared["period"] == pd.Period(ctx.month, freq)]
    compared = compared[compared["numerator"] >= ctx.min_count]
    return pd.DataFrame(
        {
            "Setting": compared["setting"].str.capitalize(),
            "NHS England collection": compared["published_setting"],
            "Measure": compared["indicator"].map(national.INDICATORS),
            "Ours": compared["value"].map(fmt.percent),
            "England": compared["england"].map(fmt.percent),
            "Compared with England (95%)": compared["compared_95"].map(
                lambda v: COMPARED.get(str(v).lower(), str(v))
            ),
        }
    )


def _with_england(ctx, section: Section) -> None:
    published = ctx.fft_published
    if published is None or published.empty:
        section.sentences.append(NO_ENGLAND)
        return
    period = pd.Period(ctx.month, FREQUENCY[ctx.kind])
    table = england_table(ctx, published)
    if len(table):
        section.tables.append(
            Table(
                table,
                "england-comparison",
                f"Our settings against England, {ctx.period.label} "
                "(Fingertips' comparison at 95%; NHS England's published counts)",
                note=FFT_COMPARISON_CAVEAT,
            )
        )
    s = _in_period(ctx)
    s = s.assign(collection=s["setting"].str.lower().map(national.PUBLISHED_SETTING))
    for collection, part in s.dropna(subset=["collection"]).groupby("collection", sort=True):
        units = part.groupby("service_id", as_index=False)[["positive", "responses"]].sum()
        units = units[units["responses"] >= ctx.min_count]
        if units.empty:
            continue
        units = pd.DataFrame(
            {
                "unit": units["service_id"].map(ctx.service_names),
                "numerator": units["positive"],
                "denominator": units["responses"],
            }
        )
        try:
            f = national.provider_funnel(published, units, collection, period, "percent_positive")
        except ValueError as exc:  # no published figures for this collection and period
            section.sentences.append(f"No comparison with England for {collection}: {exc}.")
            continue
        title = (
            f"FFT percentage positive: our {collection.lower()} services among England's providers"
        )
        fig, alt = england_funnel_chart(f, f"{title}, {ctx.period.label}")
        section.figures.append(
            Figure(
                fig,
                f"funnel-england-{collection.lower().replace(' ', '-')}",
                alt,
                f"{title}, {ctx.period.label} (funnel plot). {f.caveat}",
            )
        )


def compute(ctx) -> Section:
    """The funnel comparison of services (and among England's providers), with its caveat."""
    section = start(ANCHOR)
    _within_services(ctx, section)
    if section.has_content or len(summary(ctx)):
        _with_england(ctx, section)
    return section
