"""A small trend chart per indicator: value and interval by period, target in force, England.

Lines differ by marker and dash as well as colour (see :mod:`style`); periods whose
numerator is a small count of people (1 to ``min_count - 1``) are left out, as in the tables.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.logic_models import Indicator
from analysis.methods.indicators import COMPUTATIONS
from analysis.publish import style
from analysis.publish.indicator_table import format_value, status_text


def trend_chart(indicator: Indicator, history: pd.DataFrame, min_count: int = 5):
    """Chart ``history`` (every period of one indicator). Returns the figure and its alt text."""
    style.apply()
    h = history.copy()
    small = h["numerator"].notna() & (h["numerator"] > 0) & (h["numerator"] < min_count)
    if not COMPUTATIONS[indicator.computation].counts_people:
        small[:] = False
    h.loc[small, ["value", "lower", "upper"]] = np.nan
    x = h["period_end"]
    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.plot(
        x, h["value"], color=style.NHS_BLUE, marker="o", linestyle="-", markersize=3, label="Value"
    )
    if h["lower"].notna().any():
        ax.fill_between(
            x, h["lower"], h["upper"], color=style.NHS_BLUE, alpha=0.15, linewidth=0, label="95% CI"
        )
    for words, colour, marker, label in [
        ("special cause: improvement", style.IMPROVEMENT, "^", "Special cause: improvement"),
        ("special cause: concern", style.CONCERN, "v", "Special cause: concern"),
    ]:
        flagged = h["trend"].eq(words) & h["value"].notna()
        if flagged.any():
            ax.scatter(
                x[flagged],
                h.loc[flagged, "value"],
                color=colour,
                marker=marker,
                s=28,
                zorder=3,
                label=label,
            )
    if h["target_value"].notna().any():
        ax.step(
            x,
            h["target_value"],
            where="post",
            color=style.NHS_DARK_GREY,
            linestyle="--",
            marker="",
            label="Target or trajectory",
        )
    if h["comparator"].notna().any():
        ax.plot(
            x,
            h["comparator"],
            color=style.NHS_ORANGE,
            marker="s",
            markersize=2.5,
            linestyle=":",
            label="England",
        )
    unit = {"proportion": "%", "rate": "per 1,000"}.get(indicator.measure_type, "")
    ax.set_ylabel(unit)
    ax.set_title("\n".join(textwrap.wrap(indicator.label, 70)), fontsize=9)
    ax.legend(fontsize=7, loc="best")
    fig.autofmt_xdate()
    last = h.iloc[-1]
    alt = (
        f"{indicator.label}: {len(h)} {indicator.frequency} periods to {last['period_label']}; latest "
        f"{format_value(indicator.measure_type, last['value'], last['lower'], last['upper']) or 'suppressed'}, "
        f"status {status_text(last['status'], last.get('clear'))}."
    )
    return fig, alt
