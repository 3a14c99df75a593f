"""National scale: a new month's clean and aggregates over 1M, 10M and 60M responses of history.

For each size N: the synthetic national FFT (``python -m analysis demo-data --scale N``,
April 2019 to March 2025) is generated, then cleaned into the partitioned store by one
**first clean of the whole history** (timed, with its peak memory: the clean step reads
the exports ``--clean-batch-mb`` at a time, :mod:`analysis.ingest.batches`, so that no
step holds the whole history); then a new month of ``--new-month`` responses (default
1.5M, England's monthly volume) arrives and is timed:

* **clean of the new month** (incremental: only its file read, its months written), timed as
  users run it: the command line's ``clean``, from the interpreter's start to its end;
* **the month's aggregates** through the query layer on DuckDB (FFT counts by service
  and by setting, the summary with response rates, eligible counts, a year's indicator
  inputs, complaint timeliness);
* optionally (``--classify``) **classifying the new month's comments** (only that month),
  and then **the monthly report once clean** (``report --no-pdf`` for the new month, twice:
  the first run also audits every month's suppression pattern, later runs reuse them),
  with the peak memory of the command and its notebook kernels.

The history is generated a batch of months at a time (the generator holds its whole
period in memory), response ids made distinct between batches. Each step runs in a fresh
process; its peak memory is that of the process and its
children together (sampled with psutil every 50 ms). Targets: a new month's clean of
1-2M responses under 10 s; a month's aggregates in seconds; peak memory under 4 GB
(the first clean of any history included).

    .venv/bin/python benchmarks/bench_scale.py [--sizes 1000000 10000000] [--new-month N]
        [--batch-rows R] [--clean-batch-mb MB] [--compare-with DIR [--rounds R]] [--classify]
        [--work DIR [--keep] [--reuse]] [--smoke]

``--compare-with DIR`` times the new month's clean side by side with other code, e.g. main's:
``mkdir /tmp/main && git archive main src config | tar -x -C /tmp/main``. It is refused
with ``--classify``: run the side by side and the report's measurement apart.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

HISTORY = ("2019-04", "2025-03")
NEW_MONTH = "2025-04"
ELIGIBLE = Path("fft_eligible") / "fft_eligible.csv"  # the demonstration's export

CLEAN = """
import json, sys, time
from analysis.ingest import clean as clean_module, incremental, manifest, store
if sys.argv[4] == "fixed":  # --compare-with: two versions of the code share one stored history
    for module in (clean_module, incremental, manifest):
        module.code_fingerprint = lambda: "fixed"
store.PARTITION_ROWS = int(sys.argv[2])
try:
    from analysis.ingest import batches
    batches.BATCH_BYTES = int(sys.argv[3]) or batches.BATCH_BYTES
except ImportError:  # code from before batches
    pass
from analysis.cli import main  # `python -m analysis clean`, as users run it
start = time.perf_counter()
code = main(["clean", "--config", sys.argv[1]])
seconds = time.perf_counter() - start
if code:
    sys.exit(code)
from analysis.config import load_config
m = manifest.read_manifest(load_config(sys.argv[1]).processed_dir)
print(json.dumps({"seconds": seconds, "incremental": "incremental" in m,
                  "batches": m.get("batches", 1), "kept": m["counts"]["fft"]["kept"],
                  "stages": m.get("stage_seconds", {})}))
"""

CLASSIFY = """
import json, sys, time
from analysis.config import load_config
from analysis.textmodels.classify import classify
start = time.perf_counter()
s = classify(load_config(sys.argv[1]))
print(json.dumps({"seconds": time.perf_counter() - start, "comments": s["comments"],
                  "months": s.get("months_classified")}))
"""

AGGREGATES = """
import json, sys, time
import pandas as pd
start = time.perf_counter()
from analysis.query import Queries
month = pd.Period(sys.argv[2], "M")
q = Queries(sys.argv[1])
times = {"open": time.perf_counter() - start}
def timed(name, f):
    t = time.perf_counter(); out = f(); times[name] = time.perf_counter() - t; return out
