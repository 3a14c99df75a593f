"""Who is heard, and who is not: each group's share of FFT responses against its share of
the people using the services (:func:`analysis.methods.voices.representation`, Wilson 95%
intervals). A group is under-represented when the whole interval of its response share
lies below its population share.

A month is too short to judge, so every page looks at the twelve months to its end.
"""

from __future__ import annotations

import pandas as pd

from analysis.methods import voices
from analysis.publish import formatting as fmt
from analysis.publish.sections.base import Section, Table, start
from analysis.publish.suppression import suppress

ANCHOR = "voices"
GROUP_WORDS = {"age_band": "Age", "sex": "Sex", "ethnicity": "Ethnic group"}


def _windows(ctx) -> dict[str, pd.DataFrame]:
    """Who answered in the twelve months to the page's month, per group type: the counts kept
    by month (:meth:`analysis.context.Context.voice_counts`) where the population periods are
    whole months, as counts by month then give the figures of the response rows
    (:mod:`analysis.methods.voices`); else the response rows."""
    first = (ctx.month - 11).to_timestamp()
    if voices.whole_month_periods(ctx.population):
        counts = {g: ctx.voice_counts(g) for g in voices.GROUP_TYPES}
        return {g: c.loc[c["month"] >= first] for g, c in counts.items()}
    rows = ctx.responses_between(
        ctx.month - 11, ["service_id", "response_date", *voices.GROUP_TYPES]
    )
    return dict.fromkeys(voices.GROUP_TYPES, rows)


def compute(ctx) -> Section:
    """Who is and is not heard: groups under-represented against the service population."""
    section = start(ANCHOR)
    if ctx.population.empty:
        return section
    windows = _windows(ctx)
    frames = [
        voices.representation(window, ctx.population, g)
        for g, window in windows.items()
        if g in window
    ]
    rep = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if rep.empty or rep["responses"].sum() == 0:
        return section
    span = f"{fmt.month_label(ctx.month - 11)} to {fmt.month_label(ctx.month)}"
    quiet = rep[rep["under_represented"] & (rep["responses"] >= ctx.min_count)]
    named = [
        f"{GROUP_WORDS[r.group_type].lower()} {r.group} ({100 * r.response_share:.1f}% of "
        f"responses, 95% interval {100 * r.low:.1f}% to {100 * r.high:.1f}%, against "
        f"{100 * r.population_share:.1f}% of people using the services)"
        for r in quiet.sort_values("ratio").head(4).itertuples()
    ]
    section.sentences.append(
        f"Heard less than their share of the people using these services ({span}): "
        + "; ".join(named)
        + "."
        if named
        else f"No group was clearly heard less than its share of the people using these "
        f"services ({span})."
    )
    table = pd.DataFrame(
        {
            "Characteristic": rep["group_type"].map(GROUP_WORDS),
            "Group": rep["group"],
            "Responses": rep["responses"],
            "Share of responses (95% interval)": [
                f"{100 * s:.1f}% ({100 * lo:.1f} to {100 * hi:.1f})"
                for s, lo, hi in zip(rep["response_share"], rep["low"], rep["high"], strict=True)
            ],
            "Share of people using the services": (100 * rep["population_share"]).map(fmt.percent),
            "Heard": [
                "less than their share"
                if u
                else "more than their share"
                if o
                else "about their share"
                for u, o in zip(rep["under_represented"], rep["over_represented"], strict=True)
            ],
        }
    )
    table = suppress(
        table, "Responses", ["Share of responses (95% interval)", "Heard"], ctx.min_count
    )
    table["Responses"] = table["Responses"].map(fmt.count)
    section.tables.append(
        Table(
            table,
            "voices",
            f"Who answered the Friends and Family Test compared with who uses the services, {span}",
            counts=("Responses",),
            collapsed=True,
        )
    )
    return section
