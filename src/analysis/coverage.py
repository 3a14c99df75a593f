"""Which months the data covers, and whether a month asked for is one of them.

A month to report must be written ``YYYY-MM`` and lie between the first month with FFT
responses and the latest complete month (a month is complete once the next has begun).
Months inside that span with no responses (the 2020 pause of FFT collection) are
reported: their pages say there is not enough data. Anything else is bad input (exit 2),
and the message names the months available.

Only the files' footers are read (the dates' minimum and maximum kept by each row group),
whatever the size of the history; a row group written without them has its dates read.

>>> parse_month("2025-03")
Period('2025-03', 'M')
>>> parse_month("March 2025")
Traceback (most recent call last):
...
ValueError: month 'March 2025' is not a month: give it as YYYY-MM, e.g. 2025-03
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis.ingest.store import table_path

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def parse_month(month: str) -> pd.Period:
    """``month`` as a period, or a ValueError saying how to write it."""
    if not MONTH.fullmatch(str(month).strip()):
        raise ValueError(f"month {month!r} is not a month: give it as YYYY-MM, e.g. 2025-03")
    return pd.Period(str(month).strip(), "M")


@dataclass(frozen=True)
class Coverage:
    """The first month with data and the latest complete one."""

    first: pd.Period
    last: pd.Period

    @property
    def label(self) -> str:
        """The span in words and as the ``--month`` values to give."""
        return (
            f"the data covers {self.first:%B %Y} to {self.last:%B %Y} "
            f"(give a month from {self.first} to {self.last})"
        )

    def check(self, month: pd.Period) -> pd.Period:
        """``month`` if the data covers it, else a ValueError naming the months available."""
        if month < self.first:
            raise ValueError(f"{month:%B %Y} is before the data: {self.label}")
        if month > self.last:
            raise ValueError(f"{month:%B %Y} has no complete data: {self.label}")
        return month


def coverage(processed_dir: Path, today: pd.Timestamp | None = None) -> Coverage:
    """The months the FFT responses cover (their latest month only once it has ended)."""
    path = table_path("fft_responses", processed_dir)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: run the clean step first (python -m analysis clean)"
        )
    low, high = date_range(path, "response_date")
    if low is None:
        raise ValueError(f"{path} has no dated responses: there is no month to report on")
    today = today or pd.Timestamp.today()
    last = min(pd.Timestamp(high).to_period("M"), today.to_period("M") - 1)
    return Coverage(first=pd.Timestamp(low).to_period("M"), last=last)


def date_range(path: Path, column: str) -> tuple:
    """The earliest and latest value of ``column`` in a Parquet file or folder of files
    (``(None, None)`` if it has none), from the row groups' statistics: a 60-million-row
    history is not read. A row group without them (another writer's file) is read.
    """
    files = [path]
    if path.is_dir():  # as a dataset reads it: no part named ".…" or "_…" (being written)
        files = sorted(
            f
            for f in path.rglob("*.parquet")
            if not any(p.startswith((".", "_")) for p in f.relative_to(path).parts)
        )
    lows, highs = [], []
    for file in files:
        meta = pq.ParquetFile(file).metadata
        at = meta.schema.to_arrow_schema().get_field_index(column)
        for g in range(meta.num_row_groups if at >= 0 else 0):
            group = meta.row_group(g)
            stats = group.column(at).statistics
            if stats is not None and stats.has_min_max:
                lows.append(stats.min)
                highs.append(stats.max)
            elif stats is None or stats.null_count != group.num_rows:  # not all missing
                values = pq.ParquetFile(file).read_row_group(g, columns=[column]).column(0)
                low, high = pc.min_max(values).values()
                if low.is_valid:
                    lows.append(low.as_py())
                    highs.append(high.as_py())
    return (min(lows), max(highs)) if lows else (None, None)


def check_written(month: str, processed_dir: Path) -> pd.Period:
    """``month`` as a period; if malformed, a ValueError that also names the months available
    (when the data has been cleaned before)."""
    try:
        return parse_month(month)
    except ValueError as exc:
        try:
            span = coverage(processed_dir)
        except (FileNotFoundError, ValueError, OSError):
            raise exc from None
        raise ValueError(f"{exc}; {span.label}") from None


def report_period(processed_dir: Path, month: str | None) -> pd.Period:
    """The month to report: ``month`` checked against the data, or the latest complete one."""
    span = coverage(processed_dir)
    return span.check(parse_month(month)) if month else span.last
