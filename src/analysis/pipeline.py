"""The monthly pipeline: papermill runs of the notebooks, in order, into ``reports/<YYYY-MM>/``.

Every notebook takes the same two parameters, ``config_path`` and ``month`` (``""``
meaning the latest complete month), so an analyst can run any of them by hand with
the values a scheduled run used.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import papermill

import analysis
from analysis.config import NOTEBOOKS_DIR, Config, load_config
from analysis.ingest.store import read_table
from analysis.methods.fft import latest_complete_month
from analysis.publish.html import export_html
from analysis.publish.index import write_index

log = logging.getLogger(__name__)

#: The clean step's notebook; it runs before the month is known.
CLEAN = "01_clean"
#: Analysis notebooks, run in order for a month, each saved executed as the audit record.
ANALYSES: list[str] = ["02_trends"]
#: Report notebooks: each becomes a stakeholder HTML page (name: (file, title)).
REPORTS = {"10_monthly_report": ("index.html", "Monthly feedback report")}


def run_notebook(name: str, output: Path, parameters: dict) -> Path:
    """Execute ``notebooks/<name>.ipynb`` with ``parameters`` into ``output``."""
    output.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / f"{name}.ipynb"),
        str(output),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(NOTEBOOKS_DIR),
    )
    return output


def report_month(cfg: Config, month: str | None) -> pd.Period:
    """The month to report: ``month`` if given, else the latest complete month in the data."""
    if month:
        return pd.Period(month, "M")
    responses = read_table("fft_responses", cfg.processed_dir)
    return latest_complete_month(responses["response_date"])


def run(config_path: str | os.PathLike | None = None, month: str | None = None) -> Path:
    """Clean the raw data, then produce the month's reports. Returns the report folder."""
    cfg = load_config(config_path)
    params = {"config_path": str(cfg.path), "month": month or ""}
    timings = {}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        clean_nb = run_notebook(CLEAN, Path(tmp) / f"{CLEAN}.ipynb", params)
        timings[CLEAN] = time.perf_counter() - start
        period = report_month(cfg, month)
        out = cfg.reports_dir / str(period)
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(clean_nb, out / f"{CLEAN}.ipynb")
    params["month"] = str(period)
    for name in ANALYSES:
        start = time.perf_counter()
        run_notebook(name, out / f"{name}.ipynb", params)
        timings[name] = time.perf_counter() - start
    for name, (page, title) in REPORTS.items():
        start = time.perf_counter()
        executed = run_notebook(name, out / f"{name}.ipynb", params)
        export_html(executed, out / page, title=f"{title}: {period:%B %Y}")
        timings[name] = time.perf_counter() - start
    (out / "run.json").write_text(
        json.dumps(
            {
                "period": str(period),
                "parameters": params,
                "code_version": analysis.__version__,
                "ran_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "seconds": {k: round(v, 2) for k, v in timings.items()},
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    write_index(cfg.reports_dir, cfg.name)
    return out
