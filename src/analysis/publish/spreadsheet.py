"""Downloads that open safely in a spreadsheet: CSV and Excel files with no live formula.

Reference: OWASP, *CSV Injection* (https://owasp.org/www-community/attacks/CSV_Injection):
a cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
may be run as a formula by Excel, LibreOffice or Google Sheets (``=HYPERLINK(...)``,
``@SUM(...)``, DDE payloads). Every such *text* cell is prefixed with a single quote
``'``, which spreadsheets show as text. Numbers stay numbers: a numeric cell (``-3``)
is left alone, and text that is only a number (``"-2.5"``, ``"+1.0"``, as the
report's "change" columns format it) is written as that number, which no spreadsheet
evaluates. Column headers are treated like text cells. Downloads hold text, not markup:
HTML tags in a text cell (``<script>``, ``<b>``) are removed, their words kept.

>>> import pandas as pd
>>> df = pd.DataFrame({"comment": ["=1+1", "@SUM(A1)", "fine", "-", None],
...                    "change": ["-2.5", "+1.0", "", "3", None], "n": [-3, 4, 5, 6, 7]})
>>> neutralise(df).values.tolist()
[["'=1+1", -2.5, -3], ["'@SUM(A1)", 1.0, 4], ['fine', '', 5], ["'-", '3', 6], [nan, nan, 7]]
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

#: Characters a spreadsheet may take as the start of a formula (OWASP).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
#: An HTML tag (opening, closing, comment or declaration).
_TAG = re.compile(r"</?[A-Za-z!][^<>]*>")
_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")


def safe_cell(value):
    """One cell made safe: text starting with a formula trigger gets a ``'`` prefix.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-12"), safe_cell(-12)
    ('\\'=HYPERLINK("http://x")', -12, -12)
    >>> safe_cell("Kind <script>alert(1)</script> staff, 3 < 5 > 2")
    'Kind alert(1) staff, 3 < 5 > 2'
    """
    if not isinstance(value, str):
        return value
    value = _TAG.sub("", value)
    if not value.startswith(TRIGGERS):
        return value
    if _NUMBER.fullmatch(value):
        number = float(value.replace(",", ""))
        return int(number) if "." not in value else number
    return PREFIX + value


def _texty(col: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(col.dtype) or pd.api.types.is_string_dtype(col.dtype)


def _one_line_end(value):
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and headers cannot run as spreadsheet formulas."""
    out = df.rename(columns=lambda c: safe_cell(c) if isinstance(c, str) else c)
    for col in out.columns:
        if _texty(out[col]):
            out[col] = out[col].astype(object).map(safe_cell, na_action="ignore")
    return out


def write_downloads(df: pd.DataFrame, folder: Path, stem: str) -> list[Path]:
    """Write ``df`` as ``<stem>.csv`` and ``<stem>.xlsx`` in ``folder``, neutralised first."""
    folder.mkdir(parents=True, exist_ok=True)
    safe = neutralise(df)
    csv, xlsx = folder / f"{stem}.csv", folder / f"{stem}.xlsx"
    # A lone carriage return is not quoted when lines end in "\n", and a reader would start a
    # new row (with an unguarded cell) there: write it as a line feed, as Excel stores it.
    lines = safe.apply(lambda col: col.map(_one_line_end) if _texty(col) else col)
    lines.to_csv(csv, index=False, lineterminator="\n")
    with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name=stem[:31])
        for row in writer.sheets[stem[:31]].iter_rows():
            for cell in row:  # openpyxl takes any text starting "=" as a formula: store it as text
                if cell.data_type == "f":
                    cell.data_type = "s"
    return [csv, xlsx]