by_service = timed("fft counts by service", lambda: q.fft_counts(month))
timed("fft counts by setting", lambda: q.fft_counts(month, by=("setting",)))
timed("fft summary with response rates", lambda: q.fft_summary(month))
timed("eligible by service", lambda: q.eligible(month))
timed("indicator inputs, 12 months", lambda: q.indicator_inputs((month - 11, month)))
timed("complaint timeliness", lambda: q.complaint_timeliness(month, "england"))
timed("latest month", q.latest_month)
if sys.argv[3] == "1":
    timed("theme shares", lambda: q.theme_shares(month, level="category"))
print(json.dumps({"seconds": time.perf_counter() - start, "times": times,
                  "responses": int(by_service["responses"].sum())}))
"""

REPORT = """
import json, sys, time
start = time.perf_counter()
from analysis import pipeline
pipeline.run(sys.argv[1], sys.argv[2], pdf=False)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def run_measured(args: list[str], env: dict | None = None) -> tuple[dict, float, float]:
    """Run ``python args`` in a fresh process: its JSON output, seconds, peak MB (with children).

    The output gains ``cpu_seconds``: the process tree's CPU time (user + system), which a
    busy machine changes less than the elapsed time.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = psutil.Popen(
        [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    peak, done = [0], threading.Event()

    def sample():
        while not done.is_set():
            try:
                rss = proc.memory_info().rss + sum(
                    c.memory_info().rss for c in proc.children(recursive=True)
                )
                peak[0] = max(peak[0], rss)
            except psutil.Error:
                pass
            done.wait(0.05)

    watcher = threading.Thread(target=sample, daemon=True)
    start = time.perf_counter()
    watcher.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    watcher.join()
    if proc.returncode:
        raise RuntimeError(f"{args[:2]} failed:\n{err[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(out.strip().splitlines()[-1])
    result["cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result, seconds, peak[0] / 1e6


def demo_data(out: Path, scale: int, start: str | None = None, end: str | None = None, seed=None):
    cmd = [sys.executable, "-m", "analysis", "demo-data", "--scale", str(scale), "--out", str(out)]
    cmd += ["--start", start] if start else []
    cmd += ["--end", end] if end else []
    cmd += ["--seed", str(seed)] if seed is not None else []
    subprocess.run(cmd, check=True, capture_output=True)


def copy_with_ids(source: Path, target: Path, prefix: str) -> None:
    """Copy an FFT export, its response ids' leading letter replaced by ``prefix``."""
    with open(source, encoding="utf-8") as f:
        header = next(csv.reader(f))
    table = pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(block_size=1 << 26),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
        ),
    )
    ids = pc.utf8_replace_slice(table["Response ID"], 0, 1, prefix)
    pacsv.write_csv(table.set_column(0, "Response ID", ids), target)


def fft_exports(work: Path, rows: int, first: str, last: str, seed: int, prefix: str) -> list:
    """FFT exports of ``rows`` responses over ``first``..``last`` into the raw folder.

    Generated apart (the generator holds its period in memory) with response ids made
    distinct from other periods' by ``prefix``.
    """
    tmp = work / "generating"
    demo_data(tmp, rows, first, last, seed=seed)
    written = []
    for f in sorted((tmp / "fft").glob("*.csv")):
        copy_with_ids(f, work / "raw" / "fft" / f.name, prefix)
        written.append(f.name)
    append_eligible(tmp / ELIGIBLE, work / "raw" / ELIGIBLE)
    shutil.rmtree(tmp)
    os.sync()  # the exports on disk before anything is timed: no write-back meanwhile
    return written


