"""The one chart style every chart in the project uses.

Colours are the NHS identity palette (NHS England, *NHS identity guidelines: colours*);
lines differ by marker and dash as well as colour, so charts read without colour.
"""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from cycler import cycler  # noqa: E402

NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"
NHS_PALE_GREY = "#E8EDEE"
NHS_ORANGE = "#ED8B00"
NHS_PURPLE = "#330072"
NHS_AQUA_GREEN = "#00A499"
NHS_WARM_YELLOW = "#FFB81C"
NHS_RED = "#DA291C"
#: Making Data Count's colours: improvement blue, concern orange, common cause grey.
IMPROVEMENT = "#00B0F0"
CONCERN = "#E46C0A"
COMMON_CAUSE = "#A6A6A6"

SERIES_COLOURS = [NHS_BLUE, NHS_ORANGE, NHS_AQUA_GREEN, NHS_PURPLE, NHS_DARK_GREY, NHS_RED]
MARKERS = ["o", "s", "^", "D", "v", "P"]
LINESTYLES = ["-", "--", "-.", ":", "-", "--"]


def apply() -> None:
    """Set matplotlib's defaults to the project style."""
    plt.rcParams.update(
        {
            "figure.figsize": (8, 4),
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": NHS_PALE_GREY,
            "axes.prop_cycle": cycler(color=SERIES_COLOURS)
            + cycler(marker=MARKERS)
            + cycler(linestyle=LINESTYLES),
            "legend.frameon": False,
            "svg.hashsalt": "analysis",
        }
    )


def series_styles():
    """An endless cycle of (colour, marker, linestyle) for charts that draw several series."""
    return itertools.cycle(zip(SERIES_COLOURS, MARKERS, LINESTYLES, strict=True))
