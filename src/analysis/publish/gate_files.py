"""What the publish gate reads in each kind of output file: pieces of text with their place.

Each reader turns one file into :class:`Piece` objects (text and where it sits: a line,
a sheet/row/column cell, a PDF page, a JSON key, a notebook cell) so the gate
(:mod:`analysis.publish.gate`) can say exactly where an identifier is. Readers use
the well-kept libraries that wrote or can read the files: ``csv``, openpyxl, pypdf,
Pillow, ``json`` and nbformat.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: An embedded file (a chart) in a page: data, not text.
DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")


@dataclass(frozen=True)
class Piece:
    """A piece of text from an output file and where it is (``"line 3"``, ``"sheet x, row 2, column B"``)."""

    text: str
    where: str
    #: a table cell (CSV or Excel): (table stem, 0-based column) so count columns can be checked
    column: tuple[str, int] | None = None
    #: a cell value as written (a number stays a number)
    value: object = None
    #: an Excel cell stored as a formula
    formula: bool = False
    #: a table's header row (column names, not counts)
    header: bool = False


def csv_pieces(path: Path) -> Iterator[Piece]:
    """Every cell of a CSV file: ``row`` counts from 1 at the header, as a spreadsheet does."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        for r, row in enumerate(csv.reader(f), start=1):
            for c, text in enumerate(row):
                yield Piece(
                    text, f"row {r}, column {_letter(c)}", (path.stem, c), text, header=r == 1
                )


def xlsx_pieces(path: Path) -> Iterator[Piece]:
    """Every cell of every sheet of an Excel workbook (formulas as written, not their results)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=False, data_only=False)
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is None:
                        continue
                    where = f"sheet {sheet.title!r}, row {cell.row}, column {cell.column_letter}"
                    yield Piece(
                        str(cell.value),
                        where,
                        (path.stem, cell.column - 1),
                        cell.value,
                        formula=cell.data_type == "f",
                        header=cell.row == 1,
                    )
    finally:
        book.close()


def pdf_pieces(path: Path) -> Iterator[Piece]:
    """The text of each page of a PDF, line by line (pypdf's text extraction)."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    for n, page in enumerate(reader.pages, start=1):
        text = page.extract_text() or ""
        for i, line in enumerate(text.splitlines(), start=1):
            yield Piece(line, f"page {n}, line {i}")
    info = reader.metadata or {}
    for key, value in info.items():
        yield Piece(str(value), f"document information {key}")


def png_pieces(path: Path) -> Iterator[Piece]:
    """The text chunks of a PNG (its description, i.e. the chart's alt text, and any other)."""
    from PIL import Image

    with Image.open(path) as image:
        for key, value in getattr(image, "text", {}).items():
            yield Piece(str(value), f"PNG text {key!r}")


def json_pieces(path: Path) -> Iterator[Piece]:
    """Every string (keys too) in a JSON document, placed by its key path."""

    def walk(node, at: str):
        if isinstance(node, dict):
            for k, v in node.items():
                yield Piece(str(k), f"key {at}/{k}")
                yield from walk(v, f"{at}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{at}/{i}")
        elif isinstance(node, str):
            yield Piece(node, f"key {at or '/'}")

    yield from walk(json.loads(path.read_text(encoding="utf-8")), "")


def notebook_pieces(path: Path) -> Iterator[Piece]:
    """An executed notebook's cell sources and outputs, embedded images left out.

    The notebook's metadata and its injected-parameters cell are the run's own record
    (which configuration file it ran with) and are not read.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    for n, cell in enumerate(nb.get("cells", []), start=1):
        if "injected-parameters" not in cell.get("metadata", {}).get("tags", []):
            yield from _lines(_text(cell.get("source", "")), f"cell {n} source")
        for k, out in enumerate(cell.get("outputs", []), start=1):
            texts = [_text(out.get("text", ""))]
            data = out.get("data") or {}
            for mime, value in data.items():
                # a table's text/plain repeats its text/html with the columns run together
                # (numbers side by side would read as phone numbers); read the HTML
                if mime == "text/plain" and "text/html" in data:
                    continue
                if mime.startswith("text/"):
                    texts.append(DATA_URI.sub("", _text(value)))
            texts += [_text(line) for line in out.get("traceback", [])]
            for text in texts:
                yield from _lines(text, f"cell {n} output {k}")


def text_pieces(path: Path) -> Iterator[Piece]:
    """Any other file, read as UTF-8 text line by line."""
    yield from _lines(path.read_text(encoding="utf-8"), "")


def _lines(text: str, prefix: str) -> Iterator[Piece]:
    for i, line in enumerate(io.StringIO(text), start=1):
        yield Piece(line.rstrip("\r\n"), f"{prefix}, line {i}" if prefix else f"line {i}")


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _letter(index: int) -> str:
    """Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


READERS = {
    ".csv": csv_pieces,
    ".xlsx": xlsx_pieces,
    ".pdf": pdf_pieces,
    ".png": png_pieces,
    ".json": json_pieces,
    ".ipynb": notebook_pieces,
}
