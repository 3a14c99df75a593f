"""Read one raw export (CSV or Excel) into a table of strings, with every record traceable.

A reader never guesses a value's type: every cell comes back as text, exactly as
exported, so that the rules downstream can quarantine what they cannot parse
with the original value. Each record keeps its 1-based record number and the
line (CSV) or sheet row (Excel) where it starts, so a quarantined row can be
found in the file an analyst received.

* **Encoding** is detected, not assumed: a UTF-8 byte-order mark, then strict
  UTF-8, then ``charset-normalizer`` (typically Windows-1252 from Excel's
  "CSV" export). A configured ``encoding`` overrides the detection.
* **Header row**: the first row (within the first 30) holding every expected
  header, so title rows above it are skipped, in CSV and Excel alike.
* **Bounded**: a file holding more rows (or a workbook more cells) than the
  source's limits is refused; a workbook whose declared size hides rows is refused.
* **Speed**: CSV is parsed by ``pyarrow.csv``; only a file whose records do not
  line up (a row with too many or too few fields, blank lines) is re-read with
  Python's ``csv`` module, which reports exactly where each record starts.

A file that cannot be used at all raises :class:`SourceFileError` naming the
file, what is wrong and what to do.

Example
-------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
>>> _ = p.write_bytes("Title line\\nID,Text\\n1,\\"two\\nlines\\"\\n2,café\\n".encode("cp1252"))
>>> raw = read_file(p, ["ID", "Text"])
>>> raw.encoding, raw.table.column("Text").to_pylist(), raw.lines.tolist()
('cp1252', ['two\\nlines', 'café'], [3, 5])
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

#: How many rows at the top of a file may hold titles before the header row.
HEADER_SEARCH_ROWS = 30
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class SourceFileError(ValueError):
    """A raw file cannot be used at all (empty, binary, truncated, wrong columns …)."""

    def __init__(self, path: str | Path, problem: str, advice: str):
        self.path, self.problem, self.advice = str(path), problem, advice
        super().__init__(f"{path}: {problem}. {advice}")


@dataclass(frozen=True)
class Limits:
    """What one file may cost: data rows, and (a workbook) cells read.

    The defaults are far above any monthly export (an Excel sheet holds at most
    1,048,576 rows) and a source can lower or raise them (``max_rows``, ``max_cells``).
    """

    max_rows: int = 5_000_000
    max_cells: int = 100_000_000


@dataclass
class RawTable:
    """One file's records as text, with where each came from."""

    path: Path
    table: pa.Table  # export headers → string columns
    records: np.ndarray  # 1-based record number of each row
    lines: np.ndarray  # line (CSV) or sheet row (Excel) where each row starts
    encoding: str
    sha256: str
    malformed: list[dict] = field(default_factory=list)  # rows that could not be split

    @property
    def read(self) -> int:
        """Records read: the rows of ``table`` plus the malformed ones."""
        return self.table.num_rows + len(self.malformed)


def normalise_header(text: str) -> str:
    """Headers compare without case, surrounding space or repeated inner space."""
    return " ".join(str(text).split()).casefold()


def sha256_bytes(data: bytes) -> str:
    """The SHA-256 of bytes already in memory."""
    return hashlib.sha256(data).hexdigest()


def _is_utf8(data) -> bool:
    """Whether ``data`` (bytes or a buffer) is valid UTF-8, checked by Arrow in place (no decoded copy)."""
    if isinstance(data, bytes) and data.isascii():
        return True
    data = data if isinstance(data, pa.Buffer) else pa.py_buffer(data)
    offsets = pa.py_buffer(np.array([0, data.size], dtype=np.int64))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, data])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def detect_encoding(data, path: str | Path = "") -> str:
    """The text encoding of ``data``: UTF-8 (with or without BOM) or what charset-normalizer finds.

    >>> detect_encoding("naïve".encode("utf-8")), detect_encoding("\\ufeffa".encode("utf-8"))
    ('utf-8', 'utf-8-sig')
    >>> detect_encoding("Don’t know – café, 12 £".encode("cp1252"))
    'cp1252'
    """
    start = bytes(memoryview(data)[:3])
    if start.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if _is_utf8(data):
        return "utf-8"
    data = bytes(data)  # the other detections need the bytes themselves
    # Single-byte exports from UK systems are Windows-1252 (Excel's "CSV" on
    # Windows); statistical detectors confuse its sibling code pages on short
    # text, so it is tried first, and charset-normalizer decides otherwise.
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    if best is None:
        raise SourceFileError(
            path,
            "is not text in any encoding that could be detected",
            "Export it again as CSV (UTF-8), or set `encoding` for the source",
        )
    return best.encoding


