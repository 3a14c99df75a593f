"""What needs attention: the top of every page, ranked by a stated rule and capped at five.

Concerns come first, in this order: key performance targets missed (the largest
shortfall against the target first, relative to the target), measures that fell outside
their usual range in the wrong direction (Making Data Count special cause concern),
themes rising in what people say could be better, and complaints answered late. Then
what improved (special cause improvement). Each item links to its section; the
statistical term is in a footnote.
"""

from __future__ import annotations

from analysis.publish.sections.base import CONCERN_ORDER, Finding, Section, start

ANCHOR = "attention"
CAP = 5
RULE = (
    "How this list is ranked: targets missed (largest shortfall first), then measures outside "
    "their usual range in the wrong direction, then rising concerns in what people say, then "
    "late complaints; at most five."
)


def rank(findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(concerns, improvements), each ranked and capped at :data:`CAP`.

    >>> a = Finding("late complaints", "late", "c", 9)
    >>> b = Finding("target missed", "small miss", "i", 0.1)
    >>> c = Finding("target missed", "big miss", "i", 0.5)
    >>> [f.text for f in rank([a, b, c])[0]]
    ['big miss', 'small miss', 'late']
    """
    concerns = sorted(
        (f for f in findings if f.concern), key=lambda f: (CONCERN_ORDER.index(f.kind), -f.size)
    )
    seen, unique = set(), []
    for f in concerns:
        if f.text not in seen:
            seen.add(f.text)
            unique.append(f)
    improvements = [f for f in findings if f.kind == "improvement"]
    return unique[:CAP], improvements[:CAP]


def compute(ctx, sections: list[Section]) -> Section:
    """What needs attention and what improved, from every section's findings, ranked and capped."""
    findings = [f for s in sections for f in s.findings]
    concerns, improvements = rank(findings)
    return start(
        ANCHOR,
        intro=RULE,
        data={
            "concerns": concerns,
            "improvements": improvements,
            "kind": ctx.kind,
            "titles": {s.anchor: s.short or s.title for s in sections},
            "notes": any(f.term for f in concerns),
        },
    )
