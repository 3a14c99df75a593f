"""Who answered, from counts: the query layer's ``group_counts`` and the voices methods on them.

``group_counts`` must equal a pandas group-by of the response rows (missing answers kept
as their own group), on both engines and both store layouts. Then each
:mod:`analysis.methods.voices` figure computed from those counts must equal the same
figure computed from the response rows (the demonstration's population periods are whole
financial years, so months place every response in the same period as its date does).
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.ingest.store import read_table
from analysis.methods import voices


def _rows(processed):
    return read_table("fft_responses", processed)


@pytest.mark.parametrize("group_type", voices.GROUP_TYPES)
def test_group_counts_equal_a_pandas_groupby(queries, processed, group_type):
    r = _rows(processed)
    m = r["response_date"].dt.to_period("M")
    r = r[(m >= pd.Period("2024-02", "M")) & (m <= pd.Period("2024-05", "M"))]
    keys = ["service_id", "month", group_type, "mode"]
    want = (
        r.assign(
            month=r["response_date"].dt.to_period("M").dt.to_timestamp(),
            positive=r["rating"].isin(["Very good", "Good"]),
        )
        .groupby(keys, dropna=False)
        .agg(responses=("rating", "size"), positive=("positive", "sum"))
        .reset_index()
        .sort_values(keys, ignore_index=True, na_position="last")
    )
    got = queries.group_counts(("2024-02", "2024-05"), "", group_type)
    assert got[group_type].isna().any()  # some respondents did not say: kept, as missing
    assert got["responses"].sum() == len(r)

    def same(df):  # missing: None from one engine, NaN from another
        df = df.astype({"month": "datetime64[ns]", "positive": "int64", "responses": "int64"})
        return df.astype({group_type: object, "mode": object}).fillna(
            {group_type: "-", "mode": "-"}
        )

    pd.testing.assert_frame_equal(same(got), same(want), check_dtype=False)


def test_voices_from_counts_equal_voices_from_rows(queries, processed):
    rows = _rows(processed)
    population = read_table("service_population", processed)
    eligible = read_table("fft_eligible", processed)
    assert len(population) > 0
    for g in voices.GROUP_TYPES:
        counts = queries.group_counts(None, "", g)
        pairs = [
            (
                voices.representation(counts, population, g),
                voices.representation(rows, population, g),
            ),
            (voices.rating_by_group(counts, g), voices.rating_by_group(rows, g)),
            (voices.group_shares_over_time(counts, g), voices.group_shares_over_time(rows, g)),
            (
                voices.responses_by_mode_and_group(counts, g),
                voices.responses_by_mode_and_group(rows, g),
            ),
            (voices.response_rates(counts, eligible), voices.response_rates(rows, eligible)),
            (
                voices.estimated_response_rates(counts, eligible, population, g),
                voices.estimated_response_rates(rows, eligible, population, g),
            ),
        ]
        for got, want in pairs:
            assert len(want) > 0
            pd.testing.assert_frame_equal(got, want, check_dtype=False)
