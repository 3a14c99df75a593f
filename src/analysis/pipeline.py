"""The monthly pipeline: papermill runs of the notebooks, in order, into ``reports/<YYYY-MM>/``.

Every notebook takes the same two parameters, ``config_path`` and ``month`` (``""``
meaning the latest complete month), so an analyst can run any of them by hand with
the values a scheduled run used. For each period the folder holds the executed
notebooks (the audit record), the stakeholder pages (no code, offline, through the
publish gate), the analyst pages (with code), PDFs, tables and figures, and
``run.json`` (parameters, code version, timings). Every file of a period passes the
publish gate (:func:`analysis.publish.gate.check_folder`) before the period is swapped
in; a refusal leaves the previous complete reports.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing.util
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from analysis import kernels, staging
from analysis.config import NOTEBOOKS_DIR, Config, load_config
from analysis.context import OUTPUT_ENV, final_folder
from analysis.coverage import check_written, coverage, parse_month, report_period
from analysis.publish import browser
from analysis.publish.gate import check_folder
from analysis.publish.html import export_html
from analysis.publish.index import write_index
from analysis.publish.periods import Period
from analysis.publish.provenance import code_version, public_parameters
from analysis.staging import locked_run

log = logging.getLogger("analysis")

#: The clean step's notebook; it runs once before the month is known.
CLEAN = "01_clean"
#: Analysis notebooks, run in this order for each month (after its reports, so that the
#: kernels finish together), saved executed as the audit record.
ANALYSES: list[str] = ["02_trends", "04_indicators", "03_themes"]


@dataclass(frozen=True)
class Report:
    """A kind of report page: the one report notebook run with its ``kind`` of period."""

    page: str
    analyst_page: str
    title: str
    kind: str = "month"
    notebook: str = "10_report"

    @property
    def audit(self) -> str:
        """The executed notebook's name in the report folder (one per kind)."""
        return f"{self.notebook}_{self.kind}"

    def due(self, month: pd.Period) -> bool:
        """Whether ``month`` ends one of this report's periods (financial quarters and years)."""
        return {"month": True, "quarter": month.month % 3 == 0, "year": month.month == 3}[self.kind]


REPORTS = [
    Report("index.html", "analyst.html", "Monthly feedback report"),
    Report("quarterly.html", "quarterly-analyst.html", "Quarterly feedback report", "quarter"),
    Report("annual.html", "annual-analyst.html", "Annual feedback report", "year"),
]


def run_notebook(name: str, output: Path, parameters: dict) -> Path:
    """Execute ``notebooks/<name>.ipynb`` with the ``parameters`` it declares into ``output``
    on a kernel of its own (a month's notebooks share a pool: see :func:`build_month`)."""
    return kernels.execute(NOTEBOOKS_DIR / f"{name}.ipynb", output, parameters, NOTEBOOKS_DIR)


def report_month(cfg: Config, month: str | None) -> pd.Period:
    """The month to report: ``month`` if the data covers it, else the latest complete month.

    A month the data does not cover is a ValueError naming the months available.
    """
    return report_period(cfg.processed_dir, month)


def clean(cfg: Config, audit_dir: Path | None = None) -> Path:
    """Run the clean notebook, then theme the comments (cached: only new data is classified).

    The clean notebook's executed copy goes to ``audit_dir`` (or a temporary file).
    """
    from analysis.theme_check import themes_up_to_date

    target = (audit_dir or Path(tempfile.mkdtemp())) / f"{CLEAN}.ipynb"
    executed = run_notebook(CLEAN, target, {"config_path": str(cfg.path), "month": ""})
    log.info("themes: %s", themes_up_to_date(cfg))
    return executed


