"""One raw file → typed, validated, redacted rows of its tidy table, and the quarantine.

The rules a row can break, first broken wins: its dates (missing, unparseable,
impossible, ambiguous or mixed order, after the period the export covers, before
the date they follow), its service (code missing, unknown, or not in effect on the
row's date), its rating and other values (unknown, not a number …), then rules across
rows of the file (an identifier reused with different values; rows of one response
that disagree). Dates come first because the service a code stands for depends on
the date.
Every quarantined row keeps its file, record, starting line, column, the value as
exported (redacted) and the rule.

Types come from the tidy-table schema (:mod:`analysis.ingest.schemas`), so a new
column in the contract is read with the right parser without code here.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.config import ConfigError
from analysis.ingest import dates as date_rules
from analysis.ingest import validation, wide_comments
from analysis.ingest import values as value_rules
from analysis.ingest.frames import keep_rows, repeated_values
from analysis.ingest.readers import RawTable, normalise_header, period_from_name
from analysis.ingest.redaction import KINDS, FinderProcess, redact_rows
from analysis.ingest.schemas import CRITICALITY, SCHEMAS
from analysis.ingest.sources import FREE_TEXT, KEYS, SERVICE_DATE, SourceSpec
from analysis.ingest.validation import Problems

MESSAGES = {
    **date_rules.PROBLEM_MESSAGES,
    **value_rules.RULE_MESSAGES,
    **validation.RULE_MESSAGES,
    "unknown_question": "comment question not in the source's `comment_rows.questions`",
}
#: Response-level columns that every row of one response (long comment layout) must agree on.
RESPONSE_FIELDS = ["service_id", "response_date", "rating", "mode", "age_band", "sex", "ethnicity"]
#: Earlier → later date pairs within a row (the schemas' "not before" checks).
NOT_BEFORE = {
    "complaints": [
        ("acknowledged_date", "received_date"),
        ("responded_date", "received_date"),
        ("closed_date", "received_date"),
    ],
    "actions": [("action_date", "heard_date"), ("published_date", "heard_date")],
    "measures": [("period_end", "period_start")],
    "service_population": [("period_end", "period_start")],
}
_DEFAULTS = {"fft_responses": {"mode": "unknown"}}
#: Spellings every partnership's exports share (a source's ``values`` add to them).
BUILT_IN_VALUES = {("stories", "criticality"): {label: i for i, label in enumerate(CRITICALITY)}}


@dataclass
class Context:
    """What conversion needs beyond the file: the service codes and the staff-name list."""

    service_codes: pd.DataFrame
    service_ids: set[str]
    staff_names: list[str] = field(default_factory=list)
    #: Where the redaction's finders run when started (else in this process).
    finders: FinderProcess | None = None


@dataclass
class FileResult:
    """One file's outcome: its valid rows, its quarantine and what was found on the way."""

    file: str
    sha256: str
    encoding: str
    read: int
    rows: pd.DataFrame
    quarantine: pd.DataFrame
    redactions: dict[str, int]
    date_evidence: dict[str, dict]
    seconds: dict[str, float] = field(default_factory=dict)  # time spent per stage


def _kind(table: str, column: str) -> str:
    col = SCHEMAS[table].columns[column]
    dtype = str(col.dtype)
    if dtype.startswith("datetime"):
        return "month" if column == "month" else "date"
    if dtype == "Int64":
        return "integer"
    if dtype.startswith("float"):
        return "float"
    if dtype == "boolean":
        return "flag"
    if any(check.name == "isin" for check in col.checks):
        return "choice"
    return "text"


def _allowed(table: str, column: str) -> list[str]:
    for check in SCHEMAS[table].columns[column].checks:
        if check.name == "isin":
            return list(check.statistics["allowed_values"])
    return []


def _with_default(arr: pa.Array, default) -> pa.Array:
    if default is None:
        return arr
    return pc.if_else(pa.array(value_rules.blank(arr)), pa.scalar(str(default)), arr)


def _period_end(spec: SourceSpec, path: Path) -> dt.date | None:
    if spec.period_end:
        return spec.period_end
    period = period_from_name(path.name)
    return period[1] if period else None


