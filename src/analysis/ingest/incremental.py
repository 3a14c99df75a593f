"""Adding a new month's exports to the processed data without reading the history.

When the only change since the last run is new export files (the code, the
configuration and every earlier file unchanged), only the new files are read, and only
the months they touch are written:

1. The new files are converted (and cached) as in a full run.
2. Their keys are looked up in the tidy table already on disk — its key column is the
   key index: DuckDB reads that one column of the Parquet partitions, out of core —
   to find the earlier rows they may repeat, and where those rows are (month, file).
3. Those earlier rows are taken from their files' cache and de-duplicated with the new
   rows by :func:`analysis.ingest.dedup.combine`, exactly as a full run would (an
   identical row is an exact duplicate; a changed one is re-exported and the later
   export is kept).
4. The months holding new rows, or earlier rows now replaced, are rewritten, each
   partition atomically; the quarantine gains the new files' rows; the manifest's
   counts gain the new files' and still add up.

A run falls back to the full clean step when anything else changed, when a new file
revises (replaces) an earlier one, sorts before an earlier file, when the source has
respondent rules or one row per comment, when its tables are not yet partitioned, or
when a previous incremental run did not finish.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

import analysis
from analysis.config import Config
from analysis.ingest.convert import FileResult, row_key
from analysis.ingest.dedup import combine, revision_key
from analysis.ingest.file_checks import file_warnings
from analysis.ingest.manifest import (
    MANIFEST,
    FileCache,
    code_fingerprint,
    file_stat,
    write_json,
)
from analysis.ingest.readers import SourceFileError
from analysis.ingest.redaction import KINDS
from analysis.ingest.sources import SourceSpec
from analysis.ingest.store import (
    PARTITION_BY,
    partitions,
    read_table,
    table_path,
    write_partitions,
    write_table,
)
from analysis.ingest.stored_keys import StoredKeys, among, earlier_rows
from analysis.ingest.tables import build_tables, table_builders

log = logging.getLogger(__name__)

#: Present while an incremental run writes; a run that finds it does a full clean.
PENDING = ".incremental-pending"

Inputs = dict[str, list[tuple[Path, str, str]]]  # source → [(path, relative name, sha256)]


def _stable(obj) -> str:
    return json.dumps(obj, sort_keys=True, default=str)


def month_codes(dates: pd.Series) -> np.ndarray:
    """Each date's month as ``datetime64[M]`` (fast: no text made per row)."""
    return dates.to_numpy().astype("datetime64[M]")


def _tables_of(spec: SourceSpec, empty_rows: pd.DataFrame) -> list[str]:
    return list(build_tables(spec, empty_rows))


@dataclass
class Plan:
    """What an incremental run does: sources given new files, and sources read again whole."""

    append: dict[str, list[tuple[Path, str, str]]]
    rebuild: list[str]


def new_files(
    out: Path, specs: dict[str, SourceSpec], files: Inputs, previous: dict | None, parameters: dict
) -> Plan | None:
    """How this run can be incremental, or ``None`` when it must be a full run.

    A source with only new files sorting after its earlier ones is *appended*; any other
    changed source (a file edited, removed or revised, …) is *rebuilt* from all its files,
    when the tables it feeds are its own.
    """
    from analysis.ingest.clean import _empty_rows

    if (
        not previous
        or previous.get("errors")
        or previous.get("code_fingerprint") != code_fingerprint()
        or _stable(previous.get("parameters")) != _stable(parameters)
        or (out / PENDING).exists()
    ):
        return None
    before = {(i["source"], i["file"]): i["sha256"] for i in previous.get("inputs", [])}
    feeders: dict[str, set[str]] = {}
    for source, spec in specs.items():
        for t in _tables_of(spec, _empty_rows(spec)):
            feeders.setdefault(t, set()).add(source)
    plan = Plan({}, [])
    for source, spec in specs.items():
        listed = {rel: sha for _, rel, sha in files[source]}
        earlier = {rel: sha for (s, rel), sha in before.items() if s == source}
        fresh = [f for f in files[source] if f[1] not in earlier]
        if not fresh and listed == earlier:
            continue  # unchanged
        tables = _tables_of(spec, _empty_rows(spec))
        if any(feeders[t] != {source} for t in tables):
            return None  # a table fed by several sources: the full run combines them
        old = sorted(earlier)
        if (
            all(listed.get(rel) == sha for rel, sha in earlier.items())
            and not spec.respondent_rules
            and not spec.comment_rows
            and len(row_key(spec, _empty_rows(spec))) == 1
            and all(t in PARTITION_BY and table_path(t, out).is_dir() for t in tables)
            and not (old and min(rel for _, rel, _ in fresh) < old[-1])
            and not {revision_key(r)[0] for _, r, _ in fresh} & {revision_key(r)[0] for r in old}
        ):
            plan.append[source] = fresh
        else:
            plan.rebuild.append(source)
    return plan if plan.append or plan.rebuild else None


