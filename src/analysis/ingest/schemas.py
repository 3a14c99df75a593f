"""The tidy tables: the contract between the pipeline's steps.

Every table written to ``data/processed/`` has a schema here, checked when it is
written and again when it is read (see :mod:`analysis.ingest.store`). Each schema
is strict: an unexpected column is an error, so a step cannot quietly depend on
something the contract does not promise.

Conventions
-----------
* Identifiers are strings (``service_id``, ``response_id`` …).
* Dates are ``datetime64[ns]`` at midnight; months are the first day of the month.
* Free text (comments, "you said", compliments) is always *redacted* before it is
  stored: no table here ever holds an identifier. A text column is free text unless it
  is declared a label (:func:`_label`: a code or a name from a list), so a new text
  column is redacted unless someone decides it cannot hold what people write;
  :data:`FREE_TEXT` lists them, for the clean step.
* ``source_file`` / ``source_record`` trace a row back to its raw export (file
  name relative to ``data/raw`` and 1-based record number), so nothing is lost.

Example
-------
>>> import pandas as pd
>>> from analysis.ingest.schemas import SCHEMAS
>>> sorted(SCHEMAS)[:3]
['actions', 'comment_sentiment', 'comment_themes']
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pyarrow

from analysis.ingest.frames import repeated_values

#: FFT ratings on the scale in use since April 2020 (NHS England FFT guidance).
RATINGS = ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know"]
#: Ratings counted as positive and negative in NHS England's FFT percentages.
POSITIVE_RATINGS = ["Very good", "Good"]
NEGATIVE_RATINGS = ["Poor", "Very poor"]
RATING_SCALES = ["six_point", "pre_2020"]
MODES = ["SMS", "paper", "online", "kiosk", "telephone", "other", "unknown"]
SETTINGS = [
    "mental health inpatient",
    "mental health community",
    "community health",
    "learning disability",
    "urgent care",
    "acute",
    "ambulance",
    "primary care",
    "social care",
    "other",
]
COMMENT_QUESTIONS = ["what_was_good", "what_could_be_better", "what_matters", "other"]
COMPLAINT_OUTCOMES = ["upheld", "partly upheld", "not upheld", "withdrawn"]
ACTION_STATUSES = ["planned", "in progress", "completed", "not taken forward"]
SENTIMENTS = ["very positive", "positive", "neutral", "negative", "very negative"]

DATE = "datetime64[ns]"


def distinct(values: pd.Series) -> pd.Series:
    """Whether each identifier is the only one of its value (the check of a unique ``_id``).

    See :func:`analysis.ingest.frames.repeated_values`: identifiers listed in order
    are proven distinct in one pass, without hashing a million strings.

    >>> distinct(pd.Series(["R2", "R1", "R2"])).tolist()
    [False, True, False]
    """
    return pd.Series(~repeated_values(pyarrow.array(values, from_pandas=True)), index=values.index)


def _id(unique: bool = False, nullable: bool = False) -> pa.Column:
    checks = [pa.Check.str_length(min_value=1)]
    if unique:
        checks.append(
            pa.Check(distinct, name="unique", error="unique: an identifier appears more than once")
        )
    return pa.Column(str, nullable=nullable, checks=checks, coerce=True)


def _text(nullable: bool = True) -> pa.Column:
    """Free text that people write: redacted before it is stored."""
    return pa.Column(str, nullable=nullable, coerce=True, metadata={"free_text": True})


def _label(nullable: bool = True) -> pa.Column:
    """A short label or code from a list (a service name, a rule), never what people write."""
    return pa.Column(str, nullable=nullable, coerce=True, metadata={"free_text": False})


def _date(nullable: bool = False) -> pa.Column:
    return pa.Column(DATE, nullable=nullable, coerce=True)


def _month() -> pa.Column:
    return pa.Column(
        DATE,
        coerce=True,
        checks=pa.Check(
            lambda s: (s.dt.day == 1).all(), error="month must be the 1st of the month"
        ),
    )


def _count(nullable: bool = False) -> pa.Column:
    return pa.Column("Int64", checks=pa.Check.ge(0), nullable=nullable, coerce=True)


def _choice(values: list[str], nullable: bool = False) -> pa.Column:
    return pa.Column(str, checks=pa.Check.isin(values), nullable=nullable, coerce=True)


def _flag(nullable: bool = False) -> pa.Column:
    return pa.Column("boolean", nullable=nullable, coerce=True)


def _provenance() -> dict[str, pa.Column]:
    return {"source_file": _label(), "source_record": _count(nullable=True)}


def _schema(name: str, columns: dict[str, pa.Column], unique: list[str] | None = None, checks=None):
    return pa.DataFrameSchema(
        columns, name=name, strict=True, ordered=False, unique=unique, checks=checks or []
    )


def _not_before(later: str, earlier: str) -> pa.Check:
    return pa.Check(
        lambda df: df[later].isna() | df[earlier].isna() | (df[later] >= df[earlier]),
        error=f"{later} must not be before {earlier}",
    )


SERVICES = _schema(
    "services",
    {
        "service_id": _id(unique=True),
        "service_name": _label(nullable=False),
        "setting": _choice(SETTINGS),
        "directorate": _label(),
        "partnership": _label(nullable=False),
    },
)

SERVICE_CODES = _schema(
    "service_codes",
    {
        "source": _label(nullable=False),
        "code": _id(),
        "service_id": _id(),
        "valid_from": _date(nullable=True),
        "valid_to": _date(nullable=True),
    },
    checks=[_not_before("valid_to", "valid_from")],
)

SERVICE_POPULATION = _schema(
    "service_population",
    {
        "service_id": _id(),
        "period_start": _date(),
        "period_end": _date(),
        "group_type": _choice(["age_band", "sex", "ethnicity"]),
        "group": _label(nullable=False),
        "people": _count(),
    },
    unique=["service_id", "period_start", "group_type", "group"],
    checks=[_not_before("period_end", "period_start")],
)

FFT_RESPONSES = _schema(
    "fft_responses",
    {
        "response_id": _id(unique=True),
        "service_id": _id(),
        "response_date": _date(),
        "rating": _choice(RATINGS),
        "rating_scale": _choice(RATING_SCALES),
        "mode": _choice(MODES),
        "age_band": _label(),
        "sex": _label(),
        "ethnicity": _label(),
        **_provenance(),
    },
)

FFT_COMMENTS = _schema(
    "fft_comments",
    {
        "comment_id": _id(unique=True),
        "response_id": _id(),
        "service_id": _id(),
        "response_date": _date(),
        "question": _choice(COMMENT_QUESTIONS),
        "text": _text(nullable=False),
        **_provenance(),
    },
)

COMMENT_THEMES = _schema(
    "comment_themes",
    {
        "comment_id": _id(),
        "category": _label(nullable=False),
        "subcategory": _label(nullable=False),
        "origin": _choice(["model", "rule", "correction"]),
        "score": pa.Column(float, checks=pa.Check.in_range(0, 1), nullable=True, coerce=True),
    },
    unique=["comment_id", "subcategory"],
)

COMMENT_SENTIMENT = _schema(
    "comment_sentiment",
    {
        "comment_id": _id(unique=True),
        "sentiment": _choice(SENTIMENTS),
        "score": pa.Column(float, nullable=True, coerce=True),
    },
)

FFT_ELIGIBLE = _schema(
    "fft_eligible",
    {"service_id": _id(), "month": _month(), "eligible": _count(), **_provenance()},
    unique=["service_id", "month"],
)

FFT_PUBLISHED = _schema(
    "fft_published",
    {
        "month": _month(),
        "level": _choice(["england", "organisation", "site", "ward"]),
        "setting": _label(nullable=False),
        "org_code": _label(),
        "org_name": _label(),
        "site_code": _label(),
        "ward": _label(),
        "total_responses": _count(),
        "total_eligible": _count(nullable=True),
        "very_good": _count(nullable=True),
        "good": _count(nullable=True),
        "neither": _count(nullable=True),
        "poor": _count(nullable=True),
        "very_poor": _count(nullable=True),
        "dont_know": _count(nullable=True),
        **_provenance(),
    },
)

COMPLAINTS = _schema(
    "complaints",
    {
        "complaint_id": _id(unique=True),
        "service_id": _id(),
        "received_date": _date(),
        "acknowledged_date": _date(nullable=True),
        "responded_date": _date(nullable=True),
        "closed_date": _date(nullable=True),
        "stage": _label(),
        "subject": _label(),
        "outcome": _choice(COMPLAINT_OUTCOMES, nullable=True),
        "reopened": _flag(),
        "ombudsman_referral": _flag(),
        **_provenance(),
    },
    checks=[
        _not_before("acknowledged_date", "received_date"),
        _not_before("responded_date", "received_date"),
        _not_before("closed_date", "received_date"),
    ],
)

COMPLAINT_SUBJECTS = _schema(
    "complaint_subjects",
    {"complaint_id": _id(), "subject": _label(nullable=False)},
    unique=["complaint_id", "subject"],
)

COMPLIMENTS = _schema(
    "compliments",
    {
        "compliment_id": _id(unique=True),
        "service_id": _id(),
        "received_date": _date(),
        "channel": _label(),
        "text": _text(),
        **_provenance(),
    },
)

ACTIONS = _schema(
    "actions",
    {
        "action_id": _id(unique=True),
        "service_id": _id(nullable=True),
        "theme": _label(),
        "you_said": _text(nullable=False),
        "we_did": _text(nullable=False),
        "heard_date": _date(),
        "action_date": _date(nullable=True),
        "status": _choice(ACTION_STATUSES),
        "published": _flag(),
        "published_date": _date(nullable=True),
        **_provenance(),
    },
    checks=[_not_before("action_date", "heard_date")],
)

SURVEYS = _schema(
    "surveys",
    {
        "survey": _label(nullable=False),
        "respondent_group": _choice(["staff", "service users", "carers"]),
        "year": pa.Column("Int64", checks=pa.Check.in_range(1990, 2100), coerce=True),
        "service_id": _id(nullable=True),
        "question_id": _id(),
        "question": _label(nullable=False),
        "responses": _count(nullable=True),
        "positive": _count(nullable=True),
        "percent_positive": pa.Column(
            float, checks=pa.Check.in_range(0, 100), nullable=True, coerce=True
        ),
        **_provenance(),
    },
    checks=[
        pa.Check(
            lambda df: (
                df["positive"].isna() | df["responses"].isna() | (df["positive"] <= df["responses"])
            ),
            error="positive must not exceed responses",
        )
    ],
)

MEASURES = _schema(
    "measures",
    {
        "measure_id": _id(),
        "label": _label(nullable=False),
        "period_start": _date(),
        "period_end": _date(),
        "service_id": _id(nullable=True),
        "value": pa.Column(float, coerce=True),
        "unit": _choice(["count", "percent", "score", "flag"]),
        "source_system": _label(),
        **_provenance(),
    },
    checks=[_not_before("period_end", "period_start")],
)

#: Care Opinion's criticality scale, 0 (not critical) to 5 (severely critical).
CRITICALITY = [
    "not critical",
    "minimally critical",
    "mildly critical",
    "moderately critical",
    "strongly critical",
    "severely critical",
]

STORIES = _schema(
    "stories",
    {
        "story_id": _id(unique=True),
        "service_id": _id(nullable=True),
        "published_date": _date(),
        "title": _text(),
        "text": _text(nullable=False),
        "criticality": pa.Column(
            "Int64", checks=pa.Check.in_range(0, 5), nullable=True, coerce=True
        ),
        "author_role": _label(),
        **_provenance(),
    },
)

QUARANTINE = _schema(
    "quarantine",
    {
        "source": _label(nullable=False),
        "source_file": _label(nullable=False),
        "source_record": _count(nullable=True),
        "source_line": _count(nullable=True),
        "column": _label(),
        "value": _text(),
        "rule": _label(nullable=False),
        "message": _label(nullable=False),
    },
)

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    s.name: s
    for s in [
        SERVICES,
        SERVICE_CODES,
        SERVICE_POPULATION,
        FFT_RESPONSES,
        FFT_COMMENTS,
        COMMENT_THEMES,
        COMMENT_SENTIMENT,
        FFT_ELIGIBLE,
        FFT_PUBLISHED,
        COMPLAINTS,
        COMPLAINT_SUBJECTS,
        COMPLIMENTS,
        ACTIONS,
        SURVEYS,
        MEASURES,
        STORIES,
        QUARANTINE,
    ]
}


#: Per table, its free-text columns: every text column not declared a label.
FREE_TEXT: dict[str, list[str]] = {
    name: [c for c, col in schema.columns.items() if (col.metadata or {}).get("free_text")]
    for name, schema in SCHEMAS.items()
}


def empty(name: str) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of table ``name``."""
    schema = SCHEMAS[name]
    return schema.validate(pd.DataFrame({c: pd.Series(dtype="object") for c in schema.columns}))
