"""Benchmark: the demonstration partnership's monthly report once the data is clean, and a
36-month backfill, with per-stage timings (notebook execution, export and gate, PDF).

Targets (2-core machine): one month under 30 s; 36 months under 5 minutes.
Run: make bench (or .venv/bin/python benchmarks/bench_report.py). Works in a temporary folder.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

from analysis import demo, pipeline
from analysis.config import load_config, relocate
from analysis.ingest.clean import clean


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-report-"))
    cfg = relocate(load_config(), root)
    opts = cfg.section("demo", {})
    demo.generate(
        cfg.raw_dir,
        seed=opts.get("seed", 1),
        start=str(opts.get("start")),
        end=str(opts.get("end")),
        config=cfg,
    )
    start = time.perf_counter()
    clean(cfg)
    print(f"clean (python, no notebook): {time.perf_counter() - start:.1f} s")
    last = pd.Period(str(opts.get("end")), "M")

    for month in (last - 1, last):
        start = time.perf_counter()
        run = pipeline.produce_month(str(cfg.path), str(month))
        total = time.perf_counter() - start
        print(
            f"monthly run for {month} once clean (analyses + reports + PDFs): {total:.1f} s (target < 30 s)"
        )
        for stage, seconds in run["seconds"].items():
            print(f"  {stage}: {seconds:.1f} s")

    first = last - 35
    start = time.perf_counter()
    results = pipeline.backfill(cfg.path, str(first), str(last), workers=2)
    total = time.perf_counter() - start
    ok = sum(r == "ok" for r in results.values())
    print(
        f"backfill {first}..{last}: {ok}/{len(results)} months in {total:.0f} s (target < 300 s, includes one clean)"
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
