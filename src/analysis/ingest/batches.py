"""The first clean of a long history, a batch of files at a time, in bounded memory.

A full run holds every row of a source in memory to de-duplicate it, which a national
history (tens of millions of responses) does not fit. When a source that the incremental
step can extend (:func:`analysis.ingest.incremental.new_files`: one key column, no
respondent rules, tables of its own that are split by month) has more than
:data:`BATCH_BYTES` of exports, the clean step instead runs as if its exports had arrived
in batches: the first batch (with every other source) by the full run, written by month,
then each further batch by the incremental step, which reads only the batch's files, the
stored key column and the months the batch touches. The tables are those a full run
writes (``tests/ingest/test_batches.py``); each step's manifest is written, so a run
stopped between batches resumes from the last one.

A batch never separates an export from its revisions (``fft_2024-03.csv`` and
``fft_2024-03_v2.csv``), which the incremental step could not add apart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from analysis.ingest.convert import row_key
from analysis.ingest.dedup import revision_key
from analysis.ingest.manifest import write_json
from analysis.ingest.sources import SourceSpec
from analysis.ingest.store import PARTITION_BY
from analysis.ingest.tables import build_tables

log = logging.getLogger(__name__)

#: About how many bytes of one source's exports are read in one batch. A batch of FFT exports
#: takes about ten times its size in memory while it is cleaned: 200 MB (about a million
#: responses with their comments) keeps the step near 2 GB (``benchmarks/bench_scale.py``).
BATCH_BYTES = 200 * 2**20

Inputs = dict[str, list[tuple[Path, str, str]]]  # source → [(path, relative name, sha256)]


def batchable(spec: SourceSpec, feeders: dict[str, set[str]], tables: list[str]) -> bool:
    """Whether the incremental step can add ``spec``'s exports a batch at a time."""
    from analysis.ingest.clean import _empty_rows

    return (
        not spec.respondent_rules
        and not spec.comment_rows
        and len(row_key(spec, _empty_rows(spec))) == 1
        and all(t in PARTITION_BY and feeders[t] == {spec.name} for t in tables)
    )


def tables_of(specs: dict[str, SourceSpec]) -> dict[str, list[str]]:
    """Each source's tidy tables."""
    from analysis.ingest.clean import _empty_rows

    return {source: list(build_tables(spec, _empty_rows(spec))) for source, spec in specs.items()}


def split(files: list[tuple[Path, str, str]], limit: int) -> list[list[tuple[Path, str, str]]]:
    """``files`` (in order) in runs of at most ``limit`` bytes (or one larger file), an export's
    revisions together.

    >>> f = [(Path(n), n, "") for n in ("a.csv", "a_v2.csv", "b.csv", "c.csv")]
    >>> [[r for _, r, _ in b] for b in split(f, 0)]
    [['a.csv', 'a_v2.csv'], ['b.csv'], ['c.csv']]
    """
    last_of = {revision_key(rel)[0]: i for i, (_, rel, _) in enumerate(files)}
    batches, current, size, reach = [], [], 0, -1
    for i, entry in enumerate(files):
        n = entry[0].stat().st_size if entry[0].exists() else 0
        # The run so far ends before a file that would take it over ``limit`` (a file larger
        # than ``limit`` is a run of its own), unless a revision of its files is still to come.
        if current and (size + n > limit or size >= limit) and reach < i:
            batches.append(current)
            current, size = [], 0
        current.append(entry)
        size += n
        reach = max(reach, last_of[revision_key(entry[1])[0]])
    if current:
        batches.append(current)
    return batches


def plan(specs: dict[str, SourceSpec], files: Inputs) -> tuple[list[Inputs], set[str]]:
    """The inputs of each step of a batched first clean (the last is ``files``), and the
    tables of the sources split; one step when no source has more than
    :data:`BATCH_BYTES` of exports it can add in batches.
    """
    tables = tables_of(specs)
    feeders: dict[str, set[str]] = {}
    for source, names in tables.items():
        for t in names:
            feeders.setdefault(t, set()).add(source)
    split_sources = {}
    for source, spec in specs.items():
        if source in files and batchable(spec, feeders, tables[source]):
            runs = split(files[source], BATCH_BYTES)
            if len(runs) > 1:
                split_sources[source] = runs
    steps = max((len(r) for r in split_sources.values()), default=1)
    plans = []
    for k in range(1, steps + 1):
        step = dict(files)
        for source, runs in split_sources.items():
            step[source] = [f for run in runs[:k] for f in run]
        plans.append(step)
    return plans, {t for source in split_sources for t in tables[source]}


def run(
    steps: list[Inputs],
    clean_step: Callable[[Inputs, bool], dict],
    seconds: dict[str, float],
    manifest_path: Path,
) -> dict:
    """Clean the inputs of ``steps`` one after another: ``clean_step(inputs, first)``.

    The first step is the full run (its split tables written by month); each further one
    adds its files through the incremental step. The last step's manifest, written again,
    counts every file processed, the seconds of every step and how many steps there were.
    """
    started = time.perf_counter()
    processed: dict[str, int] = {}
    manifest: dict = {}
    for k, step in enumerate(steps):
        manifest = clean_step(step, k == 0)
        if k and "incremental" not in manifest:
            log.warning("batch %d of %d was cleaned with all before it", k + 1, len(steps))
        for source, c in manifest["counts"].items():
            if c.get("status") == "ok":
                processed[source] = processed.get(source, 0) + c["files_processed"]
        for stage, t in manifest.get("stage_seconds", {}).items():
            seconds[stage] = seconds.get(stage, 0.0) + t
        log.info("batch %d of %d cleaned", k + 1, len(steps))
    for source, n in processed.items():
        manifest["counts"][source]["files_processed"] = n
    manifest.pop("incremental", None)
    manifest["batches"] = len(steps)
    manifest["run_seconds"] = round(time.perf_counter() - started + seconds["checksums"], 3)
    manifest["stage_seconds"] = {k: round(v, 3) for k, v in seconds.items()}
    write_json(manifest_path, manifest)
    return manifest