def clean_in_process(cfg: Config) -> dict:
    """The clean step and the comments' themes, in this process (no notebook); returns the
    clean step's manifest. Both do nothing when their inputs are unchanged (the themes' check
    then reads no comment: :mod:`analysis.theme_check`)."""
    from analysis.ingest.clean import clean as clean_data
    from analysis.theme_check import themes_up_to_date

    manifest = clean_data(cfg)
    log.info("clean: %s; themes: %s", manifest["status"], themes_up_to_date(cfg))
    return manifest


@dataclass(frozen=True)
class MonthOptions:
    """What to produce for a month: PDFs, one setting or service alone, the analyses,
    parallel notebooks, and the clean notebook as the audit of the data it used."""

    pdf: bool = True
    scope: str = ""
    analyses: bool = True
    jobs: int = 2
    clean_audit: bool = False


def build_month(
    config_path: str,
    period: str,
    staging: Path,
    options: MonthOptions,
    progress=None,
    pool: kernels.KernelPool | None = None,
) -> dict:
    """Run the month's notebooks into ``staging`` and export its pages there; returns ``run.json``.

    The notebooks run on ``pool``'s kernels (or on a pool of ``options.jobs`` kernels
    started here), each to the next free kernel.
    Nothing is written outside ``staging``; PDFs are not printed here (see :func:`print_pdfs`).
    Once ``run.json`` is written every file of ``staging`` goes through the publish gate:
    a refusal raises :class:`~analysis.publish.gate.PublishRefused` naming each file and
    place, and the caller's :func:`analysis.staging.staged` discards the folder.
    """
    cfg = load_config(config_path)
    p = pd.Period(period, "M")
    params = {"config_path": str(cfg.path), "month": period, "scope": options.scope}
    min_count = cfg.disclosure.min_count
    reports = [r for r in REPORTS if r.due(p)]
    # the longest first (the reports, then the analyses), so that the kernels finish
    # together and each report's pages are exported while the other notebooks run
    runs = [(r.audit, r.notebook, {**params, "kind": r.kind}) for r in reports]
    runs += [(n, n, params) for n in (ANALYSES if options.analyses else [])]
    runs += [(CLEAN, CLEAN, {"config_path": str(cfg.path), "month": ""})] * options.clean_audit
    seconds: dict[str, float] = {}
    own = pool is None
    pool = pool or kernels.KernelPool(options.jobs, NOTEBOOKS_DIR)
    env = {OUTPUT_ENV: str(staging)}
    exported: dict[str, Path] = {}

    def export(report: Report, notebook: Path) -> None:
        start = time.perf_counter()
        title = f"{report.title}: {Period.of(report.kind, p).label}"
        export_html(
            notebook,
            staging / report.analyst_page,
            title=f"{title} (analyst version)",
            include_code=True,
        )
        exported[report.page] = export_html(
            notebook, staging / report.page, title=title, min_count=min_count
        )
        seconds[f"export+gate {report.page}"] = time.perf_counter() - start

    def execute(run: tuple[str, str, dict]) -> Path:
        name, notebook, parameters = run
        start = time.perf_counter()
        executed = pool.execute(
            NOTEBOOKS_DIR / f"{notebook}.ipynb", staging / f"{name}.ipynb", parameters, env
        )
        seconds[name] = time.perf_counter() - start
        if progress is not None:
            progress.update(1)
        for report in (r for r in reports if r.audit == name):
            exports.append(exporter.submit(export, report, executed))
        return executed

    exports: list = []
    try:
        with (
            ThreadPoolExecutor(max_workers=len(pool.kernels)) as threads,
            ThreadPoolExecutor(max_workers=1) as exporter,
        ):
            list(threads.map(execute, runs))
            for done in exports:
                done.result()
    finally:
        if own:
            pool.close()
    pages = [exported[r.page] for r in reports]
    run = {
        "period": period,
        "parameters": public_parameters(params),
        "code_version": code_version(),
        "pages": [pg.name for pg in pages],
        "analyst_pages": [r.analyst_page for r in reports],
        "ran_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
    }
    _write_run(staging, run)
    check_folder(staging, min_count)  # every file of the period, run.json too
    return run