def _keys(results: list[FileResult], key: str) -> pa.Array:
    """The ``key`` values of the rows kept from ``results``, as one array."""
    arrays = [pa.array(r.rows[key], type=pa.large_string()) for r in results if len(r.rows)]
    # the chunks themselves: a chunked array given as one item would be read value by value
    chunks = [c for a in arrays for c in (a.chunks if isinstance(a, pa.ChunkedArray) else [a])]
    return pa.chunked_array(chunks, type=pa.large_string()).combine_chunks()


@dataclass
class Added:
    """What the new files of one source change."""

    results: list[FileResult]
    removed: pd.DataFrame  # earlier rows replaced: key, month
    rows: pd.DataFrame  # the new rows kept
    quarantine: pd.DataFrame
    duplicates: dict[str, int]
    months: set[str] = field(default_factory=set)
    revisions: list[dict] = field(default_factory=list)  # new files revising new files


def _cached(cache: FileCache, previous: dict, source: str, file: str, context: dict) -> FileResult:
    sha = next(
        i["sha256"] for i in previous["inputs"] if i["source"] == source and i["file"] == file
    )
    result = cache.get(cache.key(sha, file, context))
    if result is None:
        raise LookupError(file)
    return result


def add_source(
    out: Path,
    source: str,
    spec: SourceSpec,
    results: list[FileResult],
    previous: dict,
    cache: FileCache,
    context: dict,
    executor: Executor | None = None,
    stored: StoredKeys | None = None,
) -> Added:
    """De-duplicate one source's new files against each other and the rows already stored.

    With an ``executor``, the stored keys are looked up there while this thread
    de-duplicates the new files alone: the answer when no stored row shares a key with
    them (a new month's usual case), else done again with the earlier rows. ``stored``
    holds the lookups started as the files were read (:mod:`.stored_keys`), if any.
    """
    (key,) = row_key(spec, results[0].rows)
    early = stored.found([r.file for r in results], key) if stored is not None else None
    if early is not None:  # looked up as the files were read: for their kept rows' keys
        alone = combine(results, spec)
        found = early if early.empty else among(early, _keys(results, key))
    elif executor is None:
        found, alone = earlier_rows(out, spec.table, key, _keys(results, key)), None
    else:
        lookup = executor.submit(earlier_rows, out, spec.table, key, _keys(results, key))
        try:
            alone = combine(results, spec)
        finally:
            found = lookup.result()
    # The earlier rows sharing a key, from their files' cache, in the files' order, first.
    earlier = []
    for file, group in found.groupby("source_file", sort=True):
        cached = _cached(cache, previous, source, file, context)
        keep = cached.rows[key].isin(group["key"]).to_numpy()
        earlier.append(
            FileResult(
                file=file,
                sha256=cached.sha256,
                encoding=cached.encoding,
                read=int(keep.sum()),
                rows=cached.rows.loc[keep].reset_index(drop=True),
                quarantine=cached.quarantine.iloc[0:0],
                redactions={},
                date_evidence={},
            )
        )
    combined = alone if alone is not None and not earlier else combine([*earlier, *results], spec)
    n_earlier = sum(len(r.rows) for r in earlier)
    if n_earlier:
        is_new = combined.rows["source_file"].isin({r.file for r in results}).to_numpy()
        surviving = set(combined.rows.loc[~is_new, key])
        removed = found[~found["key"].isin(surviving)][["key", "month"]]
        kept = combined.rows.loc[is_new].reset_index(drop=True)
    else:  # nothing stored shares a key: every row kept is new
        removed, kept = found[["key", "month"]], combined.rows
    months = set(removed["month"])
    present = np.unique(month_codes(kept[PARTITION_BY[spec.table]]))
    months |= {str(m) for m in present if not np.isnat(m)}
    return Added(
        results,
        removed,
        kept,
        combined.quarantine,
        combined.duplicates,
        months,
        combined.revisions,
    )


def write_months(
    out: Path, spec: SourceSpec, added: Added, executor: Executor | None = None
) -> dict[str, int]:
    """Rewrite the months ``added`` touches in each of the source's tables; the change in rows.

    With an ``executor``, the source's own table (the first) is made and written there,
    while this thread makes the others (FFT comments: the larger, slower to make) and
    checks them as the executor encodes them.
    """
    (key,) = row_key(spec, added.rows)
    builders = table_builders(spec, added.rows)
    first, *others = builders

    def write(table: str, pool: Executor | None = None) -> int:
        return _write_table_months(out, table, builders[table](), key, added, pool)

    if executor is None or not others:
        return {table: write(table, executor) for table in builders}
    later = executor.submit(write, first)
    change = {table: write(table, executor) for table in others}
    change[first] = later.result()
    return {table: change[table] for table in builders}