def append_eligible(source: Path, target: Path) -> None:
    """Add a batch's eligible counts (people eligible per service and month, generated with
    its responses so that no month has more responses than people eligible) to the export."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    with open(target, "a", encoding="utf-8") as f:
        f.writelines(lines if target.stat().st_size == 0 else lines[1:])


def write_config(work: Path) -> Path:
    from analysis.config import load_config, write_config

    cfg = load_config()
    return write_config(
        cfg,
        work / "partnership.yaml",
        raw_dir=work / "raw",
        processed_dir=work / "processed",
        reports_dir=work / "reports",
    )


def build_history(work: Path, config: Path, n: int, args, partition_rows: int) -> None:
    """Generate the history in batches of months, then clean it all in one first clean.

    Each batch's eligible counts are generated with its responses (no month has more
    responses than people eligible); the other sources (complaints …) are written once for
    the whole period at a small scale.
    The first clean reads the exports a batch at a time (:mod:`analysis.ingest.batches`);
    its peak memory is the figure that must stay under 4 GB whatever the history.
    """
    demo_data(work / "raw", 10_000)
    for f in (work / "raw" / "fft").glob("*.csv"):
        f.unlink()
    (work / "raw" / ELIGIBLE).write_text("", encoding="utf-8")  # rebuilt batch by batch
    from analysis.config import load_config
    from analysis.demo.partnership import load_partnership

    # months with FFT collection: a batch wholly inside the 2020 pause would have none
    months = [str(m) for m in load_partnership(load_config(config), *HISTORY).fft_months]
    per_batch = max(1, int(args.batch_rows / max(1, n / len(months))))
    batches = [months[i : i + per_batch] for i in range(0, len(months), per_batch)]
    done = 0
    start = time.perf_counter()
    for k, batch in enumerate(batches):
        rows = n - done if k == len(batches) - 1 else round(n * len(batch) / len(months))
        done += rows
        fft_exports(work, rows, batch[0], batch[-1], seed=k + 1, prefix=f"H{k:02d}")
    size = sum(f.stat().st_size for f in (work / "raw" / "fft").glob("*.csv")) / 1e6
    print(
        f"  history {HISTORY[0]}..{HISTORY[1]}: {n:,} responses ({size:,.0f} MB of CSV) "
        f"generated in {time.perf_counter() - start:.0f} s"
    )
    result, seconds, peak = run_measured(clean_args(config, args, partition_rows))
    ok = peak < 4000
    print(
        f"  first clean of the whole history: {seconds:.1f} s (CPU {result['cpu_seconds']:.1f} s), "
        f"peak {peak:,.0f} MB, {result['batches']} batch(es); {result['kept']:,} kept "
        f"[target < 4 GB: {'met' if ok else 'NOT met'}]"
    )
    print("    stages (s): " + ", ".join(f"{k} {v:.2f}" for k, v in result["stages"].items()))


def clean_args(config: Path, args, partition_rows: int) -> list[str]:
    """The arguments of one clean step's process (the code fingerprint fixed with --compare-with)."""
    fixed = "fixed" if args.compare_with else "own"
    return ["-c", CLEAN, str(config), str(partition_rows), str(args.clean_batch_mb << 20), fixed]


def side_by_side(work: Path, config: Path, args, partition_rows: int) -> None:
    """The new month's clean by the code in ``--compare-with`` and by this code, alternately,
    each from the same stored history (restored before each run, as hard links: the store
    replaces files, never rewrites them).

    Both codes run with the code fingerprint fixed (:func:`clean_args`), and so does the
    stored history's manifest: a history cleaned by either code (or reused from a run
    without ``--compare-with``) is then each one's own, and the new month is added to it.
    """
    processed = work / "processed"
    before = work / "processed-before-new-month"
    shutil.rmtree(before, ignore_errors=True)  # left by a run that was stopped
    _linked_copy(processed, before)
    _fixed_fingerprint(before / "manifest.json")
    codes = [(f"{args.compare_with}", str(args.compare_with / "src")), ("this code", None)]
    for k in range(args.rounds):
        for label, src in codes:
            shutil.rmtree(processed)
            _linked_copy(before, processed)
            env = dict(os.environ, PYTHONPATH=src) if src else None
            result, seconds, peak = run_measured(clean_args(config, args, partition_rows), env)
            print(
                f"  round {k + 1}, {label}: new month {seconds:.1f} s (in the step "
                f"{result['seconds']:.1f} s; CPU {result['cpu_seconds']:.1f} s), peak {peak:,.0f} MB"
            )
    shutil.rmtree(processed)
    os.replace(before, processed)


