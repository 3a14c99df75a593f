"""Date rules: day-first by default, evidence from the rows, never a silent swap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.ingest.dates import parse_dates, parse_months


def iso(parsed):
    return [None if np.isnat(d) else str(d)[:10] for d in parsed.dates]


def test_day_first_by_default():
    assert iso(parse_dates(["03/04/2024", "3/4/24", "31/12/2023"])) == [
        "2024-04-03",
        "2024-04-03",
        "2023-12-31",
    ]


def test_explicit_month_first_order():
    assert iso(parse_dates(["03/04/2024", "12/31/2023"], order="mdy")) == [
        "2024-03-04",
        "2023-12-31",
    ]


def test_a_column_proven_month_first_is_read_month_first_and_its_ambiguous_rows_quarantined():
    # Configured day-first, but 12/31/2023 can only be month-first.
    r = parse_dates(["12/31/2023", "01/02/2024", "05/05/2024"])
    assert iso(r) == ["2023-12-31", None, "2024-05-05"]  # 05/05 reads the same either way
    assert r.problems.tolist() == [None, "ambiguous_date_order", None]
    assert r.evidence == {"all": {"dmy": 0, "mdy": 1}}


def test_mixed_orders_follow_each_rows_proof_never_swapped_silently():
    r = parse_dates(["13/01/2024", "01/13/2024", "02/03/2024"])
    assert iso(r) == ["2024-01-13", "2024-01-13", None]
    assert r.problems[2] == "ambiguous_date_order"


def test_a_handful_of_month_first_slips_in_a_day_first_column_are_quarantined():
    # 300 rows prove day-first and 2 month-first (under 1 in 100): the two are slips,
    # quarantined, and the ambiguous 02/03/2024 keeps the column's day-first reading.
    day_first = [f"{13 + i % 15}/03/2024" for i in range(300)]
    values = ["02/03/2024", "03/14/2024", *day_first, "03/27/2024"]
    r = parse_dates(values)
    assert r.problems[:2].tolist() == [None, "date_order_mixed"]
    assert r.problems[-1] == "date_order_mixed"
    assert iso(r)[0] == "2024-03-02" and iso(r)[1] is None
    assert (pd.isna(r.problems)).sum() == 301
    assert r.evidence == {"all": {"dmy": 300, "mdy": 2}}


def test_slips_are_weighed_in_rows_when_distinct_dates_are_parsed_once():
    # 20,000 rows over 15 distinct day-first dates, and 3 slips with distinct dates:
    # weighed in distinct values (3 of 18) they would look like a mixture.
    values = [f"{13 + i % 15}/03/2024" for i in range(20_000)]
    values += ["03/14/2024", "03/15/2024", "03/16/2024", "02/03/2024"]
    r = parse_dates(values)
    assert (r.problems == "date_order_mixed").sum() == 3
    assert r.problems[-1] is None and iso(r)[-1] == "2024-03-02"


@pytest.mark.parametrize(("settled", "expected"), [("dmy", "2024-03-02"), ("mdy", "2024-02-03")])
def test_configuration_settles_ambiguous_rows(settled, expected):
    r = parse_dates(["13/01/2024", "01/13/2024", "02/03/2024"], ambiguous=settled)
    assert iso(r)[2] == expected
    assert r.problems.tolist() == [None, None, None]


def test_evidence_is_judged_per_group():
    # Group A proves month-first; group B only day-first: B's ambiguous row is read day-first.
    r = parse_dates(
        ["12/31/2023", "01/02/2024", "31/12/2023", "01/02/2024"], groups=["A", "A", "B", "B"]
    )
    assert iso(r) == ["2023-12-31", None, "2023-12-31", "2024-02-01"]


def test_impossible_and_unparseable_and_missing_dates_are_named():
    r = parse_dates(["30/02/2024", "31/04/2024", "next week", "", None, "00/01/2024"])
    assert r.problems.tolist() == [
        "invalid_date",
        "invalid_date",
        "unparseable_date",
        "missing_date",
        "missing_date",
        "invalid_date",
    ]


def test_leap_day_is_a_real_date_only_in_leap_years():
    r = parse_dates(["29/02/2024", "29/02/2023"])
    assert iso(r) == ["2024-02-29", None]


def test_iso_month_names_and_times():
    r = parse_dates(
        [
            "2024-04-03",
            "3 Apr 2024",
            "3rd April 2024",
            "03-Apr-24",
            "03/04/2024 14:35",
            "2024-04-03T09:00:00",
        ]
    )
    assert iso(r) == ["2024-04-03"] * 6


def test_months_in_common_spellings():
    r = parse_months(["2024-04", "04/2024", "Apr-24", "April 2024", "01/04/2024", "2024-13"])
    assert iso(r) == ["2024-04-01"] * 5 + [None]
    assert r.problems[-1] == "invalid_date"


def test_a_million_dates_parse_vectorised():
    values = np.array(["15/03/2024", "01/04/2024"] * 500_000, dtype=object)
    r = parse_dates(values)
    assert (r.problems == None).all()  # noqa: E711
    assert iso(r)[:2] == ["2024-03-15", "2024-04-01"]


def test_parsing_each_distinct_date_once_gives_the_row_by_row_result():
    rng = np.random.default_rng(3)
    pool = np.array(
        [
            "15/03/2024",
            "03/15/2024",
            "02/03/2024",
            "31/02/2024",
            "",
            None,
            "2024-03-05",
            "5 Mar 2024",
            "later",
        ],
        dtype=object,
    )
    values = pool[rng.integers(len(pool), size=20_000)]
    fast = parse_dates(values)
    row_by_row = parse_dates(
        values, groups=["one"] * len(values)
    )  # groups take the row-by-row path
    assert np.array_equal(fast.dates, row_by_row.dates, equal_nan=True)
    assert fast.problems.tolist() == row_by_row.problems.tolist()
    assert fast.evidence["all"] == row_by_row.evidence["one"]
    assert np.array_equal(fast.other_reading, row_by_row.other_reading, equal_nan=True)
