"""Comparing services (quarterly and annual pages): a funnel plot of the FFT percentage
positive over the twelve months to the period's end, with overdispersion handled as
FunnelPlotR does (:mod:`analysis.methods.funnel`), and NHS England's caveat.
"""

from __future__ import annotations

from analysis.methods.funnel import FFT_COMPARISON_CAVEAT, proportion_funnel
from analysis.publish.funnel_plot import funnel_chart
from analysis.publish.sections.base import Figure, Section, start
from analysis.publish.sections.fft import summary

ANCHOR = "funnel"


def compute(ctx) -> Section:
    section = start(ANCHOR)
    s = summary(ctx)
    window = s[s["month"] > (ctx.month - 12).to_timestamp()]
    window = window[window["month"] <= ctx.month.to_timestamp()]
    pooled = window.groupby("service_id", as_index=False)[["positive", "responses"]].sum()
    pooled = pooled[pooled["responses"] >= ctx.min_count]
    if len(pooled) < 2:
        return section
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
    return section
