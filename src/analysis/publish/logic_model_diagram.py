"""A logic model drawn as a diagram: inputs → activities → outputs → outcomes, with indicator status.

Each output and outcome box lists its indicators with a status symbol and word
(✓ met, ✗ not met, ↗ / ↘ on / off trajectory, … not yet due, ○ monitoring, ? no data),
so the diagram reads in greyscale; the key explains the symbols.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from analysis.logic_models import TERMS, LogicModel
from analysis.methods import indicators as ind
from analysis.publish import style
from analysis.publish.indicator_table import STATUS_SYMBOL, STATUS_TEXT

COLUMNS = [
    "Inputs",
    "Activities",
    "Outputs",
    "Short-term\noutcomes",
    "Medium-term\noutcomes",
    "Long-term\noutcomes",
]
WRAP = 30  # characters per line in a box
LINE = 0.14  # inches per line of text
FONT = 6.5
BOX_FILL = {"plan": style.NHS_PALE_GREY, "result": "#FFFFFF"}


def _box_lines(text: str, indicators: list, status: dict[str, str]) -> list[tuple[str, bool]]:
    """Wrapped (line, is_indicator) pairs for one box."""
    lines = [(line, False) for line in textwrap.wrap(text, WRAP)]
    for i in indicators:
        symbol = STATUS_SYMBOL.get(status.get(i.id, ind.NO_DATA), "?")
        word = status.get(i.id, ind.NO_DATA)
        wrapped = textwrap.wrap(f"{symbol} {i.id}: {word}", WRAP - 4)
        lines += [(line, True) for line in wrapped]
    return lines


def _columns(model: LogicModel, status: dict[str, str]) -> list[list[list[tuple[str, bool]]]]:
    bullets = [textwrap.wrap(f"• {x}", WRAP) for x in model.inputs]
    inputs = [[(line, False) for b in bullets for line in b]]
    bullets = [textwrap.wrap(f"• {x}", WRAP) for x in model.activities]
    activities = [[(line, False) for b in bullets for line in b]]
    outputs = [_box_lines(e.text, e.indicators, status) for e in model.outputs]
    outcomes = [
        [_box_lines(e.text, e.indicators, status) for e in model.outcomes[t]] for t in TERMS
    ]
    return [inputs, activities, outputs, *outcomes]


def draw(model: LogicModel, latest: pd.DataFrame | None = None):
    """Draw ``model`` with each indicator's status from ``latest`` (an evaluation's table).

    Returns the figure and its alt text.
    """
    style.apply()
    status = {} if latest is None else dict(zip(latest["id"], latest["status"], strict=True))
    columns = _columns(model, status)
    heights = [sum(len(b) + 1.2 for b in col) for col in columns]
    rows = max(heights) + 3
    fig, ax = plt.subplots(figsize=(13, max(4.0, rows * LINE + 1.2)))
    ax.set_xlim(0, len(COLUMNS))
    ax.set_ylim(-rows, 2.2)
    ax.axis("off")
    ax.grid(False)
    width = 0.9
    for c, (title, boxes) in enumerate(zip(COLUMNS, columns, strict=True)):
        ax.text(
            c + 0.05,
            0.4,
            title,
            fontsize=8.5,
            fontweight="bold",
            color=style.NHS_DARK_BLUE,
            va="bottom",
        )
        y = 0.0
        fill = BOX_FILL["plan"] if c < 2 else BOX_FILL["result"]
        for lines in boxes:
            h = len(lines) + 0.6
            ax.add_patch(
                FancyBboxPatch(
                    (c + 0.04, y - h),
                    width,
                    h,
                    boxstyle="round,pad=0.02,rounding_size=0.08",
                    linewidth=0.8,
                    edgecolor=style.NHS_DARK_GREY,
                    facecolor=fill,
                )  # fmt: skip
            )
            for k, (line, is_indicator) in enumerate(lines):
                ax.text(
                    c + 0.08, y - 0.55 - k, line, fontsize=FONT, va="center",
                    color=style.NHS_DARK_BLUE if is_indicator else "black",
                    fontweight="bold" if is_indicator else "normal",
                )  # fmt: skip
            y -= h + 0.6
        if c < len(COLUMNS) - 1:
            ax.add_patch(
                FancyArrowPatch(
                    (c + 0.9, 0.8),
                    (c + 1.03, 0.8),
                    arrowstyle="-|>",
                    mutation_scale=12,
                    color=style.NHS_DARK_GREY,
                )
            )
    key = "   ".join(STATUS_TEXT[s] for s in STATUS_TEXT)
    ax.text(0.05, -rows + 0.8, f"Key: {key}", fontsize=7, color=style.NHS_DARK_GREY)
    ax.set_title(f"{model.partnership}: {model.title}", loc="left")
    counts = pd.Series(list(status.values())).value_counts() if status else pd.Series(dtype=int)
    summary = ", ".join(f"{n} {s}" for s, n in counts.items()) or "not evaluated"
    alt = (
        f"Logic model diagram for {model.title}: {len(model.inputs)} inputs, {len(model.activities)} activities, "
        f"{len(model.outputs)} outputs and "
        + ", ".join(f"{len(model.outcomes[t])} {t}-term outcomes" for t in TERMS)
        + f". Indicator status: {summary}."
    )
    return fig, alt