def _linked_copy(source: Path, target: Path) -> None:
    subprocess.run(["cp", "-al", str(source), str(target)], check=True)


def _fixed_fingerprint(manifest: Path) -> None:
    """Set the stored manifest's code fingerprint to the fixed one, in a new file (the old
    one may be a hard link shared with a kept history)."""
    stored = json.loads(manifest.read_text(encoding="utf-8"))
    stored["code_fingerprint"] = "fixed"
    tmp = manifest.with_suffix(".tmp")
    tmp.write_text(json.dumps(stored), encoding="utf-8")
    os.replace(tmp, manifest)


def snapshot(work: Path) -> None:
    """Keep the stored history (hard links: the store replaces files, never rewrites them)
    and the history's eligible export, for ``--reuse``."""
    kept = work / "processed-history"
    shutil.rmtree(kept, ignore_errors=True)
    subprocess.run(["cp", "-al", str(work / "processed"), str(kept)], check=True)
    shutil.copyfile(work / "raw" / ELIGIBLE, work / "eligible-history.csv")


def restore(work: Path) -> None:
    """Put the stored history back as :func:`snapshot` kept it, the new month's exports removed
    (the stored data of the last run, if any, replaced)."""
    shutil.rmtree(work / "processed", ignore_errors=True)
    subprocess.run(
        ["cp", "-al", str(work / "processed-history"), str(work / "processed")], check=True
    )
    shutil.copyfile(work / "eligible-history.csv", work / "raw" / ELIGIBLE)
    for f in (work / "raw" / "fft").glob(f"*{NEW_MONTH}*"):
        f.unlink()
    for f in (work / "reports").glob(f"{NEW_MONTH}*"):
        shutil.rmtree(f) if f.is_dir() else f.unlink()


def history(n: int, args, root: Path) -> tuple[Path, Path, int]:
    """The work folder, its configuration and partition size, with the history cleaned (and
    classified with ``--classify``): built, or with ``--reuse`` restored from a kept one."""
    work = root / f"scale-{n}"
    partition_rows = 1 if args.smoke else 500_000
    config = work / "partnership.yaml"
    reuse = args.reuse and (work / "processed-history").exists()
    if reuse:
        restore(work)
        print(f"  history reused from {work / 'processed-history'}")
    else:
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        config = write_config(work)
        build_history(work, config, n, args, partition_rows)
    if args.classify and not (work / "processed" / "comment_themes").exists():
        result, seconds, peak = run_measured(["-c", CLASSIFY, str(config)])
        print(
            f"  history classified: {result['comments']:,} comments, {seconds:.0f} s "
            f"(CPU {result['cpu_seconds']:.0f} s), peak {peak:,.0f} MB"
        )
        reuse = False
    if args.keep and not reuse:
        snapshot(work)
    return work, config, partition_rows


