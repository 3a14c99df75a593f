import pandas as pd

from analysis.methods.fft import monthly_summary


def test_response_rate_and_percentages_by_hand():
    # 3 responses in May: Very good, Poor, Don't know; 60 eligible.
    # % positive = 1/3 = 33.3%, % negative = 1/3, response rate = 3/60 = 5%.
    responses = pd.DataFrame(
        {
            "service_id": "S1",
            "response_date": pd.to_datetime(["2024-05-01", "2024-05-20", "2024-05-31"]),
            "rating": ["Very good", "Poor", "Don't know"],
        }
    )
    eligible = pd.DataFrame(
        {"service_id": ["S1"], "month": [pd.Timestamp("2024-05-01")], "eligible": [60]}
    )
    row = monthly_summary(responses, eligible).iloc[0]
    assert row["responses"] == 3
    assert round(row["pct_positive"], 1) == 33.3
    assert round(row["pct_negative"], 1) == 33.3
    assert row["response_rate"] == 5.0
