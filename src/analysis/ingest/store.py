"""Read and write the tidy tables in ``data/processed/``, checked against their schemas.

Writes are atomic (a temporary file renamed into place), so a failed run never
leaves a half-written table behind. A large table (:data:`PARTITION_ROWS` rows or
more) with a date to split on (:data:`PARTITION_BY`) is written as a folder of one
Parquet file per month (``fft_responses/2024-03.parquet`` …); :func:`read_table`
reads either form, months in order.

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

import os
import shutil
import tempfile
from concurrent.futures import Executor, Future
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pyarrow as pa
import pyarrow.parquet as pq

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


def table_path(name: str, processed_dir: str | os.PathLike) -> Path:
    """Where table ``name`` is kept: its folder of monthly files if it has one, else its file."""
    folder = Path(processed_dir) / name
    return folder if folder.is_dir() else Path(processed_dir) / f"{name}.parquet"


def _write_parquet(table: pa.Table, path: Path) -> None:
    # Statistics (min and max) are kept for dates and numbers, which readers filter on;
    # computing them for text costs a third of the writing and nothing reads them.
    stats = [f.name for f in table.schema if not pa.types.is_large_string(f.type)]
    pq.write_table(table, path, write_statistics=stats)


def write_table(
    df: pd.DataFrame, name: str, processed_dir: str | os.PathLike, executor: Executor | None = None
) -> Path:
    """Validate ``df`` as table ``name`` and write it atomically as Parquet (by month when large).

    With an ``executor``, the Parquet file is encoded there while this thread checks the
    schema; it is kept only if the check passes and changed no column's type (else it is
    encoded again from the checked table). Do not call it with an executor from one of
    that executor's own workers: it waits for the encoding.
    """
    out = Path(processed_dir)
    out.mkdir(parents=True, exist_ok=True)
    if executor is None:
        return _move_in(_encode(validate(df, name), name, out), name, out)
    encoding = executor.submit(_encode, df, name, out)
    try:
        checked = validate(df, name)
    except BaseException:
        _discard(encoding)
        raise
    if checked.columns.equals(df.columns) and checked.dtypes.equals(df.dtypes):
        return _move_in(encoding.result(), name, out)
    _discard(encoding)
    return _move_in(_encode(checked, name, out), name, out)


def _discard(encoding: Future) -> None:
    """Wait for an encoding no longer wanted and remove what it wrote."""
    if encoding.exception() is None:
        shutil.rmtree(encoding.result()[0], ignore_errors=True)


def _encode(checked: pd.DataFrame, name: str, out: Path) -> tuple[Path, Path]:
    """Write ``checked`` as table ``name`` into a new temporary folder in ``out``: (folder, table)."""
    table = pa.Table.from_pandas(checked.reset_index(drop=True), preserve_index=False)
    tmp = Path(tempfile.mkdtemp(dir=out, prefix=f".{name}-"))
    try:
        by = PARTITION_BY.get(name)
        if by and len(checked) >= PARTITION_ROWS:
            written = tmp / name
            written.mkdir()
            months = checked[by].to_numpy().astype("datetime64[M]").astype(np.int64)
            first = months.min()
            for offset in np.flatnonzero(np.bincount(months - first)):  # months in order, no sort
                part = months == first + offset
                rows = table if part.all() else table.filter(pa.array(part))
                _write_parquet(rows, written / f"{np.datetime64(int(first + offset), 'M')}.parquet")
        else:
            written = tmp / f"{name}.parquet"
            _write_parquet(table, written)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp, written


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
        os.replace(written, target)
        return target
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


def read_table(name: str, processed_dir: str | os.PathLike) -> pd.DataFrame:
    """Read table ``name`` from ``processed_dir`` and check it against its schema."""
    path = table_path(name, processed_dir)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: run the clean step first (python -m analysis clean)."
        )
    if path.is_dir():  # one file per month, read in order of month
        parts = sorted(path.glob("*.parquet"))
        df = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    else:
        df = pd.read_parquet(path)
    return validate(df, name, where=str(path))
