"""Theme counts kept per month: each month's counts computed once, by the engine, then read.

A month's theme shares come from joining its comments with their themes
(:func:`analysis.query.aggregates.theme_counts`); over a national history that join is
tens of millions of rows on every report. The counts change only when a month's comments
or themes are written again, so they are kept in ``processed/.aggregates/theme_counts/``:
per month (or, for a store kept in single files, once for the whole store), usable
comments per service and question, and comments carrying each sub-category and each
category per service and question, beside a key made of the month's comment and theme
files as written (their names, sizes and modification times: the clean and classify
steps replace only the months they change). A report then computes the counts of the
months that changed (a new month: one partition) and sums the kept counts for its
scope, question and months: the same figures as :meth:`Queries.theme_shares` (the tests
compare them), at a fraction of the cost.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from analysis.ingest.store import partitions, table_path
from analysis.query import aggregates as agg
from analysis.query.queries import Months, Queries, month_span, scope_services

KEPT_DIR = Path(".aggregates") / "theme_counts"
LEVELS = ("subcategory", "category")
BY = ("service_id", "question")
WHOLE = "all"  # the one bucket of a store kept in single files


def _files_key(files: list[Path]) -> str:
    stats = [(f.parent.name, f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    return hashlib.sha256(json.dumps(stats).encode()).hexdigest()


def _buckets(queries: Queries) -> dict[str, list[Path]]:
    """Each bucket (a month ``YYYY-MM``, or :data:`WHOLE`) and the files its counts come from."""
    processed = queries.engine.processed_dir
    if not queries.engine.partitioned("fft_comments"):
        return {WHOLE: [table_path(n, processed) for n in ("fft_comments", "comment_themes")]}
    comments = partitions(table_path("fft_comments", processed))
    themes_dir = table_path("comment_themes", processed)
    themes = partitions(themes_dir) if themes_dir.is_dir() else {}
    return {m: files + themes.get(m, []) for m, files in comments.items()}


def _compute(queries: Queries, first: pd.Period | None, last: pd.Period | None):
    """Usable comments and theme counts per service, question and month, at both levels."""
    e = queries.engine
    sel = agg.Selection(first, last, None)
    totals, counts = None, []
    for level in LEVELS:
        t, c = agg.theme_counts(
            e.table("fft_comments"),
            e.table("comment_themes"),
            sel,
            level,
            BY,
            None,
            e.partitioned("fft_comments"),
        )
        if totals is None:
            totals = queries._run(t, [*BY, "month"])
        c = queries._run(c, [*BY, "month", level])
        counts.append(c.rename(columns={level: "theme"}).assign(level=level))
    return totals, pd.concat(counts, ignore_index=True)


def _write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(path)


def _kept(queries: Queries, first: pd.Period | None, last: pd.Period | None):
    """The kept totals and counts of the buckets in ``first``..``last``, the missing or
    out-of-date ones computed now (in one query over their span) and kept."""
    folder = queries.engine.processed_dir / KEPT_DIR
    buckets = _buckets(queries)
    if WHOLE not in buckets:
        buckets = {
            m: f
            for m, f in buckets.items()
            if (first is None or m >= str(first)) and (last is None or m <= str(last))
        }
    keys = {m: _files_key(files) for m, files in buckets.items()}
    stale = []
    for m, key in keys.items():
        state = folder / f"{m}.json"
        if not state.exists() or json.loads(state.read_text(encoding="utf-8")).get("key") != key:
            stale.append(m)
    if stale:
        span = (None, None) if stale == [WHOLE] else (pd.Period(min(stale)), pd.Period(max(stale)))
        totals, counts = _compute(queries, *span)
        for m in stale:
            if m == WHOLE:
                mine_t, mine_c = totals, counts
            else:
                start = pd.Period(m, "M").to_timestamp()
                mine_t, mine_c = totals[totals["month"] == start], counts[counts["month"] == start]
            _write(mine_t, folder / f"{m}.totals.parquet")
            _write(mine_c, folder / f"{m}.counts.parquet")
            state = folder / f"{m}.json"
            tmp = state.with_name(f".{state.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"key": keys[m]}), encoding="utf-8")
            tmp.replace(state)
    read = [
        (
            pd.read_parquet(folder / f"{m}.totals.parquet"),
            pd.read_parquet(folder / f"{m}.counts.parquet"),
        )
        for m in keys
    ]
    if not read:
        return _compute(queries, first, last)  # nothing in the span: the query's empty frames
    return (
        pd.concat([t for t, _ in read], ignore_index=True),
        pd.concat([c for _, c in read], ignore_index=True),
    )


def theme_shares(
    queries: Queries,
    months: Months = None,
    scope: str = "",
    level: str = "subcategory",
    question: str | None = None,
) -> pd.DataFrame:
    """:meth:`Queries.theme_shares` (no ``by``) from the kept monthly counts."""
    if level not in LEVELS:
        raise ValueError(f"level must be 'subcategory' or 'category', not {level!r}")
    first, last = month_span(months)
    totals, counts = _kept(queries, first, last)
    counts = counts[counts["level"] == level]
    lo = first.to_timestamp() if first is not None else None
    hi = last.to_timestamp() if last is not None else None
    ids = scope_services(queries.services(), scope)
    frames = []
    for frame in (totals, counts):
        keep = pd.Series(True, index=frame.index)
        if lo is not None:
            keep &= frame["month"] >= lo
        if hi is not None:
            keep &= frame["month"] <= hi
        if ids is not None:
            keep &= frame["service_id"].isin(ids)
        if question:
            keep &= frame["question"] == question
        frames.append(frame[keep])
    totals = frames[0].groupby("month", as_index=False)["comments"].sum()
    counts = (
        frames[1]
        .groupby(["month", "theme"], as_index=False)["count"]
        .sum()
        .rename(columns={"theme": level})
    )
    counts = counts[counts["count"] > 0]
    grid = totals.merge(pd.DataFrame({level: sorted(counts[level].unique())}), how="cross")
    out = grid.merge(counts, on=["month", level], how="left")
    out["count"] = out["count"].fillna(0).astype("int64")
    out["comments"] = out["comments"].astype("int64")
    out["share"] = out["count"] / out["comments"]
    return out[["month", level, "comments", "count", "share"]].sort_values(
        ["month", level], ignore_index=True
    )
