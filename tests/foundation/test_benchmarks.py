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


def test_the_national_benchmark_reuses_a_kept_history_when_the_stored_one_was_removed(
    tmp_path, monkeypatch
):
    """``--reuse`` restores the kept history whether or not the last run's stored data is
    still there (it is disposable: a user may delete it to free space)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS[0].parent))
    import bench_scale

    kept = tmp_path / "processed-history"
    kept.mkdir()
    (kept / "manifest.json").write_text("{}", encoding="utf-8")
    (tmp_path / "eligible-history.csv").write_text("month,eligible\n", encoding="utf-8")
    (tmp_path / "raw" / bench_scale.ELIGIBLE).parent.mkdir(parents=True)
    new = tmp_path / "raw" / "fft" / f"fft_responses_{bench_scale.NEW_MONTH}.csv"
    new.parent.mkdir()
    new.write_text("x\n", encoding="utf-8")

    bench_scale.restore(tmp_path)

    assert (tmp_path / "processed" / "manifest.json").read_text(encoding="utf-8") == "{}"
    assert (tmp_path / "raw" / bench_scale.ELIGIBLE).read_text(encoding="utf-8") == (
        "month,eligible\n"
    )
    assert not new.exists()
