"""Read a sheet of an Excel workbook (``.xlsx``) into a table of strings, bounded in cost.

Cells come back as the text an analyst would see (dates as ISO, whole numbers
without ``.0``), with the header row found below title rows as for CSV (see
:mod:`analysis.ingest.readers`, whose :func:`~analysis.ingest.readers.read_file`
calls this for ``format: excel``).

A workbook's sheet declares its size (``<dimension ref="A1:D3"/>``) and openpyxl's
read-only mode trusts it: a sheet declaring fewer rows than it holds is read short,
silently, and one declaring ``A1:XFD1048576`` pads every row to 16,384 cells. Here
the declaration is set aside and the rows actually held are read, up to the
source's ``max_rows`` and ``max_cells``; a sheet holding data past its declared
size is refused, since another reader would miss those rows.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pyarrow as pa

from analysis.ingest.readers import (
    Limits,
    RawTable,
    SourceFileError,
    _check_bytes,
    _dedupe_check,
    _find_header,
    sha256_bytes,
)


def _cell_text(value) -> str:
    """An Excel cell as the text an analyst would see (dates as ISO, whole numbers without .0)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _declared_rows(ws) -> tuple[int | None, str]:
    """The rows a read-only sheet's ``<dimension>`` declares (None when it declares no range)."""
    from openpyxl.utils import get_column_letter

    if not ws.max_row or not ws.max_column or (ws.max_row, ws.max_column) == (1, 1):
        return None, ""  # no dimension, or "A1": writers that do not know the size say so
    ref = f"{get_column_letter(ws.min_column)}{ws.min_row}:{get_column_letter(ws.max_column)}{ws.max_row}"
    return ws.max_row, ref


def _sheet_rows(ws, path: Path, limits: Limits) -> list[list[str]]:
    """Every row of a read-only sheet as text, bounded by ``limits``, checked against its dimension.

    openpyxl trusts a sheet's declared dimension: a sheet declaring ``A1:D3`` yields three
    rows, however many it holds, and a declared ``A1:XFD1048576`` pads every row to 16,384
    cells. The dimension is therefore set aside, the rows actually held are read (up to
    the limits), and a sheet holding data past what it declares is refused: some reader
    would miss those rows.
    """
    declared, ref = _declared_rows(ws)
    ws.reset_dimensions()
    rows: list[list[str]] = []
    cells, last = 0, 0
    for row in ws.iter_rows(values_only=True):
        rows.append([_cell_text(v) for v in row])
        cells += len(row)
        if any(v is not None and v != "" for v in row):
            last = len(rows)
        if len(rows) > limits.max_rows or cells > limits.max_cells:
            raise SourceFileError(
                path,
                f"holds more than {limits.max_rows:,} rows or {limits.max_cells:,} cells "
                "(the source's max_rows and max_cells); it was not read further",
                "Split the export, or raise `max_rows` / `max_cells` for the source",
            )
    if declared is not None and last > declared:
        raise SourceFileError(
            path,
            f"declares {declared} rows ({ref}) but holds {last}: a reader trusting the "
            "declaration would miss rows",
            "Open the workbook in Excel and save it again, then re-run",
        )
    return rows


def read_excel_file(
    path: Path,
    expected: list[str],
    sheet: str | None = None,
    header_row: int | None = None,
    sha256: str | None = None,
    limits: Limits | None = None,
) -> RawTable:
    """Read a sheet (named, or the first) of an Excel workbook, finding the header row."""
    import zipfile

    import openpyxl

    data = path.read_bytes()
    digest = sha256 or sha256_bytes(data)
    _check_bytes(path, data, "excel")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise SourceFileError(
            path,
            f"is not a readable Excel workbook ({exc.__class__.__name__})",
            "Save it again from Excel as .xlsx, or set `format: csv`",
        ) from None
    if sheet is not None and sheet not in book.sheetnames:
        raise SourceFileError(
            path,
            f"has no sheet {sheet!r} (sheets: {book.sheetnames})",
            "Set `sheet` for the source to one of these",
        )
    ws = book[sheet] if sheet is not None else book.worksheets[0]
    try:
        rows = _sheet_rows(ws, path, limits or Limits())
    finally:
        book.close()
    header_index = _find_header(rows, expected, path, "sheet rows", header_row)
    header = [h for h in rows[header_index]]
    _dedupe_check(header, path)
    keep = [i for i, h in enumerate(header) if h.strip()]
    body, records, lines = [], [], []
    for offset, row in enumerate(rows[header_index + 1 :], start=1):
        if not any(c.strip() for c in row):
            continue
        padded = row + [""] * (len(header) - len(row))
        body.append([padded[i] for i in keep])
        records.append(len(records) + 1)
        lines.append(header_index + 1 + offset)
    columns = list(zip(*body, strict=True)) if body else [[] for _ in keep]
    table = pa.table(
        {header[i]: pa.array(c, pa.string()) for i, c in zip(keep, columns, strict=True)}
    )
    return RawTable(
        path, table, np.array(records, np.int64), np.array(lines, np.int64), "xlsx", digest
    )
