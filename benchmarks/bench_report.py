"""Benchmark: the demonstration partnership's monthly report once the data is clean, and a
36-month backfill, with per-stage timings (notebook execution, export and gate, PDF).

Targets (2-core machine): one month under 30 s; 36 months under 5 minutes.
Run: make bench (or .venv/bin/python benchmarks/bench_report.py [--months N] [--no-pdf] [--smoke]).
Works in a temporary folder. The data is cleaned and its comments classified (the themes the
reports read) before anything is timed, as the monthly pipeline's clean step does.
"""

from __future__ import annotations

import argparse
import json
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


if __name__ == "__main__":
    main()
