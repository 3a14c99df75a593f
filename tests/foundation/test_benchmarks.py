"""Every benchmark answers ``--help`` (and offers ``--smoke``) without running."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).resolve().parents[2] / "benchmarks").glob("bench_*.py"))


def test_there_are_benchmarks():
    assert len(BENCHMARKS) >= 7


@pytest.mark.parametrize("bench", BENCHMARKS, ids=lambda p: p.stem)
def test_each_benchmark_answers_help_with_a_smoke_mode(bench):
    run = subprocess.run(
        [sys.executable, str(bench), "--help"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("usage:"), run.stdout[:200]
    assert "--smoke" in run.stdout


def test_the_national_benchmark_refuses_a_side_by_side_with_classification(tmp_path):
    """``--compare-with`` leaves the history with a fixed code fingerprint that the report's
    check of the clean data finds stale; with ``--classify`` the report would clean and
    classify the whole history again before being timed. Refused before anything runs."""
    bench = next(b for b in BENCHMARKS if b.stem == "bench_scale")
    run = subprocess.run(
        [
            sys.executable,
            str(bench),
            "--compare-with",
            str(tmp_path),
            "--classify",
            "--work",
            str(tmp_path / "w"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert "--compare-with and --classify" in run.stderr
    assert not (tmp_path / "w").exists()
