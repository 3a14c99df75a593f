"""Duplicates across a source's files, each kind counted, so the manifest's counts add up.

In order:

1. ``revision``: a re-export of a past period replaces the earlier file whole.
   Files are the same export when their names match once a revision marker is
   removed (``fft_2024-03_asat_2024-05-02.csv``, ``fft_2024-03 (2).csv``,
   ``fft_2024-03_v2.csv``, ``…_revised.csv``); the one with the latest "as at"
   date (else the later name) is kept, and the manifest records the revision.
2. ``exact``: a row identical, in every cleaned value, to an earlier one (so "Very good"
   and "very good" are the same answer).
3. ``re_exported``: the same response (or complaint, action …, by the table's
   key) exported again in a later file; the latest export's row is kept.
4. ``respondent``: the source's configured rules, in order (``dedup: {respondent:
   [{keys: [...], keep: first|last, within_days: N}]}``), e.g. one response per
   person, service and day, or per person and service within 7 days.

Example
-------
>>> revision_key("fft_responses_2024-03_asat_2024-05-02.csv")
('fft_responses_2024-03.csv', '2024-05-02')
>>> revision_key("fft_responses_2024-03 (2).csv")
('fft_responses_2024-03.csv', '')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from analysis.ingest.convert import (
    KEY_REPEATS,
    FileResult,
    arrow_text,
    content_hash,
    repeated,
    row_key,
)
from analysis.ingest.frames import keep_rows
from analysis.ingest.sources import RespondentRule, SourceSpec
from analysis.ingest.values import take_text

DUPLICATE_KINDS = ("revision", "exact", "re_exported", "respondent")
_AS_AT = re.compile(r"(?i)[ _\-]*as[ _\-]?at[ _\-]*(\d{4})-?(\d{2})-?(\d{2})")
_MARKER = re.compile(r"(?i)[ _\-]*(?:\(\d+\)|v\d+|copy|re-?export(?:ed)?|revised|revision)$")


def revision_key(name: str) -> tuple[str, str]:
    """A file name without its revision marker, and its "as at" date (``''`` if none)."""
    path = PurePosixPath(name)
    stem = path.stem
    as_at = ""
    m = _AS_AT.search(stem)
    if m:
        as_at = f"{m[1]}-{m[2]}-{m[3]}"
        stem = stem[: m.start()] + stem[m.end() :]
    while (m := _MARKER.search(stem)) is not None:
        stem = stem[: m.start()]
    return str(path.with_name(stem + path.suffix)), as_at


@dataclass
class Combined:
    """A source's rows after de-duplication, with what was removed and why."""

    rows: pd.DataFrame
    quarantine: pd.DataFrame
    duplicates: dict[str, int]
    revisions: list[dict] = field(default_factory=list)


def _revisions(results: list[FileResult]) -> tuple[set[str], list[dict]]:
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for r in results:
        key, as_at = revision_key(r.file)
        groups.setdefault(key, []).append((as_at, r.file != key, r.file))
    superseded, revisions = set(), []
    for key, files in groups.items():
        if len(files) < 2:
            continue
        files.sort()
        current = files[-1]
        replaced = [f for _, _, f in files[:-1]]
        superseded.update(replaced)
        revisions.append(
            {"export": key, "file": current[2], "as_at": current[0] or None, "replaces": replaced}
        )
    return superseded, revisions