def _write_run(folder: Path, run: dict) -> None:
    (folder / "run.json").write_text(json.dumps(run, indent=2), encoding="utf-8")


def print_pdfs(
    folders: list[Path], min_count: int = 5, refused: dict[Path, str] | None = None
) -> None:
    """Print every stakeholder page in ``folders`` to PDF, in one browser session; each
    PDF's text passes the publish gate (a refused PDF is removed, and raises, or with
    ``refused`` is recorded there by page while the others print)."""
    pages = [f / r.page for f in folders for r in REPORTS if (f / r.page).exists()]
    if pages and browser.available():
        browser.write_pdfs(pages, min_count, refused)
    elif pages:
        log.warning("chromium not found: no PDFs written (make browser installs it)")


def produce_month(
    config_path: str,
    period: str,
    pdf: bool = True,
    scope: str = "",
    analyses: bool = True,
    jobs: int = 2,
) -> dict:
    """Produce one month's reports (data already clean) and swap them in whole; returns ``run.json``."""
    cfg = load_config(config_path)
    options = MonthOptions(pdf=pdf, scope=scope, analyses=analyses, jobs=jobs)
    with staging.staged(final_folder(cfg, period, scope)) as folder:
        run = build_month(config_path, period, folder, options)
        if pdf:
            print_pdfs([folder], cfg.disclosure.min_count)
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


def describe(exc: BaseException) -> str:
    """One line saying what failed: a notebook's own error rather than papermill's wrapper."""
    name = getattr(exc, "ename", None) or type(exc).__name__
    value = str(getattr(exc, "evalue", None) or exc).strip()
    return f"{name}: {value.splitlines()[0] if value else '(no message)'}"


def run(
    config_path: str | os.PathLike | None = None,
    month: str | None = None,
    pdf: bool = True,
    scope: str = "",
    wait: bool = True,
    pool: kernels.KernelPool | None = None,
) -> Path:
    """Clean the raw data, then produce the month's reports. Returns the report folder.

    All or nothing: the reports are built in a staging folder and swapped in whole, so a
    failed or killed run leaves the previous complete reports. One run per data folder.
    The notebooks run on ``pool`` (started by the caller as early as it can: its kernels
    warm up meanwhile), or on a pool of two kernels started here; either is closed here.
    """
    cfg = load_config(config_path)
    if month:
        check_written(month, cfg.processed_dir)  # refused before anything runs
    logfile = _log_to_file(cfg, "report")
    started = time.perf_counter()
    pool = pool or kernels.KernelPool(2, NOTEBOOKS_DIR)
    with pool, locked_run(cfg, "report", wait=wait):
        reports = None
        steps = 2 + len(ANALYSES) + len(REPORTS) + 1
        with tqdm(total=steps, desc="report", unit="step", file=sys.stderr) as bar:
            bar.set_postfix_str("clean")
            start = time.perf_counter()
            clean_in_process(cfg)  # the kernels start meanwhile
            clean_seconds = time.perf_counter() - start
            bar.update(1)
            period = report_month(cfg, month)
            reports = [r for r in REPORTS if r.due(period)]
            bar.total = 2 + (not scope) + len(ANALYSES) + len(reports)
            bar.set_postfix_str(f"notebooks for {period}")
            final = final_folder(cfg, period, scope)
            # the clean notebook (the audit of the data used) runs beside the month's notebooks
            options = MonthOptions(pdf, scope, clean_audit=not scope)
            with staging.staged(final) as folder:
                result = build_month(str(cfg.path), str(period), folder, options, bar, pool)
                result["seconds"]["clean step"] = round(clean_seconds, 2)
                _write_run(folder, result)
                if pdf:
                    bar.set_postfix_str("PDFs")
                    print_pdfs([folder], cfg.disclosure.min_count)
            write_index(cfg.reports_dir, cfg.name)
            bar.set_postfix_str("published")
            bar.update(1)
    seconds = time.perf_counter() - started
    print(
        f"{period:%B %Y}{f' ({scope})' if scope else ''}: {len(reports)} report(s) "
        f"({', '.join(r.page for r in reports)}) published in {seconds:.0f} s",
        file=sys.stderr,
    )
    log.info("done %s: %s (log %s)", period, final, logfile)
    return final


