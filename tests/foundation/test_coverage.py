"""The months the data covers, read from the files' statistics: equal to reading every date."""

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from analysis.coverage import coverage, date_range


def _reference(path):
    """The dates' range as first written: every date read."""
    dates = ds.dataset(path, format="parquet").to_table(columns=["response_date"]).column(0)
    low, high = pc.min_max(dates).values()
    return (low.as_py(), high.as_py()) if low.is_valid else (None, None)


def _write(path, dates, statistics=True, row_group_size=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table(
        {
            "response_id": [f"R{i}" for i in range(len(dates))],
            "response_date": pa.array(dates, pa.timestamp("us")),
        }
    )
    pq.write_table(table, path, write_statistics=statistics, row_group_size=row_group_size)


def d(text):
    return dt.datetime.fromisoformat(text)


def test_the_range_from_statistics_equals_reading_every_date(tmp_path):
    folder = tmp_path / "fft_responses"
    _write(folder / "month=2024-01" / "part-0.parquet", [d("2024-01-31"), None, d("2024-01-02")])
    # row groups of two: one of them holds only missing dates
    _write(
        folder / "month=2024-02" / "part-0.parquet",
        [d("2024-02-03"), d("2024-02-09"), None, None, d("2024-02-28")],
        row_group_size=2,
    )
    # written without statistics: its dates are read
    _write(
        folder / "month=2024-05" / "part-0.parquet",
        [d("2024-05-17"), d("2024-05-01")],
        statistics=False,
    )
    # a partition being written is not part of the table
    _write(folder / ".month=2024-09" / "part-0.parquet", [d("2024-09-30")])
    assert date_range(folder, "response_date") == _reference(folder)
    assert date_range(folder, "response_date") == (d("2024-01-02"), d("2024-05-17"))


def test_a_single_file_and_one_with_no_dates(tmp_path):
    one = tmp_path / "fft_responses.parquet"
    _write(one, [d("2023-04-05"), d("2025-03-31")], statistics=False)
    assert date_range(one, "response_date") == _reference(one) == (d("2023-04-05"), d("2025-03-31"))
    empty = tmp_path / "empty" / "fft_responses.parquet"
    _write(empty, [None, None])
    assert date_range(empty, "response_date") == _reference(empty) == (None, None)
    with pytest.raises(ValueError, match="no dated responses"):
        coverage(empty.parent)


def test_the_latest_month_counts_once_it_has_ended(tmp_path):
    _write(
        tmp_path / "fft_responses" / "month=2025-04" / "part-0.parquet",
        [d("2025-04-30"), d("2024-12-01")],
    )
    span = coverage(tmp_path, today=pd.Timestamp("2025-04-20"))
    assert (span.first, span.last) == (pd.Period("2024-12", "M"), pd.Period("2025-03", "M"))
    span = coverage(tmp_path, today=pd.Timestamp("2025-05-01"))
    assert span.last == pd.Period("2025-04", "M")