def _check_bytes(path: Path, data, fmt: str) -> None:
    """Stop at files that are empty, binary or a workbook; ``data`` is bytes or a buffer."""
    size = len(memoryview(data))
    data = bytes(memoryview(data)[:65536])
    if size <= len(data) and not data.strip():
        raise SourceFileError(path, "is empty", "Export the data again; an empty file has no rows")
    if fmt == "csv" and data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise SourceFileError(
            path,
            "is an Excel workbook, not a CSV file",
            "Set `format: excel` for this source or save the sheet as CSV",
        )
    if fmt == "csv" and b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceFileError(
            path,
            "is a binary file, not a CSV file",
            "Check that `files` matches the exports and not other files",
        )


def _find_header(
    rows: list[list[str]],
    expected: list[str],
    path: Path,
    where: str,
    header_row: int | None = None,
) -> int:
    """Index of the first row holding every expected header (compared normalised).

    ``header_row`` (1-based), when configured, is the only row considered.
    """
    want = {normalise_header(h) for h in expected}
    candidates = list(enumerate(rows[:HEADER_SEARCH_ROWS]))
    if header_row is not None:
        candidates = candidates[header_row - 1 : header_row]
        where = f"{where} (looked only at row {header_row}, the configured `header_row`)"
    best, best_found = (candidates[0][0] if candidates else 0), -1
    for i, row in candidates:
        found = want & {normalise_header(c) for c in row if c is not None}
        if found == want:
            return i
        if len(found) > best_found:
            best, best_found = i, len(found)
    first = rows[best] if rows else []
    missing = sorted(want - {normalise_header(c) for c in first if c is not None})
    raise SourceFileError(
        path,
        f"no header row with the expected columns in the first {HEADER_SEARCH_ROWS} {where}; "
        f"missing {missing}; the closest row has {[c for c in first if c not in (None, '')]}",
        "Fix the export, or map its headers in the source's `columns` in the configuration",
    )


def _dedupe_check(header: list[str], path: Path) -> None:
    seen = [normalise_header(h) for h in header if str(h).strip()]
    dupes = sorted({h for h in seen if seen.count(h) > 1})
    if dupes:
        raise SourceFileError(
            path,
            f"has repeated column headers {dupes}",
            "Rename the repeated columns in the export",
        )


