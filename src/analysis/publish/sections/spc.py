"""Is anything changing? The headline measures as Making Data Count SPC charts.

FFT percentage positive and response rate (Laney p′ charts: limits follow each month's
number of responses, widened for the real month-to-month variation; Laney 2002) and
complaints received (a c-chart). Months with fewer responses than the disclosure
threshold, or whose total the partnership's suppression pattern hides
(:mod:`analysis.publish.disclosure`), are gaps, never points or flags. Readings are in plain words; the Making Data
Count term is kept for the footnote. The charts are computed once per context and
shared with the "at a glance" table and the "needs attention" list.

The rule set (NHSRplotthedots' or Making Data Count's Single Chart Tool), rebase months
and fixed baselines come from the partnership's ``spc:`` configuration
(:mod:`analysis.methods.spc_options`), per measure by the names in :data:`SPC_MEASURES`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pandas as pd

from analysis.methods.attribute_charts import attribute_spc
from analysis.methods.headline_series import complaint_series, summary_series
from analysis.methods.spc import ShortGroupWarning, ptd_icons
from analysis.publish.disclosure import blank_hidden
from analysis.publish.narrative import plain_reading
from analysis.publish.sections.base import Figure, Finding, Section, start
from analysis.publish.spc_plot import facets

ANCHOR = "spc"
#: Each headline measure's name in the configuration's ``spc: measures:`` section.
SPC_MEASURES = {
    "positive": "fft_positive",
    "responses": "fft_response_rate",
    "complaints": "complaints_received",
}


@dataclass
class Measure:
    """One headline measure's SPC: the points, its icons and its reading."""

    key: str
    name: str
    unit: str
    y_label: str
    spc: pd.DataFrame
    decimals: int = 1

    @property
    def icons(self) -> dict:
        icons = ptd_icons(self.spc)
        return {} if icons.empty else icons.iloc[0].to_dict()


def _target(ctx, computation: str, measure: str) -> float | None:
    """The target of a whole-partnership indicator with this computation, if a logic model has
    one; else the target configured for ``measure`` under ``spc: measures:``, if any."""
    for evaluation in ctx.evaluations.values():
        for indicator in evaluation.model.indicators:
            if indicator.computation == computation and not indicator.params:
                row = evaluation.latest[evaluation.latest["id"] == indicator.id]
                if len(row) and pd.notna(row["target_value"].iat[0]):
                    return float(row["target_value"].iat[0])
    return ctx.spc_settings.target_for(measure)


def measures(ctx) -> list[Measure]:
    """The scope's headline measures (computed once per context). Fewer than 12 months
    give trial limits: the section says so in words (NHSRplotthedots' warning would put
    the code's file paths on the page)."""
    if "spc" in ctx.cache:
        return ctx.cache["spc"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ShortGroupWarning)
        out = _measures(ctx)
    ctx.cache["spc_trial"] = any(issubclass(w.category, ShortGroupWarning) for w in caught)
    for w in caught:
        if not issubclass(w.category, ShortGroupWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    ctx.cache["spc"] = out
    return out


def _measures(ctx) -> list[Measure]:
    series = summary_series(
        ctx.fft_monthly,
        ctx.services,
        through=ctx.month,
        min_count=ctx.min_count,
        label=ctx.label,
    )
    ids = ctx.services["service_id"]
    series = blank_hidden(
        series, ctx.disclosure, ids, ["responses", "positive", "pct_positive", "response_rate"]
    )
    out = []
    specs = [
        ("positive", "responses", "FFT percentage positive", "% positive", "fft_percent_positive"),
        ("responses", "eligible", "FFT response rate", "% of people eligible", "fft_response_rate"),
    ]
    for value, denominator, name, y_label, computation in specs:
        if series[value].notna().sum() >= 2 and series[denominator].notna().sum() >= 2:
            spc = attribute_spc(
                series,
                value,
                denominator,
                "month",
                facet_field="facet",
                chart="pprime",
                multiplier=100,
                freq="MS",
                target=_target(ctx, computation, SPC_MEASURES[value]),
                **ctx.spc_arguments(SPC_MEASURES[value], series),
            )
            out.append(Measure(value, name, "%", y_label, spc))
    if len(ctx.complaints):
        counts = complaint_series(ctx.complaints, ctx.services, through=ctx.month, label=ctx.label)
        counts = blank_hidden(counts, ctx.complaints_disclosure, ids, ["complaints"])
        if len(counts) >= 2:
            spc = attribute_spc(
                counts,
                "complaints",
                None,
                "month",
                facet_field="facet",
                chart="c",
                improvement_direction="decrease",
                target=ctx.spc_settings.target_for(SPC_MEASURES["complaints"]),
                **ctx.spc_arguments(SPC_MEASURES["complaints"], counts),
            )
            out.append(Measure("complaints", "Complaints received", "", "complaints", spc, 0))
    return out


def finding(measure: Measure, reading: str, term: str) -> Finding | None:
    """A concern or an improvement when the latest point is special cause."""
    point = str(measure.icons.get("point_type"))
    if point == "special_cause_concern":
        return Finding("special cause concern", f"{measure.name}: {reading}", ANCHOR, term=term)
    if point == "special_cause_improvement":
        return Finding("improvement", f"{measure.name}: {reading}", ANCHOR, term=term)
    return None


def compute(ctx) -> Section:
    """The statistical process control section: a chart and a plain reading per measure."""
    section = start(
        ANCHOR,
        intro=(
            "Each chart shows a measure month by month with its usual range (the dashed "
            "lines, where 99.7% of months fall when nothing has changed) and, where there is "
            "one, its target (red dashes). Triangles mark months outside the usual pattern: "
            "blue pointing up for better, orange pointing down for worse. Gaps are months "
            "with too few responses to show."
        ),
    )
    if measures(ctx) and ctx.cache.get("spc_trial"):
        section.intro += (
            " With fewer than 12 months the usual range is provisional (trial limits) and "
            "will be revised as months are added."
        )
    for m in measures(ctx):
        for _facet, reading, fig, alt in facets(m.spc, m.name, m.unit, m.y_label, m.decimals):
            text, term = plain_reading(reading)
            section.sentences.append(f"{m.name}: {text}")
            found = finding(m, text, term)
            if found:
                section.findings.append(found)
            icons = m.icons
            plain = icons.get("point_type") == "common_cause" and not icons.get("assurance_type")
            folded = plain and m.key != "positive"  # the sentence says all the chart would
            section.figures.append(
                Figure(fig, f"spc-{m.key}", alt, f"{m.name} by month (SPC chart)", collapsed=folded)
            )
    return section
