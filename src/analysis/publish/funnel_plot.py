"""Funnel plot of services' proportions with 95% and 99.8% limits, in the project style.

Draws :func:`analysis.methods.funnel.proportion_funnel` output: services as points
(outside the 99.8% limits in orange with a label), the target line, and the limits
(95% dashed, 99.8% solid), with NHS England's caveat on comparing FFT results; and
:func:`england_funnel_chart`, the partnership's services among England's providers
(:func:`analysis.methods.national.provider_funnel`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from analysis.methods.funnel import funnel_curve
from analysis.methods.national import ProviderFunnel
from analysis.publish import style


def funnel_chart(
    units: pd.DataFrame, fit: dict, title: str, multiplier: float = 100
) -> tuple[plt.Figure, str]:
    """The figure and its alt text."""
    style.apply()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    curve = funnel_curve(fit, units["denominator"].max() * 1.1)
    for col, ls, label in (("95", "--", "95% limits"), ("998", "-", "99.8% limits")):
        for side in ("lower", "upper"):
            ax.plot(
                curve["denominator"],
                curve[f"{side}_{col}"] * multiplier,
                color=style.NHS_MID_GREY,
                linestyle=ls,
                marker="none",
                label=label if side == "lower" else None,
            )
    ax.axhline(fit["target"] * multiplier, color=style.NHS_DARK_GREY, linewidth=1, label="Overall")
    inside = ~units["outside"]
    ax.scatter(
        units.loc[inside, "denominator"],
        units.loc[inside, "proportion"] * multiplier,
        color=style.NHS_BLUE,
        marker="o",
        s=30,
        label="Within limits",
        zorder=3,
    )
    ax.scatter(
        units.loc[~inside, "denominator"],
        units.loc[~inside, "proportion"] * multiplier,
        color=style.CONCERN,
        marker="D",
        s=45,
        label="Outside 99.8% limits",
        zorder=3,
    )
    for r in units[~inside].itertuples():
        ax.annotate(
            str(r.unit),
            (r.denominator, r.proportion * multiplier),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
        )
    ax.set_title(title)
    ax.set_xlabel("Responses")
    ax.set_ylabel("% positive" if multiplier == 100 else "Proportion")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    outside = units.loc[~inside, "unit"].astype(str).tolist()
    alt = (
        f"Funnel plot of {len(units)} services' percentage positive against their number of responses; "
        f"overall {fit['target'] * multiplier:.1f}%"
        + (", limits widened for overdispersion" if fit["overdispersed"] else "")
        + (
            f"; outside the 99.8% limits: {', '.join(outside)}."
            if outside
            else "; every service is within the limits."
        )
    )
    return fig, alt


def _period_words(period: pd.Period) -> str:
    if period.freqstr.startswith("M"):
        return period.strftime("%B %Y")
    if period.freqstr.startswith("Q"):
        return f"{period.start_time:%B} to {period.end_time:%B %Y}"
    return str(period)


def england_funnel_chart(funnel: ProviderFunnel, title: str) -> tuple[plt.Figure, str]:
    """The partnership's services among England's providers (a :class:`ProviderFunnel`).

    England's providers are pale grey points, the partnership's services labelled blue
    diamonds; the lines are PHEindicatormethods' 95% (dashed) and 99.8% (solid) limits
    around the England value. The alt text ends with NHS England's caveat.
    """
    style.apply()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    lim = funnel.limits
    for level, ls, label in (("2s", "--", "95% limits"), ("3s", "-", "99.8% limits")):
        for side in ("lower", "upper"):
            ax.plot(
                lim["Population"],
                lim[f"{side}_{level}_limit"],
                color=style.NHS_MID_GREY,
                linestyle=ls,
                marker="none",
                label=label if side == "lower" else None,
            )
    ax.axhline(funnel.england, color=style.NHS_DARK_GREY, linewidth=1, label="England")
    pts = funnel.points
    others, mine = pts[~pts["local"]], pts[pts["local"]]
    ax.scatter(
        others["denominator"], others["value"], color=style.COMMON_CAUSE, s=12, alpha=0.6,
        label="Providers in England", zorder=2,
    )  # fmt: skip
    ax.scatter(
        mine["denominator"], mine["value"], color=style.NHS_BLUE, marker="D", s=45,
        label="Our services", zorder=3,
    )  # fmt: skip
    for r in mine.itertuples():
        ax.annotate(
            str(r.unit), (r.denominator, r.value), xytext=(4, 4), textcoords="offset points",
            fontsize=8,
        )  # fmt: skip
    ax.set_xscale("log")
    ax.set_title(title)
    ax.set_xlabel("Responses" if funnel.indicator == "percent_positive" else "People eligible")
    ax.set_ylabel("% positive" if funnel.indicator == "percent_positive" else "Response rate (%)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    words = {
        "High (0.001)": "above the 99.8% limit",
        "High (0.025)": "above the 95% limit",
        "Low (0.001)": "below the 99.8% limit",
        "Low (0.025)": "below the 95% limit",
        "Not significant": "within the limits",
    }
    placed = "; ".join(f"{r.unit} {words[str(r.significance)]}" for r in mine.itertuples())
    what = "percentage positive" if funnel.indicator == "percent_positive" else "response rate"
    alt = (
        f"Funnel plot of the FFT {what} of {len(others)} {funnel.setting} providers in England, "
        f"{_period_words(funnel.period)}, England {funnel.england:.1f}%; {placed or 'no local services'}. "
        + funnel.caveat
    )
    return fig, alt
