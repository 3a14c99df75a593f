"""Runs that are killed, repeated and overlapped leave complete outputs, never a mix.

A run is killed with SIGKILL (as the out-of-memory killer or a pulled plug would) at
several moments; afterwards the period's folder is the previous complete report or the
new complete one, no notebook kernel outlives it, and the next run cleans up what it left.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from analysis.config import PROJECT_ROOT
from tests.journeys.conftest import assert_published

pytestmark = [pytest.mark.journey, pytest.mark.slow, pytest.mark.xdist_group("journeys")]

MONTH = "2021-01"
#: Seconds after the start at which a run is killed: during the clean step, the
#: analysis notebooks, and the report notebooks and export.
KILL_AFTER = (3, 12, 30)


def start(partnership, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "analysis", args[0], "--config", str(partnership.config), *args[1:]],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def holding_lock(partnership, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until ``proc`` holds its data folder's lock (a fixed sleep races a loaded machine)."""
    from analysis.staging import LOCK_FILE

    path = partnership.cfg.processed_dir / LOCK_FILE
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if json.loads(path.read_text() or "{}").get("pid") == proc.pid:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"process {proc.pid} never held {path}")


def snapshot(folder: Path) -> dict:
    """The files of a report folder (names and sizes) and its run.json."""
    if not folder.exists():
        return {}
    files = {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}
    return {"files": files, "run": json.loads((folder / "run.json").read_text())}


def kernels_of(pid: int) -> list[psutil.Process]:
    """Notebook kernels started by process ``pid`` still running."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if "ipykernel_launcher" in " ".join(proc.info["cmdline"] or []) and proc.environ().get(
                "JPY_PARENT_PID"
            ) == str(pid):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


@pytest.fixture(scope="module")
def complete_report(england):
    result = england.cli("report", "--month", MONTH, "--no-pdf")
    assert result.code == 0, result
    return england.cfg.reports_dir / MONTH


@pytest.mark.parametrize("seconds", KILL_AFTER)
def test_a_killed_report_leaves_the_previous_complete_report(england, complete_report, seconds):
    before = snapshot(complete_report)
    proc = start(england, "report", "--month", MONTH, "--no-pdf")
    time.sleep(seconds)
    if proc.poll() is not None:
        pytest.skip(f"the run finished within {seconds} s")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after = snapshot(complete_report)
    assert after == before or (
        after["run"]["ran_at"] != before["run"]["ran_at"] and set(after["files"]) >= {"index.html"}
    ), "the folder is neither the previous report nor a new complete one"
    deadline = time.monotonic() + 10
    while kernels_of(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not kernels_of(proc.pid), "a notebook kernel outlived its killed run"


def test_the_next_run_cleans_up_after_killed_runs(england, complete_report):
    reports = england.cfg.reports_dir
    staging = reports / ".staging-orphan-x"
    staging.mkdir(exist_ok=True)
    (staging / "index.html").write_text("half")
    result = england.cli("report", "--month", MONTH, "--no-pdf")
    assert result.code == 0, result
    leftovers = [p for p in reports.rglob(".staging-*")] + list(reports.rglob(".previous-*"))
    assert not leftovers, leftovers
    assert_published(complete_report, ["index.html"])


@pytest.mark.parametrize("seconds", (2, 6))
def test_a_killed_clean_leaves_readable_tables(england, seconds):
    proc = start(england, "clean", "--force")
    time.sleep(seconds)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    processed = england.cfg.processed_dir
    for table in ("fft_responses", "complaints", "services"):
        path = processed / f"{table}.parquet"
        path = path if path.exists() else processed / table
        assert len(pd.read_parquet(path)) > 0, table
    result = england.cli("clean")
    assert result.code == 0, result
    assert not [p for p in processed.glob(".*-*") if p.is_dir()]


def test_two_reports_at_once_both_complete_one_after_the_other(england, complete_report):
    first = start(england, "report", "--month", MONTH, "--no-pdf")
    holding_lock(england, first)
    second = start(england, "report", "--month", MONTH, "--no-pdf")
    out1, err1 = first.communicate(timeout=900)
    out2, err2 = second.communicate(timeout=900)
    assert first.returncode == 0, err1[-3000:]
    assert second.returncode == 0, err2[-3000:]
    assert "waiting for" in err2
    assert_published(complete_report, ["index.html"])


def test_a_second_run_told_not_to_wait_stops_with_exit_5(england):
    first = start(england, "clean", "--force")
    try:
        holding_lock(england, first)
        second = start(england, "report", "--no-wait", "--no-pdf")
        _, err = second.communicate(timeout=120)
        assert second.returncode == 5, err
        assert "is using" in err and "clean" in err
    finally:
        first.communicate(timeout=600)
    assert first.returncode == 0


def test_recover_removes_a_killed_clean_steps_staging_folder(tmp_path):
    """Unit check of the same clean-up, without a run: a ``.staging-*`` folder a killed
    clean step left in the processed folder is removed."""
    from analysis.staging import recover

    processed = tmp_path / "processed"
    (processed / ".staging-abc").mkdir(parents=True)
    (processed / ".staging-abc" / "fft_responses.parquet").write_text("half")
    done = recover(tmp_path / "reports", processed)
    assert not (processed / ".staging-abc").exists() and done