def _write_table_months(
    out: Path,
    table: str,
    fresh: pd.DataFrame,
    key: str,
    added: Added,
    executor: Executor | None = None,
) -> int:
    """Rewrite the months ``added`` touches in ``table`` (its new rows ``fresh``); the change in rows."""
    folder = table_path(table, out)
    existing = partitions(folder)
    link = key if key in fresh else "response_id"
    drop_keys = set(added.removed["key"])
    fresh_month = month_codes(fresh[PARTITION_BY[table]])
    frames, before, after = [], 0, 0
    for month in sorted(added.months):
        part = (
            pd.concat([pd.read_parquet(f) for f in existing[month]], ignore_index=True)
            if month in existing
            else None
        )
        if part is not None:
            before += len(part)
            if drop_keys:
                part = part[~part[link].isin(drop_keys)]
        mask = fresh_month == np.datetime64(month, "M")
        add = fresh if mask.all() else fresh[mask]
        frame = add if part is None else pd.concat([part, add], ignore_index=True)
        after += len(frame)
        frames.append(frame)
    if frames:
        whole = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        emptied = [m for m, f in zip(sorted(added.months), frames, strict=True) if f.empty]
        write_partitions(whole, table, out, executor)
        for m in emptied:  # every row of a month replaced by rows of other months
            if m in existing:
                for f in existing[m]:
                    f.unlink()
                f.parent.rmdir()
    return after - before


@dataclass
class Run:
    """What the clean step hands over for an incremental run."""

    cfg: Config
    specs: dict[str, SourceSpec]
    files: Inputs
    plan: Plan
    previous: dict
    fingerprint: str
    parameters: dict
    context_key: dict
    seconds: dict
    started: float
    cache: FileCache
    executor: Executor | None = None


def _input(source: str, path: Path, rel: str, sha: str, result: FileResult, fresh: bool) -> dict:
    return {
        "source": source,
        "file": rel,
        "sha256": sha,
        **file_stat(path),
        "encoding": result.encoding,
        "rows": result.read,
        "processed": fresh,
    }


def _convert_files(
    convert, source, files, spec, ctx, inputs, warnings, new_files=False, stored=None
):
    """Convert ``files`` of ``source``, recording each input and any whole-file warning;
    with ``stored`` (:class:`~.stored_keys.StoredKeys`), each file's keys are looked up
    in the stored table while the file's rows are checked together.

    Returns ``(results, files converted afresh)``, or None when a file cannot be read.
    """
    results, processed = [], 0
    for path, rel, sha in files:
        told = {} if stored is None else {"keys_read": partial(stored.read, rel)}
        try:
            result, fresh = convert(path, rel, sha, spec, ctx, **told)
        except SourceFileError:
            return None
        results.append(result)
        warnings += file_warnings(spec, result)
        processed += fresh
        inputs.append(_input(source, path, rel, sha, result, new_files or bool(fresh)))
    return results, processed


def _write_quarantine(out: Path, rebuilt: list[str], new: list[pd.DataFrame]) -> int:
    """The quarantine without the rows of the sources ``rebuilt``, with the ``new`` rows; its size."""
    q = read_table("quarantine", out)
    q = q[~q["source"].isin(rebuilt)]
    q = pd.concat([q, *new], ignore_index=True) if new else q
    write_table(q, "quarantine", out)
    return len(q)


