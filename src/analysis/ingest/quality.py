"""Data quality after the clean step, for an analyst: rows in and out, why rows were set aside, coverage.

Pure functions of the manifest and the tidy tables; the clean notebook shows them.

Example
-------
>>> manifest = {"counts": {"fft": {"files": 2, "read": 10, "kept": 7, "quarantined": 2,
...     "duplicates": 1, "duplicates_by_kind": {"exact": 1}}}}
>>> counts = source_counts(manifest)
>>> int(counts.loc["fft", "read"]), int(counts.loc["fft", "kept"]), bool(counts.loc["fft", "adds_up"])
(10, 7, True)
"""

from __future__ import annotations

import pandas as pd


def source_counts(manifest: dict) -> pd.DataFrame:
    """Per source: files, rows read, kept, quarantined, duplicates by kind, and whether they add up."""
    rows = []
    for source, c in manifest["counts"].items():
        row = {k: c[k] for k in ("files", "read", "kept", "quarantined", "duplicates")}
        row.update({f"duplicates: {k}": v for k, v in c.get("duplicates_by_kind", {}).items()})
        row["adds_up"] = c["read"] == c["kept"] + c["quarantined"] + c["duplicates"]
        rows.append(pd.Series(row, name=source))
    return pd.DataFrame(rows)


def export_warnings(manifest: dict) -> pd.DataFrame:
    """Files read but wrong as a whole (no rows, not the month they are named for), with advice.

    >>> export_warnings({"warnings": []}).empty
    True
    """
    columns = ["source", "file", "problem", "advice"]
    return pd.DataFrame(manifest.get("warnings", []), columns=columns)


def redaction_counts(manifest: dict) -> pd.DataFrame:
    """Per source, identifiers of each kind redacted from the text of the rows kept."""
    return pd.DataFrame({s: c["redactions"] for s, c in manifest["counts"].items()}).T


def quarantine_reasons(quarantine: pd.DataFrame, examples: int = 3) -> pd.DataFrame:
    """Rows set aside per source, rule and column, with a few (already redacted) example values."""
    if quarantine.empty:
        return pd.DataFrame(
            columns=["source", "rule", "column", "rows", "examples", "first seen at"]
        )
    q = quarantine.assign(column=quarantine["column"].fillna("(whole row)"))
    grouped = q.groupby(["source", "rule", "column"], sort=True)
    out = grouped.agg(rows=("rule", "size"))
    out["examples"] = grouped["value"].agg(
        lambda v: " | ".join(repr(x) for x in pd.unique(v.fillna(""))[:examples])
    )
    first = grouped[["source_file", "source_line"]].first()
    out["first seen at"] = first["source_file"] + " line " + first["source_line"].astype(str)
    return out.reset_index().sort_values(
        ["source", "rows"], ascending=[True, False], ignore_index=True
    )


def coverage(
    records: pd.DataFrame, services: pd.DataFrame, date_column: str = "response_date"
) -> pd.DataFrame:
    """Rows per service (rows) and month (columns), every configured service and month shown."""
    months = records[date_column].dt.to_period("M")
    counts = records.assign(month=months).groupby(["service_id", "month"]).size()
    return coverage_of_counts(counts.rename("responses").reset_index(), services)


def coverage_of_counts(counts: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    """:func:`coverage` from counts already made (``service_id``, ``month``, ``responses``,
    as the query layer's FFT counts give them): every configured service and month shown.

    >>> counts = pd.DataFrame({"service_id": ["A", "A"], "month": pd.to_datetime(["2024-01-01",
    ...     "2024-03-01"]), "responses": [3, 2]})
    >>> coverage_of_counts(counts, pd.DataFrame({"service_id": ["A", "B"]})).values.tolist()
    [[3, 0, 2], [0, 0, 0]]
    """
    months = pd.PeriodIndex(pd.to_datetime(counts["month"].astype(str)), freq="M")
    table = pd.crosstab(counts["service_id"], months, values=counts["responses"], aggfunc="sum")
    if len(months):
        every = pd.period_range(months.min(), months.max(), freq="M")
        table = table.reindex(columns=every)
    table = table.reindex(services["service_id"]).fillna(0).astype("int64")
    table.columns = [str(c) for c in table.columns]
    table.columns.name = "month"
    table.index.name = "service_id"
    return table


def gaps(table: pd.DataFrame) -> pd.DataFrame:
    """The (service, month) cells of a :func:`coverage` table with no rows at all.

    >>> t = pd.DataFrame({"2024-01": [3, 0], "2024-02": [0, 0]}, index=["A", "B"])
    >>> gaps(t).values.tolist()
    [['A', '2024-02'], ['B', '2024-01'], ['B', '2024-02']]
    """
    stacked = table.stack()
    empty = stacked[stacked == 0]
    return pd.DataFrame(empty.index.tolist(), columns=["service_id", "month"])
