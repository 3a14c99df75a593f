"""Readers: encodings detected, headers found below titles, records traced to their lines."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.ingest.readers import (
    SourceFileError,
    _csv_arrow,
    _csv_python,
    _is_utf8,
    _line_breaks,
    detect_encoding,
    read_file,
)

EXPECTED = ["ID", "Comment"]


def write(tmp_path, data: bytes, name: str = "x.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("encoding", "prefix", "detected"),
    [("utf-8", b"", "utf-8"), ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"), ("cp1252", b"", "cp1252")],
)
def test_csv_encodings_are_detected_not_assumed(tmp_path, encoding, prefix, detected):
    text = "ID,Comment\n1,Café staff – “brilliant”\n2,£5 parking\n"
    raw = read_file(write(tmp_path, prefix + text.encode(encoding)), EXPECTED)
    assert raw.encoding == detected
    assert raw.table.column("Comment").to_pylist() == ["Café staff – “brilliant”", "£5 parking"]
    # The BOM is not part of the first header.
    assert raw.table.column_names == EXPECTED


def test_utf16_with_bom_is_read(tmp_path):
    raw = read_file(write(tmp_path, "ID,Comment\n1,ok\n".encode("utf-16")), EXPECTED)
    assert raw.table.column("Comment").to_pylist() == ["ok"]


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf"])
def test_configured_utf8_is_still_checked(tmp_path, prefix):
    # Detection checks the bytes itself; a configured encoding (or a byte-order mark) skips
    # detection, so the reader must still refuse Windows-1252 bytes under a UTF-8 label.
    data = prefix + "ID,Comment\n1,café\n".encode("cp1252")
    with pytest.raises(SourceFileError, match="not valid UTF-8"):
        read_file(write(tmp_path, data), EXPECTED, encoding="utf-8" if not prefix else None)


def test_line_breaks_inside_values_are_counted_per_value():
    chunked = pa.chunked_array([["a\nb", "", "c"], ["\n\n", "d"]]).slice(1)  # sliced chunk
    assert _line_breaks(chunked).tolist() == [0, 0, 2, 0]


def test_detect_encoding_prefers_utf8_when_valid():
    assert detect_encoding(b"plain ascii") == "utf-8"


def test_quoted_multiline_text_keeps_records_and_starting_lines(tmp_path):
    data = b'ID,Comment\n1,"first\nsecond\nthird"\n2,plain\n3,"a ""quoted"" word"\n'
    raw = read_file(write(tmp_path, data), EXPECTED)
    assert raw.table.column("Comment").to_pylist() == [
        "first\nsecond\nthird",
        "plain",
        'a "quoted" word',
    ]
    # Line 1 is the header; record 1 spans lines 2-4, record 2 starts on line 5.
    assert raw.records.tolist() == [1, 2, 3]
    assert raw.lines.tolist() == [2, 5, 6]


def test_crlf_line_endings(tmp_path):
    raw = read_file(write(tmp_path, b"ID,Comment\r\n1,a\r\n2,b\r\n"), EXPECTED)
    assert raw.table.column("Comment").to_pylist() == ["a", "b"]
    assert raw.lines.tolist() == [2, 3]


def test_title_rows_above_the_header_are_skipped(tmp_path):
    data = b"Friends and Family Test export\nRun 01/04/2024,,\n\nID,Comment\n1,a\n"
    raw = read_file(write(tmp_path, data), EXPECTED)
    assert raw.table.column("ID").to_pylist() == ["1"]
    assert raw.lines.tolist() == [5]


def test_headers_match_without_case_or_extra_space(tmp_path):
    raw = read_file(write(tmp_path, b" id ,COMMENT\n1,a\n"), EXPECTED)
    assert raw.table.column_names == EXPECTED


def test_values_stay_text_exactly_as_exported(tmp_path):
    raw = read_file(write(tmp_path, b"ID,Comment\n007,NA\n008,\n"), EXPECTED)
    assert raw.table.column("ID").to_pylist() == ["007", "008"]
    assert raw.table.column("Comment").to_pylist() == ["NA", ""]


def test_blank_lines_between_records_keep_line_numbers_right(tmp_path):
    raw = read_file(write(tmp_path, b"ID,Comment\n1,a\n\n2,b\n"), EXPECTED)
    assert raw.records.tolist() == [1, 2]
    assert raw.lines.tolist() == [2, 4]


def test_rows_with_too_many_or_too_few_fields_are_set_aside_with_their_line(tmp_path):
    raw = read_file(write(tmp_path, b"ID,Comment\n1,a\n2,b,extra\n3\n4,d\n"), EXPECTED)
    assert raw.table.column("ID").to_pylist() == ["1", "4"]
    assert [(m["record"], m["line"]) for m in raw.malformed] == [(2, 3), (3, 4)]
    assert raw.read == 4


def _workbook(tmp_path, sheets: dict[str, list[list]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path


def test_excel_named_sheet_with_title_rows_and_typed_cells(tmp_path):
    path = _workbook(
        tmp_path,
        {
            "Notes": [["nothing here"]],
            "Results": [
                ["Survey results 2024"],
                [],
                ["ID", "Comment", "When"],
                [1, "good", dt.datetime(2024, 3, 5)],
                [2.0, None, dt.date(2024, 3, 6)],
            ],
        },
    )
    raw = read_file(path, ["ID", "Comment", "When"], "excel", sheet="Results")
    assert raw.table.column("ID").to_pylist() == ["1", "2"]
    assert raw.table.column("Comment").to_pylist() == ["good", ""]
    assert raw.table.column("When").to_pylist() == ["2024-03-05", "2024-03-06"]
    assert raw.lines.tolist() == [4, 5]  # sheet rows


def test_excel_first_sheet_by_default(tmp_path):
    path = _workbook(
        tmp_path, {"First": [["ID", "Comment"], ["1", "x"]], "Second": [["ID", "Comment"]]}
    )
    raw = read_file(path, EXPECTED, "excel")
    assert raw.table.column("Comment").to_pylist() == ["x"]


def test_excel_missing_sheet_names_the_sheets(tmp_path):
    path = _workbook(tmp_path, {"First": [["ID", "Comment"]]})
    with pytest.raises(SourceFileError, match="no sheet 'Results'.*First"):
        read_file(path, EXPECTED, "excel", sheet="Results")


def test_configured_header_row_is_the_only_one_considered(tmp_path):
    data = b"ID,Comment\n1,a\nID,Comment\n2,b\n"
    raw = read_file(write(tmp_path, data), EXPECTED, header_row=3)
    assert raw.table.column("ID").to_pylist() == ["2"]


# The fast CSV path (pyarrow) must agree with the exact one (Python's csv module, the
# reference): same values, records and starting lines, whichever columns hold line breaks.
CELL = st.one_of(
    st.sampled_from(["", "plain", "two\nlines", "three\nshort\nlines", "a\r\nb", 'say "hi"']),
    st.text(st.sampled_from("ab \n,é£"), max_size=8),
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=8),
    long_text=st.integers(0, 2),
    terminator=st.sampled_from(["\n", "\r\n"]),
)
def test_fast_csv_path_agrees_with_the_exact_path(rows, long_text, terminator):
    rows = [
        tuple(c * 20 if i == long_text and "\n" not in c else c for i, c in enumerate(row))
        for row in rows
    ]  # one column much larger than the others: its line breaks are counted first
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=terminator)
    writer.writerow(["A", "B", "C"])
    writer.writerows(rows)
    text = out.getvalue()
    fast = _csv_arrow(text.encode("utf-8"), 0, 1, ["A", "B", "C"])
    exact = _csv_python(text, 0, "test.csv")
    assert fast is not None  # these files line up: the fast path must take them
    assert fast[0].to_pylist() == exact[0].to_pylist()
    assert fast[1].tolist() == exact[1].tolist() and fast[2].tolist() == exact[2].tolist()


# Any bytes, and text with lone surrogates written in (which UTF-8 must refuse).
SURROGATE_TEXT = st.text(
    st.one_of(st.characters(), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)),
    max_size=20,
).map(lambda t: t.encode("utf-8", "surrogatepass"))


@given(st.one_of(st.binary(max_size=40), SURROGATE_TEXT))
def test_utf8_check_agrees_with_pythons_strict_decoder(data):
    try:
        data.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    assert _is_utf8(data) == valid


@pytest.mark.parametrize(
    "data, valid",
    [
        (b"caf\xc3\xa9", True),
        (b"caf\xe9", False),  # Windows-1252 e-acute
        (b"\xc0\xaf", False),  # overlong form of "/"
        (b"\xed\xa0\x80", False),  # a surrogate, never valid in UTF-8
        (b"\xf4\x90\x80\x80", False),  # beyond U+10FFFF
        (b"\xe2\x82", False),  # truncated euro sign
    ],
)
def test_utf8_check_on_named_byte_sequences(data, valid):
    assert _is_utf8(data) is valid
