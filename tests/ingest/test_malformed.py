"""A corpus of malformed exports, each named with the outcome the clean step must give.

Three kinds of outcome:
* ``stops``: the file cannot be used; the source stops with a message naming the file and problem;
* ``quarantined``: the bad row goes to quarantine with its rule and line; the good row is kept;
* ``duplicate``: the row is removed as a duplicate of the given kind, and counted.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from analysis.ingest.clean import CleanError, clean
from tests.ingest.conftest import HEADER, fft_csv

GOOD = "R1,A1,15/03/2024,Very good,Kind staff,"
MARCH = "fft/fft_2024-03.csv"


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


STOPS = {
    "empty file": ({MARCH: b""}, "is empty"),
    "only blank lines": ({MARCH: b"\n\n  \n"}, "is empty"),
    "binary file": ({MARCH: b"\x00\x01\x02\x03ID,Ward\x00\xff"}, "binary file"),
    "Excel workbook named .csv": ({MARCH: _xlsx_bytes()}, "Excel workbook, not a CSV"),
    "a required column missing": (
        {MARCH: "ID,Ward,Date,Good,Better\nR1,A1,05/03/2024,x,y\n"},
        r"missing \['rating'\]",
    ),
    "another export's columns": ({MARCH: "Ref,Team,When\n1,2,3\n"}, "no header row"),
    "a web page saved as CSV": (
        {MARCH: "<html><body><h1>Session expired</h1></body></html>\n"},
        "no header row",
    ),
    "truncated inside a quoted comment": (
        {MARCH: HEADER + GOOD + '\nR2,A1,05/03/2024,Good,"Lovely st'},
        "truncated",
    ),
    "repeated column headers": (
        {MARCH: "ID,Ward,Date,Rating,Good,Better,Good\n"},
        "repeated column headers",
    ),
    "no file matches": ({"fft/readme.txt": "nothing"}, "matches no file"),
}


@pytest.mark.parametrize("case", list(STOPS))
def test_unusable_file_stops_the_source_naming_file_and_problem(partnership, case):
    files, message = STOPS[case]
    cfg = partnership(files)
    with pytest.raises(CleanError, match=message) as err:
        clean(cfg)
    assert "fft" in str(err.value)
    assert not (cfg.processed_dir / "manifest.json").exists()  # nothing written


def test_header_without_rows_is_read_as_no_rows(partnership):
    cfg = partnership({MARCH: HEADER})
    counts = clean(cfg)["counts"]["fft"]
    assert (counts["read"], counts["kept"], counts["quarantined"]) == (0, 0, 0)


def test_unreadable_excel_workbook_stops(partnership):
    spec = {
        "table": "fft_responses",
        "files": "fft/*.xlsx",
        "format": "xlsx",
        "columns": {
            "response_id": "ID",
            "service_code": "Ward",
            "response_date": "Date",
            "rating": "Rating",
        },
    }
    cfg = partnership(
        {"fft/fft_2024-03.xlsx": b"PK\x03\x04 not really a workbook"}, sources={"fft": spec}
    )
    with pytest.raises(CleanError, match="not a readable Excel workbook"):
        clean(cfg)


QUARANTINED = {
    "unknown service code": ("R2,ZZ9,05/03/2024,Good,,", "unknown_service_code", "Ward"),
    "blank service code": ("R2,,05/03/2024,Good,,", "missing_service_code", "Ward"),
    "old service code after the rename": ("R2,B1,20/03/2024,Good,,", None, None),  # still in effect
    "unparseable date": ("R2,A1,last tuesday,Good,,", "unparseable_date", "Date"),
    "impossible date": ("R2,A1,31/02/2024,Good,,", "invalid_date", "Date"),
    "blank date": ("R2,A1,,Good,,", "missing_date", "Date"),
    "date after the period the file covers": (
        "R2,A1,02/04/2024,Good,,",
        "date_after_period_end",
        "Date",
    ),
    "ambiguous date in a month-first column": (
        "R2,A1,03/04/2024,Good,,\nR3,A1,03/13/2024,Good,,",
        "ambiguous_date_order",
        "Date",
    ),
    "unknown rating code 7": ("R2,A1,05/03/2024,7,,", "unknown_rating", "Rating"),
    "blank rating": ("R2,A1,05/03/2024,,,", "missing_value", "Rating"),
    "misspelt rating": ("R2,A1,05/03/2024,Very goood,,", "unknown_rating", "Rating"),
    "blank response id": (",A1,05/03/2024,Good,,", "missing_value", "ID"),
    "extra field": ("R2,A1,05/03/2024,Good,,,surplus", "wrong_field_count", None),
    "missing fields": ("R2,A1,05/03/2024", "wrong_field_count", None),
    "same id with different values": ("R1,A1,06/03/2024,Poor,,", "conflicting_duplicate_id", "ID"),
}


@pytest.mark.parametrize("case", list(QUARANTINED))
def test_bad_row_is_quarantined_with_rule_and_line_and_the_good_row_kept(partnership, case):
    bad, rule, column = QUARANTINED[case]
    cfg = partnership({MARCH: fft_csv(GOOD, bad)})
    counts = clean(cfg)["counts"]["fft"]
    q = pd.read_parquet(cfg.processed_dir / "quarantine.parquet")
    if rule is None:
        assert counts["quarantined"] == 0 and counts["kept"] == 2
        return
    row = q[q["rule"] == rule]
    assert len(row) == 1, q
    # Line 1 is the header, line 2 the good row, line 3 the (first) bad row.
    assert row["source_line"].iat[0] == 3
    assert row["source_file"].iat[0] == MARCH
    if column:
        assert row["column"].iat[0] == column
    assert counts["read"] == counts["kept"] + counts["quarantined"] + counts["duplicates"]


def test_new_service_code_before_it_came_into_effect(partnership):
    cfg = partnership({MARCH: fft_csv(GOOD, "R2,B2,20/03/2024,Good,,")})
    clean(cfg)
    q = pd.read_parquet(cfg.processed_dir / "quarantine.parquet")
    assert q["rule"].tolist() == ["service_code_not_in_effect"]


def test_date_tolerance_admits_late_dates(partnership):
    spec = {**__import__("tests.ingest.conftest", fromlist=["FFT"]).FFT, "date_tolerance_days": 3}
    cfg = partnership({MARCH: fft_csv(GOOD, "R2,A1,02/04/2024,Good,,")}, sources={"fft": spec})
    assert clean(cfg)["counts"]["fft"]["kept"] == 2


DUPLICATES = {
    "exact duplicate row": ({MARCH: fft_csv(GOOD, GOOD)}, "exact"),
    "exact duplicate in a later file": (
        {MARCH: fft_csv(GOOD), "fft/fft_2024-04.csv": fft_csv(GOOD)},
        "exact",
    ),
    "same response re-exported with a correction": (
        {MARCH: fft_csv(GOOD), "fft/fft_2024-04.csv": fft_csv("R1,A1,15/03/2024,Good,Kind staff,")},
        "re_exported",
    ),
    "month exported again (as at)": (
        {
            MARCH: fft_csv(GOOD),
            "fft/fft_2024-03_asat_2024-05-02.csv": fft_csv(GOOD, "R9,A1,06/03/2024,Good,,"),
        },
        "revision",
    ),
}


@pytest.mark.parametrize("case", list(DUPLICATES))
def test_duplicates_are_removed_and_counted_by_kind(partnership, case):
    files, kind = DUPLICATES[case]
    cfg = partnership(files)
    counts = clean(cfg)["counts"]["fft"]
    assert counts["duplicates_by_kind"][kind] >= 1
    assert counts["read"] == counts["kept"] + counts["quarantined"] + counts["duplicates"]
    responses = pd.read_parquet(cfg.processed_dir / "fft_responses.parquet")
    assert responses["response_id"].is_unique


def test_accepted_variations_are_kept(partnership):
    """Encodings, BOM, CRLF, a multi-line comment, titles, the old scale and spelling variants."""
    rows = [
        GOOD,
        'R2,A1,06/03/2024,Dont Know,"two\nlines",',
        "R3,A1,07/03/2024,Extremely likely,,",
        "R4,A1,2024-03-08,4,,",
        "R5,a1,9 Mar 2024,NEITHER GOOD NOR POOR,,",
    ]
    text = "Monthly FFT export\n" + fft_csv(*rows)
    cfg = partnership(
        {
            "fft/fft_2024-03.csv": text.replace("Kind", "Café").encode("cp1252"),
            "fft/fft_2024-03b.csv": b"\xef\xbb\xbf" + fft_csv("R6,A1,10/03/2024,Good,,").encode(),
            "fft/fft_2024-03c.csv": fft_csv("R7,A1,11/03/2024,Good,,")
            .replace("\n", "\r\n")
            .encode(),
        }
    )
    counts = clean(cfg)["counts"]["fft"]
    assert (counts["kept"], counts["quarantined"]) == (7, 0)
    comments = pd.read_parquet(cfg.processed_dir / "fft_comments.parquet")
    assert sorted(comments["text"]) == ["Café staff", "two\nlines"]
