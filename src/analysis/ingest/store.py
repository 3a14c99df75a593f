"""Read and write the tidy tables in ``data/processed/``, checked against their schemas.

Writes are atomic (a temporary file renamed into place), so a failed run never
leaves a half-written table behind. A large table (:data:`PARTITION_ROWS` rows or
more) with a date to split on (:data:`PARTITION_BY`) is written as a Hive-partitioned
Parquet dataset, one folder per month (``fft_responses/month=2024-03/part-0.parquet`` …;
a month of more than :data:`FILE_ROWS` rows in several files, encoded at once), which
DuckDB and Spark read as one table with a ``month`` partition column (see
:mod:`analysis.query`); :func:`write_partitions` replaces only some months, each
atomically. :func:`read_table` reads either form, months in order.

What is read was checked when it was written, so :func:`read_table` by default checks
only the Parquet schema (the columns of the contract) and the partitions' names, not
every row; ``check="rows"`` checks every row against the schema again.

Example
-------
>>> import tempfile, pandas as pd
>>> from analysis.ingest.store import write_table, read_table
>>> d = tempfile.mkdtemp()
>>> services = pd.DataFrame({"service_id": ["S1"], "service_name": ["Ward 1"],
...     "setting": ["acute"], "directorate": [None], "partnership": ["Demo"]})
>>> _ = write_table(services, "services", d)
>>> read_table("services", d)["service_name"].tolist()
['Ward 1']
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import tempfile
from concurrent.futures import Executor, Future
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.ingest.frames import row_parts, threads
from analysis.ingest.schemas import SCHEMAS


class SchemaError(ValueError):
    """A table does not satisfy its tidy-table schema."""


def validate(df: pd.DataFrame, name: str, where: str = "") -> pd.DataFrame:
    """Check ``df`` against the schema of table ``name`` and coerce its dtypes.

    Raises :class:`SchemaError` listing every failing column, check and example value.
    """
    if name not in SCHEMAS:
        raise KeyError(f"unknown table {name!r}; the tidy tables are {sorted(SCHEMAS)}")
    try:
        return SCHEMAS[name].validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases.head(10)
        lines = [
            f"  column {row.column!r}: {row.check} (e.g. value {row.failure_case!r}"
            f"{'' if pd.isna(row.index) else f', row {row.index}'})"
            for row in cases.itertuples()
        ]
        location = f" in {where}" if where else ""
        raise SchemaError(
            f"table {name!r}{location} does not match its schema:\n"
            + "\n".join(lines)
            + "\nFix the data or the column mapping in the partnership configuration."
        ) from None


#: Tables split by month when large, and the date column that gives each row's month.
PARTITION_BY = {
    "fft_responses": "response_date",
    "fft_comments": "response_date",
    "complaints": "received_date",
    "compliments": "received_date",
    "actions": "heard_date",
    "stories": "published_date",
}
#: From how many rows a table in PARTITION_BY is written as one file per month.
PARTITION_ROWS = 500_000


#: The Hive partition column of a partitioned table's folders (``month=YYYY-MM``).
PARTITION_COLUMN = "month"
#: The name of a partition folder's ``k``-th data file.
_PART = "part-{}.parquet"
#: The data file of a partition folder (the first, if the month has several).
PART_FILE = _PART.format(0)
#: Most rows in one data file of a partition: a larger month is written as several files of
#: nearly equal size (``part-0.parquet``, ``part-1.parquet`` …, rows in order), encoded at
#: once on the machine's cores (a month of 2 million comments in half the time).
FILE_ROWS = 1_000_000
_PARTITION = re.compile(r"month=(\d{4}-(?:0[1-9]|1[0-2]))")
_LEGACY_PART = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])\.parquet")


#: Text columns whose statistics are kept: identifiers that queries and the incremental
#: clean step's key look-ups filter on (row groups outside the range are skipped).
STATISTICS_TEXT = {"response_id", "comment_id", "complaint_id", "service_id"}


def table_path(name: str, processed_dir: str | os.PathLike) -> Path:
    """Where table ``name`` is kept: its folder of monthly files if it has one, else its file."""
    folder = Path(processed_dir) / name
    return folder if folder.is_dir() else Path(processed_dir) / f"{name}.parquet"


def partition_name(month: str) -> str:
    """The folder of one month's partition: ``month=YYYY-MM``."""
    return f"{PARTITION_COLUMN}={month}"


