"""Friends and Family Test summaries as NHS England defines them.

Reference: NHS England, *Friends and Family Test: guidance* (2019, in force from
April 2020) and the FFT data publication's technical notes. The percentage
positive is (Very good + Good) ÷ all responses, and the percentage negative
(Poor + Very poor) ÷ all responses, where *all responses* includes "Neither good
nor poor" and "Don't know". Response rate = responses ÷ people eligible to respond.

Example: 12 very good, 6 good, 1 neither, 1 don't know → 18 / 20 = 90% positive.

>>> import pandas as pd
>>> r = pd.DataFrame({"service_id": "S", "response_date": pd.Timestamp("2024-05-02"),
...     "rating": ["Very good"] * 12 + ["Good"] * 6 + ["Neither good nor poor", "Don't know"]})
>>> row = monthly_summary(r).iloc[0]
>>> int(row.responses), int(row.positive), float(row.pct_positive)
(20, 18, 90.0)
"""

from __future__ import annotations

import pandas as pd

from analysis.ingest.schemas import NEGATIVE_RATINGS, POSITIVE_RATINGS


def monthly_summary(
    responses: pd.DataFrame,
    eligible: pd.DataFrame | None = None,
    by: tuple[str, ...] = ("service_id",),
) -> pd.DataFrame:
    """Responses, positive and negative counts and percentages per group and month.

    ``eligible`` (the ``fft_eligible`` table) adds ``eligible`` and ``response_rate`` (%)
    when grouping by service.
    """
    df = responses.assign(
        month=responses["response_date"].dt.to_period("M").dt.to_timestamp(),
        positive=responses["rating"].isin(POSITIVE_RATINGS),
        negative=responses["rating"].isin(NEGATIVE_RATINGS),
    )
    keys = [*by, "month"]
    out = (
        df.groupby(keys, observed=True)
        .agg(
            responses=("rating", "size"), positive=("positive", "sum"), negative=("negative", "sum")
        )
        .reset_index()
    )
    out[["responses", "positive", "negative"]] = out[["responses", "positive", "negative"]].astype(
        "int64"
    )
    out["pct_positive"] = 100 * out["positive"] / out["responses"]
    out["pct_negative"] = 100 * out["negative"] / out["responses"]
    if eligible is not None and list(by) == ["service_id"]:
        out = out.merge(eligible[["service_id", "month", "eligible"]], on=keys, how="left")
        out["response_rate"] = 100 * out["responses"] / out["eligible"].astype("float64")
    return out


def latest_complete_month(dates: pd.Series, today: pd.Timestamp | None = None) -> pd.Period:
    """The latest month with data that has ended before ``today``'s month began.

    >>> latest_complete_month(pd.Series(pd.to_datetime(["2025-02-03", "2025-03-31"])),
    ...                       today=pd.Timestamp("2026-11-22"))
    Period('2025-03', 'M')
    >>> latest_complete_month(pd.Series(pd.to_datetime(["2026-10-30", "2026-11-02"])),
    ...                       today=pd.Timestamp("2026-11-22"))
    Period('2026-10', 'M')
    """
    if dates.dropna().empty:
        raise ValueError("no dated rows: there is no month to report on")
    today = today or pd.Timestamp.today()
    last_month = dates.max().to_period("M")
    return min(last_month, today.to_period("M") - 1)
