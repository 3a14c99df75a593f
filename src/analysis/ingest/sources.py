"""How a source in the partnership configuration is read: the ``sources:`` section, checked.

Each entry names the tidy table it feeds, the files (a glob under ``raw_dir``)
and how their headers map onto the table's columns. Everything else is optional::

    sources:
      fft:
        table: fft_responses
        files: "fft/fft_responses_*.csv"
        format: csv                # csv (default) or xlsx (excel)
        sheet: Responses           # xlsx: the sheet (default: the first)
        header_row: 3              # 1-based row of the header (default: found below title rows)
        encoding: cp1252           # default: detected
        date_order: dmy            # dmy (default), mdy or ymd
        ambiguous_date_order: dmy  # settles dates both orders could read, when rows prove both
        date_order_by: [Trust]     # export headers: judge the date order per group of rows
        period_end: 2024-03-31     # default: the month in the file name (fft_responses_2024-03.csv)
        date_tolerance_days: 0     # how far past the period end a date may be
        columns: {response_id: Response ID, service_code: Service Code, ...}  # tidy: header
        constants: {mode: SMS}     # a tidy column with one value for every row
        defaults: {reopened: "no"} # the value a blank cell stands for
        values: {mode: {Text message: SMS}}    # per tidy column, export value → tidy value
        list_sep: ";"              # complaint subjects: several in one cell
        rating_codes: {1: Very good, ...}      # numeric ratings (default: NHS England's order 1-6)
        comments: {what_was_good: What was good?}   # one column per comment question, or
        comment_rows:              # one row per comment (several rows per response)
          question: FFT question
          text: FFT answer
          comment_id: Comment ID   # optional
          questions: {What was good?: what_was_good, FFT Why?: other}
          no_answer: [Did not answer]
        dedup:                     # respondent-level rules (one, or a list), applied in order
          respondent:
            - {keys: [service_id, response_date, age_band, sex], keep: first}
            - {keys: [service_id, age_band, sex, ethnicity], within_days: 7}
        on_error: stop             # or continue: a broken file stops this source only
        level_by:                  # fft_published: the level of each row from a column's value
          header: Org Name
          values: {ENGLAND: england}
          otherwise: organisation

Example
-------
>>> spec = SourceSpec.from_config("fft", {"table": "fft_responses", "files": "fft/*.csv",
...     "columns": {"response_id": "ID", "service_code": "Ward", "response_date": "Date",
...                 "rating": "Rating"}})
>>> spec.expected_headers
['ID', 'Ward', 'Date', 'Rating']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from analysis.config import ConfigError
from analysis.ingest.schemas import COMMENT_QUESTIONS, SCHEMAS
from analysis.ingest.schemas import FREE_TEXT as SCHEMA_FREE_TEXT

#: Tables whose rows are matched to a service on this date column.
SERVICE_DATE = {
    "fft_responses": "response_date",
    "fft_eligible": "month",
    "complaints": "received_date",
    "compliments": "received_date",
    "actions": "heard_date",
    "measures": "period_start",
    "service_population": "period_start",
    "surveys": None,
    "stories": "published_date",
}
#: Free-text columns redacted before they are stored (declared in the schemas).
FREE_TEXT = SCHEMA_FREE_TEXT
#: The columns that identify a row of each table (a later export of the same key replaces it).
KEYS = {
    "fft_responses": ["response_id"],
    "fft_eligible": ["service_id", "month"],
    "complaints": ["complaint_id"],
    "compliments": ["compliment_id"],
    "actions": ["action_id"],
    "service_population": ["service_id", "period_start", "group_type", "group"],
    "surveys": ["survey", "year", "service_id", "question_id", "respondent_group"],
    "measures": ["measure_id", "period_start", "period_end", "service_id"],
    "fft_published": ["month", "level", "org_code", "site_code", "ward"],
    "stories": ["story_id"],
}
READABLE_TABLES = sorted(KEYS)
_KNOWN = {
    "table",
    "files",
    "format",
    "sheet",
    "encoding",
    "date_order",
    "ambiguous_date_order",
    "date_order_by",
    "period_end",
    "date_tolerance_days",
    "columns",
    "constants",
    "defaults",
    "values",
    "rating_codes",
    "header_row",
    "list_sep",
    "level_by",
    "comments",
    "comment_rows",
    "dedup",
    "on_error",
}


@dataclass(frozen=True)
class RespondentRule:
    """Rows sharing ``keys`` are one respondent's: only one is kept (``keep``: first or last).

    With ``within_days``, only rows whose ``date`` (a tidy date column; default the
    table's service date) lies within that many days of the row kept are
    duplicates; a row further away starts a new window. Rows without a date are kept.
    """

    keys: tuple[str, ...]
    keep: str = "first"
    within_days: int | None = None
    date: str | None = None

    @classmethod
    def from_config(cls, where: str, table: str, entry: Any) -> RespondentRule:
        if not isinstance(entry, dict) or not entry.get("keys"):
            raise ConfigError(f"{where}: a rule needs `keys`, a list of the table's columns")
        unknown = sorted(set(entry) - {"keys", "keep", "within_days", "date"})
        if unknown:
            raise ConfigError(f"{where}: unknown setting(s) {unknown}")
        keys = [entry["keys"]] if isinstance(entry["keys"], str) else list(entry["keys"])
        columns = SCHEMAS[table].columns
        bad = sorted(set(keys) - set(columns))
        if bad:
            raise ConfigError(f"{where}: {bad} are not columns of table {table!r}")
        keep = entry.get("keep", "first")
        if keep not in ("first", "last"):
            raise ConfigError(f"{where}: `keep` is {keep!r}; use first or last")
        days = entry.get("within_days")
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
            raise ConfigError(f"{where}: `within_days` must be a whole number of days, 0 or more")
        date = entry.get("date", SERVICE_DATE.get(table)) if days is not None else None
        if days is not None and (
            date not in columns or not str(columns[date].dtype).startswith("datetime")
        ):
            raise ConfigError(f"{where}: `date` must name a date column of table {table!r}")
        return cls(tuple(keys), keep, days, date)


def _respondent_rules(where: str, table: str, dedup: Any) -> tuple[RespondentRule, ...]:
    if not isinstance(dedup, dict) or set(dedup) - {"respondent"}:
        raise ConfigError(f"{where}.dedup: the only setting is `respondent` (a rule or a list)")
    rules = dedup.get("respondent") or []
    rules = [rules] if isinstance(rules, dict) else list(rules)
    return tuple(
        RespondentRule.from_config(f"{where}.dedup.respondent[{i}]", table, rule)
        for i, rule in enumerate(rules)
    )


@dataclass(frozen=True)
class SourceSpec:
    """One configured source, checked."""

    name: str
    table: str
    files: str
    columns: dict[str, str]
    format: str = "csv"
    sheet: str | None = None
    encoding: str | None = None
    date_order: str = "dmy"
    ambiguous_date_order: str | None = None
    date_order_by: list[str] = field(default_factory=list)
    period_end: dt.date | None = None
    date_tolerance_days: int = 0
    constants: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    header_row: int | None = None
    list_sep: str | None = None
    rating_codes: dict[str, str] | None = None
    comments: dict[str, str] = field(default_factory=dict)
    comment_rows: dict[str, Any] | None = None
    respondent_rules: tuple[RespondentRule, ...] = ()
    on_error: str = "stop"
    level_by: dict[str, Any] | None = None

    @classmethod
    def from_config(cls, name: str, entry: dict[str, Any]) -> SourceSpec:
        where = f"sources.{name}"
        unknown = sorted(set(entry) - _KNOWN)
        if unknown:
            raise ConfigError(f"{where}: unknown setting(s) {unknown}; known: {sorted(_KNOWN)}")
        for key in ("table", "files", "columns"):
            if key not in entry:
                raise ConfigError(f"{where}: `{key}` is required")
        table = entry["table"]
        if table not in READABLE_TABLES:
            raise ConfigError(f"{where}: table {table!r} is not one of {READABLE_TABLES}")
        allowed = set(SCHEMAS[table].columns) | {"service_code"}
        bad = sorted(set(entry["columns"]) - allowed | set(entry.get("constants", {})) - allowed)
        if bad:
            raise ConfigError(
                f"{where}: {bad} are not columns of table {table!r} ({sorted(allowed)})"
            )
        for key, values in (
            ("date_order", ("dmy", "mdy", "ymd")),
            ("on_error", ("stop", "continue")),
            ("format", ("csv", "excel", "xlsx")),
        ):
            if key in entry and entry[key] not in values:
                raise ConfigError(f"{where}: `{key}` is {entry[key]!r}; use one of {list(values)}")
        if entry.get("ambiguous_date_order") not in (None, "dmy", "mdy"):
            raise ConfigError(f"{where}: `ambiguous_date_order` must be dmy or mdy")
        questions = list(entry.get("comments", {})) + list(
            (entry.get("comment_rows") or {}).get("questions", {}).values()
        )
        wrong = sorted(set(questions) - set(COMMENT_QUESTIONS))
        if wrong:
            raise ConfigError(
                f"{where}: comment questions {wrong} are not among {COMMENT_QUESTIONS}"
            )
        if (entry.get("comments") or entry.get("comment_rows")) and table != "fft_responses":
            raise ConfigError(f"{where}: comments belong to fft_responses sources only")
        if entry.get("comment_rows") and not {"question", "text"} <= set(entry["comment_rows"]):
            raise ConfigError(f"{where}: `comment_rows` needs `question` and `text` headers")
        by = entry.get("date_order_by", [])
        period_end = entry.get("period_end")
        return cls(
            name=name,
            table=table,
            files=str(entry["files"]),
            columns={k: str(v) for k, v in entry["columns"].items()},
            format="excel" if entry.get("format") in ("excel", "xlsx") else "csv",
            sheet=entry.get("sheet"),
            encoding=entry.get("encoding"),
            date_order=entry.get("date_order", "dmy"),
            ambiguous_date_order=entry.get("ambiguous_date_order"),
            date_order_by=[by] if isinstance(by, str) else list(by),
            period_end=dt.date.fromisoformat(str(period_end)) if period_end else None,
            date_tolerance_days=int(entry.get("date_tolerance_days", 0)),
            constants=dict(entry.get("constants", {})),
            defaults=dict(entry.get("defaults", {})),
            values={k: dict(v) for k, v in entry.get("values", {}).items()},
            header_row=int(entry["header_row"]) if entry.get("header_row") else None,
            list_sep=entry.get("list_sep"),
            rating_codes={str(k): v for k, v in entry["rating_codes"].items()}
            if entry.get("rating_codes")
            else None,
            comments=dict(entry.get("comments", {})),
            comment_rows=dict(entry["comment_rows"]) if entry.get("comment_rows") else None,
            respondent_rules=_respondent_rules(where, table, entry.get("dedup", {})),
            on_error=entry.get("on_error", "stop"),
            level_by=dict(entry["level_by"]) if entry.get("level_by") else None,
        )

    @property
    def expected_headers(self) -> list[str]:
        """Every export header the source's files must have."""
        rows = self.comment_rows or {}
        extra = [rows[k] for k in ("question", "text", "comment_id") if k in rows]
        level = [self.level_by["header"]] if self.level_by else []
        headers = [
            *self.columns.values(),
            *self.comments.values(),
            *extra,
            *self.date_order_by,
            *level,
        ]
        return list(dict.fromkeys(headers))


def source_specs(sources: dict[str, dict]) -> dict[str, SourceSpec]:
    """Every configured source, checked (a configuration error names the source and setting)."""
    return {name: SourceSpec.from_config(name, entry) for name, entry in sources.items()}
