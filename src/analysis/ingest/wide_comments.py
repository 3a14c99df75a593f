"""The comment columns of a wide export (``comments:``), trimmed and redacted in parts.

A large export's comment columns are redacted in parts of about :data:`REDACT_ROWS` rows:
:func:`start` gives each part to the clean step's threads, and :func:`finish`, on the thread
converting the file once its other rules are done, redacts the parts not yet started (the
last, least likely started, first), joins each column's parts in order and sums
the counts of what was redacted over the columns. The threads and
that thread then share the work evenly rather than all waiting for the longest column; each
text is redacted alone, so the parts join to what one pass gives
(``tests/ingest/test_chunks.py``).
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from analysis.ingest import values as value_rules
from analysis.ingest.frames import row_parts
from analysis.ingest.readers import RawTable
from analysis.ingest.redaction import redact_rows

if TYPE_CHECKING:
    from analysis.ingest.convert import Context

#: A part of a column redacted: its texts, and per kind of identifier how many each row had.
Redacted = tuple[pa.Array, dict[str, np.ndarray]]
#: The parts under way: per question, each part's rows (start, stop) and its task.
Started = dict[str, list[tuple[tuple[int, int] | None, Future | None]]]

#: Rows of a comment column redacted as one task: a large export's columns are redacted in
#: parts of about this size, so that the threads (and this one, once its other rules are
#: done) share the work evenly rather than all waiting for the longest column.
REDACT_ROWS = 200_000


def comment_column(
    raw: RawTable, header: str, ctx: Context, rows: tuple[int, int] | None = None
) -> Redacted:
    """One comment column of a wide export (``comments:``), or its ``rows`` (start, stop),
    trimmed and redacted, and the identifiers of each kind redacted from each row.

    Reads only the raw file, so it can run alongside the other rules.
    """
    column = raw.table.column(header)
    if rows is not None:
        column = column.slice(rows[0], rows[1] - rows[0])
    text = value_rules.parse_text(column.combine_chunks())[0]
    return redact_rows(text, ctx.staff_names, finders=ctx.finders)


def summed_counts(columns: list[list[dict[str, np.ndarray]]], n: int) -> dict[str, np.ndarray]:
    """Per kind of identifier, how many were redacted from each of ``n`` rows over all the
    columns, given each column's parts' counts (parts in order); only the kinds found.

    The sum of ``np.concatenate`` of each column's parts, for counts that are nearly all
    zero: only the rows with a count are added into one array of zeros per kind (fresh
    zeroed memory is not touched where it stays zero; a concatenation per column, then a
    sum, writes every row of every kind several times).

    >>> good = [{"phone": np.array([0, 2]), "email": np.zeros(2)},
    ...         {"phone": np.array([1]), "email": np.zeros(1)}]
    >>> better = [{"phone": np.array([1, 0, 0]), "email": np.zeros(3)}]
    >>> {kind: v.tolist() for kind, v in summed_counts([good, better], 3).items()}
    {'phone': [1, 2, 1]}
    """
    out: dict[str, np.ndarray] = {}
    for parts in columns:
        start = 0
        for part in parts:
            for kind, counts in part.items():
                at = np.flatnonzero(counts)
                if len(at):
                    if kind not in out:
                        out[kind] = np.zeros(n, dtype=np.int64)
                    out[kind][start + at] += counts[at]
            start += len(next(iter(part.values()), ()))
    return out


def start(raw: RawTable, columns: dict[str, str], ctx: Context, executor: Executor) -> Started:
    """Give the parts of each comment column (question → header) to ``executor``."""
    parts = row_parts(raw.table.num_rows, REDACT_ROWS)
    return {
        q: [(rows, executor.submit(comment_column, raw, h, ctx, rows)) for rows in parts]
        for q, h in columns.items()
    }


def finish(
    raw: RawTable, columns: dict[str, str], ctx: Context, started: Started | None = None
) -> tuple[dict[str, pa.ChunkedArray], dict[str, np.ndarray]]:
    """Each comment column (question → header) redacted: the parts not yet started redacted
    here, then each column's texts joined as the chunks of one (kept where they are, not
    copied into one array); and per kind found, how many were redacted from each row over
    all the columns (:func:`summed_counts`)."""
    tasks = {q: (started or {}).get(q) or [(None, None)] for q in columns}
    done = {}
    for question in reversed(columns):
        for rows, future in reversed(tasks[question]):
            if future is None or future.cancel():
                done[question, rows] = comment_column(raw, columns[question], ctx, rows)
    parts = {
        question: [
            done[question, rows] if (question, rows) in done else future.result()
            for rows, future in tasks[question]
        ]
        for question in columns
    }
    texts = {q: pa.chunked_array([text for text, _ in ps]) for q, ps in parts.items()}
    counts = [[per_row for _, per_row in ps] for ps in parts.values()]
    return texts, summed_counts(counts, raw.table.num_rows)