def combine(results: list[FileResult], spec: SourceSpec) -> Combined:
    """De-duplicate one source's files (given in the order they were exported)."""
    superseded, revisions = _revisions(results)
    duplicates = dict.fromkeys(DUPLICATE_KINDS, 0)
    duplicates["revision"] = sum(r.read for r in results if r.file in superseded)
    live = [r for r in results if r.file not in superseded]
    frames = [r.rows for r in live if len(r.rows)]
    files = [r.file for r in live if len(r.rows)]
    # Each row's file, as a position in ``files``: the file names are written out only for
    # the rows kept, rather than for every row read.
    file_of = np.repeat(np.arange(len(frames)), [len(f) for f in frames])
    if len(frames) == 1:
        rows = frames[0]
    elif frames:
        rows = pd.concat(frames, ignore_index=True)
    else:
        rows = (live or results)[0].rows.iloc[0:0]
    quarantine = (
        pd.concat([r.quarantine for r in live], ignore_index=True)
        if live
        else results[0].quarantine
    )

    key = row_key(spec, rows)
    if not key:
        candidates = np.ones(len(rows), dtype=bool)
    elif len(frames) == 1 and KEY_REPEATS in rows:  # one file: its repeated keys are known
        candidates = rows[KEY_REPEATS].to_numpy(dtype=bool)
    else:
        candidates = repeated(rows, key)
    # Exact duplicates share their key too, so only rows whose key repeats are compared.
    drop = np.zeros(len(rows), dtype=bool)
    if candidates is not None and candidates.any():
        positions = np.flatnonzero(candidates)
        # Selected by mask (Arrow filters each chunk of a text column; taking rows by
        # position would join a column's chunks into one first).
        subset = keep_rows(rows, candidates)
        exact = pd.Series(content_hash(subset)).duplicated(keep="first").to_numpy()
        duplicates["exact"] = int(exact.sum())
        drop[positions[exact]] = True
        if key:
            remaining = positions[~exact]
            again = subset.loc[~exact, key].duplicated(keep="last").to_numpy()
            duplicates["re_exported"] = int(again.sum())
            drop[remaining[again]] = True
    # What only de-duplication needed goes before the rows are copied.
    rows = rows.drop(columns=[c for c in (KEY_REPEATS, "source_line") if c in rows])
    if drop.any():
        rows, file_of = keep_rows(rows, ~drop), file_of[~drop]
    rows["source_file"] = arrow_text(take_text(files, file_of)).set_axis(rows.index)
    for rule in spec.respondent_rules:
        same = respondent_duplicates(rows, rule)
        duplicates["respondent"] += int(same.sum())
        if same.any():
            rows = keep_rows(rows, ~same)
    return Combined(
        rows.reset_index(drop=True), quarantine.reset_index(drop=True), duplicates, revisions
    )


def respondent_duplicates(rows: pd.DataFrame, rule: RespondentRule) -> np.ndarray:
    """Which rows ``rule`` removes as another row of the same respondent.

    >>> rows = pd.DataFrame({"who": ["a", "a", "a", "b"],
    ...     "response_date": pd.to_datetime(["2024-03-01", "2024-03-05", "2024-03-20", "2024-03-02"])})
    >>> respondent_duplicates(rows, RespondentRule(("who",), within_days=7, date="response_date")).tolist()
    [False, True, False, False]
    """
    keys = list(rule.keys)
    same = rows.duplicated(subset=keys, keep=False).to_numpy()
    if rule.within_days is None or not same.any():
        return rows.duplicated(subset=keys, keep=rule.keep).to_numpy() if same.any() else same
    # Rows of repeated keys, each respondent's in date order (latest first for keep=last).
    group = rows.loc[same, keys].groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
    when = rows[rule.date].to_numpy()[same]
    dates, dated = when.astype("datetime64[D]").astype(np.int64), ~np.isnat(when)
    position = np.flatnonzero(same)
    sign = 1 if rule.keep == "first" else -1
    order = np.lexsort((sign * position, sign * dates, ~dated, group))
    drop = np.zeros(len(rows), dtype=bool)
    kept_group, kept_date = -1, 0
    for g, d, ok, pos in zip(
        group[order], dates[order], dated[order], position[order], strict=True
    ):
        if not ok:
            continue  # no date: never within a window
        if g == kept_group and abs(d - kept_date) <= rule.within_days:
            drop[pos] = True
        else:
            kept_group, kept_date = g, d
    return drop
