"""How a source in the partnership configuration is read: the ``sources:`` section, checked.

Each entry names the tidy table it feeds, the files (a glob under ``raw_dir``;
a file it matches that resolves outside ``raw_dir``, through a link, is refused)
and how their headers map onto the table's columns. Everything else is optional;
an unknown setting is an error naming the nearest known one::

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
        max_rows: 5000000          # the most rows one file may hold, and a workbook's
        max_cells: 100000000       # sheet the most cells (a bigger file is refused)
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

import codecs
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from analysis.config import ConfigError
from analysis.config_errors import describe_errors
from analysis.config_models import Text
from analysis.ingest.readers import Limits
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
_LIMITS = Limits()


class _Setting(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class RespondentRuleSetting(_Setting):
    """One respondent-level duplicate rule as written in the configuration."""

    keys: Annotated[list[str], BeforeValidator(_listed)] = Field(
        min_length=1, description="a list of the table's columns"
    )
    keep: Literal["first", "last"] = Field("first", description="first or last")
    within_days: int | None = Field(None, ge=0, description="a whole number of days, 0 or more")
    date: str | None = None


class Dedup(_Setting):
    """A source's de-duplication settings: respondent-level rules applied in order."""

    respondent: Annotated[list[RespondentRuleSetting], BeforeValidator(
        lambda v: [v] if isinstance(v, dict) else (v or [])
    )] = Field(default_factory=list, description="a rule, or a list of rules")  # fmt: skip


class CommentRows(_Setting):
    """Comments exported one row per comment: the question and text columns."""

    question: str
    text: str
    comment_id: str | None = None
    questions: dict[str, str] = Field(default_factory=dict)
    no_answer: list[str] = Field(default_factory=list)


class LevelBy(_Setting):
    """Which level (organisation, site, ward) a published-data row is, read from one column."""

    header: str
    values: dict[str, str] = Field(default_factory=dict)
    otherwise: str = "organisation"


def _codec(value: str | None) -> str | None:
    if value is not None:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"{value!r} is not a text encoding Python knows") from None
    return value


def _relative_glob(value: Any) -> Any:
    text = str(value)
    if Path(text).is_absolute() or ".." in Path(text).parts:
        raise ValueError(f"{text!r} must be a pattern under raw_dir, without `..` or a leading `/`")
    return text


