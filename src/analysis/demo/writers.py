"""Write tables the way partnerships' systems export them, byte for byte reproducibly.

Headers come from the partnership configuration's ``sources`` mapping (tidy column →
export header), dates are written ``dd/mm/yyyy``, CSVs use the source's ``encoding``
and workbooks carry a title above the header row. Workbooks are zip files stamped with
the time they were written (in the zip entries and the document properties);
:func:`write_xlsx` fixes every stamp so the same data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.xml.functions import tostring

#: The timestamp written into every workbook (its properties and zip entries).
FIXED_TIME = dt.datetime(2025, 4, 1, 9, 0, 0)
CORE_PROPERTIES = "docProps/core.xml"


def uk_date(values: pd.Series) -> pd.Series:
    """Dates as ``dd/mm/yyyy`` strings; missing dates become empty strings."""
    dates = pd.to_datetime(values)
    return dates.dt.strftime("%d/%m/%Y").fillna("")


def export_frame(
    df: pd.DataFrame, spec: dict, dates: tuple[str, ...] = (), as_text: bool = True
) -> pd.DataFrame:
    """``df`` with export headers (from ``spec['columns']`` and ``spec['comments']``).

    Cells become text as in a CSV (numbers without a needless ``.0``), unless ``as_text``
    is false (a workbook keeps numbers as numbers).
    """
    mapping = {**spec["columns"], **spec.get("comments", {})}
    missing = [c for c in mapping if c not in df]
    if missing:
        raise KeyError(f"demonstration data has no column(s) {missing} for this source")
    out = pd.DataFrame(index=df.index)
    for col, header in mapping.items():
        if col in dates:
            out[header] = uk_date(df[col])
        elif not as_text:
            out[header] = df[col].where(df[col].notna() & (df[col] != ""), None)
        elif pd.api.types.is_float_dtype(df[col]):
            out[header] = df[col].map(lambda v: "" if pd.isna(v) else f"{v:g}")
        else:
            out[header] = df[col].astype(object).where(df[col].notna(), "").astype(str)
    return out.reset_index(drop=True)


def write_csv(df: pd.DataFrame, path: Path, encoding: str = "utf-8") -> Path:
    """Write ``df`` as CSV; characters the encoding lacks become ``?`` as exports do."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = df.to_csv(index=False, lineterminator="\r\n" if encoding == "cp1252" else "\n")
    path.write_bytes(text.encode(encoding, errors="replace"))
    return path


def write_xlsx(df: pd.DataFrame, path: Path, sheet: str, title: str, header_row: int) -> Path:
    """Write ``df`` to one sheet with ``title`` in A1 and the header on row ``header_row``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.cell(row=1, column=1, value=title)
    for j, header in enumerate(df.columns, start=1):
        ws.cell(row=header_row, column=j, value=header)
    for i, row in enumerate(df.itertuples(index=False), start=header_row + 1):
        for j, value in enumerate(row, start=1):
            ws.cell(row=i, column=j, value=None if pd.isna(value) else value)
    buffer = io.BytesIO()
    wb.save(buffer)
    # Saving stamps "modified" with the current time: write the properties again, fixed.
    wb.properties.creator = "Demonstration partnership"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    core = tostring(wb.properties.to_tree())
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            stamped = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            stamped.compress_type = zipfile.ZIP_DEFLATED
            data = core if info.filename == CORE_PROPERTIES else src.read(info.filename)
            dst.writestr(stamped, data)
    return path