#: A backfill worker process's kernel, kept from one month to the next.
_worker_pool: kernels.KernelPool | None = None


def _build_in_worker(config_path: str, period: str, folder: str, analyses: bool) -> dict:
    global _worker_pool
    if _worker_pool is None:
        _worker_pool = kernels.KernelPool(1, NOTEBOOKS_DIR)
        # a pool's worker process ends without atexit; multiprocessing's finalizers do run
        multiprocessing.util.Finalize(None, _worker_pool.close, exitpriority=10)
    options = MonthOptions(pdf=False, analyses=analyses, jobs=1)
    return build_month(config_path, period, Path(folder), options, pool=_worker_pool)


def backfill(
    config_path: str | os.PathLike | None,
    first: str,
    last: str,
    workers: int = 2,
    pdf: bool = True,
    analyses: bool = False,
    wait: bool = True,
) -> dict[str, str]:
    """Clean once, then produce every month from ``first`` to ``last`` with ``workers`` processes.

    By default only the report notebooks run (the stakeholder and analyst pages and their
    executed notebooks); ``analyses`` also runs the analysis notebooks for every month.
    Each month is built in its own staging folder and swapped in whole once complete
    (with its PDFs, printed in one browser session: starting a browser per month would
    cost more than printing).

    Returns ``{period: "ok" | what failed}``; one month failing does not stop the others.
    """
    cfg = load_config(config_path)
    first_p, last_p = parse_month(first), parse_month(last)
    periods = [str(p) for p in pd.period_range(first_p, last_p, freq="M")]
    if not periods:
        raise ValueError(f"no months from {first} to {last}: the first must not be after the last")
    logfile = _log_to_file(cfg, "backfill")
    with locked_run(cfg, "backfill", wait=wait):
        clean(cfg, cfg.reports_dir / "logs")
        span = coverage(cfg.processed_dir)
        span.check(first_p), span.check(last_p)
        results: dict[str, str] = {}
        built: dict[str, Path] = {}
        # started afresh, not forked: a fork of a process holding kernel clients' threads
        # and sockets (a test run, a notebook) can crash in the copy's garbage collection
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
            futures = {}
            for p in periods:
                folder = staging.staging_folder(final_folder(cfg, p))
                built[p] = folder
                futures[pool.submit(_build_in_worker, str(cfg.path), p, str(folder), analyses)] = p
            for future in tqdm(
                as_completed(futures), total=len(futures), desc="months", unit="month"
            ):
                period = futures[future]
                try:
                    future.result()
                    results[period] = "ok"
                    log.info("report %s: ok", period)
                except Exception as exc:  # one failing month must not stop the backfill
                    results[period] = describe(exc)
                    shutil.rmtree(built.pop(period), ignore_errors=True)
                    log.error("report %s failed: %s\n%s", period, results[period], exc)
        if pdf:
            refused: dict[Path, str] = {}
            print_pdfs(list(built.values()), cfg.disclosure.min_count, refused)
            for period, folder in list(built.items()):  # that month only; the others go on
                reasons = [r for page, r in refused.items() if page.parent == folder]
                if reasons:
                    results[period] = f"PublishRefused: {reasons[0].splitlines()[0]}"
                    shutil.rmtree(built.pop(period), ignore_errors=True)
                    log.error("report %s refused: %s", period, "\n".join(reasons))
        for period, folder in sorted(built.items()):
            staging.swap_in(folder, final_folder(cfg, period))
        write_index(cfg.reports_dir, cfg.name)
    log.info("backfill done (log %s)", logfile)
    return dict(sorted(results.items()))
