"""Read and write the tidy tables in ``data/processed/``, checked against their schemas.

Writes are atomic (a temporary file renamed into place), so a failed run never
leaves a half-written table behind.

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
import tempfile
from pathlib import Path

import pandas as pd
import pandera.errors

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


def table_path(name: str, processed_dir: str | os.PathLike) -> Path:
    return Path(processed_dir) / f"{name}.parquet"


def write_table(df: pd.DataFrame, name: str, processed_dir: str | os.PathLike) -> Path:
    """Validate ``df`` as table ``name`` and write it atomically as Parquet."""
    checked = validate(df, name)
    path = table_path(name, processed_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        checked.reset_index(drop=True).to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def read_table(name: str, processed_dir: str | os.PathLike) -> pd.DataFrame:
    """Read table ``name`` from ``processed_dir`` and check it against its schema."""
    path = table_path(name, processed_dir)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: run the clean step first (python -m analysis clean)."
        )
    return validate(pd.read_parquet(path), name, where=str(path))
