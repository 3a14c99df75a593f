"""Benchmark: writing the demonstration partnership's exports.

Prints the time to write the default period (target: under 20 s on a 2-core machine) and
the time, rows and share of distinct comments for ``--scale`` runs (target: at least 90%
distinct). Run: make bench (or .venv/bin/python benchmarks/bench_demo.py). Works in a
temporary folder.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from analysis import demo
from analysis.config import load_config

SCALES = [100_000, 300_000]


def _comments(raw: Path, cfg) -> pd.Series:
    spec = cfg.sources["fft"]
    headers = list(spec["comments"].values())
    frames = [
        pd.read_csv(p, dtype=str, keep_default_na=False, usecols=headers)
        for p in sorted(raw.glob(spec["files"]))
        if "(1)" not in p.name
    ]
    text = pd.concat([f[h] for f in frames for h in headers])
    return text.loc[text != ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales", type=int, nargs="*", default=SCALES, help="--scale runs to time"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="one year of the default period and one --scale 2,000 run: checks the benchmark runs",
    )
    args = parser.parse_args()
    cfg = load_config()
    opts = dict(cfg.section("demo"))
    if args.smoke:
        opts["start"], args.scales = "2024-04", [2_000]
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        start = time.perf_counter()
        demo.generate(
            Path(tmp) / "default",
            seed=opts["seed"],
            config=cfg,
            start=str(opts["start"]),
            end=str(opts["end"]),
        )
        elapsed = time.perf_counter() - start
        truth = demo.read_truth(Path(tmp) / "default")
        print(
            f"default period {opts['start']}..{opts['end']}: {truth['fft']['responses']:,} "
            f"responses in {elapsed:.1f} s"
        )
        for n in args.scales:
            raw = Path(tmp) / f"scale{n}"
            start = time.perf_counter()
            demo.generate(
                raw,
                seed=opts["seed"],
                config=cfg,
                start=str(opts["start"]),
                end=str(opts["end"]),
                scale=n,
            )
            elapsed = time.perf_counter() - start
            comments = _comments(raw, cfg)
            print(
                f"--scale {n:,}: {elapsed:.1f} s, {len(comments):,} comments, "
                f"{comments.nunique() / len(comments):.1%} distinct"
            )


if __name__ == "__main__":
    main()