def bench_size(n: int, args, root: Path) -> None:
    work, config, partition_rows = history(n, args, root)
    new = fft_exports(work, args.new_month, NEW_MONTH, NEW_MONTH, seed=99, prefix="N")
    print(f"  new month {NEW_MONTH}: {', '.join(new)}")
    if args.compare_with:
        side_by_side(work, config, args, partition_rows)
    result, seconds, peak = run_measured(clean_args(config, args, partition_rows))
    ok = seconds < 10 and peak < 4000
    print(
        f"  clean of a new month of {args.new_month:,} responses: {seconds:.1f} s "
        f"(in the step {result['seconds']:.1f} s; CPU {result['cpu_seconds']:.1f} s), peak {peak:,.0f} MB "
        f"[{'incremental' if result['incremental'] else 'FULL'}; target < 10 s and < 4 GB: "
        f"{'met' if ok else 'NOT met'}]"
    )
    print("    stages (s): " + ", ".join(f"{k} {v:.2f}" for k, v in result["stages"].items()))
    if args.classify:
        result, seconds, peak = run_measured(["-c", CLASSIFY, str(config)])
        print(
            f"  classify the new month: months {result['months']}, {seconds:.1f} s, "
            f"peak {peak:,.0f} MB"
        )
    processed = str(work / "processed")
    themes = "1" if args.classify else "0"
    result, seconds, peak = run_measured(["-c", AGGREGATES, processed, NEW_MONTH, themes])
    print(
        f"  the month's aggregates (DuckDB, {result['responses']:,} responses): {seconds:.1f} s "
        f"with interpreter start (CPU {result['cpu_seconds']:.1f} s), peak {peak:,.0f} MB"
    )
    print("    " + ", ".join(f"{k} {v:.2f} s" for k, v in result["times"].items()))
    if args.classify:  # the report reads the comments' themes: only with them classified
        for attempt in ("first", "again"):
            result, seconds, peak = run_measured(["-c", REPORT, str(config), NEW_MONTH])
            ok = seconds < 60 and peak < 4000
            print(
                f"  the monthly report once clean ({attempt}; `report --no-pdf`: clean check, "
                f"notebooks, pages, gate): {seconds:.1f} s (CPU {result['cpu_seconds']:.1f} s), "
                f"peak {peak:,.0f} MB with its kernels [target < 60 s and < 4 GB: "
                f"{'met' if ok else 'NOT met'}]"
            )
    if not args.keep:
        shutil.rmtree(work)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000, 60_000_000])
    parser.add_argument(
        "--new-month", type=int, default=1_500_000, help="responses in the new month"
    )
    parser.add_argument(
        "--batch-rows",
        type=int,
        default=3_000_000,
        help="history generated about this many rows at a time",
    )
    parser.add_argument(
        "--clean-batch-mb",
        type=int,
        default=0,
        help="the first clean reads about this many MB of exports at a time "
        "(default: the clean step's own, analysis.ingest.batches.BATCH_BYTES)",
    )
    parser.add_argument(
        "--compare-with",
        type=Path,
        help="a checkout of other code (its src/ and config/): the new month is also cleaned by "
        "it, alternating with this code, --rounds times, from the same stored history",
    )
    parser.add_argument("--rounds", type=int, default=2, help="rounds of --compare-with")
    parser.add_argument("--classify", action="store_true", help="also classify comments (slow)")
    parser.add_argument("--work", type=Path, help="folder to work in (default: a temporary one)")
    parser.add_argument(
        "--keep", action="store_true", help="keep each size's folder, and its history for --reuse"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="start from the history a run with --keep kept in --work (not generated again)",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="20,000 responses, a new month of 5,000"
    )
    args = parser.parse_args()
    if args.compare_with and args.classify:
        # The side by side leaves the stored history with the fixed code fingerprint, which
        # the report's own check of the clean data then finds stale: it would clean the
        # whole history again and classify every month again before the report is timed.
        parser.error(
            "--compare-with and --classify measure apart: run the side by side without "
            "--classify, then --classify without --compare-with"
        )
    if args.smoke:
        args.sizes, args.new_month, args.batch_rows = [20_000], 5_000, 8_000
        args.clean_batch_mb = 1
    root = args.work or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    print(
        f"working in {root}; {psutil.cpu_count()} cores, load average {psutil.getloadavg()[0]:.1f} "
        "(elapsed times grow with it; CPU times much less)"
    )
    try:
        for n in args.sizes:
            bench_size(n, args, root)
    finally:
        if not args.work and not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
