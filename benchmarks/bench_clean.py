"""Benchmark the clean step: 1,000,000 FFT responses from CSV to validated, de-duplicated, redacted Parquet.

Targets (issue "Cleaning with a data contract"), on a 2-core machine: under 6 s, under 3 GB peak
memory, and within 10x the time pyarrow takes merely to read the same CSV, measured in the same
run. The export is generated here with the shape of a real one: about 30% of responses carry a
comment, at least 90% of comments distinct, a few with identifiers to redact, a few spanning lines,
and 1% exact duplicate rows.

Run: ``python benchmarks/bench_clean.py [--rows N] [--rounds R]`` (``make bench`` runs every
benchmark). Each round times the bare read and then the clean step, each from scratch in a fresh
process: like is compared with like (a process that has already read the file reuses memory that
a fresh one must first obtain from the system, which on some machines costs more than the read),
and the clean step's peak memory is its own. The targets are judged on the medians of the rounds;
every round is printed, with the bare read in this already warm process for reference.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import yaml

SERVICES = [
    {
        "service_id": f"S{i}",
        "service_name": f"Service {i}",
        "setting": "other",
        "codes": [{"code": f"C{i:03d}"}],
    }
    for i in range(10)
]
SOURCE = {
    "table": "fft_responses",
    "files": "fft/fft_responses_*.csv",
    "date_order": "dmy",
    "columns": {
        "response_id": "Response ID",
        "service_code": "Service Code",
        "response_date": "Date of Response",
        "rating": "Overall Rating",
        "mode": "Response Mode",
        "age_band": "Age Band",
        "sex": "Sex",
        "ethnicity": "Ethnicity",
    },
    "comments": {
        "what_was_good": "What was good?",
        "what_could_be_better": "What could we do better?",
    },
}
RATINGS = ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Dont Know"]
OPENERS = [
    f"{w} staff" for w in ("The", "All the", "Most", "Reception", "Ward", "Night", "Clinic", "Our")
] + [
    "Everyone",
    "The team",
    "The nurses",
    "The doctor",
    "Support workers",
    "The therapist",
    "Drivers",
    "Call handlers",
]
MIDDLES = [
    "were kind",
    "listened to me",
    "explained everything",
    "were rushed",
    "kept me informed",
    "made me feel safe",
    "were hard to reach",
    "answered quickly",
    "lost my notes",
    "were friendly",
    "treated me with respect",
    "did not call back",
    "were brilliant",
    "seemed stretched",
    "helped my family",
]
ENDINGS = [
    "and I waited {k} minutes.",
    "after {k} minutes on hold.",
    "on visit {k}.",
    "though parking cost £{k}.",
    "about {k} days after referral.",
    "- {k} out of 10.",
]
IDENTIFIERS = [
    "Dr Patel was great.",
    "Call me on 07700 900{k:03d}.",
    "My NHS number is 943 476 5919.",
    "Write to jo{k}@example.org.",
    "Nurse Amelia Jones was kind.",
]


def comments(rng: np.random.Generator, n: int) -> np.ndarray:
    o, m, e = (
        rng.integers(len(OPENERS), size=n),
        rng.integers(len(MIDDLES), size=n),
        rng.integers(len(ENDINGS), size=n),
    )
    k = rng.integers(1, 10_000, size=n)
    text = np.array(
        [
            f"{OPENERS[a]} {MIDDLES[b]} {ENDINGS[c].format(k=d)}"
            for a, b, c, d in zip(o, m, e, k, strict=True)
        ],
        dtype=object,
    )
    ident = rng.random(n) < 0.02
    text[ident] = [
        t + " " + IDENTIFIERS[i % len(IDENTIFIERS)].format(k=i % 1000)
        for i, t in zip(np.flatnonzero(ident), text[ident], strict=True)
    ]
    multiline = rng.random(n) < 0.01
    text[multiline] = [t + "\nThank you." for t in text[multiline]]
    return text


def generate(path: Path, rows: int, seed: int = 1, shuffled: bool = False) -> dict:
    """Write one month's export of ``rows`` responses (1% of them exported twice)."""
    rng = np.random.default_rng(seed)
    unique = rows - rows // 100
    days = rng.integers(1, 32, size=unique)
    good = np.full(unique, "", dtype=object)
    better = np.full(unique, "", dtype=object)
    with_good = rng.random(unique) < 0.2
    with_better = rng.random(unique) < 0.12
    good[with_good] = comments(rng, int(with_good.sum()))
    better[with_better] = comments(rng, int(with_better.sum()))
    table = {
        "Response ID": [f"R{i:08d}" for i in range(unique)],
        "Service Code": np.array([s["codes"][0]["code"] for s in SERVICES])[
            rng.integers(len(SERVICES), size=unique)
        ],
        "Date of Response": [f"{d:02d}/03/2024" for d in days],
        "Overall Rating": np.array(RATINGS)[
            rng.choice(6, size=unique, p=[0.6, 0.25, 0.05, 0.04, 0.04, 0.02])
        ],
        "Response Mode": np.array(["SMS", "paper", "online"])[rng.integers(3, size=unique)],
        "Age Band": np.array(["16-24", "25-34", "35-44", "45-54", "55-64", "65+"])[
            rng.integers(6, size=unique)
        ],
        "Sex": np.array(["Female", "Male", ""])[rng.integers(3, size=unique)],
        "Ethnicity": np.array(
            ["White", "Asian or Asian British", "Black or Black British", "Mixed", ""]
        )[rng.integers(5, size=unique)],
        "What was good?": good,
        "What could we do better?": better,
    }
    t = pa.table(
        {
            k: pa.array(list(v) if isinstance(v, np.ndarray) else v, pa.string())
            for k, v in table.items()
        }
    )
    t = pa.concat_tables([t, t.take(rng.choice(unique, size=rows - unique, replace=False))])
    if shuffled:  # rows (and so response ids) out of export order
        t = t.take(rng.permutation(rows))
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(t, path)
    all_comments = np.concatenate([good[with_good], better[with_better]])
    return {
        "rows": rows,
        "with_comment": float((with_good | with_better).mean()),
        "comments": int(len(all_comments)),
        "distinct_share": len(set(all_comments)) / len(all_comments),
        "mb": path.stat().st_size / 1e6,
    }


