"""What every report section computes, and how it becomes HTML.

A section module computes a :class:`Section` from a :class:`~analysis.context.Context`:
plain sentences, tables (already suppressed and formatted for people), charts, and the
*findings* that the page's "needs attention" list ranks. A Jinja2 template renders it;
tables go through the :class:`~analysis.publish.report.ReportBuilder`, which refuses an
unsuppressed small count and writes the CSV and Excel downloads.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from analysis.publish.report import ReportBuilder

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

#: Finding kinds, in the order the "needs attention" list ranks them.
CONCERN_ORDER = ("target missed", "special cause concern", "rising concern", "late complaints")


@dataclass
class Table:
    """A table for people: suppressed, formatted, with human headings."""

    frame: pd.DataFrame
    name: str
    caption: str
    counts: tuple[str, ...] = ()
    collapsed: bool = False
    note: str = ""


@dataclass
class Figure:
    """A matplotlib figure with the words that say what it shows."""

    fig: Any
    name: str
    alt: str
    caption: str
    collapsed: bool = False


@dataclass
class Finding:
    """Something the top of the page should say: a concern or an improvement.

    ``kind`` is one of :data:`CONCERN_ORDER` (concerns) or "improvement"; ``size`` ranks
    findings of one kind (the larger, the higher: e.g. the gap to a target in points).
    """

    kind: str
    text: str
    anchor: str
    size: float = 0.0
    term: str = ""  # the statistical term, for the footnote

    @property
    def concern(self) -> bool:
        return self.kind in CONCERN_ORDER


@dataclass
class Section:
    """A section's result: what the template renders and what the page summary uses."""

    anchor: str
    title: str
    intro: str = ""
    sentences: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    empty: str = ""  # the one line said when there is nothing to show
    template: str = "section.html.j2"
    data: dict = field(default_factory=dict)  # anything a section's own template needs
    level: int = 2
    short: str = ""  # the section's name in a link ("See the indicators")
    more_tables: str = "More tables"  # the name of its folded tables, when grouped
    more_charts: str = "More charts"

    @property
    def has_content(self) -> bool:
        return bool(self.sentences or self.tables or self.figures or self.data)


HEADINGS = yaml.safe_load((TEMPLATES / "sections" / "headings.yaml").read_text(encoding="utf-8"))


FIELDS = ("title", "short", "empty", "template", "more_tables", "more_charts")


def start(anchor: str, **fields) -> Section:
    """A section with its heading, link words, empty line and template from ``headings.yaml``."""
    words = {k: v for k, v in HEADINGS[anchor].items() if k in FIELDS}
    return Section(anchor, **{**words, **fields})


def environment() -> Environment:
    """The Jinja2 environment of the section templates (autoescaped)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES / "sections")),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


_ENV = environment()


#: From this many folded tables or charts on, a section folds them into one group.
GROUP = 3


def _folded(summary: str, parts: list[str]) -> list[str]:
    inner = "".join(parts)
    return [f"<details><summary>{html.escape(summary)} ({len(parts)})</summary>{inner}</details>"]


def render(section: Section, builder: ReportBuilder, commentary=None, **extra) -> str:
    """The section's HTML: its tables and charts written through ``builder``.

    Folded tables and charts stay folded one by one, or, when there are :data:`GROUP` or
    more of a kind, in one group named by the section's ``more_tables`` / ``more_charts``.
    """
    grouped_t = sum(t.collapsed for t in section.tables) >= GROUP
    grouped_f = sum(f.collapsed for f in section.figures) >= GROUP
    shown_t, folded_t = [], []
    for t in section.tables:
        fold = t.collapsed and not grouped_t
        rendered = builder.table(t.frame, t.name, t.caption, counts=t.counts, note=t.note,
                                 collapsed=fold)  # fmt: skip
        (folded_t if t.collapsed and grouped_t else shown_t).append(rendered)
    shown_f, folded_f = [], []
    for f in section.figures:
        rendered = builder.figure(f.fig, f.name, f.alt, f.caption)
        if f.collapsed and not grouped_f:
            rendered = f"<details><summary>{html.escape(f.caption)}</summary>{rendered}</details>"
        (folded_f if f.collapsed and grouped_f else shown_f).append(rendered)
    if folded_t:
        shown_t += _folded(section.more_tables, folded_t)
    if folded_f:
        shown_f += _folded(section.more_charts, folded_f)
    key = {"attention": "headlines"}.get(section.anchor, section.anchor.replace("-", "_"))
    note = Markup(commentary.html(key)) if commentary is not None else ""
    return _ENV.get_template(section.template).render(
        s=section, tables=[Markup(t) for t in shown_t], figures=[Markup(f) for f in shown_f],
        commentary=note, **extra,
    )  # fmt: skip
