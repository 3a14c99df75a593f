"""Complaints: how many arrived, whether they were answered in time, and what about.

Time limits are counted in working days under the nation's rules and the partnership's
overrides (:mod:`analysis.complaint_settings`); with a ``complaint_subjects`` map the
volumes are also shown in the national return's (KO41a) subject areas.

The number received, by scope and by service, follows the partnership's complaints
suppression pattern (``ctx.complaints_disclosure``, :mod:`analysis.publish.disclosure`),
so a month's hidden count cannot be worked back from its quarter, its year or another
scope's page; the timeliness and profile tables, which count nearly the same
complaints, are not shown for a period whose total is hidden. Other
small counts are suppressed as everywhere (:mod:`analysis.publish.suppression`).
"""

from __future__ import annotations

import pandas as pd

from analysis.complaint_settings import handling_rules, subject_mapping
from analysis.methods.complaints import profile, timeliness
from analysis.publish import formatting as fmt
from analysis.publish.sections.base import Finding, Section, Table, start
from analysis.publish.suppression import MARK, suppress, suppress_column_against_total

ANCHOR = "complaints"
CAPTIONS = {
    "by_return_subject": "by subject area of the national return (KO41a)",
    "by_subject": "by subject",
    "by_service": "by service",
    "outcomes": "by outcome",
    "flags": "reopened or referred to the ombudsman",
    "open_by_age": "still open at the end of the period, by age",
}


def stated(n: int, published: bool, min_count: int, of: str = "") -> str:
    """A count the pattern publishes, else 'fewer than 5' or 'an undisclosed number'."""
    if published:
        return f"{n:,}"
    return f"fewer than {min_count}" if n < min_count else f"an undisclosed number{of}"


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


def _timeliness(ctx, section: Section) -> None:
    """The timeliness table, and a finding when many complaints were answered late."""
    p, m = ctx.period, ctx.min_count
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


def compute(ctx) -> Section:
    """The complaints section: received, answered in time, and the subject profile."""
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
    ids = ctx.services["service_id"]
    disclosure = ctx.complaints_disclosure
    shown_now = disclosure.published(ids, p.months)
    shown_before = disclosure.published(ids, p.previous)
    now = stated(received, shown_now or received == 0, m, " of")
    section.sentences.append(
        f"{now[0].upper()}{now[1:]} complaints were received in {p.label} "
        f"({stated(before, shown_before or before == 0, m)} in the previous {p.kind})."
    )
    counted = bool(shown_now or received == 0)
    if counted:
        _timeliness(ctx, section)
    subject_map, national = subject_mapping(ctx.cfg) or (None, None)
    parts = profile(ctx.complaints, first, end, ctx.complaint_subjects, subject_map, national)
    if not counted:  # each would add up to the hidden total
        parts = {k: v for k, v in parts.items() if k == "open_by_age"}
    if "by_service" in parts:
        frame = parts["by_service"]
        shown = frame["service_id"].map(disclosure.published_services(ids, p.months))
        frame = frame.astype({"complaints": object})
        frame.loc[~shown.fillna(False).astype(bool), "complaints"] = MARK
        parts["by_service"] = frame
    for part, frame in parts.items():
        if frame.empty or not pd.to_numeric(frame["complaints"], errors="coerce").fillna(0).any():
            continue  # nothing to profile in this scope and period (e.g. no complaint received)
        rule = suppress if part in ("flags", "by_service") else suppress_column_against_total
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
