"""Automation: backfill, idempotent and reproducible re-runs, exit codes, logs."""

from __future__ import annotations

import json
import re

import pytest

from analysis import pipeline
from analysis.cli import EXIT_INPUT, EXIT_PARTIAL, main
from analysis.config import load_config

RUN_TIMES = re.compile(r"<dt>(Data processed|Report produced)</dt><dd>[^<]*</dd>")


@pytest.fixture(scope="module")
def backfilled(demo_config_path):
    results = pipeline.backfill(demo_config_path, "2024-04", "2024-05", workers=2, pdf=False)
    return load_config(demo_config_path), results


@pytest.mark.slow
def test_backfill_writes_every_month_and_the_index(backfilled):
    cfg, results = backfilled
    assert results == {"2024-04": "ok", "2024-05": "ok"}
    index = (cfg.reports_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="2024-04/index.html"' in index and 'href="2024-05/index.html"' in index
    assert list((cfg.reports_dir / "logs").glob("*-backfill.log"))


@pytest.mark.slow
def test_rerun_gives_the_same_report_apart_from_run_times(backfilled):
    cfg, _ = backfilled
    page = cfg.reports_dir / "2024-05" / "index.html"
    table = cfg.reports_dir / "2024-05" / "tables" / "monthly-fft-by-service.csv"
    first_page, first_table = page.read_text(encoding="utf-8"), table.read_bytes()
    pipeline.produce_month(str(cfg.path), "2024-05", pdf=False)
    assert table.read_bytes() == first_table
    assert RUN_TIMES.sub("", page.read_text(encoding="utf-8")) == RUN_TIMES.sub("", first_page)
    run = json.loads((cfg.reports_dir / "2024-05" / "run.json").read_text())
    assert run["parameters"]["month"] == "2024-05"


def test_backfill_of_no_months_exits_2(demo_config_path, capsys):
    code = main(
        ["--config", str(demo_config_path), "backfill", "--from", "2024-06", "--to", "2024-05"]
    )
    assert code == EXIT_INPUT
    assert "first must not be after the last" in capsys.readouterr().err


@pytest.mark.slow
def test_backfill_with_a_failing_month_exits_4_and_reports_the_others(demo_config_path, capsys):
    cfg = load_config(demo_config_path)
    broken = cfg.raw_dir / "commentary" / "2024-02.yaml"
    broken.parent.mkdir(exist_ok=True)
    broken.write_text("approval:\n  approved_by: X\n  approved_on: soon\n", encoding="utf-8")
    try:
        code = main(
            [
                "--config",
                str(demo_config_path),
                "backfill",
                "--from",
                "2024-02",
                "--to",
                "2024-03",
                "--no-pdf",
            ]
        )
    finally:
        broken.unlink()
    captured = capsys.readouterr()
    assert code == EXIT_PARTIAL
    assert "1 of 2 months reported" in captured.out
    assert "2024-02 failed" in captured.err
    assert (cfg.reports_dir / "2024-03" / "index.html").exists()


def test_bad_month_exits_2_with_message(demo_config_path, capsys):
    code = main(["--config", str(demo_config_path), "report", "--month", "March", "--no-pdf"])
    assert code == EXIT_INPUT
    assert "not a month: give it as YYYY-MM" in capsys.readouterr().err