def partitions(folder: Path) -> dict[str, list[Path]]:
    """A partitioned table's data files by month (``YYYY-MM``), months in order.

    Reads the folder's names only. Also reads the earlier layout of one file per month
    (``2024-03.parquet``). Raises :class:`SchemaError` for anything else in the folder.
    """
    found: dict[str, list[Path]] = {}
    for entry in folder.iterdir():
        if entry.name.startswith("."):
            continue  # a partition being written or moved aside
        m = _PARTITION.fullmatch(entry.name)
        if m and entry.is_dir():
            files = sorted(entry.glob("*.parquet"), key=lambda f: (len(f.name), f.name))
            found.setdefault(m[1], []).extend(files)  # part-9 before part-10
        elif _LEGACY_PART.fullmatch(entry.name):
            found.setdefault(entry.name[:7], []).append(entry)
        else:
            raise SchemaError(
                f"{entry} is not a month's partition (month=YYYY-MM/); remove it or re-run "
                "the clean step with --force."
            )
    return dict(sorted(found.items()))


def _write_parquet(table: pa.Table, path: Path) -> None:
    # Statistics (min and max) are kept for dates and numbers, which readers filter on;
    # computing them for text costs a third of the writing and nothing reads them.
    # Timestamps are stored in microseconds, which every engine reads (Spark reads no
    # nanoseconds); the tables' dates are days, so nothing is lost.
    stats = [
        f.name
        for f in table.schema
        if not pa.types.is_large_string(f.type) or f.name in STATISTICS_TEXT
    ]
    pq.write_table(
        table,
        path,
        write_statistics=stats,
        coerce_timestamps="us",
        allow_truncated_timestamps=False,
    )


def _write_partition(rows: pa.Table, folder: Path) -> None:
    """Write one month's ``rows`` into ``folder``: one file, or several of at most
    :data:`FILE_ROWS` rows encoded at once (see :data:`FILE_ROWS`)."""
    parts = row_parts(rows.num_rows, FILE_ROWS)
    files = [folder / _PART.format(k) for k in range(len(parts))]
    if len(parts) == 1:
        _write_parquet(rows, files[0])
        return
    slices = [rows.slice(start, stop - start) for start, stop in parts]
    list(threads().map(_write_parquet, slices, files))


def write_table(
    df: pd.DataFrame,
    name: str,
    processed_dir: str | os.PathLike,
    executor: Executor | None = None,
    by_month: bool = False,
) -> Path:
    """Validate ``df`` as table ``name`` and write it atomically as Parquet (by month when large,
    or when ``by_month`` is true for a table in :data:`PARTITION_BY`).

    With an ``executor``, the Parquet file is encoded there while this thread checks the
    schema; it is kept only if the check passes and changed no column's type (else it is
    encoded again from the checked table). Do not call it with an executor from one of
    that executor's own workers: it waits for the encoding.
    """
    out = Path(processed_dir)
    out.mkdir(parents=True, exist_ok=True)
    if executor is None:
        return _move_in(_encode(validate(df, name), name, out, by_month), name, out)
    encoding = executor.submit(_encode, df, name, out, by_month)
    try:
        checked = validate(df, name)
    except BaseException:
        _discard(encoding)
        raise
    if checked.columns.equals(df.columns) and checked.dtypes.equals(df.dtypes):
        return _move_in(encoding.result(), name, out)
    _discard(encoding)
    return _move_in(_encode(checked, name, out, by_month), name, out)


def _discard(encoding: Future) -> None:
    """Wait for an encoding no longer wanted and remove what it wrote."""
    if encoding.exception() is None:
        shutil.rmtree(encoding.result()[0], ignore_errors=True)


def _encode(
    checked: pd.DataFrame, name: str, out: Path, by_month: bool = False
) -> tuple[Path, Path]:
    """Write ``checked`` as table ``name`` into a new temporary folder in ``out``: (folder, table)."""
    table = pa.Table.from_pandas(checked.reset_index(drop=True), preserve_index=False)
    tmp = Path(tempfile.mkdtemp(dir=out, prefix=f".{name}-"))
    try:
        by = PARTITION_BY.get(name)
        if by and len(checked) and (by_month or len(checked) >= PARTITION_ROWS):
            written = tmp / name
            written.mkdir()
            for month, rows in _by_month(table, checked[by]):
                (written / partition_name(month)).mkdir()
                _write_partition(rows, written / partition_name(month))
        else:
            written = tmp / f"{name}.parquet"
            _write_parquet(table, written)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp, written


