"""Monthly headline series for trend charts, one series per partnership, setting or service.

``by``: ``"partnership"`` (every service given, together), ``"setting"`` (mental health
inpatient, community health …) or ``"service"``. Counts are summed within the scope
before rates are taken (a pooled rate, not an average of rates), using NHS England's
FFT definitions from :func:`analysis.methods.fft.monthly_summary`.

Every month from the first to ``through`` is a row: months with no responses (the
April–November 2020 collection pause, or a service that sent nothing) carry missing
values, and so do months with fewer than ``min_count`` responses (small numbers are
not shown), so the charts mark a gap rather than draw a line across it.

A service's month with more responses than people eligible is impossible (an eligible
count exported wrongly): its eligible count is left out, with an
:class:`EligibleCountWarning` naming it, rather than published or charted; a setting's or
the partnership's response rate is shown only where every service that responded that
month has its eligible count.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from analysis.methods.fft import monthly_summary

LEVELS = ("partnership", "setting", "service")


class EligibleCountWarning(UserWarning):
    """Months whose eligible count is below their responses: response rates left out."""


def _without_impossible_eligible(summary: pd.DataFrame) -> pd.DataFrame:
    """``summary`` with ``eligible`` blanked where it is below ``responses``, and a warning.

    >>> rows = pd.DataFrame({"service_id": ["A", "B"], "month": pd.to_datetime(["2024-01-01"] * 2),
    ...                      "responses": [10, 4], "eligible": [5.0, 40.0]})
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _without_impossible_eligible(rows)["eligible"].tolist(), str(caught[0].message)[:59]
    ([nan, 40.0], '1 service-month has more FFT responses than people eligible')
    """
    impossible = summary["eligible"] < summary["responses"]
    if not impossible.any():
        return summary
    first = summary.loc[impossible].iloc[0]
    n = int(impossible.sum())
    warnings.warn(
        EligibleCountWarning(
            f"{n} service-month{'s have' if n > 1 else ' has'} more FFT responses than people "
            f"eligible (e.g. {first.get('service_id', '')} {first['month']:%Y-%m}: "
            f"{first['responses']:g} responses, {first['eligible']:g} eligible); their response "
            "rates are left out. Check the eligible counts export (fft_eligible)."
        ),
        stacklevel=3,
    )
    return summary.assign(eligible=summary["eligible"].mask(impossible))


def _with_facet(rows: pd.DataFrame, by: str, services, label: str) -> pd.DataFrame:
    """``rows`` with column ``facet``: ``label``, the service id, or the service's setting."""
    if by == "partnership":
        return rows.assign(facet=label)
    if by == "service":
        return rows.assign(facet=rows["service_id"])
    if services is None:
        raise ValueError("by='setting' needs the services table (service_id → setting)")
    rows = rows.merge(services[["service_id", "setting"]], on="service_id", how="left")
    return rows.assign(facet=rows["setting"].fillna("unknown setting"))


def headline_series(
    responses: pd.DataFrame,
    eligible: pd.DataFrame | None = None,
    services: pd.DataFrame | None = None,
    by: str = "partnership",
    through: pd.Period | str | None = None,
    min_count: int = 0,
    label: str = "All services",
) -> pd.DataFrame:
    """Per series and month: responses, positive, pct_positive, eligible, response_rate.

    The series (``label`` for ``by="partnership"``, else the setting or service id) is in
    column ``facet``. ``services`` (the ``services`` table) is needed for ``by="setting"``.
    """
    return summary_series(
        monthly_summary(responses, eligible), services, by, through, min_count, label
    )


def summary_series(
    summary: pd.DataFrame,
    services: pd.DataFrame | None = None,
    by: str = "partnership",
    through: pd.Period | str | None = None,
    min_count: int = 0,
    label: str = "All services",
) -> pd.DataFrame:
    """:func:`headline_series` from monthly counts by service already aggregated (the
    columns of :func:`analysis.methods.fft.monthly_summary`, e.g. from the query layer)."""
    if by not in LEVELS:
        raise ValueError(f"by must be one of {', '.join(LEVELS)}, got {by!r}")
    summary = summary.copy()
    if "eligible" not in summary:
        summary["eligible"] = np.nan
    summary = _with_facet(_without_impossible_eligible(summary), by, services, label)
    summary["unknown_eligible"] = (summary["responses"] > 0) & summary["eligible"].isna()
    agg = summary.groupby(["facet", "month"], observed=True)[
        ["responses", "positive", "eligible", "unknown_eligible"]
    ].sum(min_count=1)
    # a rate only where every service that responded has its eligible count
    agg["eligible"] = agg["eligible"].mask(agg.pop("unknown_eligible") > 0)
    agg = agg.reset_index()
    last = pd.Period(through, "M").to_timestamp() if through is not None else agg["month"].max()
    agg = agg[agg["month"] <= last]
    if agg.empty:
        return pd.DataFrame(
            columns=[
                "facet",
                "month",
                "responses",
                "positive",
                "eligible",
                "pct_positive",
                "response_rate",
            ]
        )
    months = pd.date_range(agg["month"].min(), last, freq="MS")
    full = pd.MultiIndex.from_product([agg["facet"].unique(), months], names=["facet", "month"])
    out = agg.set_index(["facet", "month"]).reindex(full).reset_index()
    small = out["responses"].fillna(0) < max(min_count, 1)
    out.loc[small, ["responses", "positive"]] = np.nan
    out["pct_positive"] = 100 * out["positive"] / out["responses"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["response_rate"] = 100 * out["responses"] / out["eligible"].where(out["eligible"] > 0)
    return out


def complaint_series(
    complaints: pd.DataFrame,
    services: pd.DataFrame | None = None,
    by: str = "partnership",
    through: pd.Period | str | None = None,
    label: str = "All services",
) -> pd.DataFrame:
    """Complaints received per series and month (``facet``, ``month``, ``complaints``).

    Every month from the first complaint to ``through`` is a row; a month with none
    counts 0 (complaints are recorded continuously, unlike the paused FFT).
    """
    if by not in LEVELS:
        raise ValueError(f"by must be one of {', '.join(LEVELS)}, got {by!r}")
    d = complaints.assign(month=complaints["received_date"].dt.to_period("M").dt.to_timestamp())
    d = _with_facet(d, by, services, label)
    counts = d.groupby(["facet", "month"]).size().rename("complaints")
    if counts.empty:
        return pd.DataFrame(columns=["facet", "month", "complaints"])
    last = pd.Period(through, "M").to_timestamp() if through is not None else d["month"].max()
    months = pd.date_range(d["month"].min(), last, freq="MS")
    full = pd.MultiIndex.from_product([counts.index.levels[0], months], names=["facet", "month"])
    return counts.reindex(full, fill_value=0).reset_index()
