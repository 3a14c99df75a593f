"""Response rates when an eligible-count export is wrong or incomplete (hand-worked counts)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.methods.attribute_charts import attribute_spc
from analysis.methods.headline_series import EligibleCountWarning, summary_series

MONTHS = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"])


def _summary(a_eligible, b_eligible):
    """Services A and B, three months: A 10 responses (6 positive), B 4 (3 positive) a month."""
    return pd.DataFrame(
        {
            "service_id": ["A"] * 3 + ["B"] * 3,
            "month": list(MONTHS) * 2,
            "responses": [10] * 3 + [4] * 3,
            "positive": [6] * 3 + [3] * 3,
            "eligible": a_eligible + b_eligible,
        }
    )


def test_more_responses_than_eligible_leaves_that_rate_out_and_charts_the_rest():
    # A's February says 5 people eligible but 10 answered: impossible.
    rows = _summary([100.0, 5.0, 100.0], [40.0, 40.0, 40.0])
    with pytest.warns(EligibleCountWarning, match=r"A 2024-02: 10 responses, 5 eligible"):
        out = summary_series(rows)
    # January and March: (10 + 4) / (100 + 40) = 10%; February unknown.
    assert out["response_rate"].tolist()[0] == pytest.approx(10.0)
    assert np.isnan(out["response_rate"].tolist()[1])
    assert out["response_rate"].tolist()[2] == pytest.approx(10.0)
    spc = attribute_spc(out, "responses", "eligible", "month", chart="pprime", multiplier=100)
    assert spc["y"].dropna().round(6).tolist() == [10.0, 10.0]


def test_a_service_without_its_eligible_count_hides_the_pooled_rate_not_inflates_it():
    # B sent no eligible count for March: 14 responses over A's 100 would read 14%.
    rows = _summary([100.0, 100.0, 100.0], [40.0, 40.0, np.nan])
    out = summary_series(rows)
    assert out["response_rate"].round(6).tolist()[:2] == [10.0, 10.0]
    assert np.isnan(out["response_rate"].tolist()[2])
    by_service = summary_series(rows, by="service")
    a = by_service.loc[by_service["facet"] == "A", "response_rate"].tolist()
    assert a == [10.0, 10.0, 10.0]