def _by_month(table: pa.Table, dates: pd.Series):
    """``(YYYY-MM, rows)`` of each month of ``dates`` present, months in order."""
    months = dates.to_numpy().astype("datetime64[M]").astype(np.int64)
    if not len(months):
        return
    first = months.min()
    for offset in np.flatnonzero(np.bincount(months - first)):  # months in order, no sort
        part = months == first + offset
        rows = table if part.all() else table.filter(pa.array(part))
        yield str(np.datetime64(int(first + offset), "M")), rows


def write_partitions(
    df: pd.DataFrame,
    name: str,
    processed_dir: str | os.PathLike,
    executor: Executor | None = None,
) -> list[str]:
    """Validate ``df`` and make it the whole content of its months' partitions of table ``name``.

    Only the months present in ``df`` are replaced, each atomically (written beside the
    table, then renamed into place); other months are left as they are. The table must
    already be a partitioned folder. Returns the months written.

    With an ``executor``, the months are encoded there while this thread checks the
    schema, and renamed into place only if the check passes and changed no column's type
    (as :func:`write_table`).
    """
    folder = Path(processed_dir) / name
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a partitioned table; write it whole first")
    if executor is None:
        return _swap_months(_stage_months(validate(df, name), name, folder), folder)
    staging = executor.submit(_stage_months, df, name, folder)
    try:
        checked = validate(df, name)
    except BaseException:
        _discard_months(staging)
        raise
    if not (checked.columns.equals(df.columns) and checked.dtypes.equals(df.dtypes)):
        _discard_months(staging)
        staging = None
    staged = staging.result() if staging else _stage_months(checked, name, folder)
    return _swap_months(staged, folder)


def _stage_months(checked: pd.DataFrame, name: str, folder: Path) -> list[tuple[str, Path]]:
    """Each month of ``checked`` written into a new hidden folder in ``folder``: (month, folder)."""
    table = pa.Table.from_pandas(checked.reset_index(drop=True), preserve_index=False)
    staged: list[tuple[str, Path]] = []
    try:
        for month, rows in _by_month(table, checked[PARTITION_BY[name]]):
            tmp = Path(tempfile.mkdtemp(dir=folder, prefix=f".{partition_name(month)}-"))
            staged.append((month, tmp))
            _write_partition(rows, tmp)
    except BaseException:
        for _, tmp in staged:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    return staged


def _discard_months(staging: Future) -> None:
    if staging.exception() is None:
        for _, tmp in staging.result():
            shutil.rmtree(tmp, ignore_errors=True)


def _swap_months(staged: list[tuple[str, Path]], folder: Path) -> list[str]:
    """Rename each staged month into place (see :func:`_swap_in`); the months written."""
    try:
        for month, tmp in staged:
            _swap_in(tmp, folder / partition_name(month))
            legacy = folder / f"{month}.parquet"
            if legacy.exists():
                legacy.unlink()
    finally:
        for _, tmp in staged:
            shutil.rmtree(tmp, ignore_errors=True)
    return [month for month, _ in staged]


def write_month(df: pd.DataFrame, name: str, processed_dir: str | os.PathLike, month: str) -> Path:
    """Validate ``df`` and make it the whole of month ``month`` (``YYYY-MM``) of table ``name``.

    For tables partitioned by the month of another table's rows (a comment's themes by
    the comment's month). A table kept as one file until now becomes a folder: the file
    is removed.
    """
    checked = validate(df, name)
    folder = Path(processed_dir) / name
    folder.mkdir(parents=True, exist_ok=True)
    single = Path(processed_dir) / f"{name}.parquet"
    if single.exists():
        single.unlink()
    table = pa.Table.from_pandas(checked.reset_index(drop=True), preserve_index=False)
    return _put_month(table, folder, month)


def drop_month(name: str, processed_dir: str | os.PathLike, month: str) -> None:
    """Remove month ``month``'s partition of table ``name`` (if it has one)."""
    shutil.rmtree(Path(processed_dir) / name / partition_name(month), ignore_errors=True)


def _put_month(rows: pa.Table, folder: Path, month: str) -> Path:
    tmp = Path(tempfile.mkdtemp(dir=folder, prefix=f".{partition_name(month)}-"))
    try:
        _write_partition(rows, tmp)
        _swap_in(tmp, folder / partition_name(month))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    legacy = folder / f"{month}.parquet"
    if legacy.exists():
        legacy.unlink()
    return folder / partition_name(month) / PART_FILE


