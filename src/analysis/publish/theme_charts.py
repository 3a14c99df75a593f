"""Charts for themes and voices, in the project style (:mod:`analysis.publish.style`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from analysis.publish import style


def theme_share_chart(spc: pd.DataFrame, theme: str, level: str = "subcategory"):
    """p-chart of one theme's monthly share (rows of :func:`analysis.methods.theme_trends.theme_spc`).

    Points above the upper or below the lower limit are drawn in the special-cause colours.
    """
    style.apply()
    rows = spc.loc[spc[level] == theme].sort_values("month")
    x = rows["month"].dt.to_timestamp()
    fig, ax = plt.subplots()
    ax.plot(x, rows["share"], color=style.NHS_BLUE, marker="o", label="share of comments")
    ax.plot(x, rows["centre"], color=style.NHS_DARK_GREY, linestyle="-", marker="", label="centre")
    ax.plot(
        x, rows["upper"], color=style.NHS_DARK_GREY, linestyle="--", marker="", label="limits (3σ)"
    )
    ax.plot(x, rows["lower"], color=style.NHS_DARK_GREY, linestyle="--", marker="")
    high = rows["signal"] == "above"
    low = rows["signal"] == "below"
    ax.scatter(
        x[high], rows.loc[high, "share"], color=style.NHS_ORANGE, zorder=3, label="above the limit"
    )
    ax.scatter(
        x[low], rows.loc[low, "share"], color=style.NHS_PURPLE, zorder=3, label="below the limit"
    )
    ax.set_title(f"{theme}: share of comments each month")
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.legend(loc="upper left", fontsize=8)
    return fig


def representation_chart(table: pd.DataFrame):
    """Each group's share of responses (with its interval) against its share of service users."""
    style.apply()
    fig, ax = plt.subplots()
    y = range(len(table))
    err = [table["response_share"] - table["low"], table["high"] - table["response_share"]]
    ax.errorbar(
        table["response_share"],
        y,
        xerr=err,
        fmt="o",
        color=style.NHS_BLUE,
        label="share of responses (95% CI)",
    )
    ax.scatter(
        table["population_share"],
        y,
        marker="|",
        s=300,
        color=style.NHS_ORANGE,
        label="share of service users",
    )
    ax.set_yticks(list(y), table["group"])
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_title(f"Who responds, by {table['group_type'].iloc[0].replace('_', ' ')}")
    ax.legend(loc="lower right", fontsize=8)
    return fig
