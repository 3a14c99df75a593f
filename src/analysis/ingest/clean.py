"""The clean step: every raw export named in the configuration → validated, redacted tidy tables.

Every row read ends in a tidy table, in quarantine (with file, record, line,
column, value and rule) or among the duplicates (counted by kind), and the
manifest shows the three adding up to the rows read, per source. Raw files are
only ever read.

* **Atomic**: all tables are written to a staging folder first and moved into
  ``data/processed/`` only when every one has been written and validated, the
  manifest last; a failed run leaves the previous processed data as it was.
* **Incremental**: a run whose code, parameters and input checksums match the
  last manifest does nothing (``status: unchanged``); otherwise only files not
  already in the cache are converted (a new month's export is the only file read).
* **Bounded**: a source with more exports than one batch (a national history) is cleaned a
  batch of files at a time, the first batch by the full run and the others through the
  incremental step (:mod:`analysis.ingest.batches`), so memory stays that of one batch.
* **Errors**: a file that cannot be used stops its source with a message naming
  the file and what is wrong. The run then fails (:class:`CleanError`) unless the
  source says ``on_error: continue``, in which case the other sources are
  written and the error is recorded in the manifest (the failed source's
  previous tables, if any, are left as they were).
* **Warnings**: a file read in full that is wrong as a whole (a header and no
  rows; none of its rows kept; a March export holding no March rows) is listed under
  ``warnings`` in the manifest and printed by ``python -m analysis clean``
  (see :mod:`analysis.ingest.file_checks`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
import tempfile
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

import analysis
from analysis.config import Config, ConfigError
from analysis.ingest import allocation, batches, incremental
from analysis.ingest.convert import REDACTED, Context, FileResult, KeysRead, convert_file
from analysis.ingest.dedup import Combined, combine
from analysis.ingest.file_checks import file_warnings
from analysis.ingest.manifest import (
    MANIFEST,
    FileCache,
    checksum,
    code_fingerprint,
    file_stat,
    fingerprint,
    known_checksums,
    read_manifest,
    sha256_file,
    write_json,
)
from analysis.ingest.readers import SourceFileError, read_file
from analysis.ingest.redaction import KINDS, FinderProcess, warm_up
from analysis.ingest.redaction.process import MIN_FILE_BYTES
from analysis.ingest.schemas import SCHEMAS
from analysis.ingest.sources import KEYS, SourceSpec, source_specs
from analysis.ingest.store import replace_table, table_path, write_table
from analysis.ingest.tables import build_tables, service_codes_table, services_table

log = logging.getLogger(__name__)

#: Every table the clean step writes (written empty when no source feeds it).
TABLES = [
    "services",
    "service_codes",
    *sorted(KEYS),
    "fft_comments",
    "complaint_subjects",
    "quarantine",
]
#: The stages whose time the manifest records.
STAGES = ("checksums", "read", "parse", "validate", "redact", "cache", "dedup", "write")
#: The staff-name list for redaction, under ``raw_dir`` unless ``redaction.staff_names`` says otherwise.
STAFF_NAMES = "staff_names.txt"


class CleanError(ValueError):
    """A source could not be used and the configuration does not say to continue."""


def staff_names(cfg: Config) -> tuple[list[str], str | None]:
    """The staff names kept with the raw data (one per line, ``#`` comments), and the file's checksum."""
    configured = cfg.redaction.staff_names
    path = cfg.raw_file(configured or STAFF_NAMES)
    if not path.exists():
        if configured:
            raise ConfigError(f"redaction.staff_names: {path} does not exist")
        return [], None
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [
        ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")
    ], sha256_file(path)


def _files(cfg: Config, spec: SourceSpec) -> list[Path]:
    files = sorted(p for p in cfg.raw_dir.glob(spec.files) if p.is_file())
    if not files:
        raise SourceFileError(
            cfg.raw_dir / spec.files,
            "matches no file",
            f"Check `files` of source {spec.name!r} in the configuration",
        )
    # A link out of raw_dir would read (and store) a file nobody put with the exports.
    raw = cfg.raw_dir.resolve()
    for path in files:
        if not path.resolve().is_relative_to(raw):
            raise SourceFileError(
                path,
                f"resolves outside raw_dir ({raw}), through a link; it was not read",
                "Copy the export into raw_dir instead of linking to it",
            )
    return files


def _convert(
    path: Path,
    rel: str,
    sha: str,
    spec: SourceSpec,
    ctx: Context,
    cache: FileCache,
    context_key: dict,
    seconds: dict,
    executor: Executor,
    pending: list[Future],
    keys_read: KeysRead | None = None,
) -> tuple[FileResult, bool]:
    key = cache.key(sha, rel, context_key)
    cached = cache.get(key)
    if cached is not None:
        return cached, False
    if ctx.finders is not None and spec.comments and path.stat().st_size >= MIN_FILE_BYTES:
        ctx.finders.start()  # loads the name model while the file is read
    start = time.perf_counter()
    raw = read_file(
        path,
        spec.expected_headers,
        spec.format,
        encoding=spec.encoding,
        sheet=spec.sheet,
        header_row=spec.header_row,
        sha256=sha,
        limits=spec.limits,
    )
    seconds["read"] += time.perf_counter() - start
    result = convert_file(raw, spec, ctx, rel, executor, keys_read)
    for stage, t in result.seconds.items():
        seconds[stage] += t
    start = time.perf_counter()
    pending.append(cache.put(key, result, executor))
    seconds["cache"] += time.perf_counter() - start
    return result, True


def _counts(results: list[FileResult], combined: Combined, processed: int) -> dict:
    read = sum(r.read for r in results)
    kept = len(combined.rows)
    quarantined = len(combined.quarantine)
    duplicates = sum(combined.duplicates.values())
    if read != kept + quarantined + duplicates:
        raise AssertionError(
            f"rows do not add up: {read} read ≠ {kept} kept + {quarantined} "
            f"quarantined + {duplicates} duplicates"
        )
    # Identifiers redacted from the text of the rows kept (what the tidy tables would otherwise hold).
    redactions = {
        k: int(combined.rows[f"{REDACTED}{k}"].fillna(0).sum())
        if f"{REDACTED}{k}" in combined.rows
        else 0
        for k in KINDS
    }
    return {
        "status": "ok",
        "files": len(results),
        "files_processed": processed,
        "read": read,
        "kept": kept,
        "quarantined": quarantined,
        "duplicates": duplicates,
        "duplicates_by_kind": combined.duplicates,
        "redactions": redactions,
    }


def _commit(staging: Path, out: Path, names: list[str], manifest: dict) -> None:
    for name in names:
        replace_table(table_path(name, staging), name, out)
    write_json(out / MANIFEST, manifest)


def clean(cfg: Config, force: bool = False) -> dict:
    """Run the clean step for ``cfg`` and return its manifest (see the module docstring).

    ``force`` re-converts every file and rewrites every table even when nothing changed.
    Files are written (the cache, then the tables) two at a time, while the main thread goes on.
    """
    with (
        allocation.system_memory(),
        allocation.small_pages(),
        allocation.few_arenas(),
        FinderProcess() as finders,
        ThreadPoolExecutor(max_workers=2) as executor,
    ):
        if _large_comment_files(cfg):  # the finders' process loads while the files are checked
            finders.start()
        pending: list[Future] = []
        try:
            return _clean(cfg, force, executor, pending, finders=finders)
        finally:
            _stop(pending)


def _large_comment_files(cfg: Config) -> bool:
    """Whether a source with comments has an export large enough for the finders' process
    (:data:`~analysis.ingest.redaction.process.MIN_FILE_BYTES`)."""
    for spec in source_specs(cfg.sources).values():
        if not (spec.comments or spec.comment_rows):
            continue
        with contextlib.suppress(SourceFileError):  # reported when the files are read
            if any(p.stat().st_size >= MIN_FILE_BYTES for p in _files(cfg, spec)):
                return True
    return False


def _stop(pending: list[Future]) -> None:
    """Cancel the writes not yet started and wait for the others (no-op once all are done)."""
    for future in pending:
        future.cancel()
    wait(pending)


def _clean(  # noqa: C901
    cfg: Config,
    force: bool,
    executor: Executor,
    pending: list[Future],
    step: batches.Inputs | None = None,
    partitioned: frozenset[str] = frozenset(),
    finders: FinderProcess | None = None,
) -> dict:
    """The clean step; ``step`` gives the inputs of one step of a batched first clean
    (:mod:`analysis.ingest.batches`), whose tables in ``partitioned`` are written by month;
    ``finders`` runs the redaction's finders of large files in a second process."""
    started = time.perf_counter()
    out = cfg.processed_dir
    specs = source_specs(cfg.sources)
    codes = service_codes_table(cfg)
    names, names_sha = staff_names(cfg)
    parameters = {
        "sources": cfg.sources,
        "services": cfg.services,
        "partnership": cfg.name,
        "staff_names_sha256": names_sha,
    }
    files = {name: [] for name in specs}
    seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
    start = time.perf_counter()
    errors: list[dict] = []
    warnings: list[dict] = []  # files read but wrong as a whole (see file_checks)
    inputs: list[dict] = []
    known = {} if force else known_checksums(read_manifest(out))
    for name, spec in specs.items():
        if step is not None:
            files[name] = step[name]
            continue
        try:
            for path in _files(cfg, spec):
                rel = path.relative_to(cfg.raw_dir).as_posix()
                files[name].append((path, rel, checksum(path, rel, known)))
        except SourceFileError as exc:
            errors.append(
                {"source": name, "file": exc.path, "problem": exc.problem, "advice": exc.advice}
            )
    seconds["checksums"] = time.perf_counter() - start
    run_fp = fingerprint(parameters, [(r, s) for fs in files.values() for _, r, s in fs])
    previous = read_manifest(out)
    if (
        not force
        and previous
        and errors == previous.get("errors", [])  # the same sources unreadable, the same way
        and previous.get("fingerprint") == run_fp
        and all(table_path(t, out).exists() for t in TABLES)
    ):
        log.info(
            "inputs, parameters and code unchanged since %s: nothing to do", previous["run_at"]
        )
        return {**previous, "status": "unchanged"}

    out.mkdir(parents=True, exist_ok=True)
    pending.append(executor.submit(warm_up))  # the name model loads while files are read
    if not force and not errors and not partitioned:  # only new files: add them alone
        manifest = _add_new_files(
            cfg,
            specs,
            files,
            previous,
            run_fp,
            parameters,
            seconds,
            started,
            executor,
            pending,
            finders,
        )
        if manifest is not None:
            return manifest
    if step is None and not errors:
        steps, split_tables = batches.plan(specs, files)
        if len(steps) > 1:

            def one_step(inputs: batches.Inputs, first: bool) -> dict:
                split = frozenset(split_tables) if first else frozenset()
                return _clean(cfg, force and first, executor, pending, inputs, split, finders)

            return batches.run(steps, one_step, seconds, out / MANIFEST)
    with _staging(out, pending) as staging:
        # Tables no source feeds are written first, on the second thread; their checks also load
        # the schema machinery, which the big tables' checks then find ready.
        early = _early_tables(cfg, specs, codes)
        pending.append(executor.submit(_write_each, early, staging))
        ctx = Context(codes, {s["service_id"] for s in cfg.services}, names, finders)
        cache = FileCache(out)
        if force and cache.dir.exists():
            shutil.rmtree(cache.dir)
        context_key = {"services": cfg.services, "staff": names_sha}
        tables: dict[str, list[pd.DataFrame]] = {}
        counts, revisions, evidence, quarantine = {}, [], {}, []
        failed: set[str] = {e["source"] for e in errors}
        for name, spec in specs.items():
            if name in failed:
                continue
            try:
                results, processed = [], 0
                for path, rel, sha in files[name]:
                    result, fresh = _convert(
                        path,
                        rel,
                        sha,
                        spec,
                        ctx,
                        cache,
                        {**context_key, "spec": cfg.sources[name]},
                        seconds,
                        executor,
                        pending,
                    )
                    processed += fresh
                    results.append(result)
                    warnings += file_warnings(spec, result)
                    inputs.append(
                        {
                            "source": name,
                            "file": rel,
                            "sha256": sha,
                            **file_stat(path),
                            "encoding": result.encoding,
                            "rows": result.read,
                            "processed": fresh,
                        }
                    )
                    log.info(
                        "%s: %s (%d rows%s)", name, rel, result.read, "" if fresh else ", unchanged"
                    )
                start = time.perf_counter()
                combined = combine(results, spec)
                counts[name] = _counts(results, combined, processed)
                revisions += [{"source": name, **r} for r in combined.revisions]
                evidence[name] = {r.file: r.date_evidence for r in results if r.date_evidence}
                quarantine.append(combined.quarantine)
                for table, frame in build_tables(spec, combined.rows).items():
                    tables.setdefault(table, []).append(frame)
                seconds["dedup"] += time.perf_counter() - start
            except SourceFileError as exc:
                errors.append(
                    {"source": name, "file": exc.path, "problem": exc.problem, "advice": exc.advice}
                )
                failed.add(name)
        stopping = [e for e in errors if specs[e["source"]].on_error == "stop"]
        if stopping:
            raise CleanError(
                "the clean step stopped; nothing was written:\n"
                + "\n".join(
                    f"  source {e['source']!r}: {e['file']}: {e['problem']}. {e['advice']}"
                    for e in errors
                )
                + "\n(set `on_error: continue` for a source to write the others without it)"
            )
        failed_tables = {t for n in failed for t in build_tables(specs[n], _empty_rows(specs[n]))}
        tables.setdefault("quarantine", []).extend(quarantine)
        start = time.perf_counter()
        final = {}
        for table in TABLES:
            if table in early:
                continue
            if table in failed_tables and table not in tables and table_path(table, out).exists():
                continue  # a failed source's previous table stays as it was
            frames = [f for f in tables.get(table, []) if len(f)]
            if len(frames) == 1:
                final[table] = frames[0]
            else:
                final[table] = pd.concat(frames, ignore_index=True) if frames else _no_rows(table)
        sizes = {t: len(f) for t, f in {**early, **final}.items()}
        # The largest table is checked on this thread while a worker encodes it; the others
        # are written by the workers meanwhile.
        largest, *others = sorted(final, key=lambda t: -sizes[t])
        by_month = {t: t in partitioned and sizes[t] > 0 for t in final}
        pending += [
            executor.submit(write_table, final[t], t, staging, None, by_month[t]) for t in others
        ]
        write_table(final[largest], largest, staging, executor, by_month[largest])
        for future in pending:
            future.result()
        seconds["write"] = time.perf_counter() - start
        manifest = {
            "status": "updated",
            "code_version": analysis.__version__,
            "code_fingerprint": code_fingerprint(),
            "fingerprint": run_fp,
            "config": str(cfg.path),
            "parameters": parameters,
            "inputs": inputs,
            "counts": counts,
            "revisions": revisions,
            "redactions": {k: sum(c["redactions"][k] for c in counts.values()) for k in KINDS},
            "date_order_evidence": evidence,
            "tables": sizes,
            "errors": errors,
            "warnings": warnings,
            "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "run_seconds": round(time.perf_counter() - started, 3),
            "stage_seconds": {k: round(v, 3) for k, v in seconds.items()},
        }
        _commit(staging, out, [t for t in TABLES if t in sizes], manifest)
    cache.prune()
    return manifest


def _add_new_files(
    cfg, specs, files, previous, run_fp, parameters, seconds, started, executor, pending, finders
) -> dict | None:
    """The incremental run (:mod:`analysis.ingest.incremental`), or ``None`` when it cannot be."""
    new = incremental.new_files(cfg.processed_dir, specs, files, previous, parameters)
    if new is None:
        return None
    names, names_sha = staff_names(cfg)
    ctx = Context(service_codes_table(cfg), {s["service_id"] for s in cfg.services}, names, finders)
    cache = FileCache(cfg.processed_dir)

    def convert(path, rel, sha, spec, context, keys_read=None):
        return _convert(
            path, rel, sha, spec, ctx, cache, context, seconds, executor, pending, keys_read
        )

    run = incremental.Run(
        cfg,
        specs,
        files,
        new,
        previous,
        run_fp,
        parameters,
        {"services": cfg.services, "staff": names_sha},
        seconds,
        started,
        cache,
        executor,
    )
    manifest = incremental.add(run, convert)
    for future in pending:
        future.result()
    if manifest is not None:
        cache.prune()
    return manifest


@contextmanager
def _staging(out: Path, pending: list[Future]):
    """A staging folder in ``out`` for the tables, removed at the end, once no write is under way."""
    staging = Path(tempfile.mkdtemp(dir=out, prefix=".staging-"))
    try:
        yield staging
    finally:
        _stop(pending)
        shutil.rmtree(staging, ignore_errors=True)


def _early_tables(cfg: Config, specs: dict[str, SourceSpec], codes: pd.DataFrame) -> dict:
    """The tables no source feeds: from the configuration (services, service codes), or empty."""
    fed = {"quarantine"}
    for spec in specs.values():
        fed.update(build_tables(spec, _empty_rows(spec)))
    configured = {"services": services_table(cfg), "service_codes": codes}
    return {t: configured.get(t, _no_rows(t)) for t in TABLES if t not in fed}


def _write_each(frames: dict[str, pd.DataFrame], staging: Path) -> None:
    for name, frame in frames.items():
        write_table(frame, name, staging)


def _no_rows(table: str) -> pd.DataFrame:
    """A table with no rows (``write_table`` gives its columns their types)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SCHEMAS[table].columns})


def _empty_rows(spec: SourceSpec) -> pd.DataFrame:
    columns = {
        *SCHEMAS[spec.table].columns,
        *spec.columns,
        "comment_text",
        "comment_question",
        *(f"comment:{q}" for q in spec.comments),
    }
    return pd.DataFrame(columns=sorted(columns))
