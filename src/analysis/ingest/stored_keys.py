"""The rows already stored that share a key with new rows: looked up in the stored table's
key column (DuckDB, out of core), as soon as a new file's rows are read and redacted.

A new month's clean looks its keys up in the tidy table on disk to find the earlier rows
they may repeat (:mod:`analysis.ingest.incremental`). The lookup needs only the keys:
:class:`StoredKeys` starts it on the clean step's threads once a file's rows are read and
redacted (``convert_file``'s ``keys_read``), while the rows are checked together on one
thread, and its answer is ready when the new rows are de-duplicated. The keys read include
rows found wrong later (quarantined), so what it finds is narrowed to the keys of the rows
kept (:func:`among`): the answer is then the one the kept rows' own lookup gives
(``tests/ingest/test_incremental.py``).
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.ingest.store import PARTITION_COLUMN, table_path


def earlier_rows(out: Path, table: str, key: str, keys: pa.Array) -> pd.DataFrame:
    """The rows of ``table`` on disk whose ``key`` is among ``keys``: key, month, source_file.

    Reads only the key and file columns of the table's partitions (DuckDB, out of core), and
    none when :func:`_may_share` finds that no stored key can be among ``keys``.
    """
    import duckdb  # here, not at the top: imported on the thread looking the keys up

    files = str(table_path(table, out) / "**" / "*.parquet")
    con = duckdb.connect()
    try:
        con.register("new_keys", pa.table({"k": keys}))
        # Without a row group that may hold one of the keys, the same query selects nothing
        # (and gives the same columns) without reading the rows.
        none = "" if _may_share(con, files, key, keys) else "WHERE false"
        return con.execute(
            f"""SELECT t."{key}" AS key, t.{PARTITION_COLUMN} AS month, t.source_file
                FROM read_parquet(?, hive_partitioning = true, hive_types_autocast = false) t
                JOIN (SELECT DISTINCT k FROM new_keys) n ON t."{key}" = n.k {none}""",
            [files],
        ).df()
    finally:
        con.close()


def _may_share(con, files: str, key: str, keys: pa.Array) -> bool:
    """Whether a stored row of ``files`` may have one of ``keys`` as its ``key``.

    False only when the Parquet statistics of every row group's key column (its least and
    greatest value, kept for the keys: ``store.STATISTICS_TEXT``) lie wholly below or above
    the new keys' range, as a new month's do when exports number their responses in order.
    A row group without them (older files, or a key kept without statistics) may share one.
    Text is compared byte by byte here as in Parquet's statistics and in Arrow.
    """
    low, high = (v.as_py() for v in pc.min_max(keys).values())
    if low is None:
        return True
    groups, overlapping = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE stats_min_value IS NULL
               OR stats_max_value IS NULL OR (stats_max_value >= ? AND stats_min_value <= ?))
           FROM parquet_metadata(?) WHERE path_in_schema = ?""",
        [low, high, files, key],
    ).fetchone()
    return groups == 0 or overlapping > 0


def among(found: pd.DataFrame, keys: pa.Array) -> pd.DataFrame:
    """The rows of ``found`` (an :func:`earlier_rows` answer) whose key is among ``keys``.

    >>> found = pd.DataFrame({"key": ["R1", "R3"], "month": ["2024-03"] * 2, "source_file": "a"})
    >>> among(found, pa.array(["R3", "R9"]))["key"].tolist()
    ['R3']
    """
    kept = pc.is_in(
        pa.array(found["key"], pa.large_string()), value_set=keys.cast(pa.large_string())
    )
    return found[kept.to_numpy(zero_copy_only=False)].reset_index(drop=True)


@dataclass
class StoredKeys:
    """The stored rows of ``table`` sharing a key with each new file's rows, looked up on
    ``executor`` as each file's keys are read (:meth:`read`; nothing without an executor)."""

    out: Path
    table: str
    executor: Executor | None
    started: dict[str, tuple[str, Future]] = field(default_factory=dict)  # file → (key, lookup)

    def read(self, file: str, key: str, keys: pa.Array) -> None:
        """``file``'s rows have the ``key`` values ``keys``: look them up."""
        if self.executor is not None:
            lookup = self.executor.submit(earlier_rows, self.out, self.table, key, keys)
            self.started[file] = (key, lookup)

    def found(self, files: list[str], key: str) -> pd.DataFrame | None:
        """The stored rows sharing a ``key`` with any row read from ``files`` (once each), or
        ``None`` if the keys of one of them were not looked up (a file taken from the cache)."""
        if not files or any(self.started.get(f, ("",))[0] != key for f in files):
            return None
        frames = [self.started[f][1].result() for f in files]
        if len(frames) == 1:
            return frames[0]
        return pd.concat(frames, ignore_index=True).drop_duplicates(ignore_index=True)
