"""The logic models' indicators: each against its target, with status in words and symbols.

Every page kind carries them; quarterly and annual pages add the logic-model diagram and
each key performance target's trajectory chart. Indicators are the partnership's, so a
page for one setting or service says so in one line.
"""

from __future__ import annotations

import pandas as pd

from analysis.methods import indicators as ind
from analysis.publish import formatting as fmt
from analysis.publish.indicator_charts import trend_chart
from analysis.publish.indicator_table import format_value, indicator_table
from analysis.publish.logic_model_diagram import draw
from analysis.publish.sections.base import HEADINGS, Figure, Finding, Section, Table, start

ANCHOR = "indicators"
KPT = "key performance target"
#: Statuses a reader must see without opening anything.
ATTENTION = (ind.NOT_MET, ind.OFF_TRAJECTORY)


def _target_text(r: dict) -> str:
    return format_value(r["measure_type"], r["target_value"]) if pd.notna(r["target_value"]) else ""


def missed(latest: pd.DataFrame, min_count: int) -> list[Finding]:
    """A finding for each key performance target not met, sized by its shortfall relative to the target."""
    out = []
    for r in latest[(latest["kind"] == KPT) & (latest["status"] == ind.NOT_MET)].to_dict("records"):
        if (
            r["counts_people"] is not False
            and pd.notna(r["numerator"])
            and 0 < r["numerator"] < min_count
        ):
            continue  # a small count: the value is suppressed, so no sentence names it
        value = format_value(r["measure_type"], r["value"])
        target = _target_text(r)
        gap = abs(float(r["value"]) - float(r["target_value"])) if target else 0.0
        gap = gap / abs(float(r["target_value"])) if target and r["target_value"] else gap
        text = f"{r['indicator']}: {value} in {fmt.period_text(r['period_label'])}"
        text += f", against a target of {target}." if target else "; the target was not met."
        out.append(Finding("target missed", text, ANCHOR, size=gap))
    return out


def summary_sentence(title: str, latest: pd.DataFrame) -> str:
    """One sentence counting a logic model's indicators by status."""
    counts = latest["status"].value_counts()
    met, not_met = int(counts.get(ind.MET, 0)), int(counts.get(ind.NOT_MET, 0))
    due = (
        f"{met} met their target and {not_met} did not" if met + not_met else "no targets fell due"
    )
    return f"{title}: of {len(latest)} indicators, {due}."


def compute(ctx) -> Section:
    """The logic-model indicators section: each model's table, trajectories and diagram."""
    section = start(ANCHOR)
    if ctx.scope:
        section.empty = HEADINGS[ANCHOR]["scoped"]
    detail = ctx.kind != "month"
    for name, evaluation in ctx.evaluations.items():
        model, latest = evaluation.model, evaluation.latest
        section.sentences.append(summary_sentence(model.title, latest))
        section.findings += missed(latest, ctx.min_count)
        table = indicator_table(latest, ctx.min_count)
        table["Period"] = table["Period"].map(fmt.period_text)
        table = table.drop(columns=[c for c in table if (table[c] == "").all()])
        caption = f"{model.partnership}: {model.title}"
        due = table[
            (latest["kind"] == KPT).to_numpy() & latest["status"].isin(ATTENTION).to_numpy()
        ]
        if len(due):
            section.tables.append(
                Table(
                    due[["Indicator", "Period", "Value (95% CI)", "Target", "Status"]],
                    f"targets-{name}",
                    f"{caption}: targets missed or off trajectory",
                )
            )
        section.tables.append(
            Table(
                table,
                f"indicators-{name}",
                f"{caption}: every indicator in its latest complete period to {ctx.period.label}",
                collapsed=True,
            )
        )
        if detail:
            fig, alt = draw(model, latest)
            section.figures.append(
                Figure(
                    fig,
                    f"logic-model-{name}",
                    alt,
                    f"{model.title}: logic model with indicator status",
                )
            )
            for indicator_id, history in evaluation.history.items():
                indicator = model.indicator(indicator_id)
                if indicator.kind != KPT or indicator.measure_type == "milestone":
                    continue
                fig, alt = trend_chart(indicator, history, ctx.min_count)
                section.figures.append(
                    Figure(
                        fig,
                        f"{name}-{indicator_id}",
                        alt,
                        f"Trajectory: {indicator.label}",
                        collapsed=True,
                    )
                )
    return section
