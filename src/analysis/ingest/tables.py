"""A source's kept rows → its tidy tables (FFT responses also give comments; complaints, subjects).

Also the two tables that come from the configuration itself, ``services`` and
``service_codes``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pandas as pd

from analysis.config import Config
from analysis.ingest.frames import keep_rows
from analysis.ingest.schemas import SCHEMAS
from analysis.ingest.sources import SourceSpec

COMMENT_COLUMNS = [
    "comment_id",
    "response_id",
    "service_id",
    "response_date",
    "question",
    "text",
    "source_file",
    "source_record",
]


def _select(df: pd.DataFrame, table: str) -> pd.DataFrame:
    return df[[c for c in SCHEMAS[table].columns if c in df]].reset_index(drop=True)


def _comments(spec: SourceSpec, rows: pd.DataFrame) -> pd.DataFrame:
    base = ["response_id", "service_id", "response_date", "source_file", "source_record"]
    if spec.comment_rows:
        c = rows[rows["comment_text"].notna()]
        c = c.assign(question=c["comment_question"], text=c["comment_text"])
        if "comment_id" not in c:
            n = c.groupby(["response_id", "question"]).cumcount() + 1
            c = c.assign(
                comment_id=c["response_id"]
                + "-"
                + c["question"]
                + n.map(lambda k: "" if k == 1 else f"-{k}")
            )
        return c[COMMENT_COLUMNS]
    frames = []
    for question in spec.comments:
        col = f"comment:{question}"
        # Arrow selects the rows once for the base columns and the text together.
        c = keep_rows(rows[[*base, col]], rows[col].notna().to_numpy(dtype=bool))
        frames.append(
            c.rename(columns={col: "text"}).assign(
                question=question, comment_id=c["response_id"] + "-" + question
            )
        )
    if not frames:
        return pd.DataFrame(columns=COMMENT_COLUMNS)
    return pd.concat(frames, ignore_index=True)[COMMENT_COLUMNS]


def _subjects(spec: SourceSpec, complaints: pd.DataFrame) -> pd.DataFrame:
    sep = spec.list_sep or ";"
    s = complaints[["complaint_id", "subject"]].dropna()
    s = s.assign(subject=s["subject"].str.split(sep)).explode("subject")
    s["subject"] = s["subject"].str.strip()
    return s[s["subject"] != ""].drop_duplicates().reset_index(drop=True)


def table_builders(spec: SourceSpec, rows: pd.DataFrame) -> dict[str, Callable[[], pd.DataFrame]]:
    """How to make each tidy table a source's kept rows make, the source's own table first:
    each made only when called (so that the tables can be made on different threads)."""
    if spec.table == "fft_responses":
        return {
            "fft_responses": lambda: _select(
                rows.drop_duplicates("response_id") if spec.comment_rows else rows,
                "fft_responses",
            ),
            "fft_comments": lambda: _comments(spec, rows),
        }
    if spec.table == "complaints":  # the subjects come from the complaints table, made once
        complaints = cache(lambda: _select(rows, "complaints"))
        return {
            "complaints": complaints,
            "complaint_subjects": lambda: _subjects(spec, complaints()),
        }
    return {spec.table: lambda: _select(rows, spec.table)}


def build_tables(spec: SourceSpec, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tidy tables a source's kept rows make."""
    return {table: make() for table, make in table_builders(spec, rows).items()}


def services_table(cfg: Config) -> pd.DataFrame:
    """The ``services`` table from the configuration's services."""
    cols = ["service_id", "service_name", "setting", "directorate"]
    df = pd.DataFrame([{c: s.get(c) for c in cols} for s in cfg.services])
    df["partnership"] = cfg.name
    return df


def service_codes_table(cfg: Config) -> pd.DataFrame:
    """Every code the exports use for each service, with the dates it was in effect."""
    rows = [
        {
            "source": code.get("source", "all"),
            "code": str(code["code"]),
            "service_id": s["service_id"],
            "valid_from": code.get("valid_from"),
            "valid_to": code.get("valid_to"),
        }
        for s in cfg.services
        for code in s.get("codes", [])
    ]
    df = pd.DataFrame(rows, columns=["source", "code", "service_id", "valid_from", "valid_to"])
    for c in ("valid_from", "valid_to"):
        df[c] = pd.to_datetime(df[c])
    return df
