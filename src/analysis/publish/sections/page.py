"""A report page: every section computed from one context, then rendered in page order.

The same engine makes the monthly, quarterly and annual pages; the quarterly and annual
pages add the thematic review, the surveys and the comparison of services. "What needs
attention" and "At a glance" come first and are built from the other sections' results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from analysis.publish.provenance import provenance_section
from analysis.publish.report import ReportBuilder, title_html
from analysis.publish.sections import (
    actions,
    appendix,
    at_a_glance,
    complaints,
    exceptions,
    fft,
    funnel,
    good_news,
    indicators,
    spc,
    surveys,
    thematic_review,
    themes,
    voices,
)
from analysis.publish.sections.base import Section, render

#: The body sections, in page order, for every kind of period.
BODY = [fft, spc, indicators, complaints, themes, voices, actions, good_news]
#: Added to quarterly and annual pages.
PERIODIC = [thematic_review, funnel, surveys]
#: Download file names start with these, as they always have.
PREFIX = {"month": "monthly", "quarter": "quarter", "year": "year"}
TITLES = {
    "month": "Monthly feedback report",
    "quarter": "Quarterly feedback report",
    "year": "Annual feedback report",
}


@dataclass
class Page:
    """A page's sections (computed) and what renders them."""

    ctx: object
    sections: list[Section] = field(default_factory=list)

    @property
    def builder(self) -> ReportBuilder:
        if "builder" not in self.ctx.cache:
            self.ctx.cache["builder"] = ReportBuilder(
                self.ctx.folder, min_count=self.ctx.min_count, prefix=PREFIX[self.ctx.kind]
            )
        return self.ctx.cache["builder"]

    def title_html(self) -> str:
        ctx = self.ctx
        what = TITLES[ctx.kind] + (f", {ctx.scope}" if ctx.scope else "")
        return title_html(ctx.cfg.name, what, ctx.period.label, ctx.commentary.status_html())

    def html(self) -> list[str]:
        """Each section's HTML, in page order."""
        out = []
        for section in self.sections:
            extra = {}
            if section.anchor == appendix.ANCHOR:
                extra["provenance"] = Markup(
                    provenance_section(
                        self.builder, self.ctx.period.label, self.ctx.parameters, self.ctx.manifest
                    )
                )
            out.append(render(section, self.builder, self.ctx.commentary, **extra))
        return out


def build(ctx) -> Page:
    """Compute every section of the page for ``ctx``'s period kind and scope."""
    body = [m.compute(ctx) for m in BODY + (PERIODIC if ctx.kind != "month" else [])]
    glance = at_a_glance.compute(ctx)
    attention = exceptions.compute(ctx, [glance, *body])
    return Page(ctx, [attention, glance, *body, appendix.compute(ctx)])
