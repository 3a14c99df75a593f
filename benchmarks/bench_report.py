"""Benchmark: the demonstration partnership's monthly report once the data is clean, and a
36-month backfill, with per-stage timings (notebook execution, export and gate, PDF).

Targets (2-core machine): one month under 30 s; the ``report`` command once clean under 15 s;
36 months under 5 minutes.
Run: make bench (or .venv/bin/python benchmarks/bench_report.py [--months N] [--no-pdf] [--smoke]).
Works in a temporary folder. The data is cleaned and its comments classified (the themes the
reports read) before anything is timed, as the monthly pipeline's clean step does.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

from analysis import demo, pipeline
from analysis.config import load_config, relocate
from analysis.ingest.clean import clean
from analysis.textmodels.classify import classify


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=36, help="months in the backfill (0: none)")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDFs")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="one year of data, one month's report without PDF or analyses, no backfill",
    )
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-report-"))
    cfg = relocate(load_config(), root)
    opts = cfg.section("demo", {})
    last = pd.Period(str(opts.get("end")), "M")
    first_data = str(last - 11) if args.smoke else str(opts.get("start"))
    demo.generate(
        cfg.raw_dir, seed=opts.get("seed", 1), start=first_data, end=str(last), config=cfg
    )
    start = time.perf_counter()
    clean(cfg)
    print(f"clean (python, no notebook): {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    summary = classify(cfg)
    print(
        f"classify {summary['comments']:,} comments' themes (training the model once): "
        f"{time.perf_counter() - start:.1f} s"
    )

    what = (
        "reports only" if args.smoke else "analyses + reports" + ("" if args.no_pdf else " + PDFs")
    )
    for month in (last,) if args.smoke else (last - 1, last):
        start = time.perf_counter()
        run = pipeline.produce_month(
            str(cfg.path),
            str(month),
            pdf=not (args.no_pdf or args.smoke),
            analyses=not args.smoke,
        )
        total = time.perf_counter() - start
        print(f"monthly run for {month} once clean ({what}): {total:.1f} s (target < 30 s)")
        for stage, seconds in run["seconds"].items():
            print(f"  {stage}: {seconds:.1f} s")
    if not args.smoke:
        for attempt in ("first", "again"):
            command(cfg, last, args.no_pdf, attempt)

    if args.smoke or args.months < 1:
        return
    first = last - (args.months - 1)
    start = time.perf_counter()
    results = pipeline.backfill(cfg.path, str(first), str(last), workers=2, pdf=not args.no_pdf)
    total = time.perf_counter() - start
    ok = sum(r == "ok" for r in results.values())
    print(
        f"backfill {first}..{last}: {ok}/{len(results)} months in {total:.0f} s (target < 300 s for 36, includes one clean)"
    )
    stages = defaultdict(float)
    for period in results:
        for stage, seconds in json.loads((cfg.reports_dir / period / "run.json").read_text())[
            "seconds"
        ].items():
            stages[stage.split(" ")[0]] += seconds
    for stage, seconds in stages.items():
        print(f"  {stage}: {seconds:.0f} s summed over months")


def command(cfg, month: pd.Period, no_pdf: bool, attempt: str) -> None:
    """``python -m analysis report --month …`` as a user runs it, once the data is clean:
    elapsed time, and CPU time of the command and every process it started."""
    args = [sys.executable, "-m", "analysis", "report", "--config", str(cfg.path)]
    args += ["--month", str(month)] + (["--no-pdf"] if no_pdf else [])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    total = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(
        f"`analysis report --month {month}{' --no-pdf' if no_pdf else ''}` ({attempt}): "
        f"{total:.1f} s elapsed, {cpu:.1f} s CPU (target < 15 s elapsed)"
    )
    seconds = json.loads((cfg.reports_dir / str(month) / "run.json").read_text())["seconds"]
    for stage, value in seconds.items():
        print(f"  {stage}: {value:.1f} s")


if __name__ == "__main__":
    main()
