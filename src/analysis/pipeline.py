"""The monthly pipeline: papermill runs of the notebooks, in order, into ``reports/<YYYY-MM>/``.

Every notebook takes the same two parameters, ``config_path`` and ``month`` (``""``
meaning the latest complete month), so an analyst can run any of them by hand with
the values a scheduled run used. For each period the folder holds the executed
notebooks (the audit record), the stakeholder pages (no code, offline, through the
publish gate), the analyst pages (with code), PDFs, tables and figures, and
``run.json`` (parameters, code version, timings).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import papermill
from tqdm import tqdm

from analysis.config import NOTEBOOKS_DIR, Config, load_config
from analysis.ingest.store import read_table
from analysis.methods.fft import latest_complete_month
from analysis.publish import browser
from analysis.publish.gate import PublishRefused, check_folder
from analysis.publish.html import export_html
from analysis.publish.index import write_index
from analysis.publish.periods import Period
from analysis.publish.provenance import code_version, public_parameters
from analysis.publish.report import slug

log = logging.getLogger("analysis")

#: The clean step's notebook; it runs once before the month is known.
CLEAN = "01_clean"
#: Analysis notebooks, run in order for each month, saved executed as the audit record.
ANALYSES: list[str] = ["02_trends", "03_themes", "04_indicators"]


@dataclass(frozen=True)
class Report:
    """A report notebook and the pages it becomes, for the periods it covers."""

    notebook: str
    page: str
    analyst_page: str
    title: str
    kind: str = "month"

    def due(self, month: pd.Period) -> bool:
        """Whether ``month`` ends one of this report's periods (financial quarters and years)."""
        return {"month": True, "quarter": month.month % 3 == 0, "year": month.month == 3}[self.kind]


REPORTS = [
    Report("10_monthly_report", "index.html", "analyst.html", "Monthly feedback report"),
    Report(
        "11_quarterly_report",
        "quarterly.html",
        "quarterly-analyst.html",
        "Quarterly feedback report",
        "quarter",
    ),
    Report(
        "12_annual_report", "annual.html", "annual-analyst.html", "Annual feedback report", "year"
    ),
]


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
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(month)):
            raise ValueError(f"month {month!r} is not a month: give it as YYYY-MM")
        return pd.Period(month, "M")
    responses = read_table("fft_responses", cfg.processed_dir)
    return latest_complete_month(responses["response_date"])


def clean(cfg: Config, audit_dir: Path | None = None) -> Path:
    """Run the clean notebook, then theme the comments (cached: only new data is classified).

    The clean notebook's executed copy goes to ``audit_dir`` (or a temporary file).
    """
    from analysis.textmodels.classify import classify

    target = (audit_dir or Path(tempfile.mkdtemp())) / f"{CLEAN}.ipynb"
    executed = run_notebook(CLEAN, target, {"config_path": str(cfg.path), "month": ""})
    log.info("themes: %s", classify(cfg))
    return executed


def report_folder(cfg: Config, period: pd.Period | str, scope: str = "") -> Path:
    """Where a period's reports go: ``reports/<period>/``, or ``reports/<period>/<scope>/``."""
    folder = cfg.reports_dir / str(period)
    return folder / slug(scope) if scope else folder


