"""Good news: compliments received by service, and a few in people's own words."""

from __future__ import annotations

from analysis.publish import formatting as fmt
from analysis.publish.sections.base import Section, Table, start
from analysis.publish.sections.complaints import said
from analysis.publish.sections.quotes import compliment_quotes
from analysis.publish.suppression import suppress_column_against_total

ANCHOR = "good-news"


def compute(ctx) -> Section:
    section = start(ANCHOR)
    if ctx.compliments.empty:
        return section
    this = ctx.compliments[ctx.period.contains(ctx.compliments["received_date"])]
    section.sentences.append(
        f"{said(len(this), ctx.min_count)} compliments were received in {ctx.period.label}."
    )
    counts = (
        this.groupby("service_id")
        .size()
        .rename("compliments")
        .reset_index()
        .merge(ctx.services[["service_id", "service_name"]], on="service_id", how="right")
        .fillna({"compliments": 0})
    )
    table = suppress_column_against_total(
        counts[["service_name", "compliments"]].astype({"compliments": "int64"}),
        "compliments",
        [],
        ctx.min_count,
    )
    table["compliments"] = table["compliments"].map(fmt.count)
    section.tables.append(
        Table(
            table.rename(columns={"service_name": "Service", "compliments": "Compliments"}),
            "compliments",
            f"Compliments received by service, {ctx.period.label}",
            counts=("Compliments",),
            collapsed=True,
        )
    )
    section.data["quotes"] = compliment_quotes(this)
    return section
