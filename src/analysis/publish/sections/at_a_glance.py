"""At a glance: a Making Data Count summary table of the key measures.

One row per key measure: the latest value, its target, the variation icon (is it
changing beyond its usual range?) and the assurance icon (will it meet its target?), as
NHS England's Making Data Count board summaries show them and as NHSRplotthedots computes
them (``ptd_icons``). Key measures are the headline FFT and complaints measures of the
scope and, for the whole partnership, the logic models' key performance targets. An
indicator's icons come from an XmR chart of its values by period (12 points at least).
"""

from __future__ import annotations

import pandas as pd

from analysis.methods.indicators import COMPUTATIONS, DIRECTION
from analysis.methods.spc import SHORT_GROUP, ptd_icons, ptd_spc
from analysis.publish import formatting as fmt
from analysis.publish.icons import (
    ASSURANCE_TEXT,
    VARIATION_TERM,
    VARIATION_TEXT,
    assurance_svg,
    variation_svg,
)
from analysis.publish.indicator_table import format_value
from analysis.publish.sections import indicators, spc
from analysis.publish.sections.base import Finding, Section, start

ANCHOR = "at-a-glance"


def row(measure: str, period: str, value: str, target: str, icons: dict, anchor: str) -> dict:
    """One row of the at-a-glance table: value, target and both icons with their words."""
    variation, assurance = icons.get("variation_icon"), icons.get("assurance_type")
    return {
        "measure": measure,
        "period": period,
        "value": value,
        "target": target or "None set",
        "anchor": anchor,
        "variation": variation,
        "assurance": assurance,
        "variation_svg": variation_svg(variation),
        "variation_text": VARIATION_TEXT[variation],
        "assurance_svg": assurance_svg(assurance),
        "assurance_text": ASSURANCE_TEXT[assurance],
    }


def indicator_icons(history: pd.DataFrame, polarity: str, target, rules="ptd") -> dict:
    """The variation and assurance icons of an indicator's values by period (``rules``:
    the partnership's SPC rule set)."""
    values = history.dropna(subset=["value"])
    if len(values) < SHORT_GROUP or polarity not in DIRECTION:
        return {}
    chart = ptd_spc(
        values,
        "value",
        "period_end",
        improvement_direction=DIRECTION[polarity],
        target=None if pd.isna(target) else float(target),
        rules=rules,
    )
    return ptd_icons(chart).iloc[0].to_dict()


def _finding(r: dict, text: str) -> Finding | None:
    kind = {"concern": "special cause concern", "improvement": "improvement"}.get(
        str(r["variation"]).split("_")[0]
    )
    term = VARIATION_TERM.get(r["variation"], "")
    return Finding(kind, text, r["anchor"], term=term) if kind else None


def compute(ctx) -> Section:
    """The at-a-glance table: every headline measure and key target with both icons."""
    rows = []
    for m in spc.measures(ctx):
        icons = m.icons
        if not icons:
            continue
        target = m.spc["target"].dropna()
        unit = m.unit
        rows.append(
            row(
                m.name,
                fmt.month_label(pd.Timestamp(icons["x"])),
                f"{icons['y']:,.{m.decimals}f}{unit}",
                f"{target.iat[-1]:,.1f}{unit}" if len(target) else "",
                icons,
                spc.ANCHOR,
            )
        )
    findings = []
    for evaluation in ctx.evaluations.values():
        latest = evaluation.latest.set_index("id")
        for indicator in evaluation.model.indicators:
            r = latest.loc[indicator.id]
            if (
                indicator.kind != indicators.KPT
                or indicator.measure_type == "milestone"
                or COMPUTATIONS[indicator.computation].cumulative  # SPC does not apply
                or indicator.id not in evaluation.history
                or pd.isna(r["value"])
            ):
                continue
            icons = indicator_icons(
                evaluation.history[indicator.id],
                indicator.polarity,
                r["target_value"],
                ctx.spc_settings.rules_for(indicator.id),
            )
            value = format_value(indicator.measure_type, r["value"])
            target = (
                format_value(indicator.measure_type, r["target_value"])
                if pd.notna(r["target_value"])
                else ""
            )
            rows.append(
                row(
                    indicator.label,
                    fmt.period_text(r["period_label"]),
                    value,
                    target,
                    icons,
                    indicators.ANCHOR,
                )
            )
            words = VARIATION_TEXT[icons.get("variation_icon")].split(": ")[-1].lower()
            found = _finding(
                rows[-1],
                f"{indicator.label}: {words} ({value} in {fmt.period_text(r['period_label'])}).",
            )
            if found:
                findings.append(found)
    return start(
        ANCHOR,
        findings=findings,
        intro="Variation: is the measure changing beyond its usual ups and downs? Assurance: "
        "will it reliably meet its target? (Making Data Count's icons: the words beside each "
        "icon say the same.)",
        data={
            "rows": rows,
            "caption": f"Key measures, latest value against target, to {ctx.period.label}",
        }
        if rows
        else {},
    )
