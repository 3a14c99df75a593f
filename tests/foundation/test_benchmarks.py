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
