"""Good news: compliments received by service, and a few in people's own words.

Counts follow the partnership's compliments suppression pattern
(``ctx.compliments_disclosure``, :meth:`analysis.publish.disclosure.Disclosure.of_events`),
so no hidden count can be worked back from another period's or scope's figures. Quotes
pass the sensitive-content screen (:mod:`analysis.publish.sections.quotes`).
"""

from __future__ import annotations

from analysis.publish import formatting as fmt
from analysis.publish.sections.base import Section, Table, start
from analysis.publish.sections.complaints import stated
from analysis.publish.sections.quotes import compliment_quotes
from analysis.publish.suppression import MARK

ANCHOR = "good-news"


def compute(ctx) -> Section:
    """The good news section: compliments received and quotes from them."""
    section = start(ANCHOR)
    if ctx.compliments.empty:
        return section
    this = ctx.compliments[ctx.period.contains(ctx.compliments["received_date"])]
    ids = ctx.services["service_id"]
    disclosure = ctx.compliments_disclosure
    n = len(this)
    said = stated(n, n == 0 or disclosure.published(ids, ctx.period.months), ctx.min_count, " of")
    section.sentences.append(
        f"{said[0].upper()}{said[1:]} compliments were received in {ctx.period.label}."
    )
    counts = (
        this.groupby("service_id")
        .size()
        .rename("compliments")
        .reset_index()
        .merge(ctx.services[["service_id", "service_name"]], on="service_id", how="right")
        .fillna({"compliments": 0})
    )
    counts["compliments"] = counts["compliments"].astype("int64")
    shown = counts["service_id"].map(disclosure.published_services(ids, ctx.period.months))
    table = counts[["service_name", "compliments"]].astype({"compliments": object})
    table.loc[~shown.fillna(False).astype(bool) & (counts["compliments"] > 0), "compliments"] = MARK
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
    section.data["quotes"] = compliment_quotes(ctx, this)
    return section
