"""Counts kept per month: each month's computed once, by the engine, then read.

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
compare them), at a fraction of the cost. Who answered (:meth:`Queries.group_counts`, per
service, month, group and mode) and the FFT counts per service and month (the input of the
trends, the suppression pattern and the indicators) are kept the same way, per month of
``fft_responses``. Each engine keeps its own (a test compares the engines' figures).
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

KEPT_DIR = Path(".aggregates")  # a folder per kind of count kept
LEVELS = ("subcategory", "category")
BY = ("service_id", "question")
WHOLE = "all"  # the one bucket of a store kept in single files
#: Kept frames already read in this process, by folder and the keys of the months read.
_READ: dict[tuple, dict[str, pd.DataFrame]] = {}


def _files_key(files: list[Path]) -> str:
    stats = [(f.parent.name, f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    return hashlib.sha256(json.dumps(stats).encode()).hexdigest()


def _buckets(queries: Queries, tables: tuple[str, ...]) -> dict[str, list[Path]]:
    """Each bucket (a month ``YYYY-MM``, or :data:`WHOLE`) and the files of ``tables`` its
    counts come from (the first table's months)."""
    processed = queries.engine.processed_dir
    if not queries.engine.partitioned(tables[0]):
        return {WHOLE: [table_path(n, processed) for n in tables]}
    found = [
        partitions(table_path(n, processed)) if table_path(n, processed).is_dir() else {}
        for n in tables
    ]
    return {m: [f for parts in found for f in parts.get(m, [])] for m in found[0]}


def _theme_counts(queries: Queries, first: pd.Period | None, last: pd.Period | None):
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
    return {"totals": totals, "counts": pd.concat(counts, ignore_index=True)}


def _write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(path)


def kept(queries: Queries, kind: str, tables: tuple[str, ...], compute, months: Months):
    """The frames ``compute(first, last)`` returns (each with a ``month`` column), for the
    months of ``months``, as kept in ``KEPT_DIR/kind``: the missing or out-of-date months
    are computed now, in one call over their span, and kept."""
    first, last = month_span(months)
    folder = queries.engine.processed_dir / KEPT_DIR / queries.engine.name / kind
    buckets = _buckets(queries, tables)
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
        frames = compute(*span)
        for m in stale:
            for name, frame in frames.items():
                start = None if m == WHOLE else pd.Period(m, "M").to_timestamp()
                _write(
                    frame if start is None else frame[frame["month"] == start],
                    folder / f"{m}.{name}.parquet",
                )
            state = folder / f"{m}.json"
            tmp = state.with_name(f".{state.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"key": keys[m]}), encoding="utf-8")
            tmp.replace(state)
    if not keys:
        return compute(first, last)  # nothing in the span: the query's empty frames
    read = (str(folder), tuple(sorted(keys.items())))
    if read not in _READ:  # a notebook asks several times (each question): read once
        names = sorted(p.name.split(".")[1] for p in folder.glob(f"{next(iter(keys))}.*.parquet"))
        if len(_READ) >= 8:
            _READ.clear()
        _READ[read] = {
            name: pd.concat(
                [pd.read_parquet(folder / f"{m}.{name}.parquet") for m in keys], ignore_index=True
            )
            for name in names
        }
    return _READ[read]


def _select(frame: pd.DataFrame, months: Months, ids, question: str | None = None):
    first, last = month_span(months)
    keep = pd.Series(True, index=frame.index)
    if first is not None:
        keep &= frame["month"] >= first.to_timestamp()
    if last is not None:
        keep &= frame["month"] <= last.to_timestamp()
    if ids is not None:
        keep &= frame["service_id"].isin(ids)
    if question:
        keep &= frame["question"] == question
    return frame[keep]


def fft_counts(queries: Queries, months: Months = None, scope: str = "") -> pd.DataFrame:
    """:meth:`Queries.fft_counts` by service (the default) from counts kept per month."""
    frames = kept(
        queries,
        "fft_counts",
        ("fft_responses",),
        lambda a, b: {"counts": queries.fft_counts((a, b), "")},
        months,
    )
    out = _select(frames["counts"], months, scope_services(queries.services(), scope))
    return out.sort_values(["service_id", "month"], ignore_index=True)


def fft_summary(queries: Queries, months: Months = None, scope: str = "") -> pd.DataFrame:
    """:meth:`Queries.fft_summary` by service from the FFT counts kept per month."""
    by = ("service_id",)
    return queries.summary_of(fft_counts(queries, months, scope), months, scope, by)


def group_counts(queries: Queries, months: Months, scope: str, group_type: str) -> pd.DataFrame:
    """:meth:`Queries.group_counts` from counts kept per month (every service's)."""
    frames = kept(
        queries,
        f"group_counts_{group_type}",
        ("fft_responses",),
        lambda a, b: {"counts": queries.group_counts((a, b), "", group_type)},
        months,
    )
    out = _select(frames["counts"], months, scope_services(queries.services(), scope))
    for c in (group_type, "mode"):  # missing answers stay missing (not NaN)
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    order = ["service_id", "month", group_type, "mode"]
    return out.sort_values(order, ignore_index=True, na_position="last")


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
    frames = kept(
        queries,
        "theme_counts",
        ("fft_comments", "comment_themes"),
        lambda a, b: _theme_counts(queries, a, b),
        months,
    )
    ids = scope_services(queries.services(), scope)
    counts = frames["counts"][frames["counts"]["level"] == level]
    frames = [_select(f, months, ids, question) for f in (frames["totals"], counts)]
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
