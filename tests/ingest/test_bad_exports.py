"""Bad exports are found and reported, never absorbed.

A monthly export holding another month's rows, an export with a header and no rows,
a few month-first dates in a day-first export, a file reached through a link out
of ``raw_dir``, and a workbook whose declared size disagrees with what it holds.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile

import openpyxl
import pandas as pd
import pytest

from analysis.ingest.clean import CleanError, clean
from analysis.ingest.readers import SourceFileError, read_file
from tests.ingest.conftest import FFT, HEADER, fft_csv

MARCH = "fft/fft_2024-03.csv"
XLSX = {**FFT, "files": "fft/*.xlsx", "format": "xlsx", "comments": {}}


def _quarantine(cfg) -> pd.DataFrame:
    return pd.read_parquet(cfg.processed_dir / "quarantine.parquet")


# ------------------------------------------------------------- a month that is not the month
def test_a_march_export_holding_only_january_is_reported_by_name(partnership):
    rows = [f"R{i},A1,{d:02d}/01/2024,Good,," for i, d in enumerate(range(13, 20))]
    cfg = partnership({MARCH: fft_csv(*rows)})
    manifest = clean(cfg)
    # Kept under their own dates (a month's export may re-export earlier months with
    # corrections), never silently: the file is named in the manifest's warnings.
    assert manifest["counts"]["fft"]["kept"] == 7
    (warning,) = manifest["warnings"]
    assert warning["file"] == MARCH and warning["source"] == "fft"
    assert warning["problem"] == (
        "none of its 7 rows is dated within 2024-03-01 to 2024-03-31, the month its name "
        "gives: the 7 rows kept run from 2024-01-13 to 2024-01-19 and are stored under those dates"
    )
    assert "mislabelled" in warning["advice"]


def test_a_march_export_holding_only_may_is_quarantined_and_reported(partnership):
    rows = [f"R{i},A1,{d:02d}/05/2024,Good,," for i, d in enumerate(range(13, 16))]
    cfg = partnership({MARCH: fft_csv(*rows)})
    manifest = clean(cfg)
    assert manifest["counts"]["fft"]["kept"] == 0
    assert set(_quarantine(cfg)["rule"]) == {"date_after_period_end"}
    (warning,) = manifest["warnings"]
    assert warning["file"] == MARCH
    assert warning["problem"] == (
        "none of its 3 rows could be used (the month its name gives is 2024-03); "
        "quarantined: date_after_period_end (3)"
    )


def test_month_first_dates_read_day_first_cannot_become_other_months(partnership):
    # 3 to 12 March written month-first: read day-first they would be 3 May ... 12 Dec.
    rows = [f"R{d},A1,03/{d:02d}/2024,Good,," for d in range(4, 13)]
    cfg = partnership({MARCH: fft_csv(*rows)})
    manifest = clean(cfg)
    assert manifest["counts"]["fft"]["kept"] == 0
    assert set(_quarantine(cfg)["rule"]) == {"ambiguous_date_order"}
    (warning,) = manifest["warnings"]
    assert "quarantined: ambiguous_date_order (9)" in warning["problem"]


def test_a_monthly_export_may_carry_corrections_of_earlier_months(partnership):
    # February's row re-exported in March's file is kept (a correction); the file holds March.
    rows = ["R1,A1,15/03/2024,Good,,", "R2,A1,29/02/2024,Good,,", "R3,A1,01/04/2024,Good,,"]
    cfg = partnership({MARCH: fft_csv(*rows)})
    manifest = clean(cfg)
    assert _quarantine(cfg)["rule"].tolist() == ["date_after_period_end"]
    assert manifest["counts"]["fft"]["kept"] == 2
    assert manifest["warnings"] == []


def test_the_tolerance_counts_days_next_to_the_month_as_the_month(partnership):
    rows = ["R1,A1,29/02/2024,Good,,", "R2,A1,01/04/2024,Good,,"]
    strict = clean(partnership({MARCH: fft_csv(*rows)}))
    assert strict["counts"]["fft"]["kept"] == 1 and len(strict["warnings"]) == 1
    sources = {"fft": {**FFT, "date_tolerance_days": 1}}
    tolerant = clean(partnership({MARCH: fft_csv(*rows)}, sources=sources))
    assert tolerant["counts"]["fft"]["kept"] == 2 and tolerant["warnings"] == []


# ------------------------------------------------------------- a header and no rows
def test_an_export_with_a_header_and_no_rows_is_a_warning_in_the_manifest(partnership):
    cfg = partnership({MARCH: HEADER, "fft/fft_2024-04.csv": fft_csv("R1,A1,02/04/2024,Good,,")})
    manifest = clean(cfg)
    assert manifest["counts"]["fft"]["kept"] == 1  # the other month is still used
    (warning,) = manifest["warnings"]
    assert warning == {
        "source": "fft",
        "file": MARCH,
        "problem": "has a header but no rows",
        "advice": "Check that the export ran in full; if the period truly had none, ignore this",
    }


def test_the_clean_command_prints_the_warning(partnership):
    cfg = partnership({MARCH: HEADER})
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "--config", str(cfg.path), "clean"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert f"warning: source 'fft': {MARCH}: has a header but no rows" in done.stdout + done.stderr


# ------------------------------------------------------------- a few month-first dates
def test_a_handful_of_month_first_dates_in_a_day_first_export_are_quarantined(partnership):
    day_first = [f"R{i},A1,{13 + i % 15}/03/2024,Good,," for i in range(300)]
    slips = ["M1,A1,03/14/2024,Good,,", "M2,A1,03/27/2024,Good,,"]
    ambiguous = "R999,A1,02/03/2024,Good,,"  # day-first, as the column is: 2 March
    cfg = partnership(
        {MARCH: fft_csv(*day_first[:6], slips[0], ambiguous, *day_first[6:], slips[1])}
    )
    manifest = clean(cfg)
    assert manifest["counts"]["fft"]["kept"] == 301
    q = _quarantine(cfg).sort_values("source_line")
    assert q["rule"].tolist() == ["date_order_mixed", "date_order_mixed"]
    assert q["source_line"].tolist() == [8, 304]  # header 1, 6 rows, slip, 2 March, 294 rows
    assert q["source_file"].unique().tolist() == [MARCH]
    assert q["value"].tolist() == ["03/14/2024", "03/27/2024"]
    assert "ambiguous_date_order" in q["message"].iat[0]  # says how to accept a real mixture
    kept = pd.read_parquet(cfg.processed_dir / "fft_responses.parquet").set_index("response_id")
    assert str(kept.loc["R999", "response_date"])[:10] == "2024-03-02"


def test_a_configured_ambiguous_order_follows_each_rows_own_order(partnership):
    rows = ["R1,A1,13/03/2024,Good,,", "M1,A1,03/14/2024,Good,,"]
    sources = {"fft": {**FFT, "ambiguous_date_order": "dmy"}}
    cfg = partnership({MARCH: fft_csv(*rows)}, sources=sources)
    assert clean(cfg)["counts"]["fft"]["kept"] == 2


# ------------------------------------------------------------- a link out of raw_dir
def test_a_file_linked_from_outside_raw_dir_is_refused_without_reading_it(partnership, tmp_path):
    secret = tmp_path / "elsewhere" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text(HEADER + "R9,A1,15/03/2024,Good,PRIVATE-NOTE,\n", encoding="utf-8")
    cfg = partnership({MARCH: fft_csv("R1,A1,15/03/2024,Good,,")})
    (cfg.raw_dir / "fft" / "fft_2024-04.csv").symlink_to(secret)
    with pytest.raises(CleanError, match="resolves outside raw_dir") as err:
        clean(cfg)
    assert "PRIVATE-NOTE" not in str(err.value)
    assert "fft_2024-04.csv" in str(err.value)


# ------------------------------------------------------------- workbooks that lie about their size
def _workbook(rows: int, dimension: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Ward", "Date", "Rating"])
    for i in range(rows):
        sheet.append([f"R{i}", "A1", "15/03/2024", "Good"])
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data, n = re.subn(
                    rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}"/>'.encode(), data
                )
                assert n == 1
            zout.writestr(item, data)
    return out.getvalue()


def test_a_workbook_whose_declared_size_hides_rows_is_refused(tmp_path):
    path = tmp_path / "fft_2024-03.xlsx"
    path.write_bytes(_workbook(50, dimension="A1:D3"))  # declares a header and two rows
    with pytest.raises(SourceFileError, match=r"declares 3 rows \(A1:D3\) but holds 51"):
        read_file(path, ["ID", "Ward", "Date", "Rating"], "excel")


def test_a_workbook_with_a_truthful_or_larger_declared_size_is_read_in_full(tmp_path):
    for dimension in (None, "A1:XFD1048576"):
        path = tmp_path / "fft_2024-03.xlsx"
        path.write_bytes(_workbook(50, dimension))
        raw = read_file(path, ["ID", "Ward", "Date", "Rating"], "excel")
        assert raw.table.num_rows == 50 and raw.table.num_columns == 4


def test_a_workbook_larger_than_the_configured_limit_is_refused(partnership):
    cfg = partnership(
        {"fft/fft_2024-03.xlsx": _workbook(40)}, sources={"fft": {**XLSX, "max_rows": 30}}
    )
    with pytest.raises(CleanError, match="more than 30 rows.*max_rows"):
        clean(cfg)


def test_a_csv_larger_than_the_configured_limit_is_refused(partnership):
    rows = [f"R{i},A1,15/03/2024,Good,," for i in range(40)]
    cfg = partnership({MARCH: fft_csv(*rows)}, sources={"fft": {**FFT, "max_rows": 30}})
    with pytest.raises(CleanError, match="40 rows, more than 30.*max_rows"):
        clean(cfg)
