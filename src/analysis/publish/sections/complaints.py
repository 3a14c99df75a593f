"""Complaints: how many arrived, whether they were answered in time, and what about.

Time limits are counted in working days under the nation's rules and the partnership's
overrides (:mod:`analysis.complaint_settings`); with a ``complaint_subjects`` map the
volumes are also shown in the national return's (KO41a) subject areas. Small counts are
suppressed as everywhere (:mod:`analysis.publish.suppression`).
"""

from __future__ import annotations

import pandas as pd

from analysis.complaint_settings import handling_rules, subject_mapping
from analysis.methods.complaints import profile, timeliness
from analysis.publish import formatting as fmt
from analysis.publish.sections.base import Finding, Section, Table, start
from analysis.publish.suppression import is_small, suppress, suppress_column_against_total

ANCHOR = "complaints"
CAPTIONS = {
    "by_return_subject": "by subject area of the national return (KO41a)",
    "by_subject": "by subject",
    "by_service": "by service",
    "outcomes": "by outcome",
    "flags": "reopened or referred to the ombudsman",
    "open_by_age": "still open at the end of the period, by age",
}


def said(n: int, min_count: int) -> str:
    """A count for a sentence: 'fewer than 5' when it is small."""
    return f"fewer than {min_count}" if is_small(pd.Series([n]), min_count).iat[0] else f"{n:,}"


def in_time(ctx) -> pd.DataFrame:
    """Complaints due an acknowledgement or a response in the period, and how many met it."""
    rules = handling_rules(ctx.cfg)
    start, end = ctx.period.months[0].start_time, ctx.period.months[-1].end_time.normalize()
    t = timeliness(ctx.complaints, ctx.cfg.nation, end, rules)
    rows = []
    for what, within, decided, limit in (
        ("Acknowledged in time", "acknowledged_within", "acknowledge_decided", rules.acknowledge),
        ("Responded to in time", "responded_within", "respond_decided", rules.respond),
    ):
        due = t[t[decided].between(start, end) & t[within].notna()]
        met = int(due[within].sum())
        label = f"{what} ({limit} {rules.basis} days)" if limit else what
        rows.append(
            {
                "Measure": label,
                "due": len(due),
                "met": met,
                "pct": 100 * met / len(due) if len(due) else None,
            }
        )
    return pd.DataFrame(rows)


def compute(ctx) -> Section:
    section = start(ANCHOR)
    if ctx.complaints.empty:
        return section
    p, m = ctx.period, ctx.min_count
    first, end = p.months[0].start_time, p.months[-1].end_time.normalize()
    received = ctx.complaints["received_date"].between(first, end).sum()
    before = (
        ctx.complaints["received_date"]
        .between(p.previous[0].start_time, p.previous[-1].end_time.normalize())
        .sum()
    )
    section.sentences.append(
        f"{said(received, m)} complaints were received in {p.label} "
        f"({said(before, m)} in the previous {p.kind})."
    )
    t = in_time(ctx)
    responded = t.iloc[1]
    late = responded["due"] - responded["met"]
    if responded["due"] >= m and late >= m:
        section.findings.append(
            Finding(
                "late complaints",
                f"{late:,} of {responded['due']:,} complaints due a response in {p.label} were "
                f"answered late ({fmt.percent(responded['pct'])} in time).",
                ANCHOR,
                size=late,
            )
        )
    shown = suppress(t, "due", ["met", "pct"], m)
    shown = suppress(shown, "met", ["pct"], m)
    section.tables.append(
        Table(
            pd.DataFrame(
                {
                    "Measure": shown["Measure"],
                    "Complaints due": shown["due"].map(fmt.count),
                    "Met": shown["met"].map(fmt.count),
                    "Percent": shown["pct"].map(fmt.percent),
                }
            ),
            "complaints-timeliness",
            f"Complaints answered within the time limits ({ctx.cfg.nation.replace('_', ' ').title()} "
            f"rules), {p.label}",
            counts=("Complaints due", "Met"),
        )
    )
    subject_map, national = subject_mapping(ctx.cfg) or (None, None)
    parts = profile(ctx.complaints, first, end, ctx.complaint_subjects, subject_map, national)
    for part, frame in parts.items():
        if frame.empty or not frame["complaints"].fillna(0).astype(float).any():
            continue  # nothing to profile in this scope and period (no table with no rows)
        rule = suppress if part == "flags" else suppress_column_against_total
        safe = rule(frame, count="complaints", dependent=["percent"], min_count=m)
        safe["complaints"] = safe["complaints"].map(fmt.count)
        section.tables.append(
            Table(
                fmt.human_table(safe, ctx.service_names),
                f"complaints-{part}",
                f"Complaints {CAPTIONS.get(part, part.replace('_', ' '))}, {p.label}",
                counts=("Complaints",),
                collapsed=True,
            )
        )
    return section