def produce_month(
    config_path: str,
    period: str,
    pdf: bool = True,
    scope: str = "",
    analyses: bool = True,
    jobs: int = 2,
) -> dict:
    """Run the analyses (unless ``analyses`` is false) and reports for one month (data
    already clean); returns the timings.

    The notebooks only read the processed data, so ``jobs`` of them run at once. With a
    ``scope`` (a setting or a service id) the reports cover just that part of the
    partnership and go to ``reports/<period>/<scope>/``.
    """
    cfg = load_config(config_path)
    p = pd.Period(period, "M")
    out = report_folder(cfg, period, scope)
    out.mkdir(parents=True, exist_ok=True)
    params = {"config_path": str(cfg.path), "month": period, "scope": scope}
    min_count = cfg.section("disclosure", {}).get("min_count", 5)
    reports = [r for r in REPORTS if r.due(p)]
    names = (ANALYSES if analyses else []) + [r.notebook for r in reports]
    seconds: dict[str, float] = {}

    def execute(name: str) -> Path:
        start = time.perf_counter()
        executed = run_notebook(name, out / f"{name}.ipynb", params)
        seconds[name] = time.perf_counter() - start
        return executed

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        executed = dict(zip(names, pool.map(execute, names), strict=True))
    pages = []
    for report in reports:
        start = time.perf_counter()
        title = f"{report.title}: {Period.of(report.kind, p).label}"
        notebook = executed[report.notebook]
        export_html(
            notebook,
            out / report.analyst_page,
            title=f"{title} (analyst version)",
            include_code=True,
        )
        pages.append(export_html(notebook, out / report.page, title=title, min_count=min_count))
        seconds[f"export+gate {report.page}"] = time.perf_counter() - start
    if pdf and browser.available():
        start = time.perf_counter()
        browser.write_pdfs(pages, min_count)
        seconds["pdf"] = time.perf_counter() - start
    elif pdf:
        log.warning("chromium not found: no PDFs written (make browser installs it)")
    run = {
        "period": period,
        "parameters": public_parameters(params),
        "code_version": code_version(),
        "pages": [pg.name for pg in pages],
        "analyst_pages": [r.analyst_page for r in reports],
        "ran_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
    }
    (out / "run.json").write_text(json.dumps(run, indent=2), encoding="utf-8")
    try:  # every file of the period, run.json too, through the publish gate
        check_folder(out, min_count)
    except PublishRefused:
        (out / "run.json").unlink()  # the reports index lists only periods with a run.json
        raise
    return run


def _log_to_file(cfg: Config, command: str) -> Path:
    logs = cfg.reports_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    path = logs / f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{command}.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return path


def run(
    config_path: str | os.PathLike | None = None,
    month: str | None = None,
    pdf: bool = True,
    scope: str = "",
) -> Path:
    """Clean the raw data, then produce the month's reports. Returns the report folder."""
    cfg = load_config(config_path)
    logfile = _log_to_file(cfg, "report")
    log.info("clean: %s", cfg.path)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        executed_clean = clean(cfg, Path(tmp))
        clean_seconds = time.perf_counter() - start
        period = report_month(cfg, month)
        out = cfg.reports_dir / str(period)
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(executed_clean, out / f"{CLEAN}.ipynb")
    log.info("report %s", period)
    result = produce_month(str(cfg.path), str(period), pdf=pdf, scope=scope)
    result["seconds"][CLEAN] = round(clean_seconds, 2)
    out = report_folder(cfg, period, scope)
    (out / "run.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    write_index(cfg.reports_dir, cfg.name)
    log.info("done %s: %s (log %s)", period, out, logfile)
    return out


def backfill(
    config_path: str | os.PathLike | None,
    first: str,
    last: str,
    workers: int = 2,
    pdf: bool = True,
    analyses: bool = False,
) -> dict[str, str]:
    """Clean once, then produce every month from ``first`` to ``last`` with ``workers`` processes.

    By default only the report notebooks run (the stakeholder and analyst pages and their
    executed notebooks); ``analyses`` also runs the analysis notebooks for every month.

    PDFs are printed at the end in one browser session (starting a browser per month
    would cost more than printing).

    Returns ``{period: "ok" | error message}``; one month failing does not stop the others.
    """
    cfg = load_config(config_path)
    logfile = _log_to_file(cfg, "backfill")
    periods = [
        str(p) for p in pd.period_range(pd.Period(first, "M"), pd.Period(last, "M"), freq="M")
    ]
    if not periods:
        raise ValueError(f"no months from {first} to {last}: the first must not be after the last")
    clean(cfg, cfg.reports_dir / "logs")
    results: dict[str, str] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {
            pool.submit(produce_month, str(cfg.path), p, False, "", analyses, 1): p for p in periods
        }
        for future in tqdm(as_completed(futures), total=len(futures), desc="months", unit="month"):
            period = futures[future]
            try:
                future.result()
                results[period] = "ok"
                log.info("report %s: ok", period)
            except Exception as exc:  # one failing month must not stop the backfill
                results[period] = (
                    f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                )
                log.error("report %s failed: %s", period, exc)
    if pdf and browser.available():
        pages = [
            cfg.reports_dir / period / r.page
            for period, status in results.items()
            if status == "ok"
            for r in REPORTS
            if r.due(pd.Period(period, "M"))
        ]
        browser.write_pdfs(pages)
    write_index(cfg.reports_dir, cfg.name)
    log.info("backfill done (log %s)", logfile)
    return dict(sorted(results.items()))
