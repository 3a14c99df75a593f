"""The stored rows sharing a key with new rows (``analysis.ingest.stored_keys``): the rows the
key column's statistics rule out are not read, and no row sharing a key is missed."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.ingest.stored_keys import _may_share, earlier_rows


def _month(out, month: str, ids: list[str], statistics: bool = True) -> None:
    folder = out / "fft_responses" / f"month={month}"
    folder.mkdir(parents=True)
    rows = pa.table({"response_id": ids, "source_file": [f"fft_{month}.csv"] * len(ids)})
    pq.write_table(rows, folder / "part-0.parquet", write_statistics=statistics)


def _joined(out, keys: list[str]) -> pd.DataFrame:
    """The answer read from every stored row (the join alone, nothing ruled out first)."""
    con = duckdb.connect()
    con.register("new_keys", pa.table({"k": pa.array(keys)}))
    glob = str(out / "fft_responses" / "**" / "*.parquet")
    return con.execute(
        """SELECT t.response_id AS key, t.month AS month, t.source_file
           FROM read_parquet(?, hive_partitioning = true, hive_types_autocast = false) t
           JOIN (SELECT DISTINCT k FROM new_keys) n ON t.response_id = n.k""",
        [glob],
    ).df()


@pytest.fixture
def stored(tmp_path):
    _month(tmp_path, "2024-03", ["R0001", "R0002", "R0003"])
    _month(tmp_path, "2024-04", ["R0004", "R0005"])
    return tmp_path


@pytest.mark.parametrize(
    "keys, shared",
    [
        (["R0006", "R0007"], []),  # above every stored key: a new month's usual case
        (["Q9", "Q8"], []),  # below every one
        (["R0005", "R0009"], ["R0005"]),  # the new keys start at the greatest stored key
        (["A", "R0001"], ["R0001"]),  # end at the least
        (["R00025", "R0006"], []),  # a range overlapping the stored ones, no key shared
        (["R0002", "R0004", "R0004"], ["R0002", "R0004"]),
    ],
)
def test_the_rows_sharing_a_key_are_found_as_the_join_finds_them(stored, keys, shared):
    found = earlier_rows(stored, "fft_responses", "response_id", pa.array(keys))
    pd.testing.assert_frame_equal(
        found.sort_values("key", ignore_index=True),
        _joined(stored, keys).sort_values("key", ignore_index=True),
    )
    assert sorted(found["key"]) == shared


def test_the_statistics_rule_out_a_month_above_or_below_the_stored_keys(stored):
    con = duckdb.connect()
    glob = str(stored / "fft_responses" / "**" / "*.parquet")
    assert not _may_share(con, glob, "response_id", pa.array(["R0006", "R0100"]))
    assert _may_share(con, glob, "response_id", pa.array(["R0003", "R0100"]))
    assert _may_share(con, glob, "response_id", pa.array(["R00025"]))  # inside a range


def test_a_file_without_statistics_is_read(stored):
    """Files written without the key's statistics (older files) may hold any key."""
    _month(stored, "2024-05", ["R0100", "Z0001"], statistics=False)
    found = earlier_rows(stored, "fft_responses", "response_id", pa.array(["Z0001", "Z0002"]))
    assert found.to_dict("records") == [
        {"key": "Z0001", "month": "2024-05", "source_file": "fft_2024-05.csv"}
    ]
