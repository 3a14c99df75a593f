"""Making Data Count's variation and assurance icons as inline SVG, with their words.

Drawn here from circles, letters and dots (after NHS England's *Making Data Count*
icons and NHSRplotthedots' ``ptd_get_icons``): variation is a grey ring over a flat
run of dots for common cause, or an orange (concern) / blue (improvement) / purple
(neither) ring with "H" or "L" and a rising or falling trail; assurance is a ring with
"P" (consistently passes), "F" (consistently fails) or "?" (hit and miss) over a
dashed target line. Each icon is decorative beside its words (``aria-hidden``), so it
never carries meaning by colour or shape alone.

>>> "<svg" in variation_svg("concern_low") and "L</text>" in variation_svg("concern_low")
True
>>> VARIATION_TEXT["common_cause"]
'No change beyond the usual ups and downs'
"""

from __future__ import annotations

from markupsafe import Markup

from analysis.publish import style

VARIATION_TEXT = {
    "common_cause": "No change beyond the usual ups and downs",
    "improvement_high": "Improving: higher than its usual range",
    "improvement_low": "Improving: lower than its usual range",
    "concern_high": "Concern: higher than its usual range",
    "concern_low": "Concern: fell below its usual range",
    "neutral_high": "Higher than its usual range",
    "neutral_low": "Lower than its usual range",
    None: "Too few points to tell",
}
ASSURANCE_TEXT = {
    "consistent_pass": "Will consistently meet the target",
    "consistent_fail": "Will consistently miss the target unless something changes",
    "inconsistent": "Will sometimes meet and sometimes miss the target",
    None: "No target, or too few points to tell",
}
#: The Making Data Count terms, for footnotes.
VARIATION_TERM = {
    "common_cause": "common cause variation",
    "improvement_high": "special cause variation of an improving nature (high)",
    "improvement_low": "special cause variation of an improving nature (low)",
    "concern_high": "special cause variation of a concerning nature (high)",
    "concern_low": "special cause variation of a concerning nature (low)",
    "neutral_high": "special cause variation (high), neither better nor worse",
    "neutral_low": "special cause variation (low), neither better nor worse",
}

_RING = '<circle cx="20" cy="20" r="17" fill="#ffffff" stroke="{c}" stroke-width="3"/>'
_OPEN = '<svg class="mdc-icon" width="32" height="32" viewBox="0 0 40 40" aria-hidden="true" focusable="false">'


def variation_svg(icon: str | None) -> Markup:
    """The variation icon (``ptd_icons``' ``variation_icon`` values); empty for None."""
    if icon is None:
        return Markup("")
    if icon == "common_cause":
        colour, letter, slope = style.COMMON_CAUSE, "", 0
    else:
        kind, side = icon.split("_")
        colour = {"improvement": style.IMPROVEMENT, "concern": style.CONCERN}.get(
            kind, style.NHS_PURPLE
        )
        letter, slope = ("H", 1) if side == "high" else ("L", -1)
    xs = [9, 13, 17, 21, 25, 29, 33]
    ys = [24, 23, 25, 23, 24, 25, 24] if slope == 0 else [28 - slope * (x - 21) / 3 for x in xs]
    dots = "".join(
        f'<circle cx="{x}" cy="{y:.1f}" r="1.8" fill="{colour if slope and i >= 4 else style.COMMON_CAUSE}"/>'
        for i, (x, y) in enumerate(zip(xs, ys, strict=True))
    )
    text = (
        f'<text x="20" y="17" text-anchor="middle" font-size="13" font-weight="bold" '
        f'font-family="Arial, sans-serif" fill="{colour}">{letter}</text>'
        if letter
        else ""
    )
    return Markup(_OPEN + _RING.format(c=colour) + dots + text + "</svg>")


def assurance_svg(kind: str | None) -> Markup:
    """The assurance icon (pass, fail, hit and miss); empty for None."""
    if kind is None:
        return Markup("")
    colour, letter = {
        "consistent_pass": (style.IMPROVEMENT, "P"),
        "consistent_fail": (style.CONCERN, "F"),
        "inconsistent": (style.COMMON_CAUSE, "?"),
    }[kind]
    return Markup(
        _OPEN
        + _RING.format(c=colour)
        + f'<text x="20" y="20" text-anchor="middle" font-size="14" font-weight="bold" '
        f'font-family="Arial, sans-serif" fill="{colour}">{letter}</text>'
        f'<line x1="9" y1="27" x2="31" y2="27" stroke="{style.NHS_RED}" stroke-width="1.5" '
        'stroke-dasharray="3 2"/></svg>'
    )
