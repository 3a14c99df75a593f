"""Warnings about a whole file, once its rows are converted: what a row rule cannot say.

A file can be readable, and every row accounted for, and still be wrong as a whole:

* **a header and no rows**: the export ran but wrote nothing (or the period truly
  had nothing to report). It is not an error, since a small service can have a month
  with no responses, but it is never accepted silently: it is a warning in the
  manifest and in the clean step's output.
* **not the month it is named for**: a monthly export (``fft_responses_2024-03.csv``)
  none of whose rows is dated within that month (give or take the source's
  ``date_tolerance_days``). Rows after the month are already quarantined
  (``date_after_period_end``), and ambiguous dates that look swapped too. Rows
  before it are kept under their own dates, because a month's export may re-export
  earlier months' responses with corrections (de-duplication then keeps the later
  one); a file holding *only* earlier months is therefore either such a correction
  or mislabelled (e.g. a copy of January named for March), and the warning names it
  so the analyst can tell which.
* **no row kept**: every row is in quarantine with its own rule; one message
  names the file.

Each warning is ``{"source", "file", "problem", "advice"}``, like the manifest's errors.

Example
-------
>>> import pandas as pd
>>> from analysis.ingest.convert import FileResult
>>> empty = FileResult("fft/fft_2024-03.csv", "", "utf-8", 0, pd.DataFrame(), pd.DataFrame(), {}, {})
>>> from analysis.ingest.sources import SourceSpec
>>> spec = SourceSpec("fft", "fft_responses", "fft/*.csv", {})
>>> file_warnings(spec, empty)[0]["problem"]
'has a header but no rows'
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

import pandas as pd

from analysis.ingest.convert import FileResult
from analysis.ingest.readers import period_from_name
from analysis.ingest.sources import SERVICE_DATE, SourceSpec


def _rules(result: FileResult) -> str:
    counts = result.quarantine["rule"].value_counts()
    return ", ".join(f"{rule} ({n})" for rule, n in counts.items())


def _outside_its_month(spec: SourceSpec, result: FileResult) -> str | None:
    """Why a monthly export holds none of its month's rows (None when it holds some)."""
    named = period_from_name(PurePosixPath(result.file).name)
    column = SERVICE_DATE.get(spec.table)
    if named is None or column is None or column not in result.rows:
        return None
    dates = pd.to_datetime(result.rows[column]).dropna()
    tolerance = dt.timedelta(days=spec.date_tolerance_days)
    start, end = pd.Timestamp(named[0] - tolerance), pd.Timestamp(named[1] + tolerance)
    if len(dates) == 0 or dates.between(start, end).any():
        return None
    return (
        f"none of its {result.read} rows is dated within {named[0]} to {named[1]}, the month "
        f"its name gives: the {len(dates)} rows kept run from {dates.min():%Y-%m-%d} to "
        f"{dates.max():%Y-%m-%d} and are stored under those dates"
        + (f" (quarantined: {_rules(result)})" if len(result.quarantine) else "")
    )


def file_warnings(spec: SourceSpec, result: FileResult) -> list[dict[str, str]]:
    """What is wrong with ``result``'s file as a whole (an empty list when nothing is)."""
    where = {"source": spec.name, "file": result.file}
    if result.read == 0:
        return [
            {
                **where,
                "problem": "has a header but no rows",
                "advice": "Check that the export ran in full; if the period truly had none, "
                "ignore this",
            }
        ]
    if len(result.rows) == 0:
        named = period_from_name(PurePosixPath(result.file).name)
        month = f" (the month its name gives is {named[0]:%Y-%m})" if named else ""
        return [
            {
                **where,
                "problem": f"none of its {result.read} rows could be used{month}; "
                f"quarantined: {_rules(result)}",
                "advice": "Check the export and the source's settings (e.g. `date_order`); "
                "nothing from it was stored",
            }
        ]
    outside = _outside_its_month(spec, result)
    if outside:
        return [
            {
                **where,
                "problem": outside,
                "advice": "If the file is mislabelled, rename or remove it and run the clean "
                "step again; if it only re-exports earlier months with corrections, ignore this",
            }
        ]
    return []