PROVENANCE = ["source_file", "source_record", "source_line"]
#: Prefix of the columns counting, per row, the identifiers of each kind redacted from it.
REDACTED = "_redacted_"
#: Whether a row's key is shared with another row of its file (so de-duplication across a
#: source's files need only compare these rows when the source has one file).
KEY_REPEATS = "_key_repeats"


def repeated(rows: pd.DataFrame, key: list[str]) -> np.ndarray | None:
    """Which rows share their key with another row (``None`` when every key is distinct)."""
    if len(key) == 1:
        dup = repeated_values(pa.array(rows[key[0]], from_pandas=True))
    else:
        dup = rows.duplicated(subset=key, keep=False).to_numpy()
    return dup if dup.any() else None


def content_hash(rows: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each row's cleaned values (where it came from left out)."""
    columns = [
        c
        for c in rows.columns
        if c not in PROVENANCE and c != KEY_REPEATS and not c.startswith(REDACTED)
    ]
    return pd.util.hash_pandas_object(rows[columns], index=False).to_numpy()


#: Pandas' own text dtype (``str``: held in Arrow, missing as NaN), the one the schemas check.
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def arrow_text(values: pa.Array | pa.ChunkedArray) -> pd.Series:
    """Arrow text as a pandas ``str`` column, without a copy into Python objects."""
    if values.type != pa.large_string():
        values = values.cast(pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(values, dtype=TEXT))


class _Converter:
    def __init__(self, raw: RawTable, spec: SourceSpec, ctx: Context, file: str):
        self.raw, self.spec, self.ctx, self.file = raw, spec, ctx, file
        self.n = raw.table.num_rows
        self.problems = Problems(self.n)
        self.out: dict[str, object] = {}
        self.redactions: dict[str, np.ndarray | int] = dict.fromkeys(KINDS, 0)
        self.evidence: dict[str, dict] = {}
        self.defaults = {**_DEFAULTS.get(spec.table, {}), **spec.defaults}
        self.seconds: dict[str, float] = defaultdict(float)
        self.flags = {c for c in SCHEMAS[spec.table].columns if _kind(spec.table, c) == "flag"}

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        yield
        self.seconds[name] += time.perf_counter() - start

    def column(self, tidy: str) -> pa.Array | pa.ChunkedArray | None:
        """The raw text of a tidy column (the CSV's chunks as read: copying them costs memory)."""
        if tidy in self.spec.columns:
            arr = self.raw.table.column(self.spec.columns[tidy])
        elif tidy in self.spec.constants:
            arr = pa.repeat(pa.scalar(str(self.spec.constants[tidy])), self.n)
        elif tidy in self.defaults:
            arr = pa.repeat(pa.scalar(""), self.n)
        else:
            return None
        return _with_default(arr, self.defaults.get(tidy))

    def header(self, tidy: str) -> str:
        return self.spec.columns.get(tidy, tidy)

    def flag(self, problems: np.ndarray, tidy: str) -> None:
        self.problems.flag_each(problems, self.header(tidy), MESSAGES)

    def redact(self, arr: pa.Array, count: bool = True) -> pa.Array:
        """Redact text; per row, how many identifiers of each kind were replaced is kept,
        so the manifest can count those in the rows stored."""
        start = time.perf_counter()
        out, per_row = redact_rows(arr, self.ctx.staff_names, finders=self.ctx.finders)
        self.seconds["redact"] += time.perf_counter() - start
        if count:
            self.count_redactions(per_row)
        return out

    def count_redactions(self, per_row: dict[str, np.ndarray]) -> None:
        """Add ``per_row``'s counts (fresh arrays: the first of a kind is kept, not copied)."""
        for k, v in per_row.items():
            if v.any():
                seen = self.redactions[k]
                self.redactions[k] = v if isinstance(seen, int) else seen + v

    # --- the rules, in the order a row meets them -------------------------------------
    def dates(self) -> None:
        table, spec = self.spec.table, self.spec
        groups = None
        if spec.date_order_by:
            parts = [self.raw.table.column(h).combine_chunks() for h in spec.date_order_by]
            groups = pc.binary_join_element_wise(*parts, "|").to_numpy(zero_copy_only=False)
        end = _period_end(spec, self.raw.path)
        latest = (
            np.datetime64(end + dt.timedelta(days=spec.date_tolerance_days), "ns") if end else None
        )
        named = period_from_name(self.raw.path.name)
        period = (np.datetime64(named[0], "ns"), np.datetime64(named[1], "ns")) if named else None
        for column in SCHEMAS[table].columns:
            kind = _kind(table, column)
            if kind not in ("date", "month"):
                continue
            arr = self.column(column)
            if kind == "month" and arr is None and named:  # a monthly file's month, from its name
                arr = pa.repeat(pa.scalar(named[0].isoformat()), self.n)
            if arr is None:
                continue
            if kind == "month":
                parsed = date_rules.parse_months(arr)
            else:
                parsed = date_rules.parse_dates(
                    arr, spec.date_order, spec.ambiguous_date_order, groups
                )
                self.evidence[column] = parsed.evidence
            problems = parsed.problems
            if SCHEMAS[table].columns[column].nullable:
                problems = np.where(problems == "missing_date", None, problems)
            self.flag(problems, column)
            if period is not None and parsed.other_reading is not None:
                outside = (parsed.dates < period[0]) | (parsed.dates > period[1])
                other = parsed.other_reading
                self.problems.flag(
                    outside & (other >= period[0]) & (other <= period[1]),
                    self.header(column),
                    "ambiguous_date_order",
                    "day and month look swapped: read day-first the date falls outside the period "
                    f"the export covers ({named[0]} to {named[1]}), read month-first inside it; "
                    "set `ambiguous_date_order` for the source to settle it",
                )
            if latest is not None:
                late = parsed.dates > latest
                self.problems.flag(
                    late,
                    self.header(column),
                    "date_after_period_end",
                    f"date later than {end.isoformat()}, the end of the period the "
                    f"export covers (tolerance {spec.date_tolerance_days} days)",
                )
            self.out[column] = parsed.dates
        for later, earlier in NOT_BEFORE.get(table, []):
            if later in self.out and earlier in self.out:
                before = self.out[later] < self.out[earlier]  # NaT compares False
                self.problems.flag(
                    before, self.header(later), "date_before", f"{later} is before {earlier}"
                )

    def service(self) -> None:
        table = self.spec.table
        if "service_id" not in SCHEMAS[table].columns:
            return
        nullable = SCHEMAS[table].columns["service_id"].nullable
        if "service_code" in self.spec.columns or "service_code" in self.spec.constants:
            codes = self.column("service_code")
            date_col = SERVICE_DATE.get(table)
            when = self.out.get(date_col, np.full(self.n, np.datetime64("NaT", "ns")))
            ids, problems = validation.service_ids(
                codes, when, self.ctx.service_codes, self.spec.name
            )
            if nullable:
                problems = np.where(problems == "missing_service_code", None, problems)
            self.problems.flag_each(problems, self.header("service_code"), MESSAGES)
        elif (arr := self.column("service_id")) is not None:
            ids = np.array(pc.utf8_trim_whitespace(arr).to_pylist(), dtype=object)
            ids[ids == ""] = None
            unknown = pd.notna(ids) & ~np.isin(ids, list(self.ctx.service_ids))
            self.problems.flag(
                unknown,
                self.header("service_id"),
                "unknown_service_id",
                MESSAGES["unknown_service_id"],
            )
            if not nullable:
                self.problems.flag(
                    pd.isna(ids),
                    self.header("service_id"),
                    "missing_value",
                    MESSAGES["missing_value"],
                )
        elif nullable:
            ids = np.full(self.n, None, dtype=object)
        else:
            raise ConfigError(f"sources.{self.spec.name}: map `service_code` (or `service_id`)")
        self.out["service_id"] = ids

    def values(self) -> None:  # noqa: C901
        table, spec = self.spec.table, self.spec
        if spec.level_by:  # NHS England's files: the England row among the organisations
            names = self.raw.table.column(spec.level_by["header"]).combine_chunks()
            found, hit = value_rules.lookup(names, spec.level_by.get("values", {}))
            self.out["level"] = np.where(hit, found, spec.level_by.get("otherwise", "organisation"))
        for column, col in SCHEMAS[table].columns.items():
            if column in self.out or column in ("source_file", "source_record", "rating_scale"):
                continue
            kind = _kind(table, column)
            arr = self.column(column)
            if arr is None:
                if column in KEYS.get(table, [])[:1] and not col.nullable:
                    self.out[column] = np.array(
                        [f"{self.file}#{r}" for r in self.raw.records], dtype=object
                    )
                    continue
                if not col.nullable:
                    raise ConfigError(
                        f"sources.{spec.name}: table {table!r} needs column {column!r}; "
                        "map it in `columns` or give it in `constants`"
                    )
                self.out[column] = None
                continue
            synonyms = {
                **BUILT_IN_VALUES.get((table, column), {}),
                **spec.values.get(column, {}),
            } or None
            if synonyms and kind in ("integer", "float"):  # words standing for numbers
                mapped, found = value_rules.lookup(arr, synonyms)
                arr = pc.if_else(pa.array(found), pa.array([str(v) for v in mapped]), arr)
            if column == "rating" and table == "fft_responses":
                extra = {k: v for k, v in (synonyms or {}).items()}
                codes = spec.rating_codes or value_rules.RATING_CODES
                label, scale, problems = value_rules.parse_ratings(arr, {**codes, **extra})
                self.out["rating"], self.out["rating_scale"] = label, scale
            elif kind == "integer":
                values, problems = value_rules.parse_integers(arr, col.nullable)
                self.out[column] = values
            elif kind == "float":
                values, problems = value_rules.parse_floats(arr, col.nullable)
                self.out[column] = values
            elif kind == "flag":
                values, problems = value_rules.parse_flags(arr, col.nullable, synonyms)
                self.out[column] = values
            elif kind == "choice":
                values, problems = value_rules.parse_choices(
                    arr, _allowed(table, column), synonyms, col.nullable
                )
                self.out[column] = values
            else:
                if synonyms:
                    mapped, found = value_rules.lookup(arr, synonyms)
                    arr = pc.if_else(pa.array(found), pa.array(mapped.astype(str)), arr)
                values, problems = value_rules.parse_text(arr, col.nullable)
                if column in FREE_TEXT.get(table, []):
                    values = self.redact(values)
                self.out[column] = values
            self.flag(problems, column)
        if table == "surveys":
            pos, resp = self.out.get("positive"), self.out.get("responses")
            if pos is not None and resp is not None:
                self.problems.flag(
                    pos > resp,
                    self.header("positive"),
                    "positive_exceeds_responses",
                    MESSAGES["positive_exceeds_responses"],
                )
            pct = self.out.get("percent_positive")
            if pct is not None:
                self.problems.flag(
                    (pct < 0) | (pct > 100),
                    self.header("percent_positive"),
                    "percent_out_of_range",
                    MESSAGES["percent_out_of_range"],
                )

    def comments(self, wide: wide_comments.Started | None = None) -> None:
        """Comment text, redacted; ``wide`` holds the redaction of the comment columns' parts
        if under way (:func:`analysis.ingest.wide_comments.start`)."""
        spec = self.spec
        if spec.comments:
            start = time.perf_counter()
            texts, per_row = wide_comments.finish(self.raw, spec.comments, self.ctx, wide)
            for question, text in texts.items():
                self.out[f"comment:{question}"] = text
            self.count_redactions(per_row)
            self.seconds["redact"] += time.perf_counter() - start
        rows = spec.comment_rows
        if not rows:
            return
        questions = {normalise_header(k): v for k, v in rows.get("questions", {}).items()}
        asked = self.raw.table.column(rows["question"]).to_pylist()
        mapped = np.array([questions.get(normalise_header(q or "")) for q in asked], dtype=object)
        self.problems.flag(
            pd.isna(mapped), rows["question"], "unknown_question", MESSAGES["unknown_question"]
        )
        text = self.raw.table.column(rows["text"]).combine_chunks()
        no_answer = [normalise_header(v) for v in rows.get("no_answer", [])]
        if no_answer:
            normalised = pa.array(
                [normalise_header(t or "") for t in text.to_pylist()], pa.string()
            )
            text = pc.if_else(
                pc.is_in(normalised, value_set=pa.array(no_answer)), pa.scalar(""), text
            )
        self.out["comment_question"] = mapped
        self.out["comment_text"] = self.redact(value_rules.parse_text(text)[0])
        if "comment_id" in rows:
            self.out["comment_id"] = np.array(
                self.raw.table.column(rows["comment_id"]).to_pylist(), dtype=object
            )

    def frame(self) -> pd.DataFrame:
        """The rows with their typed values; text kept in Arrow (the dtype the schemas check)."""
        data = {}
        for name, values in self.out.items():
            if values is None:
                values = pa.nulls(self.n, pa.string())
            elif (
                not isinstance(values, pa.Array | pa.ChunkedArray)
                and values.dtype == object
                and name not in self.flags
            ):
                values = pa.array(values, pa.string(), from_pandas=True)
            if isinstance(values, pa.Array | pa.ChunkedArray):
                data[name] = arrow_text(values)
            else:
                data[name] = pd.Series(values)
        df = pd.DataFrame(data)
        df["source_record"] = pd.array(self.raw.records, dtype="Int64")
        df["source_line"] = self.raw.lines
        for kind, counts in self.redactions.items():
            if np.any(counts):  # only the kinds found, to keep the rows small
                df[f"{REDACTED}{kind}"] = np.asarray(counts, dtype=np.int32)
        return df

    # --- rules across rows of the file ------------------------------------------------
    def across_rows(self, df: pd.DataFrame) -> None:
        spec = self.spec
        ok = ~self.problems.bad
        if spec.comment_rows:
            response_fields = [c for c in RESPONSE_FIELDS if c in df and df[c].notna().any()]
            valid = df[ok]
            first = valid.drop_duplicates("response_id")[["response_id", *response_fields]]
            joined = valid[["response_id", *response_fields]].merge(
                first, on="response_id", suffixes=("", "_first"), how="left"
            )
            differs = np.zeros(len(valid), dtype=bool)
            for c in response_fields:
                a, b = joined[c], joined[f"{c}_first"]
                differs |= ~((a == b) | (a.isna() & b.isna())).to_numpy(dtype=bool)
            bad_ids = set(valid["response_id"].to_numpy()[differs])
            mask = df["response_id"].isin(bad_ids).to_numpy() & ok
            self.problems.flag(
                mask,
                self.header("response_id"),
                "conflicting_response",
                MESSAGES["conflicting_response"],
            )
            return
        key = row_key(spec, df)
        if not key:
            return
        dup = repeated(df[key] if ok.all() else df.loc[ok, key], key)
        df[KEY_REPEATS] = False
        if dup is None:
            return
        repeats = np.flatnonzero(ok)[dup]
        df.loc[repeats, KEY_REPEATS] = True
        subset = keep_rows(df, df[KEY_REPEATS].to_numpy(dtype=bool))  # by mask: see dedup
        hashes = pd.Series(content_hash(subset), index=subset.index)
        first = subset.assign(_h=hashes).drop_duplicates(key).set_index(key)["_h"]
        firsts = subset[key].merge(first.reset_index(), on=key, how="left")["_h"].to_numpy()
        mask = np.zeros(self.n, dtype=bool)
        mask[repeats[firsts != hashes.to_numpy()]] = True
        self.problems.flag(
            mask,
            self.header(key[0]),
            "conflicting_duplicate_id",
            MESSAGES["conflicting_duplicate_id"],
        )

    def quarantine(self, source: str) -> pd.DataFrame:
        bad = np.flatnonzero(self.problems.bad)
        columns = self.problems.columns[bad]
        values = np.full(len(bad), None, dtype=object)
        for header in pd.unique(columns):
            if header in self.raw.table.column_names:
                sel = columns == header
                values[sel] = pc.take(self.raw.table.column(header), pa.array(bad[sel])).to_pylist()
        q = pd.DataFrame(
            {
                "source": source,
                "source_file": self.file,
                "source_record": self.raw.records[bad],
                "source_line": self.raw.lines[bad],
                "column": columns,
                "value": values,
                "rule": self.problems.rules[bad],
                "message": self.problems.messages[bad],
            }
        )
        malformed = pd.DataFrame(
            [
                {
                    "source": source,
                    "source_file": self.file,
                    "source_record": m["record"],
                    "source_line": m["line"],
                    "column": None,
                    "value": m["value"],
                    "rule": "wrong_field_count",
                    "message": m["message"],
                }
                for m in self.raw.malformed
            ],
            columns=q.columns,
        )
        q = pd.concat([q, malformed], ignore_index=True) if len(malformed) else q
        if len(q):
            raw_values = pa.array([None if v is None else str(v) for v in q["value"]], pa.string())
            q["value"] = pd.Series(self.redact(raw_values, count=False).to_pylist(), dtype=object)
        return q


def row_key(spec: SourceSpec, df: pd.DataFrame | dict) -> list[str]:
    """The columns identifying a row of this source (empty when its identifiers are generated);
    ``df`` is the rows, or the columns converted so far (name → values)."""
    if spec.comment_rows:
        return (
            ["comment_id"]
            if "comment_id" in spec.comment_rows
            else ["response_id", "comment_question"]
        )
    key = KEYS.get(spec.table, [])
    generated = (
        key and key[0].endswith("_id") and key[0] != "service_id" and key[0] not in spec.columns
    )
    if generated or not all(k in df for k in key):
        return []
    return key


def _large_text(values) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values.cast(pa.large_string())
    return pa.array(values, pa.large_string(), from_pandas=True)


#: Told a file's row keys before its rows are checked together (:func:`convert_file`): the
#: key column's name and its values, one per row read (rows found wrong later among them).
KeysRead = Callable[[str, pa.Array], None]


def convert_file(
    raw: RawTable,
    spec: SourceSpec,
    ctx: Context,
    file: str,
    executor: Executor | None = None,
    keys_read: KeysRead | None = None,
) -> FileResult:
    """Validate and redact one file's rows: valid rows, quarantine, redaction counts.

    With an ``executor``, the comment columns are redacted on its threads, in parts of rows
    (:mod:`analysis.ingest.wide_comments`), while the other columns are parsed (pyarrow's
    kernels run without holding the interpreter); this thread takes any part not yet started
    once it is done. ``keys_read``, if given, is told the rows' keys (a key of one column)
    once the comments are redacted, before the rows are checked together: the stored rows
    sharing them can then be looked up meanwhile. (Looked up while the comments were
    redacted, the lookup's memory stayed with the process: 0.9 GB more at its peak for a
    month of 2 million responses.)
    """
    c = _Converter(raw, spec, ctx, file)
    wide = wide_comments.start(raw, spec.comments, ctx, executor) if executor else None
    with c.stage("parse"):
        c.dates()
    with c.stage("validate"):
        c.service()
    with c.stage("parse"):
        c.values()
        c.comments(wide)
    key = row_key(spec, c.out)
    if keys_read is not None and len(key) == 1 and c.out[key[0]] is not None:
        keys_read(key[0], _large_text(c.out[key[0]]))
    with c.stage("validate"):
        df = c.frame()
        c.across_rows(df)
        bad = c.problems.bad
        rows = keep_rows(df, ~bad) if bad.any() else df
        quarantine = c.quarantine(spec.name)
    c.seconds["parse"] -= c.seconds["redact"]  # redaction happens while values are parsed
    found = {k: int(np.sum(v)) for k, v in c.redactions.items()}
    return FileResult(
        file,
        raw.sha256,
        raw.encoding,
        raw.read,
        rows,
        quarantine,
        found,
        c.evidence,
        dict(c.seconds),
    )