def _csv_python(text: str, header_index: int, path: Path):
    """Exact, slower path: Python's csv module, with the line where each record starts."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] = []
    rows, records, lines, malformed = [], [], [], []
    record, line_before = 0, 0
    try:
        for i, row in enumerate(reader):
            start = line_before + 1
            line_before = reader.line_num
            if i < header_index:
                continue
            if i == header_index:
                header = row
                continue
            if not row or all(not c.strip() for c in row) and len(row) <= 1:
                continue  # a blank line holds nothing
            record += 1
            if len(row) != len(header):
                malformed.append(
                    {
                        "record": record,
                        "line": start,
                        "value": ",".join(row)[:200],
                        "message": f"{len(row)} fields where the header has {len(header)}",
                    }
                )
                continue
            rows.append(row)
            records.append(record)
            lines.append(start)
    except csv.Error as exc:
        raise SourceFileError(
            path,
            f"cannot be split into records after line {line_before} ({exc}); "
            "it looks truncated or is not a CSV file",
            "Export the file again in full",
        ) from None
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in header]
    table = pa.table(
        {h: pa.array(col, pa.string()) for h, col in zip(header, columns, strict=True)}
    )
    return table, np.array(records, dtype=np.int64), np.array(lines, dtype=np.int64), malformed


def _line_feeds(data, block: int = 1 << 23) -> int:
    """How many line feeds ``data`` (bytes or a buffer) holds, counted a block at a time.

    >>> _line_feeds(b"a\\nb\\n\\nc", block=2)
    3
    """
    values = np.frombuffer(data, np.uint8)
    return sum(
        int(np.count_nonzero(values[i : i + block] == 10)) for i in range(0, len(values), block)
    )


def _line_breaks(column: pa.ChunkedArray) -> np.ndarray:
    """How many line feeds each value of a text column holds, read from its bytes directly.

    >>> _line_breaks(pa.chunked_array([["a", "b\\nc\\nd"], ["", "e\\n"]])).tolist()
    [0, 2, 0, 1]
    """
    counts = []
    for chunk in column.chunks:
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        _, offsets, data = chunk.buffers()
        offsets = np.frombuffer(offsets, width)[chunk.offset : chunk.offset + len(chunk) + 1]
        found = np.zeros(len(chunk), dtype=np.int64)
        if data is not None and len(chunk):
            values = np.frombuffer(data, np.uint8)[offsets[0] : offsets[-1]]
            at = np.flatnonzero(values == 10) + offsets[0]
            found = np.bincount(
                np.searchsorted(offsets, at, side="right") - 1, minlength=len(chunk)
            )
        counts.append(found)
    return np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)


def _csv_arrow(
    data, header_index: int, header_line: int, header: list[str], verified_utf8: bool = False
):
    """Fast path; returns None when records do not line up and the exact path is needed.

    ``data`` is UTF-8 bytes (or a buffer); ``verified_utf8`` says the whole of it is
    already known to be valid UTF-8, so the values need not be checked again.
    """
    invalid = []

    def handler(row):
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),  # read in place, no copy
            read_options=pacsv.ReadOptions(skip_rows=header_index),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=handler),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False,
                null_values=[],
                check_utf8=not verified_utf8,
                auto_dict_encode=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if invalid:
        return None
    n = table.num_rows
    total_lines = _line_feeds(data) + (0 if bytes(memoryview(data)[-1:]) == b"\n" else 1)
    if total_lines == header_line + n:  # one line per record: nothing spans lines
        return (
            table,
            np.arange(1, n + 1, dtype=np.int64),
            header_line + 1 + np.arange(n, dtype=np.int64),
            [],
        )
    # Rows spanning lines: count the line breaks inside values, largest columns (free text)
    # first, until every line of the file is accounted for.
    embedded = np.zeros(n, dtype=np.int64)
    missing = total_lines - header_line - n
    for col in sorted(table.columns, key=lambda c: -c.nbytes):
        if missing <= 0:
            break
        found = _line_breaks(col)
        embedded += found
        missing -= int(found.sum())
    lines = (
        header_line
        + 1
        + np.arange(n, dtype=np.int64)
        + np.concatenate(([0], np.cumsum(embedded)[:-1]))[:n]
    )
    expected_last = int(lines[-1] + embedded[-1]) if n else header_line
    if expected_last != total_lines:
        return None  # blank lines or title rows with embedded newlines: use the exact path
    return table, np.arange(1, n + 1, dtype=np.int64), lines, []


def read_csv_file(
    path: Path,
    expected: list[str],
    encoding: str | None = None,
    header_row: int | None = None,
    sha256: str | None = None,
) -> RawTable:
    """Read a CSV export; see the module docstring for what is detected.

    The file is memory-mapped, not copied: the raw bytes are only ever read.
    """
    with pa.memory_map(str(path)) as mapped:
        data = mapped.read_buffer()
    digest = sha256 or sha256_bytes(data)
    _check_bytes(path, data, "csv")
    enc = encoding or detect_encoding(data, path)
    # Detected UTF-8 was checked whole, and text decoded here is re-encoded as UTF-8:
    # only a configured UTF-8 encoding leaves pyarrow to check the values.
    verified = encoding is None or enc not in ("utf-8", "utf-8-sig")
    if enc in ("utf-8", "utf-8-sig"):
        # UTF-8 goes to pyarrow as it is, in place; only the top is decoded here.
        body = data[3:] if data[:3].to_pybytes() == b"\xef\xbb\xbf" else data
        head_text = body[: 1 << 20].to_pybytes().decode("utf-8", errors="replace")
        verified = verified and enc == "utf-8"  # a byte-order mark was not checked past

        def full_text() -> str:
            try:
                return body.to_pybytes().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise SourceFileError(
                    path, f"is not valid UTF-8 ({exc})", "Set the right `encoding` for the source"
                ) from None
    else:
        try:
            text = data.to_pybytes().decode(enc).removeprefix("\ufeff")
        except (UnicodeDecodeError, LookupError) as exc:
            raise SourceFileError(
                path,
                f"cannot be decoded as {enc} ({exc})",
                "Set the right `encoding` for the source",
            ) from None
        body, head_text = text.encode("utf-8"), text[: 1 << 20]

        def full_text() -> str:
            return text

    head, ends = [], []
    reader = csv.reader(io.StringIO(head_text, newline=""))
    try:
        for row in reader:
            head.append(row)
            ends.append(reader.line_num)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass  # a broken record below the header is found (and reported) by the full read
    header_index = _find_header(head, expected, path, "rows", header_row)
    _dedupe_check(head[header_index], path)
    header_line = ends[header_index]  # titles above may hold quoted newlines
    top = bytes(memoryview(body)[:65536])
    bare_cr = b"\r" in top and b"\n" not in top  # old Mac line endings
    fast = (
        None
        if bare_cr
        else _csv_arrow(body, header_index, header_line, head[header_index], verified)
    )
    table, records, lines, malformed = fast or _csv_python(full_text(), header_index, path)
    return RawTable(path, table, records, lines, enc, digest, malformed)


def read_file(
    path: str | Path,
    expected: list[str],
    fmt: str = "csv",
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    sha256: str | None = None,
    limits: Limits | None = None,
) -> RawTable:
    """Read ``path`` as ``fmt`` (``csv`` or ``excel``), requiring the ``expected`` headers.

    ``sha256``, when the caller has just computed the file's checksum, saves computing it again.
    ``limits`` bound what one file may cost (a workbook is not read past them; a CSV
    holding more rows is refused).

    The returned table's columns are renamed to the ``expected`` spelling, so a
    header exported as ``"SERVICE  code "`` still maps onto ``"Service Code"``.
    """
    path = Path(path)
    limits = limits or Limits()
    if fmt == "csv":
        raw = read_csv_file(path, expected, encoding, header_row, sha256)
        if raw.read > limits.max_rows:
            raise SourceFileError(
                path,
                f"holds {raw.read:,} rows, more than {limits.max_rows:,} (the source's max_rows)",
                "Split the export, or raise `max_rows` for the source",
            )
    elif fmt in ("excel", "xlsx"):
        from analysis.ingest.workbooks import read_excel_file

        raw = read_excel_file(path, expected, sheet, header_row, sha256, limits)
    else:
        raise SourceFileError(path, f"has unknown format {fmt!r}", "Set `format` to csv or excel")
    spelling = {normalise_header(h): h for h in expected}
    names = [spelling.get(normalise_header(n), n) for n in raw.table.column_names]
    raw.table = raw.table.rename_columns(names)
    return raw


def period_from_name(name: str) -> tuple[dt.date, dt.date] | None:
    """The month a file covers, from a ``YYYY-MM`` or ``YYYYMM`` in its name (first one wins).

    >>> period_from_name("fft_responses_2024-03.csv")
    (datetime.date(2024, 3, 1), datetime.date(2024, 3, 31))
    >>> period_from_name("export.csv") is None
    True
    """
    m = re.search(r"(?<!\d)(20\d\d)[-_]?(0[1-9]|1[0-2])(?![\d])", name)
    if not m:
        return None
    start = dt.date(int(m[1]), int(m[2]), 1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start, end