CHILD = """
import json, resource, sys, time
from analysis.config import load_config
from analysis.ingest.clean import clean
cfg = load_config(sys.argv[1])
cpu = time.process_time()
start = time.perf_counter(); manifest = clean(cfg); first = time.perf_counter() - start
cpu = time.process_time() - cpu
start = time.perf_counter(); again = clean(cfg); second = time.perf_counter() - start
print(json.dumps({"seconds": first, "cpu_seconds": cpu, "rerun_seconds": second, "rerun_status": again["status"],
                  "stages": manifest["stage_seconds"], "counts": manifest["counts"]["fft"],
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


BARE = """
import sys, time
import pyarrow.csv as pacsv
start = time.perf_counter()
pacsv.read_csv(sys.argv[1], parse_options=pacsv.ParseOptions(newlines_in_values=True))
print(time.perf_counter() - start)
"""


def bare_read(path: Path, fresh: bool = True) -> float:
    """Seconds pyarrow takes merely to read the CSV, with the parse options the clean step needs.

    ``fresh``: in a new process, as the clean step runs; else in this one.
    """
    if fresh:
        run = subprocess.run(
            [sys.executable, "-c", BARE, str(path)], capture_output=True, text=True
        )
        if run.returncode:
            raise RuntimeError(run.stderr)
        return float(run.stdout)
    start = time.perf_counter()
    pacsv.read_csv(path, parse_options=pacsv.ParseOptions(newlines_in_values=True))
    return time.perf_counter() - start


def clean_run(config: Path) -> dict:
    """The clean step from scratch in a fresh process (so its peak memory is its own)."""
    shutil.rmtree(config.parent / "processed", ignore_errors=True)
    run = subprocess.run([sys.executable, "-c", CHILD, str(config)], capture_output=True, text=True)
    if run.returncode:
        raise RuntimeError(run.stderr)
    return json.loads(run.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--shuffled",
        action="store_true",
        help="write the rows in random order (exports usually list responses in id order)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of (bare read, clean step); the targets are judged on the medians",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="10,000 rows, one round: checks the benchmark runs"
    )
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.rounds = 10_000, 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        csv_path = root / "raw" / "fft" / "fft_responses_2024-03.csv"
        start = time.perf_counter()
        shape = generate(csv_path, args.rows, shuffled=args.shuffled)
        # Flushed to disk before anything is timed, so that neither the bare read nor the
        # clean step pays for writing back the generated file.
        os.sync()
        print(
            f"generated {shape['rows']:,} responses ({shape['mb']:.0f} MB) in {time.perf_counter() - start:.1f} s: "
            f"{shape['with_comment']:.0%} with a comment, {shape['distinct_share']:.1%} of "
            f"{shape['comments']:,} comments distinct"
        )
        config = {
            "partnership": "Benchmark",
            "nation": "england",
            "raw_dir": str(root / "raw"),
            "processed_dir": str(root / "processed"),
            "reports_dir": str(root / "reports"),
            "allowed_roots": [str(root)],
            "services": SERVICES,
            "sources": {"fft": SOURCE},
        }
        (root / "bench.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        bare, warm, runs = [], [], []
        for i in range(args.rounds):  # alternating, so a passing load slows both alike
            bare.append(bare_read(csv_path))
            warm.append(bare_read(csv_path, fresh=False))
            runs.append(clean_run(root / "bench.yaml"))
            print(
                f"round {i + 1}: bare read {bare[-1]:.2f} s (in this warm process {warm[-1]:.2f} s), "
                f"clean step {runs[-1]['seconds']:.2f} s ({runs[-1]['seconds'] / bare[-1]:.1f}x; "
                f"{runs[-1]['seconds'] / warm[-1]:.1f}x the warm read), peak {runs[-1]['peak_mb']:.0f} MB"
            )
    r = sorted(runs, key=lambda x: x["seconds"])[len(runs) // 2]  # the median run
    c = r["counts"]
    print(
        f"rows: {c['read']:,} read = {c['kept']:,} kept + {c['quarantined']:,} quarantined + "
        f"{c['duplicates']:,} duplicates; redacted {sum(c['redactions'].values()):,} identifiers"
    )
    print(
        "stages of the median run (s): " + ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items())
    )
    print(
        "  (comment redaction, the file cache and the tables' writing run on a second thread: "
        "their figures are the time the step waited for them)"
    )
    seconds, bare_s = statistics.median(x["seconds"] for x in runs), statistics.median(bare)
    ratio = seconds / bare_s
    peak = max(x["peak_mb"] for x in runs)
    print(
        f"pyarrow bare CSV read in a fresh process, median of {len(bare)}: {bare_s:.2f} s "
        f"(in this warm process {statistics.median(warm):.2f} s: the clean step is "
        f"{seconds / statistics.median(warm):.1f}x that)"
    )
    print(
        f"clean step, median of {len(runs)}: {seconds:.2f} s (target < 6 s: {'met' if seconds < 6 else 'NOT met'}), "
        f"{ratio:.1f}x the median bare read (target < 10x: {'met' if ratio < 10 else 'NOT met'}), "
        f"peak memory {peak:.0f} MB at most (target < 3000 MB: {'met' if peak < 3000 else 'NOT met'})"
    )
    print(
        f"clean step CPU time (all threads), median run: {r['cpu_seconds']:.2f} s; the machine's load "
        f"average over the last minute was {os.getloadavg()[0]:.1f} (timings are slower when it is above 0)"
    )
    print(f"re-run with unchanged inputs: {r['rerun_seconds']:.2f} s ({r['rerun_status']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