def keep_times(new: Path, old: Path) -> None:
    """Give each file of ``new`` (a file or folder) whose bytes equal ``old``'s the old times.

    What is computed from a table is keyed by its files as written (name, size and
    modification time: the themes of each month, the kept theme counts): a clean that
    writes the same rows again (a full clean after the code was updated) then leaves those
    keys as they were, and nothing is classified or counted again.
    """
    pairs = (
        [(new, old)] if new.is_file() else [(f, old / f.relative_to(new)) for f in new.rglob("*")]
    )
    for a, b in pairs:
        try:
            was = b.stat()
            if a.is_file() and was.st_size == a.stat().st_size and filecmp.cmp(a, b, shallow=False):
                os.utime(a, ns=(was.st_atime_ns, was.st_mtime_ns))
        except (FileNotFoundError, NotADirectoryError):
            continue


def _swap_in(new: Path, target: Path) -> None:
    """Put folder ``new`` in the place of folder ``target`` (renames only)."""
    if not target.exists():
        os.replace(new, target)
        return
    keep_times(new, target)
    aside = target.with_name(f".{target.name}-previous-{os.getpid()}")
    os.replace(target, aside)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(aside, target)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _move_in(encoded: tuple[Path, Path], name: str, out: Path) -> Path:
    tmp, written = encoded
    try:
        return replace_table(written, name, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def replace_table(written: Path, name: str, processed_dir: str | os.PathLike) -> Path:
    """Move a table written elsewhere (its file or folder) into ``processed_dir`` as table ``name``.

    A file replacing a file is one atomic rename. Otherwise the table's previous
    form (file or folder) is first moved aside, and removed once the new one is in place.
    """
    out = Path(processed_dir)
    target = out / written.name
    previous = [p for p in (out / name, out / f"{name}.parquet") if p.exists()]
    if written.is_file() and previous in ([], [target]):
        if previous:
            keep_times(written, target)
        os.replace(written, target)
        return target
    if written.is_dir() and (out / name).is_dir():
        keep_times(written, out / name)
    aside = Path(tempfile.mkdtemp(dir=out, prefix=f".{name}-previous-"))
    try:
        for p in previous:
            os.replace(p, aside / p.name)
        os.replace(written, target)
    except BaseException:
        for p in previous:  # put the previous table back as it was
            if (aside / p.name).exists() and not p.exists():
                os.replace(aside / p.name, p)
        raise
    finally:
        if target.exists() or not any(aside.iterdir()):
            shutil.rmtree(aside, ignore_errors=True)
    return target


def table_files(name: str, processed_dir: str | os.PathLike) -> list[Path]:
    """The Parquet files of table ``name``, months in order (one file if not partitioned)."""
    path = table_path(name, processed_dir)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: run the clean step first (python -m analysis clean)."
        )
    if not path.is_dir():
        return [path]
    return [f for files in partitions(path).values() for f in files]


def check_files(name: str, files: list[Path]) -> None:
    """Check that each Parquet file holds exactly table ``name``'s columns (footers only)."""
    expected = set(SCHEMAS[name].columns)
    for f in files:
        found = set(pq.read_schema(f).names)
        if found != expected:
            raise SchemaError(
                f"table {name!r} in {f} does not match its schema: "
                f"missing {sorted(expected - found)}, unexpected {sorted(found - expected)}.\n"
                "Re-run the clean step (python -m analysis clean --force)."
            )


def read_table(name: str, processed_dir: str | os.PathLike, check: str = "schema") -> pd.DataFrame:
    """Read table ``name`` from ``processed_dir``, months in order.

    ``check="schema"`` (the default) trusts the rows, which were checked when written,
    and checks the files' columns and partitions; ``check="rows"`` checks every row
    against the table's schema again.
    """
    if check not in ("schema", "rows"):
        raise ValueError(f"check must be 'schema' or 'rows', not {check!r}")
    files = table_files(name, processed_dir)
    where = str(table_path(name, processed_dir))
    if check == "rows":
        return validate(_read(files), name, where=where)
    check_files(name, files)
    df = _read(files)
    # Dates are stored in microseconds; the tables' contract is nanoseconds.
    for column, spec in SCHEMAS[name].columns.items():
        if str(spec.dtype) == "datetime64[ns]" and df[column].dtype != "datetime64[ns]":
            df[column] = df[column].astype("datetime64[ns]")
    return df


def _read(files: list[Path]) -> pd.DataFrame:
    # Each file read on its own: a partition's file read through its folder would gain
    # the partition column.
    frames = [pd.read_parquet(f) for f in files]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
