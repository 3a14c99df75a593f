"""Friends and Family Test content for the reports: the table by service and the charts by setting."""

from __future__ import annotations

import pandas as pd

from analysis.publish import style
from analysis.publish.disclosure import Disclosure
from analysis.publish.periods import Period
from analysis.publish.suppression import MARK


def in_scope(services: pd.DataFrame, scope: str) -> pd.DataFrame:
    """The services a report covers: all (``""``), one setting, or one service id.

    >>> s = pd.DataFrame({"service_id": ["A", "B"], "setting": ["acute", "urgent care"]})
    >>> in_scope(s, "urgent care")["service_id"].tolist()
    ['B']
    """
    if not scope:
        return services
    chosen = services[(services["setting"] == scope) | (services["service_id"] == scope)]
    if chosen.empty:
        raise ValueError(
            f"scope {scope!r} is neither a setting nor a service id; settings: "
            f"{sorted(services['setting'].unique())}, services: {sorted(services['service_id'])}"
        )
    return chosen


def _totals(summary: pd.DataFrame, months) -> pd.DataFrame:
    stamps = [m.to_timestamp() for m in months]
    part = summary[summary["month"].isin(stamps)]
    agg = {"responses": ("responses", "sum"), "positive": ("positive", "sum")}
    if "eligible" in part:
        agg["eligible"] = ("eligible", lambda s: s.sum(min_count=1))
    out = part.groupby("service_id").agg(**agg).reset_index()
    out["pct_positive"] = 100 * out["positive"] / out["responses"]
    if "eligible" in out:
        out["response_rate"] = 100 * out["responses"] / out["eligible"].astype("float64")
    return out


def fft_table(
    summary: pd.DataFrame,
    services: pd.DataFrame,
    period: Period,
    min_count: int,
    disclosure: Disclosure | None = None,
) -> pd.DataFrame:
    """Per service for the period: responses, % positive, change on the previous period, response rate.

    Percentages are pooled over the period's months (all responses, as NHS England counts
    them). Which figures are shown follows ``disclosure`` (:mod:`analysis.publish.disclosure`:
    small counts hidden with their percentages, complementary cells across services and
    settings, a quarter or year hidden when any of its months is), so no hidden count can
    be worked back from any other published figure. Give the partnership's
    :class:`Disclosure` (over all services) so a scoped report hides the same cells as
    the whole partnership's; without one it is built from ``summary``. The change on the
    previous period is shown only where both periods are published.
    """
    disclosure = disclosure or Disclosure(summary, services, min_count)
    ids = services["service_id"]
    shown = disclosure.published_services(ids, period.months)
    shown_before = disclosure.published_services(ids, period.previous)
    this = _totals(summary, period.months)
    last = _totals(summary, period.previous)
    last = last.loc[last["service_id"].map(shown_before).fillna(False).astype(bool)]
    last = last[["service_id", "pct_positive"]]
    df = (
        services[["service_id", "service_name", "setting"]]
        .merge(this, on="service_id", how="left")
        .merge(last.rename(columns={"pct_positive": "last_pct"}), on="service_id", how="left")
    )
    df["responses"] = df["responses"].fillna(0).astype("int64")
    if "response_rate" not in df:
        df["response_rate"] = float("nan")
    df["change"] = df["pct_positive"] - df["last_pct"]
    hidden = ~df["service_id"].map(shown).astype(bool)
    df = df.astype({c: "object" for c in ("responses", "pct_positive", "response_rate", "change")})
    df.loc[hidden, ["responses", "pct_positive", "response_rate", "change"]] = MARK
    return pd.DataFrame(
        {
            "Service": df["service_name"],
            "Setting": df["setting"],
            "Responses": df["responses"],
            "% positive": df["pct_positive"].map(_pct),
            f"Change on previous {period.kind} (points)": df["change"].map(_signed),
            "Response rate": df["response_rate"].map(_pct),
        }
    )


def _pct(x) -> str:
    return x if isinstance(x, str) else ("" if pd.isna(x) else f"{x:.1f}%")


def _signed(x) -> str:
    return x if isinstance(x, str) else ("" if pd.isna(x) else f"{x:+.1f}")


def setting_chart(
    summary: pd.DataFrame,
    services: pd.DataFrame,
    setting: str,
    month: pd.Period,
    min_count: int,
    disclosure: Disclosure | None = None,
):
    """Line chart of monthly % positive for each service in ``setting`` up to ``month``.

    Only months whose figure the monthly tables publish are drawn (``disclosure``, see
    :func:`fft_table`). Returns the figure and its alt text.
    """
    import matplotlib.pyplot as plt

    style.apply()
    disclosure = disclosure or Disclosure(summary, services, min_count)
    ids = services.loc[services["setting"] == setting, ["service_id", "service_name"]]
    data = summary[
        summary["service_id"].isin(ids["service_id"])
        & (summary["month"] <= month.to_timestamp())
        & (summary["responses"] >= min_count)
    ]
    data = data[
        [
            disclosure.published([sid], [pd.Timestamp(m).to_period("M")])
            for sid, m in zip(data["service_id"], data["month"], strict=True)
        ]
    ]
    fig, ax = plt.subplots()
    descriptions = []
    for (sid, name), (colour, marker, line) in zip(
        ids.itertuples(index=False), style.series_styles(), strict=False
    ):
        s = data[data["service_id"] == sid].sort_values("month")
        if s.empty:
            continue
        ax.plot(
            s["month"], s["pct_positive"], color=colour, marker=marker, linestyle=line, label=name
        )
        latest = s.iloc[-1]
        descriptions.append(
            f"{name}: {latest['pct_positive']:.0f}% positive in {latest['month']:%B %Y}, "
            f"ranging {s['pct_positive'].min():.0f}% to {s['pct_positive'].max():.0f}%"
        )
    ax.set_ylabel("% positive (very good or good)")
    ax.set_ylim(0, 100)
    ax.set_title(f"{setting.capitalize()}: FFT % positive by month")
    if descriptions:
        ax.legend(loc="lower left")
    alt = (
        f"Line chart of the monthly Friends and Family Test percentage positive for {setting} services. "
        + ("; ".join(descriptions) if descriptions else "No months with enough responses to show.")
        + "."
    )
    return fig, alt
