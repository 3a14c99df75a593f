"""The small demonstration partnership's processed data in both layouts, and the engines.

``layouts`` gives the data as the clean step writes it for a small partnership (one
Parquet file per table) and with the large tables as Hive-partitioned datasets
(``month=YYYY-MM/``), as it writes them at scale. Spark runs are marked ``spark`` and
skipped where pyspark or Java is missing; the Spark session starts once per test session.
"""

from __future__ import annotations

import shutil

import pytest

from analysis.ingest import store
from analysis.ingest.store import PARTITION_BY, read_table, table_path, write_month, write_table
from analysis.query import Queries, QuerySettings
from analysis.query.engine import spark_available

ENGINES = [
    "duckdb",
    pytest.param(
        "spark",
        marks=[
            pytest.mark.spark,
            pytest.mark.xdist_group("spark"),  # one worker, one Spark session
            pytest.mark.skipif(spark_available() is not None, reason=str(spark_available())),
        ],
    ),
]


@pytest.fixture(scope="session")
def partitioned_dir(demo_config, tmp_path_factory):
    """A copy of the demonstration's processed data with every date-split table by month,
    and a month of more than 97 rows in several files (as a month of more than
    ``store.FILE_ROWS`` rows is written at scale)."""
    out = tmp_path_factory.mktemp("partitioned") / "processed"
    shutil.copytree(demo_config.processed_dir, out, ignore=shutil.ignore_patterns(".cache"))
    saved = store.PARTITION_ROWS, store.FILE_ROWS
    store.PARTITION_ROWS, store.FILE_ROWS = 1, 97
    try:
        for name in PARTITION_BY:
            if table_path(name, out).exists():
                write_table(read_table(name, out), name, out)
    finally:
        store.PARTITION_ROWS, store.FILE_ROWS = saved
    # themes and sentiment kept by their comment's month, as the classifier keeps them then
    month_of = read_table("fft_comments", out).set_index("comment_id")["response_date"]
    for name in ("comment_themes", "comment_sentiment"):
        rows = read_table(name, out)
        months = rows["comment_id"].map(month_of).dt.strftime("%Y-%m")
        for month, part in rows.groupby(months):
            write_month(part, name, out, month)
    assert (out / "fft_responses").is_dir() and (out / "comment_themes").is_dir()
    assert any(len(files) > 1 for files in store.partitions(out / "fft_comments").values())
    return out


@pytest.fixture(scope="session", params=["files", "partitioned"])
def processed(request, demo_config, partitioned_dir):
    """The processed folder in each layout."""
    return demo_config.processed_dir if request.param == "files" else partitioned_dir


@pytest.fixture(scope="session", params=ENGINES)
def queries(request, processed):
    """The query layer over each layout, on each engine."""
    return Queries(processed, QuerySettings(engine=request.param))
