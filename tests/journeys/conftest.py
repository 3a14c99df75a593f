"""Journeys: the documented commands, run as a user runs them, as subprocesses.

Each partnership's small demonstration data set is generated and cleaned once per
test run, by the command line itself, and shared by every journey (a file lock makes
pytest-xdist workers share it too; the journeys are one ``xdist_group`` so they run in
order on one worker while the other tests use the rest). Journeys never touch the
project's own ``data/`` or ``reports/``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from filelock import FileLock

from analysis.config import PROJECT_ROOT, load_config, relocate

#: The English demonstration over two financial years: 2019/20 and 2020/21, which holds
#: the national pause of FFT collection (April to November 2020).
ENGLAND = {"config": "config/partnerships/demo.yaml", "start": "2019-04", "end": "2021-03"}
#: The Scottish demonstration over one financial year.
SCOTLAND = {
    "config": "config/partnerships/scotland_demo.yaml",
    "start": "2024-04",
    "end": "2025-03",
}


@dataclass
class Result:
    """What a command did: exit code and what it printed."""

    code: int
    out: str
    err: str

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out[-3000:]}\n--- stderr\n{self.err[-3000:]}"


def run_cli(*args: str, timeout: float = 900) -> Result:
    """``python -m analysis <args>`` in a fresh process, as a user types it."""
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONWARNINGS": "default"},
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@dataclass
class Partnership:
    """A shared, cleaned demonstration partnership in a temporary folder."""

    config: Path

    @property
    def cfg(self):
        return load_config(self.config)

    def cli(self, *args: str, timeout: float = 900) -> Result:
        """Run a command on this partnership (``--config`` after the command, as make does)."""
        return run_cli(*args[:1], "--config", str(self.config), *args[1:], timeout=timeout)

    def responses(self) -> pd.DataFrame:
        """The cleaned responses, read with pandas alone (the expected values' source)."""
        path = self.cfg.processed_dir / "fft_responses.parquet"
        if not path.exists():
            path = self.cfg.processed_dir / "fft_responses"
        return pd.read_parquet(path, columns=["service_id", "response_date"])


def _prepare(tmp_root: Path, spec: dict) -> Path:
    base = load_config(PROJECT_ROOT / spec["config"])
    demo = {**base.section("demo", {}), "start": spec["start"], "end": spec["end"]}
    cfg = relocate(base, tmp_root, demo=demo)
    for command in (["demo-data"], ["clean"], ["themes"]):
        result = run_cli("--config", str(cfg.path), *command)
        assert result.code == 0, f"{command}: {result}"
    return cfg.path


def _shared(tmp_path_factory, worker_id: str, name: str, spec: dict) -> Partnership:
    """Prepare the partnership once for the whole run, whichever worker asks first."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent
    folder = root / f"journey-{name}"
    done = folder / "prepared.json"
    with FileLock(str(folder) + ".lock"):
        if not done.exists():
            path = _prepare(folder, spec)
            done.write_text(json.dumps({"config": str(path)}), encoding="utf-8")
    return Partnership(Path(json.loads(done.read_text(encoding="utf-8"))["config"]))


@pytest.fixture(scope="session")
def england(tmp_path_factory, worker_id) -> Partnership:
    """The English demonstration partnership, April 2019 to March 2021, cleaned."""
    return _shared(tmp_path_factory, worker_id, "england", ENGLAND)


@pytest.fixture(scope="session")
def scotland(tmp_path_factory, worker_id) -> Partnership:
    """The Scottish demonstration partnership, April 2024 to March 2025, cleaned."""
    return _shared(tmp_path_factory, worker_id, "scotland", SCOTLAND)


def page_text(path: Path) -> str:
    """A page's visible text, roughly: tags dropped, entities for spaces undone."""
    import re

    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").replace("&amp;", "&")
    return re.sub(r"\s+", " ", text)


def assert_published(folder: Path, pages: list[str]) -> None:
    """Every page written, nothing left half-done beside it."""
    assert folder.is_dir(), folder
    for page in pages:
        assert (folder / page).exists(), f"{folder / page} missing"
    assert (folder / "run.json").exists()
    leftovers = [p.name for p in folder.parent.glob(".staging-*")]
    assert not leftovers, leftovers
