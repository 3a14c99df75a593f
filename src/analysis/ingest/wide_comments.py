"""The comment columns of a wide export (``comments:``), trimmed and redacted in parts.

A large export's comment columns are redacted in parts of about :data:`REDACT_ROWS` rows:
:func:`start` gives each part to the clean step's threads, and :func:`finish`, on the thread
converting the file once its other rules are done, redacts the parts not yet started (the
last, least likely started, first) and joins each column's parts in order. The threads and
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

#: A column's redaction: the texts (a part's as one array, a column's joined parts as the
#: chunks of one), and per kind of identifier how many each row had.
Redacted = tuple[pa.Array | pa.ChunkedArray, dict[str, np.ndarray]]
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


def joined(parts: list[Redacted]) -> Redacted:
    """The parts of a column redacted apart (:func:`comment_column`), in order, as one: the
    texts as the chunks of one column (kept where they are, not copied into one array)."""
    text = pa.chunked_array([p[0] for p in parts])
    if len(parts) == 1:
        return text, parts[0][1]
    return text, {kind: _joined_counts([p[1][kind] for p in parts]) for kind in parts[0][1]}


def _joined_counts(parts: list[np.ndarray]) -> np.ndarray:
    """``np.concatenate(parts)`` for counts that are nearly all zero: only the rows with a
    count are written into zeros (fresh zeroed memory is not touched where it stays zero,
    where a concatenation writes every row of every kind)."""
    out = np.zeros(sum(len(p) for p in parts), dtype=np.result_type(*parts))
    start = 0
    for part in parts:
        at = np.flatnonzero(part)
        out[start + at] = part[at]
        start += len(part)
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
) -> dict[str, Redacted]:
    """Each comment column redacted: the parts not yet started redacted here, then joined."""
    tasks = {q: (started or {}).get(q) or [(None, None)] for q in columns}
    done = {}
    for question in reversed(columns):
        for rows, future in reversed(tasks[question]):
            if future is None or future.cancel():
                done[question, rows] = comment_column(raw, columns[question], ctx, rows)
    return {
        question: joined(
            [
                done[question, rows] if (question, rows) in done else future.result()
                for rows, future in tasks[question]
            ]
        )
        for question in columns
    }