class Source(_Setting):
    """A ``sources:`` entry, typed (the options are listed in the module docstring)."""

    table: str = Field(description=f"one of {', '.join(READABLE_TABLES)}")
    files: Annotated[str, BeforeValidator(_relative_glob)] = Field(
        description='a pattern under raw_dir, e.g. "fft/fft_responses_*.csv"'
    )
    columns: dict[str, Text] = Field(description="tidy column: export header")
    format: Literal["csv", "excel", "xlsx"] = "csv"
    sheet: Text | None = None
    encoding: Annotated[str | None, AfterValidator(_codec)] = None
    date_order: Literal["dmy", "mdy", "ymd"] = "dmy"
    ambiguous_date_order: Literal["dmy", "mdy"] | None = None
    date_order_by: Annotated[list[str], BeforeValidator(_listed)] = Field(default_factory=list)
    period_end: dt.date | None = None
    date_tolerance_days: int = Field(0, ge=0, description="a whole number of days")
    constants: dict[str, Any] = Field(default_factory=dict)
    defaults: dict[str, Any] = Field(default_factory=dict)
    values: dict[str, dict[Any, Any]] = Field(
        default_factory=dict, description="per tidy column, export value: tidy value"
    )
    rating_codes: dict[Text, str] | None = None
    header_row: int | None = Field(None, ge=1, description="a 1-based row number")
    list_sep: str | None = None
    level_by: LevelBy | None = None
    comments: dict[str, Text] = Field(default_factory=dict)
    comment_rows: CommentRows | None = None
    dedup: Dedup = Field(default_factory=Dedup)
    on_error: Literal["stop", "continue"] = "stop"
    max_rows: int = Field(_LIMITS.max_rows, ge=1, description="the most rows one file may hold")
    max_cells: int = Field(
        _LIMITS.max_cells, ge=1, description="the most cells one workbook sheet may hold"
    )


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
    def from_setting(cls, where: str, table: str, rule: RespondentRuleSetting) -> RespondentRule:
        """Check a typed rule against ``table``'s columns."""
        columns = SCHEMAS[table].columns
        bad = sorted(set(rule.keys) - set(columns))
        if bad:
            raise ConfigError(f"{where}.keys: {bad} are not columns of table {table!r}")
        days = rule.within_days
        date = (rule.date or SERVICE_DATE.get(table)) if days is not None else None
        if days is not None and (
            date not in columns or not str(columns[date].dtype).startswith("datetime")
        ):
            raise ConfigError(f"{where}.date: `date` must name a date column of table {table!r}")
        return cls(tuple(rule.keys), rule.keep, days, date)


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
    limits: Limits = _LIMITS

    @classmethod
    def from_config(cls, name: str, entry: dict[str, Any], where: str = "") -> SourceSpec:
        """Check ``entry`` (the YAML mapping of source ``name``); ``where`` names the file."""
        at = f"sources.{name}"
        file = f"{where}: " if where else ""
        if not isinstance(entry, dict):
            raise ConfigError(f"{file}{at}: expected the source's settings (key: value)")
        try:
            s = Source.model_validate(entry)
        except ValidationError as exc:
            raise ConfigError(
                describe_errors(where or "configuration", exc, Source, ("sources", name))
            ) from None
        if s.table not in READABLE_TABLES:
            raise ConfigError(
                f"{file}{at}.table: {s.table!r} is not one of {', '.join(READABLE_TABLES)}"
            )
        allowed = set(SCHEMAS[s.table].columns) | {"service_code"}
        bad = sorted(set(s.columns) - allowed | set(s.constants) - allowed)
        if bad:
            raise ConfigError(
                f"{file}{at}.columns: {bad} are not columns of table {s.table!r} "
                f"({sorted(allowed)})"
            )
        rows = s.comment_rows
        questions = list(s.comments) + list(rows.questions.values() if rows else [])
        wrong = sorted(set(questions) - set(COMMENT_QUESTIONS))
        if wrong:
            raise ConfigError(
                f"{file}{at}: comment questions {wrong} are not among {COMMENT_QUESTIONS}"
            )
        if (s.comments or rows) and s.table != "fft_responses":
            raise ConfigError(f"{file}{at}: comments belong to fft_responses sources only")
        rules = tuple(
            RespondentRule.from_setting(f"{file}{at}.dedup.respondent[{i}]", s.table, rule)
            for i, rule in enumerate(s.dedup.respondent)
        )
        return cls(
            name=name,
            table=s.table,
            files=s.files,
            columns=dict(s.columns),
            format="excel" if s.format in ("excel", "xlsx") else "csv",
            sheet=s.sheet,
            encoding=s.encoding,
            date_order=s.date_order,
            ambiguous_date_order=s.ambiguous_date_order,
            date_order_by=list(s.date_order_by),
            period_end=s.period_end,
            date_tolerance_days=s.date_tolerance_days,
            constants=dict(s.constants),
            defaults=dict(s.defaults),
            values={k: dict(v) for k, v in s.values.items()},
            header_row=s.header_row,
            list_sep=s.list_sep,
            rating_codes=dict(s.rating_codes) if s.rating_codes else None,
            comments=dict(s.comments),
            comment_rows=rows.model_dump(exclude_none=True) if rows else None,
            respondent_rules=rules,
            on_error=s.on_error,
            level_by=s.level_by.model_dump() if s.level_by else None,
            limits=Limits(s.max_rows, s.max_cells),
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


def source_specs(sources: dict[str, dict], where: str = "") -> dict[str, SourceSpec]:
    """Every configured source, checked (a configuration error names the source and setting)."""
    return {name: SourceSpec.from_config(name, entry, where) for name, entry in sources.items()}
