"""The data-quality views the clean notebook shows."""

from __future__ import annotations

import pandas as pd

from analysis.ingest.quality import coverage, gaps, quarantine_reasons


def test_quarantine_reasons_count_rules_with_examples_and_where_first_seen():
    q = pd.DataFrame(
        {
            "source": ["fft"] * 3,
            "source_file": ["a.csv", "a.csv", "b.csv"],
            "source_record": [4, 9, 1],
            "source_line": [5, 10, 2],
            "column": ["Date", "Date", None],
            "value": ["TBC", "soon", "x,y"],
            "rule": ["unparseable_date", "unparseable_date", "wrong_field_count"],
            "message": ["m"] * 3,
        }
    )
    out = quarantine_reasons(q).set_index("rule")
    assert out.loc["unparseable_date", "rows"] == 2
    assert out.loc["unparseable_date", "examples"] == "'TBC' | 'soon'"
    assert out.loc["unparseable_date", "first seen at"] == "a.csv line 5"
    assert out.loc["wrong_field_count", "column"] == "(whole row)"


def test_coverage_shows_every_service_and_month_and_gaps_list_the_empty_cells():
    responses = pd.DataFrame(
        {
            "service_id": ["A", "A", "B"],
            "response_date": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-01-09"]),
        }
    )
    services = pd.DataFrame({"service_id": ["A", "B", "C"]})
    table = coverage(responses, services)
    assert table.columns.tolist() == ["2024-01", "2024-02", "2024-03"]
    assert table.loc["A"].tolist() == [1, 0, 1] and table.loc["C"].tolist() == [0, 0, 0]
    # Hand count: A misses February; B misses February and March; C misses all three.
    assert len(gaps(table)) == 6
