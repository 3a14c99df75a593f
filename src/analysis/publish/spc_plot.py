"""SPC charts in Making Data Count's visual language, drawn with matplotlib.

After NHS England's *Making Data Count* chart conventions (and NHSRplotthedots'
``ptd_create_ggplot``): a grey line through the points; common-cause points grey,
special cause blue for improvement and orange for concern (purple when neither
direction is better); a solid mean line and dashed process limits per rebase group;
a red dashed target. Each special-cause point also has its own marker shape
(▲ improvement, ▼ concern, ◆ neutral) so the chart reads without colour.

The variation and assurance icons are drawn here from circles, letters and dots
(not copied images): variation — a grey run of dots for common cause, or a coloured
ring with "H"/"L" (the latest point is high or low) and a rising or falling dot
trail; assurance — a ring with "P" (consistently passes), "F" (consistently fails) or
"?" (hit and miss) over a dashed target line.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Circle
from matplotlib.ticker import PercentFormatter

from analysis.methods.spc import ptd_icons
from analysis.publish import style
from analysis.publish.icons import ASSURANCE_TEXT, VARIATION_TEXT

NEUTRAL = style.NHS_PURPLE
POINT_STYLE = {
    "common_cause": (style.COMMON_CAUSE, "o", 30, "Common cause"),
    "special_cause_improvement": (style.IMPROVEMENT, "^", 60, "Special cause: improvement"),
    "special_cause_concern": (style.CONCERN, "v", 60, "Special cause: concern"),
    "special_cause_neutral_high": (NEUTRAL, "D", 45, "Special cause: high"),
    "special_cause_neutral_low": (NEUTRAL, "D", 45, "Special cause: low"),
}
#: The icons' words (one place for them: :mod:`analysis.publish.icons`).
ICON_TEXT = {k: v for k, v in {**VARIATION_TEXT, **ASSURANCE_TEXT}.items() if k}


def draw_variation_icon(ax, icon: str) -> None:
    """Draw a Making Data Count variation icon into ``ax`` (an inset with unit limits)."""
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.axis("off")
    if icon == "common_cause":
        colour, letter, slope = style.COMMON_CAUSE, "", 0.0
    else:
        kind, side = icon.split("_")
        colour = {"improvement": style.IMPROVEMENT, "concern": style.CONCERN, "neutral": NEUTRAL}[
            kind
        ]
        letter, slope = ("H", 1.0) if side == "high" else ("L", -1.0)
    ax.add_patch(Circle((0.5, 0.5), 0.45, facecolor="white", edgecolor=colour, linewidth=3))
    xs = np.linspace(0.2, 0.8, 7)
    base = 0.42 + 0.03 * np.array([0, 1, -1, 1, 0, -1, 0])
    ys = base if slope == 0 else 0.34 + 0.2 * slope * (xs - 0.5)
    ax.plot(xs, ys, color=style.COMMON_CAUSE, linewidth=1, marker="none", zorder=2)
    tail = slice(None) if slope == 0 else slice(-3, None)
    ax.scatter(xs, ys, s=10, color=style.COMMON_CAUSE, zorder=3)
    if slope != 0:
        ax.scatter(xs[tail], ys[tail], s=14, color=colour, zorder=4)
    if letter:
        ax.text(
            0.5,
            0.66,
            letter,
            ha="center",
            va="center",
            fontsize=12,
            fontweight="bold",
            color=colour,
        )


def draw_assurance_icon(ax, kind: str) -> None:
    """Draw a Making Data Count assurance icon (pass, fail or hit and miss) into ``ax``."""
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.axis("off")
    colour, letter = {
        "consistent_pass": (style.IMPROVEMENT, "P"),
        "consistent_fail": (style.CONCERN, "F"),
        "inconsistent": (style.COMMON_CAUSE, "?"),
    }[kind]
    ax.add_patch(Circle((0.5, 0.5), 0.45, facecolor="white", edgecolor=colour, linewidth=3))
    ax.text(
        0.5, 0.6, letter, ha="center", va="center", fontsize=13, fontweight="bold", color=colour
    )
    ax.plot(
        [0.18, 0.82], [0.3, 0.3], color=style.NHS_RED, linestyle="--", linewidth=1.2, marker="none"
    )


def spc_alt_text(spc: pd.DataFrame, measure: str, unit: str = "", reading: str = "") -> str:
    """Alt text: what the chart shows, its span, mean and limits, and the reading."""
    obs = spc[spc["y"].notna()]
    if obs.empty:
        return f"SPC chart of {measure}: no data."
    last = obs.iloc[-1]
    n_flag = int(obs["special_cause_flag"].sum())
    limits = (
        f"process limits {last.lpl:.1f}{unit} to {last.upl:.1f}{unit}"
        if not pd.isna(last.upl)
        else "no process limits (too few points)"
    )
    return (
        f"SPC chart of {measure}, {pd.Timestamp(obs['x'].iloc[0]):%B %Y} to {pd.Timestamp(last.x):%B %Y}, "
        f"{len(obs)} points; latest average {last['mean']:.1f}{unit}, {limits}; "
        f"{n_flag} special-cause point{'s' if n_flag != 1 else ''}. {reading}"
    ).strip()


def spc_chart(
    spc: pd.DataFrame, title: str, y_label: str = "", unit: str = "", icons: bool = True
) -> plt.Figure:
    """An SPC chart of one facet of :func:`analysis.methods.spc.ptd_spc` output."""
    style.apply()
    if spc["f"].nunique() > 1:
        raise ValueError("spc_chart draws one facet: filter the ptd_spc output to one value of 'f'")
    fig, ax = plt.subplots(figsize=(8, 4))
    x, y = spc["x"], spc["y"]
    ax.plot(x, y, color=style.COMMON_CAUSE, linewidth=1.2, marker="none", zorder=1)
    seen = set()
    for pt, (colour, marker, size, label) in POINT_STYLE.items():
        m = (spc["point_type"].astype(str) == pt).to_numpy()
        if m.any():
            lab = label if label not in seen else None
            seen.add(label)
            ax.scatter(
                x[m],
                y[m],
                color=colour,
                marker=marker,
                s=size,
                zorder=3,
                label=lab,
                edgecolor="none",
            )
    for _, grp in spc.groupby("rebase_group", sort=True):
        gx = grp["x"]
        ax.plot(
            gx, grp["mean"], color=style.NHS_DARK_GREY, linewidth=1.3, linestyle="-", marker="none"
        )
        for col in ("lpl", "upl"):
            ax.plot(
                gx, grp[col], color=style.NHS_MID_GREY, linewidth=1.0, linestyle="--", marker="none"
            )
    ax.plot([], [], color=style.NHS_DARK_GREY, linestyle="-", marker="none", label="Mean")
    if spc[["lpl", "upl"]].notna().any().any():  # no key for lines the chart does not draw
        ax.plot(
            [], [], color=style.NHS_MID_GREY, linestyle="--", marker="none", label="Process limits"
        )
    if spc["target"].notna().any():
        ax.plot(
            x,
            spc["target"],
            color=style.NHS_RED,
            linestyle=(0, (4, 2)),
            linewidth=1.2,
            marker="none",
            label="Target",
        )
    ax.set_title(title)
    ax.set_ylabel(y_label)
    month_axis(ax, x)
    if unit == "%":
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=None))
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncol=3, fontsize=8)
    if icons:
        _draw_icons(ax, spc)
    fig.tight_layout()
    return fig


def _draw_icons(ax, spc: pd.DataFrame) -> None:
    """The latest point's icons beside the chart, by the rule that gives the page's tables
    theirs (:func:`~analysis.methods.spc.ptd_icons`), with their words; with too few points,
    the words that say so and no icon."""
    latest = ptd_icons(spc)
    if latest.empty:
        return
    var, ass = latest.iloc[0]["variation_icon"], latest.iloc[0]["assurance_type"]
    slots = [(draw_variation_icon, var), (draw_assurance_icon, ass)]
    drawn = [(draw, icon) for draw, icon in slots if isinstance(icon, str)]
    for k, (draw, icon) in enumerate(drawn):
        draw(ax.inset_axes([1.02 + 0.11 * k, 0.84, 0.1, 0.16]), icon)
    words = [ICON_TEXT[icon] for _, icon in drawn] or [VARIATION_TEXT[None]]
    ax.text(1.02, 0.8 if drawn else 1.0, "\n".join(words), transform=ax.transAxes,
            fontsize=7, va="top", ha="left", wrap=True)  # fmt: skip


#: Months between ticks on a chart's time axis, the fewest giving at most this many ticks.
MAX_TICKS = 8
_TICK_MONTHS = (1, 2, 3, 6, 12, 24, 60)


def month_axis(ax, x: pd.Series) -> None:
    r"""Ticks at the start of months (``Jan``, ``Apr`` …, the year beside them), never at days:
    the charts show one point a month or a quarter.

    >>> fig, ax = plt.subplots()
    >>> x = pd.Series(pd.date_range("2024-01-01", periods=3, freq="MS"))
    >>> _ = ax.plot(x, [1, 2, 3]); month_axis(ax, x); fig.canvas.draw()
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['Jan\n2024', 'Feb', 'Mar']
    >>> x = pd.Series(pd.date_range("2021-04-01", periods=48, freq="MS"))
    >>> ax.clear(); _ = ax.plot(x, range(48)); month_axis(ax, x); fig.canvas.draw()
    >>> [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
    ['Jul', 'Jan 2022', 'Jul', 'Jan 2023', 'Jul', 'Jan 2024', 'Jul', 'Jan 2025']
    >>> plt.close(fig)
    """
    dates = pd.to_datetime(x.dropna())
    if dates.empty:
        return
    first, last = dates.min(), dates.max()
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in _TICK_MONTHS if months / s <= MAX_TICKS), _TICK_MONTHS[-1])
    if step < 12:
        locator = mdates.MonthLocator(bymonth=range(1, 13, step))
    else:
        locator = mdates.YearLocator(step // 12)
    formatter = mdates.ConciseDateFormatter(locator)
    formatter.zero_formats[1] = "%b\n%Y"  # January and its year, not the year alone
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)


def facets(spc: pd.DataFrame, measure: str, unit: str = "", y_label: str = "", decimals: int = 1):
    """For each facet of ``spc``: ``(facet, reading, figure, alt text)`` (one style everywhere)."""
    from analysis.publish.narrative import plain_reading, spc_reading

    for facet, part in spc.groupby("f", sort=False, observed=True):
        part = part.copy()
        part.attrs = spc.attrs
        reading = spc_reading(part, unit=unit, decimals=decimals)
        fig = spc_chart(part, f"{facet}: {measure}", y_label or measure, unit)
        alt = spc_alt_text(part, f"{measure} for {facet}", unit, plain_reading(reading)[0])
        yield facet, reading, fig, alt


def spc_panels(
    spc: pd.DataFrame,
    measure: str,
    unit: str = "",
    y_label: str = "",
    save_dir=None,
    decimals: int = 1,
) -> list[dict]:
    """For each facet: its reading and the chart as accessible HTML (see ``figure_html``).

    ``save_dir`` also writes each chart as ``<measure>_<facet>.png`` for board papers.
    """
    from analysis.publish.figures import figure_html

    panels = []
    for facet, reading, fig, alt in facets(spc, measure, unit, y_label, decimals):
        slug = "".join(c if c.isalnum() else "_" for c in f"{measure}_{facet}").strip("_").lower()
        save_as = None if save_dir is None else f"{save_dir}/{slug}.png"
        caption = f"{facet}: {measure}, by month (SPC chart)."
        html = figure_html(fig, alt, caption=caption, save_as=save_as)
        panels.append({"facet": facet, "reading": reading, "html": html})
    return panels


def seasonal_chart(
    decomposition: pd.DataFrame, title: str, unit: str = ""
) -> tuple[plt.Figure, str]:
    """Trend and seasonal components of :func:`analysis.methods.seasonality.stl_decompose`."""
    style.apply()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
    d = decomposition
    x = d.iloc[:, 0]
    top.plot(x, d["observed"], color=style.COMMON_CAUSE, marker="none", label="Observed")
    top.plot(x, d["trend"], color=style.NHS_BLUE, linestyle="-", marker="none", label="Trend")
    top.scatter(x[d["interpolated"]], d.loc[d["interpolated"], "observed"], marker="x", color=style.NHS_DARK_GREY,
                label="No data (interpolated)")  # fmt: skip
    top.set_title(title)
    top.legend(fontsize=8)
    bottom.plot(
        x, d["seasonal"], color=style.NHS_ORANGE, linestyle="--", marker="none", label="Seasonal"
    )
    bottom.axhline(0, color=style.NHS_MID_GREY, linewidth=0.8)
    bottom.legend(fontsize=8)
    fig.tight_layout()
    peak = d.groupby(x.dt.month)["seasonal"].mean()
    alt = (
        f"{title}: trend from {d['trend'].iloc[0]:.1f}{unit} to {d['trend'].iloc[-1]:.1f}{unit}; "
        f"the seasonal pattern peaks in month {int(peak.idxmax())} (+{peak.max():.1f}{unit}) and is lowest in "
        f"month {int(peak.idxmin())} ({peak.min():.1f}{unit})."
    )
    return fig, alt
