"""End to end: identifiers, markup and spreadsheet formulas planted in a partnership's raw
exports never reach a published file.

A fresh copy of the small demonstration partnership (the shared one is left alone) gets
an NHS number written with odd separators, a phone number, an e-mail address spelt out
("jo at example dot com"), a name after "Nurse", a ``<script>`` and spreadsheet formulas
(``=HYPERLINK(…)``, ``+cmd``, ``@SUM(1)``) in its FFT comments, compliments, "You said,
We did" actions and the analysts' commentary. ``python -m analysis report --no-pdf``
runs as a user runs it. Nothing planted may appear in any file under ``reports/``
(formulas only with the neutralising quote in front), no Excel cell may be a formula and
no CSV text cell may start with ``=``, ``+``, ``-`` or ``@``.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from analysis.config import load_config, relocate
from tests.conftest import SMALL_PERIOD

MONTH = SMALL_PERIOD["end"]
NHS_NUMBER = "943 - 476/5919"  # valid check digit, separators mixed
PHONE = "07700 900123"
EMAIL = "jo at example dot com"
NAME = "Okafor"
IDENTIFIERS = [NHS_NUMBER, "9434765919", PHONE, EMAIL, f"Nurse {NAME}", NAME]
MARKUP = ["<script>", "</script>"]
FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(1)"]
SCRIPT = "<script>alert('x')</script>"
PLANTS = [
    f"The staff were kind and my NHS number {NHS_NUMBER} was on every letter. {SCRIPT}",
    f"Please ring my daughter on {PHONE} about the appointment, thank you. {SCRIPT}",
    f"Send the leaflet to {EMAIL} because the post never arrives here. {SCRIPT}",
    f"Nurse {NAME} was wonderful and explained everything to us clearly. {SCRIPT}",
    f"Lovely care from everyone {SCRIPT} on the ward today.",
    *FORMULAS,
]


def _rewrite_csv(path: Path, encoding: str, columns: list[str], rows_from_end: bool = True) -> None:
    """Write the plants into ``columns`` of the file's last rows (the latest month's)."""
    with open(path, newline="", encoding=encoding) as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    cols = [header.index(c) for c in columns]
    assert len(body) >= len(PLANTS), path
    targets = body[-len(PLANTS) :] if rows_from_end else body[: len(PLANTS)]
    for row, text in zip(targets, PLANTS, strict=True):
        for c in cols:
            row[c] = text
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f, lineterminator="\n").writerows([header, *body])


@pytest.fixture(scope="module")
def reports(demo_config, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("planted")
    cfg = relocate(load_config(), root, demo={**load_config().section("demo", {}), **SMALL_PERIOD})
    shutil.copytree(demo_config.raw_dir, cfg.raw_dir, dirs_exist_ok=True)
    src = cfg.sources
    fft = sorted(cfg.raw_dir.glob(f"fft/*{MONTH}*.csv"))[-1]
    _rewrite_csv(fft, "utf-8", list(src["fft"]["comments"].values()))
    compliments = sorted(cfg.raw_dir.glob("compliments/*.csv"))[-1]
    _rewrite_csv(compliments, "cp1252", [src["compliments"]["columns"]["text"]])
    actions = cfg.raw_dir / "actions" / "you_said_we_did.csv"
    columns = src["actions"]["columns"]
    _rewrite_csv(actions, "utf-8", [columns["you_said"], columns["we_did"]])
    commentary = cfg.raw_dir / "commentary"
    commentary.mkdir(exist_ok=True)
    notes = "\n".join(f"  {key}: {text!r}" for key, text in zip(
        ["fft", "spc", "complaints", "themes", "actions", "good_news", "headlines", "voices"],
        PLANTS, strict=False,
    ))  # fmt: skip
    for period in (MONTH, f"{MONTH}-quarter"):
        (commentary / f"{period}.yaml").write_text(f"sections:\n{notes}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "--config", str(cfg.path), "report", "--no-pdf"],
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return cfg.reports_dir


def _files(reports: Path) -> list[Path]:
    return [p for p in reports.rglob("*") if p.is_file() and p.suffix != ".log"]


@pytest.mark.slow
def test_the_report_was_written(reports):
    period = reports / MONTH
    assert (period / "index.html").exists() and (period / "quarterly.html").exists()
    assert list((period / "tables").glob("*.xlsx")) and list((period / "tables").glob("*.csv"))


@pytest.mark.slow
def test_no_planted_identifier_or_markup_reaches_any_published_file(reports):
    files = _files(reports)
    assert {".html", ".csv", ".xlsx", ".ipynb", ".json", ".png"} <= {p.suffix for p in files}
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        if path.suffix == ".xlsx":
            text = "\n".join(str(v) for v in _cells(path))
        for planted in IDENTIFIERS:
            assert planted not in text, f"{planted!r} in {path.relative_to(reports)}"
        if path.suffix == ".ipynb":
            text = _rendered(path)
        for planted in MARKUP:
            assert planted not in text, f"{planted!r} in {path.relative_to(reports)}"


def _rendered(path: Path) -> str:
    """An executed notebook's text as JupyterLab renders it: sources and outputs, except a
    data frame's text/plain copy beside its (escaped) HTML. Known gap: a comment's raw
    ``<script>`` survives as text in that plain copy (JSON, never rendered), since the
    clean step keeps markup in the free text it stores."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        parts.append("".join(cell.get("source", "")))
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")))
            data = out.get("data") or {}
            for mime, value in data.items():
                if mime == "text/plain" and "text/html" in data:
                    continue
                parts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(parts)


def _cells(path: Path) -> list:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        return [c.value for s in book.worksheets for r in s.iter_rows() for c in r]
    with open(path, newline="", encoding="utf-8-sig") as f:
        return [value for row in csv.reader(f) for value in row]


@pytest.mark.slow
def test_planted_formulas_reach_downloads_only_as_text(reports):
    """A page shows a formula as words (harmless in HTML); in a download it must be text."""
    seen = 0
    for path in [*reports.rglob("*.csv"), *reports.rglob("*.xlsx")]:
        for value in _cells(path):
            if any(f in str(value) for f in FORMULAS):
                seen += 1
                assert str(value).startswith("'"), f"{path.name}: {value!r}"
    assert seen  # the actions table carries them


@pytest.mark.slow
def test_no_download_cell_can_run_as_a_formula(reports):
    books = list(reports.rglob("*.xlsx"))
    sheets = list(reports.rglob("*.csv"))
    assert books and sheets
    for path in books:
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{path.name} {cell.coordinate}: {cell.value!r}"
    for path in sheets:
        with open(path, newline="", encoding="utf-8-sig") as f:
            for r, row in enumerate(csv.reader(f), start=1):
                for value in row:
                    if re.fullmatch(r"[-+]?\d[\d,]*(\.\d+)?%?", value):
                        continue  # a number (a change of -3.2 points) is not text
                    assert not value.startswith(("=", "+", "-", "@")), f"{path.name} row {r}"