def add(run: Run, convert) -> dict | None:  # noqa: C901
    """Convert the new files, write the months they touch, and return the new manifest.

    ``convert(path, rel, sha, spec, context, keys_read=None)`` converts one file through
    ``run.cache``, returning ``(result, fresh)`` (see ``convert_file`` for ``keys_read``).
    Sources in ``run.plan.rebuild`` are read again whole (their files mostly from the
    cache) and their tables rewritten. Returns ``None``,
    having written nothing, when an earlier file's cached rows are missing or a file
    cannot be used (the full clean step then reads the history again, or reports it).
    """
    from analysis.ingest.clean import _counts

    out = run.cfg.processed_dir
    cache = run.cache
    for source, fs in run.files.items():  # every earlier file's cache entry stays in use
        ctx = {**run.context_key, "spec": run.cfg.sources[source]}
        for _, rel, sha in fs:
            cache.used.add(cache.key(sha, rel, ctx))
    changed = set(run.plan.append) | set(run.plan.rebuild)
    counts = json.loads(json.dumps(run.previous["counts"]))
    sizes = dict(run.previous["tables"])
    inputs = [i for i in run.previous["inputs"] if i["source"] not in run.plan.rebuild]
    # an appended source keeps its earlier revisions (its new files revise none of them)
    revisions = [
        r for r in run.previous.get("revisions", []) if r["source"] not in run.plan.rebuild
    ]
    evidence = dict(run.previous.get("date_order_evidence", {}))
    # files wrong as a whole stay reported (a source read again reports its own afresh)
    warnings = [w for w in run.previous.get("warnings", []) if w["source"] not in run.plan.rebuild]
    added_all, quarantine, rebuilt = {}, [], {}
    for source in run.plan.rebuild:
        spec = run.specs[source]
        ctx = {**run.context_key, "spec": run.cfg.sources[source]}
        converted = _convert_files(convert, source, run.files[source], spec, ctx, inputs, warnings)
        if converted is None:
            return None  # the full run reports it (or goes on without the source)
        results, processed = converted
        start = time.perf_counter()
        combined = combine(results, spec)
        run.seconds["dedup"] += time.perf_counter() - start
        counts[source] = _counts(results, combined, processed)
        revisions += [{"source": source, **r} for r in combined.revisions]
        evidence[source] = {r.file: r.date_evidence for r in results if r.date_evidence}
        quarantine.append(combined.quarantine)
        rebuilt[source] = build_tables(spec, combined.rows)
    for source, fresh in run.plan.append.items():
        spec = run.specs[source]
        ctx = {**run.context_key, "spec": run.cfg.sources[source]}
        stored = StoredKeys(out, spec.table, run.executor)
        converted = _convert_files(
            convert, source, fresh, spec, ctx, inputs, warnings, new_files=True, stored=stored
        )
        if converted is None:
            return None  # the full run reports it (or goes on without the source)
        results = converted[0]
        start = time.perf_counter()
        try:
            added = add_source(
                out, source, spec, results, run.previous, cache, ctx, run.executor, stored
            )
        except LookupError:
            return None  # an earlier file's cache is gone: the full run reads it again
        run.seconds["dedup"] += time.perf_counter() - start
        added_all[source] = added
        quarantine.append(added.quarantine)
        revisions += [{"source": source, **r} for r in added.revisions]
        evidence.setdefault(source, {}).update(
            {r.file: r.date_evidence for r in results if r.date_evidence}
        )
    start = time.perf_counter()
    (out / PENDING).write_text(_stable(sorted(changed)), encoding="utf-8")
    new_quarantine = [q for q in quarantine if len(q)]
    quarantined = None  # the quarantine, written on a worker while the months are
    if new_quarantine or run.plan.rebuild:
        write = partial(_write_quarantine, out, run.plan.rebuild, new_quarantine)
        if run.executor is None:
            sizes["quarantine"] = write()
        else:
            quarantined = run.executor.submit(write)
    for tables in rebuilt.values():
        for table, frame in tables.items():
            write_table(frame, table, out)
            sizes[table] = len(frame)
    for source, added in added_all.items():
        change = write_months(out, run.specs[source], added, run.executor)
        for table, n in change.items():
            sizes[table] = sizes.get(table, 0) + n
        c = counts[source]
        c["files"] += len(added.results)
        c["files_processed"] = len(added.results)
        c["read"] += sum(r.read for r in added.results)
        c["kept"] += len(added.rows) - len(added.removed)
        c["quarantined"] += len(added.quarantine)
        c["duplicates"] += sum(added.duplicates.values())
        for kind, n in added.duplicates.items():
            c["duplicates_by_kind"][kind] = c["duplicates_by_kind"].get(kind, 0) + n
        for kind in KINDS:
            c["redactions"][kind] = c["redactions"].get(kind, 0) + int(
                sum(r.redactions.get(kind, 0) for r in added.results)
            )
    if quarantined is not None:
        sizes["quarantine"] = quarantined.result()
    run.seconds["write"] = time.perf_counter() - start
    for source, c in counts.items():
        if c["read"] != c["kept"] + c["quarantined"] + c["duplicates"]:
            raise AssertionError(f"{source}: rows do not add up after adding new files: {c}")
    manifest = {
        **run.previous,
        "status": "updated",
        "incremental": {
            "appended": {s: [rel for _, rel, _ in fs] for s, fs in run.plan.append.items()},
            "rebuilt": run.plan.rebuild,
        },
        "code_version": analysis.__version__,
        "fingerprint": run.fingerprint,
        "inputs": inputs,
        "counts": counts,
        "revisions": revisions,
        "redactions": {k: sum(c["redactions"].get(k, 0) for c in counts.values()) for k in KINDS},
        "date_order_evidence": evidence,
        "warnings": warnings,
        "tables": sizes,
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "run_seconds": round(time.perf_counter() - run.started, 3),
        "stage_seconds": {k: round(v, 3) for k, v in run.seconds.items()},
    }
    manifest.pop("batches", None)  # how the first clean went, not this run
    write_json(out / MANIFEST, manifest)
    (out / PENDING).unlink()
    return manifest
