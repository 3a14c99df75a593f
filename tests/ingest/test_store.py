"""Storing tidy tables: large ones Hive-partitioned by month, read back whole; replaced atomically."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.ingest import store
from analysis.ingest.clean import clean
from analysis.ingest.store import SchemaError, read_table, table_path, write_table
from tests.ingest.conftest import fft_csv


def responses(*rows: tuple[str, str]) -> pd.DataFrame:
    """FFT responses with the given (id, date) pairs; every other column the same."""
    return pd.DataFrame(
        {
            "response_id": [r for r, _ in rows],
            "service_id": "S1",
            "response_date": pd.to_datetime([d for _, d in rows]),
            "rating": "Good",
            "rating_scale": "six_point",
            "mode": "SMS",
            "age_band": None,
            "sex": None,
            "ethnicity": None,
            "source_file": "fft/x.csv",
            "source_record": range(1, len(rows) + 1),
        }
    )


@pytest.fixture
def small_partitions(monkeypatch):
    monkeypatch.setattr(store, "PARTITION_ROWS", 3)


def test_a_large_table_is_one_partition_per_month_and_reads_back_in_month_order(
    tmp_path, small_partitions
):
    df = responses(
        ("R1", "2024-04-02"),
        ("R2", "2024-03-31"),
        ("R3", "2024-05-01"),
        ("R4", "2024-03-01"),
        ("R5", "2024-04-30"),
    )
    path = write_table(df, "fft_responses", tmp_path)
    assert path == tmp_path / "fft_responses" == table_path("fft_responses", tmp_path)
    assert sorted(p.relative_to(path).as_posix() for p in path.rglob("*.parquet")) == [
        "month=2024-03/part-0.parquet",
        "month=2024-04/part-0.parquet",
        "month=2024-05/part-0.parquet",
    ]
    back = read_table("fft_responses", tmp_path)
    # March (R2, R4 in their original order), then April (R1, R5), then May (R3).
    assert back["response_id"].tolist() == ["R2", "R4", "R1", "R5", "R3"]
    expected = df.set_index("response_id").loc[["R2", "R4", "R1", "R5", "R3"]].reset_index()
    pd.testing.assert_frame_equal(back, store.validate(expected, "fft_responses"))


def test_a_small_table_stays_one_file(tmp_path, small_partitions):
    path = write_table(
        responses(("R1", "2024-03-01"), ("R2", "2024-04-01")), "fft_responses", tmp_path
    )
    assert path == tmp_path / "fft_responses.parquet" and path.is_file()
    assert not (tmp_path / "fft_responses").exists()


def test_a_table_changing_form_replaces_the_other_form(tmp_path, small_partitions):
    big = responses(*[(f"R{i}", f"2024-0{3 + i % 2}-01") for i in range(4)])
    write_table(big, "fft_responses", tmp_path)
    write_table(responses(("S1", "2024-03-01")), "fft_responses", tmp_path)
    assert not (tmp_path / "fft_responses").exists()
    assert read_table("fft_responses", tmp_path)["response_id"].tolist() == ["S1"]
    write_table(big, "fft_responses", tmp_path)
    assert not (tmp_path / "fft_responses.parquet").exists()
    assert len(read_table("fft_responses", tmp_path)) == 4
    assert [p.name for p in tmp_path.iterdir()] == ["fft_responses"]  # nothing left aside


def test_a_table_failing_its_schema_leaves_the_previous_monthly_files_intact(
    tmp_path, small_partitions
):
    big = responses(*[(f"R{i}", f"2024-0{3 + i % 2}-01") for i in range(4)])
    write_table(big, "fft_responses", tmp_path)
    bad = big.assign(rating="Brilliant")
    with pytest.raises(SchemaError, match="rating"):
        write_table(bad, "fft_responses", tmp_path)
    assert read_table("fft_responses", tmp_path)["rating"].tolist() == ["Good"] * 4


def test_the_clean_step_writes_large_tables_by_month_and_reads_them_back(
    partnership, small_partitions
):
    cfg = partnership(
        {
            "fft/fft_2024-03.csv": fft_csv(
                "R1,A1,15/03/2024,Very good,Kind,", "R2,A1,16/03/2024,Poor,,Slow"
            ),
            "fft/fft_2024-04.csv": fft_csv(
                "R3,B2,02/04/2024,Good,Quick,", "R4,A1,03/04/2024,Good,,"
            ),
        }
    )
    manifest = clean(cfg)
    folder = cfg.processed_dir / "fft_responses"
    assert sorted(p.name for p in folder.iterdir()) == ["month=2024-03", "month=2024-04"]
    back = read_table("fft_responses", cfg.processed_dir)
    assert back["response_id"].tolist() == ["R1", "R2", "R3", "R4"]
    # Each row still names the file and record it came from.
    assert back["source_file"].tolist() == ["fft/fft_2024-03.csv"] * 2 + ["fft/fft_2024-04.csv"] * 2
    assert back["source_record"].tolist() == [1, 2, 1, 2]
    assert clean(cfg)["status"] == "unchanged"
    assert manifest["tables"]["fft_responses"] == 4


@pytest.mark.parametrize(
    "ids",
    [
        ["R1", "R2", "R2", "R3"],  # in order: the one-pass proof fails, the lookup finds R2
        ["R3", "R2", "R1", "R2"],  # out of order
        ["R1", "R1"],
    ],
)
def test_writing_refuses_a_repeated_response_id(tmp_path, ids):
    df = responses(*[(i, "2024-03-01") for i in ids])
    with pytest.raises(SchemaError, match="column 'response_id': unique.*value 'R[12]'"):
        write_table(df, "fft_responses", tmp_path)
    assert not table_path("fft_responses", tmp_path).exists()


@pytest.mark.parametrize("ids", [["R1", "R2", "R3"], ["R3", "R1", "R2"], ["R1"]])
def test_distinct_response_ids_are_written_in_or_out_of_order(tmp_path, ids):
    write_table(responses(*[(i, "2024-03-01") for i in ids]), "fft_responses", tmp_path)
    assert read_table("fft_responses", tmp_path)["response_id"].tolist() == ids


@pytest.fixture
def executor():
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool


def test_encoding_alongside_the_check_writes_what_the_plain_write_writes(tmp_path, executor):
    df = responses(("R1", "2024-03-01"), ("R2", "2024-04-02"))
    write_table(df, "fft_responses", tmp_path / "plain")
    write_table(df, "fft_responses", tmp_path / "alongside", executor)
    pd.testing.assert_frame_equal(
        read_table("fft_responses", tmp_path / "alongside"),
        read_table("fft_responses", tmp_path / "plain"),
    )


def test_encoding_alongside_a_check_that_converts_types_encodes_the_checked_table(
    tmp_path, executor
):
    # Object columns (the check converts them to text) and dates as text: the file
    # encoded from the unchecked frame is thrown away and the checked one written.
    df = responses(("R1", "2024-03-01"), ("R2", "2024-04-02")).astype(object)
    df["response_date"] = ["2024-03-01", "2024-04-02"]
    write_table(df, "fft_responses", tmp_path, executor)
    back = read_table("fft_responses", tmp_path)
    assert back["response_date"].tolist() == list(pd.to_datetime(["2024-03-01", "2024-04-02"]))
    assert [p.name for p in tmp_path.iterdir()] == ["fft_responses.parquet"]
    stored = pq.read_schema(tmp_path / "fft_responses.parquet")
    assert pa.types.is_timestamp(stored.field("response_date").type)  # not the text given


def test_encoding_alongside_a_failing_check_keeps_the_previous_table(tmp_path, executor):
    write_table(responses(("R1", "2024-03-01")), "fft_responses", tmp_path)
    bad = responses(("R1", "2024-03-01"), ("R1", "2024-03-02"))  # a repeated id
    with pytest.raises(SchemaError):
        write_table(bad, "fft_responses", tmp_path, executor)
    assert read_table("fft_responses", tmp_path)["response_id"].tolist() == ["R1"]
    assert [p.name for p in tmp_path.iterdir()] == ["fft_responses.parquet"]


def test_reading_trusts_the_rows_written_but_checks_the_columns(tmp_path, small_partitions):
    df = responses(("R1", "2024-03-01"), ("R2", "2024-04-02"), ("R3", "2024-04-03"))
    write_table(df, "fft_responses", tmp_path)
    checked = read_table("fft_responses", tmp_path, check="rows")
    pd.testing.assert_frame_equal(read_table("fft_responses", tmp_path), checked)
    # A partition written by something else, with a column the contract does not have.
    part = tmp_path / "fft_responses" / "month=2024-04" / "part-0.parquet"
    pq.write_table(pq.read_table(part).append_column("surname", pa.array(["X", "Y"])), part)
    with pytest.raises(SchemaError, match=r"month=2024-04.*unexpected \['surname'\]"):
        read_table("fft_responses", tmp_path)


def test_checking_every_row_on_read_is_asked_for(tmp_path, small_partitions):
    write_table(
        responses(("R0", "2024-03-01"), ("R1", "2024-03-01"), ("R2", "2024-04-02")),
        "fft_responses",
        tmp_path,
    )
    part = tmp_path / "fft_responses" / "month=2024-04" / "part-0.parquet"
    t = pq.read_table(part)
    t = t.set_column(t.schema.get_field_index("rating"), "rating", pa.array(["Brilliant"]))
    pq.write_table(t, part)
    assert read_table("fft_responses", tmp_path)["rating"].tolist() == ["Good"] * 2 + ["Brilliant"]
    with pytest.raises(SchemaError, match="Brilliant"):
        read_table("fft_responses", tmp_path, check="rows")


def test_something_else_in_a_partitioned_table_is_refused(tmp_path, small_partitions):
    write_table(
        responses(("R0", "2024-03-01"), ("R1", "2024-03-01"), ("R2", "2024-04-02")),
        "fft_responses",
        tmp_path,
    )
    (tmp_path / "fft_responses" / "notes.txt").write_text("x")
    with pytest.raises(SchemaError, match="notes.txt is not a month's partition"):
        read_table("fft_responses", tmp_path)


def test_the_earlier_layout_of_one_file_per_month_is_still_read(tmp_path, small_partitions):
    df = responses(("R1", "2024-03-01"), ("R2", "2024-04-02"))
    folder = tmp_path / "fft_responses"
    folder.mkdir()
    for month, rows in df.groupby(df["response_date"].dt.strftime("%Y-%m")):
        rows.to_parquet(folder / f"{month}.parquet", index=False)
    assert read_table("fft_responses", tmp_path)["response_id"].tolist() == ["R1", "R2"]


def test_writing_some_months_replaces_only_their_partitions(tmp_path, small_partitions):
    write_table(
        responses(("R1", "2024-03-01"), ("R2", "2024-04-02"), ("R3", "2024-05-01")),
        "fft_responses",
        tmp_path,
    )
    before = (tmp_path / "fft_responses" / "month=2024-03" / "part-0.parquet").stat().st_mtime_ns
    written = store.write_partitions(
        responses(("R4", "2024-04-09"), ("R5", "2024-06-01")), "fft_responses", tmp_path
    )
    assert written == ["2024-04", "2024-06"]
    back = read_table("fft_responses", tmp_path)
    assert back["response_id"].tolist() == ["R1", "R4", "R3", "R5"]
    after = (tmp_path / "fft_responses" / "month=2024-03" / "part-0.parquet").stat().st_mtime_ns
    assert before == after  # untouched
    assert not [p for p in (tmp_path / "fft_responses").iterdir() if p.name.startswith(".")]


def test_writing_some_months_checks_them_first(tmp_path, small_partitions):
    write_table(
        responses(("R0", "2024-03-01"), ("R1", "2024-03-01"), ("R2", "2024-04-02")),
        "fft_responses",
        tmp_path,
    )
    with pytest.raises(SchemaError, match="rating"):
        store.write_partitions(
            responses(("R4", "2024-04-09")).assign(rating="Brilliant"), "fft_responses", tmp_path
        )
    assert read_table("fft_responses", tmp_path)["response_id"].tolist() == ["R0", "R1", "R2"]


def test_months_encoded_alongside_their_check_are_what_the_plain_write_writes(
    tmp_path, small_partitions, executor
):
    history = responses(("R0", "2024-03-01"), ("R1", "2024-03-01"), ("R2", "2024-04-02"))
    new = responses(("R4", "2024-04-09"), ("R5", "2024-06-01"))
    for folder, pool in (("plain", None), ("alongside", executor)):
        write_table(history, "fft_responses", tmp_path / folder)
        written = store.write_partitions(new, "fft_responses", tmp_path / folder, pool)
        assert written == ["2024-04", "2024-06"]
    pd.testing.assert_frame_equal(
        read_table("fft_responses", tmp_path / "alongside", check="rows"),
        read_table("fft_responses", tmp_path / "plain", check="rows"),
    )
    hidden = [p for p in (tmp_path / "alongside" / "fft_responses").iterdir() if p.name[0] == "."]
    assert hidden == []


def test_months_encoded_alongside_a_failing_check_are_not_moved_in(
    tmp_path, small_partitions, executor
):
    write_table(
        responses(("R0", "2024-03-01"), ("R1", "2024-03-01"), ("R2", "2024-04-02")),
        "fft_responses",
        tmp_path,
    )
    bad = responses(("R4", "2024-04-09"), ("R5", "2024-06-01")).assign(rating="Brilliant")
    with pytest.raises(SchemaError, match="rating"):
        store.write_partitions(bad, "fft_responses", tmp_path, executor)
    assert read_table("fft_responses", tmp_path)["response_id"].tolist() == ["R0", "R1", "R2"]
    folder = tmp_path / "fft_responses"
    assert sorted(p.name for p in folder.iterdir()) == ["month=2024-03", "month=2024-04"]


def test_dates_are_stored_in_microseconds_and_read_as_nanoseconds(tmp_path):
    write_table(responses(("R1", "2024-03-01")), "fft_responses", tmp_path)
    stored = pq.read_schema(tmp_path / "fft_responses.parquet").field("response_date").type
    assert stored == pa.timestamp("us")
    assert read_table("fft_responses", tmp_path)["response_date"].dtype == "datetime64[ns]"


def test_a_large_month_is_several_files_read_back_in_order(tmp_path, small_partitions, monkeypatch):
    # FILE_ROWS = 1: March's twelve rows are twelve files, part-0 … part-11. Read back in
    # the order written: a sort of the names as text would read part-10 before part-2.
    monkeypatch.setattr(store, "FILE_ROWS", 1)
    march = [(f"R{i:02d}", "2024-03-01") for i in range(12)]
    df = responses(*march, ("Q1", "2024-04-01"))
    write_table(df, "fft_responses", tmp_path)
    files = sorted(p.name for p in (tmp_path / "fft_responses" / "month=2024-03").iterdir())
    assert sorted(files) == sorted(f"part-{k}.parquet" for k in range(12))
    back = read_table("fft_responses", tmp_path, check="rows")
    assert back["response_id"].tolist() == [r for r, _ in march] + ["Q1"]


def test_a_months_files_are_the_rows_in_order_of_nearly_equal_size(
    tmp_path, small_partitions, monkeypatch
):
    # Seven rows, at most three a file: 7 / 3 rounded up is three files, of 2, 3 and 2 rows
    # (bounds at 7/3 and 14/3 rounded: 2 and 5).
    monkeypatch.setattr(store, "FILE_ROWS", 3)
    rows = [(f"R{i}", "2024-03-01") for i in range(7)]
    store.write_table(responses(*rows), "fft_responses", tmp_path)
    folder = tmp_path / "fft_responses" / "month=2024-03"
    ids = [pq.read_table(folder / f"part-{k}.parquet")["response_id"].to_pylist() for k in range(3)]
    assert ids == [["R0", "R1"], ["R2", "R3", "R4"], ["R5", "R6"]]
    # Replacing the month with fewer rows leaves one file, no file of the old month behind.
    store.write_partitions(responses(("S1", "2024-03-09")), "fft_responses", tmp_path)
    assert [p.name for p in folder.iterdir()] == ["part-0.parquet"]
    assert read_table("fft_responses", tmp_path)["response_id"].tolist() == ["S1"]


def test_the_query_engine_reads_every_file_of_a_month(tmp_path, small_partitions, monkeypatch):
    import duckdb

    monkeypatch.setattr(store, "FILE_ROWS", 2)
    write_table(
        responses(*[(f"R{i}", f"2024-0{3 + i % 2}-01") for i in range(9)]),
        "fft_responses",
        tmp_path,
    )
    folder = tmp_path / "fft_responses"
    assert len(list((folder / "month=2024-03").glob("*.parquet"))) == 3  # R0 R2 R4 R6 R8
    counts = duckdb.sql(
        f"SELECT month, count(*) FROM read_parquet('{folder}/**/*.parquet', hive_partitioning = true)"
        " GROUP BY month ORDER BY month"
    ).fetchall()
    assert counts == [("2024-03", 5), ("2024-04", 4)]
