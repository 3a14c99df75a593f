"""The partnership configuration's sections as typed models (pydantic v2).

Every section refuses keys it does not know (``extra="forbid"``), so a typing slip
such as ``disclosur:`` or ``min_cout:`` is an error naming the key and the nearest
valid one, never a setting silently ignored. Values are typed: ``min_count: five``
is an error saying what to write. :func:`analysis.config.load_config` turns the
errors into one :class:`~analysis.config.ConfigError` naming the file.

The ``sources:`` entries are checked by :class:`analysis.ingest.sources.Source`
(the ingest step owns what a source can say); here they are a mapping of mappings.

Top-level keys
--------------
``partnership``, ``nation``, ``services`` and ``sources`` are required; the rest
are optional:

=========================  ==========================================================
``raw_dir``                exports as received (default ``data/raw``)
``processed_dir``          tidy tables (default ``data/processed``)
``reports_dir``            reports (default ``reports``)
``allowed_roots``          folders outside the project that the folders and file
                           paths above may point into (absolute paths); anything
                           else outside the project is refused
``logic_models``           the logic models reported (names under
                           ``config/logic_models/``); empty or absent means none
``disclosure``             ``min_count`` (default 5) and
                           ``allow_min_count_below_5`` (see :class:`Disclosure`)
``complaints``             complaint time limits replacing the nation's
``complaint_subjects``     local subject → national return subject area
``redaction``              ``staff_names``: the staff-name list (under ``raw_dir``)
``themes``                 ``corrections``: manual theme corrections (under ``raw_dir``)
``demo``                   the synthetic exports ``python -m analysis demo-data`` writes
``query``                  the engine of the aggregates: duckdb (default) or spark
                           (see :mod:`analysis.query.settings`)
``spc``                    SPC rule set, rebase months and baselines per measure
                           (see :mod:`analysis.methods.spc_options`)
=========================  ==========================================================
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

#: NHS England's FFT suppression threshold: counts of 1 to 4 are not published.
NHS_MIN_COUNT = 5
NATIONS = ("england", "wales", "scotland", "northern_ireland")


def _month(value: Any) -> Any:
    """``YYYY-MM`` from a string or a date YAML handed over (``2024-03-01`` → ``2024-03``)."""
    if isinstance(value, dt.date):
        return f"{value:%Y-%m}"
    return str(value)[:7] if isinstance(value, str) and len(value) == 10 else value


def _text(value: Any) -> Any:
    """Numbers and dates in YAML where text is meant (a header ``2024``, a code ``111``)."""
    return str(value) if isinstance(value, int | float | dt.date) else value


Month = Annotated[
    str,
    BeforeValidator(_month),
    Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="a month, written YYYY-MM"),
]
Text = Annotated[str, BeforeValidator(_text)]
Share = Annotated[float, Field(ge=0, le=1, description="a share between 0 and 1")]


class Section(BaseModel):
    """A section of the configuration: unknown keys are errors; settings are read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ------------------------------------------------------------------------- services
class ServiceCode(Section):
    """A code an export uses for a service, and the dates it was valid (inclusive)."""

    code: Text
    source: str = "all"
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ServiceCode:
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError(
                f"code {self.code}: valid_from {self.valid_from} is after valid_to {self.valid_to}"
            )
        return self


class Service(Section):
    """One service of the partnership."""

    service_id: Text
    service_name: str
    setting: str
    directorate: str | None = None
    codes: list[ServiceCode] = Field(min_length=1, description="the codes exports use")


# ------------------------------------------------------------------------- settings
class Disclosure(Section):
    """Small-number suppression for anything a stakeholder sees.

    NHS England's FFT practice suppresses counts of 1 to 4 (``min_count: 5``). A lower
    threshold is refused unless ``allow_min_count_below_5: true`` records that the
    partnership's information governance agreed it.
    """

    allow_min_count_below_5: bool = False
    min_count: int = Field(
        NHS_MIN_COUNT, ge=1, description="a whole number of people, e.g. min_count: 5"
    )

    @field_validator("min_count")
    @classmethod
    def _not_below_nhs(cls, value: int, info) -> int:
        if value < NHS_MIN_COUNT and not info.data.get("allow_min_count_below_5"):
            raise ValueError(
                f"{value} is below NHS England's threshold of {NHS_MIN_COUNT}; use "
                f"{NHS_MIN_COUNT} or more, or add `allow_min_count_below_5: true` under "
                "disclosure if your information governance has agreed a lower threshold"
            )
        return value


class Complaints(Section):
    """Complaint time limits replacing the nation's (see ``analysis.methods.complaints``)."""

    acknowledge: int | None = Field(None, ge=0, description="days to acknowledge")
    respond: int | None = Field(None, ge=1, description="days to respond")
    stage1_respond: int | None = Field(None, ge=1, description="days to respond at stage 1")
    basis: Literal["working", "calendar"] | None = None
    receipt_day: bool | None = None

    def overrides(self) -> dict[str, Any]:
        """The limits the partnership set (the nation's apply to the rest)."""
        return self.model_dump(exclude_none=True)


class ComplaintSubjects(Section):
    """Local complaint subjects → a national return's subject areas."""

    return_: Literal["ko41a"] = Field("ko41a", alias="return")
    map: dict[Text, str] = Field(default_factory=dict)

    @field_validator("return_", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class Redaction(Section):
    """Redaction inputs kept with the raw data."""

    staff_names: str | None = Field(
        None, description="the staff-name list, a path under raw_dir (one name a line)"
    )


class Themes(Section):
    """The partnership's theme settings (the model's own live in ``config/themes.yaml``)."""

    corrections: str | None = Field(
        None, description="manual theme corrections, a CSV under raw_dir"
    )


# ------------------------------------------------------------------------- demonstration
class DemoService(Section):
    """How one service's synthetic data is drawn."""

    responses: float = Field(ge=0, description="mean FFT responses a month")
    rate: Share
    positive: Share
    complaints: float = Field(ge=0, description="mean complaints a month")
    what_matters: bool = False
    ages: str | None = None


class UnknownCodes(Section):
    """Export codes the demonstration writes that no service has (a defect to quarantine)."""

    rate: Share = 0.0
    codes: list[Text] = Field(default_factory=list)


class Defects(Section):
    """Defects real exports have, planted at low rates into the FFT exports."""

    blank_ratings: Share = 0.0
    unknown_service_codes: UnknownCodes = Field(default_factory=UnknownCodes)
    unparseable_dates: Share = 0.0
    ambiguous_dates: Share = 0.0
    duplicate_rows: Share = 0.0
    month_exported_twice: Month | None = None
    personal_details: Share = 0.0


class PlantedStep(Section):
    """A planted step: a service's positive share drops, an action follows, it recovers."""

    service_id: Text
    drop: Month
    drop_pp: float
    action_date: dt.date
    recovery: Month
    recovery_pp: float


class PlantedTheme(Section):
    """A planted theme whose share of comments rises over some months."""

    subcategory: str
    category: str
    question: Literal["what_was_good", "what_could_be_better", "what_matters"]
    start: Month
    months: int = Field(ge=1)
    from_share: Share
    to_share: Share


class PlantedGroup(Section):
    """A planted group that answers the FFT less often than it uses services."""

    group_type: Literal["age_band", "sex", "ethnicity"]
    group: str
    response_propensity: float = Field(gt=0)


class PlantedLateAcknowledgements(Section):
    """A planted run of late complaint acknowledgements in one service."""

    service_id: Text
    start: dt.date
    end: dt.date


class PlantedOutlier(Section):
    """A planted service whose positive share stands apart from the others."""

    service_id: Text


class Planted(Section):
    """The effects planted on purpose, which later steps must recover."""

    step: PlantedStep | None = None
    rising_theme: PlantedTheme | None = None
    under_represented: PlantedGroup | None = None
    late_acknowledgements: PlantedLateAcknowledgements | None = None
    outlier: PlantedOutlier | None = None

    def as_dict(self) -> dict[str, Any]:
        """The planted effects as plain values (what the generator's helpers take)."""
        return self.model_dump(exclude_none=True)


class Demo(Section):
    """The synthetic exports ``python -m analysis demo-data`` writes (see ``analysis.demo``)."""

    seed: int = 20190401
    start: Month = "2019-04"
    end: Month = "2025-03"
    paused: tuple[Month, Month] | None = None
    six_point_from: Month = "2020-04"
    services: dict[Text, DemoService] = Field(default_factory=dict)
    defects: Defects = Field(default_factory=Defects)
    planted: Planted = Field(default_factory=Planted)


class SparkSettings(Section):
    """The local Spark session the ``spark`` engine starts (once per process)."""

    master: str = "local[2]"
    driver_memory: str = "2g"
    shuffle_partitions: int = Field(default=4, ge=1)


class QuerySettings(Section):
    """Which engine runs the query layer's aggregates, and its limits."""

    engine: Literal["duckdb", "spark"] = "duckdb"
    memory_limit: str = Field(default="600MB", pattern=r"^\d+(\.\d+)?\s*[KMGT]i?B$")
    threads: int | None = Field(default=None, ge=1)
    spark: SparkSettings = SparkSettings()


# ------------------------------------------------------------------------- the file
class Partnership(Section):
    """A partnership configuration file, every section typed."""

    partnership: str
    nation: Literal[NATIONS]
    raw_dir: str = "data/raw"
    processed_dir: str = "data/processed"
    reports_dir: str = "reports"
    allowed_roots: list[str] = Field(
        default_factory=list, description="absolute paths of folders outside the project"
    )
    services: list[Service] = Field(min_length=1)
    sources: dict[str, dict[str, Any]]
    logic_models: list[str] = Field(default_factory=list)
    disclosure: Disclosure = Field(default_factory=Disclosure)
    complaints: Complaints = Field(default_factory=Complaints)
    complaint_subjects: ComplaintSubjects | None = None
    redaction: Redaction = Field(default_factory=Redaction)
    themes: Themes = Field(default_factory=Themes)
    demo: Demo | None = None
    #: SPC rules, rebase months and baselines per measure, checked (unknown keys refused) by
    #: :func:`analysis.methods.spc_options.parse_spc`, which owns what the section can say.
    spc: dict[str, Any] = Field(default_factory=dict)

    #: Which engine runs the query layer's aggregates (see :mod:`analysis.query.settings`).
    query: QuerySettings = Field(default_factory=QuerySettings)

    @field_validator("spc")
    @classmethod
    def _spc(cls, value: dict[str, Any]) -> dict[str, Any]:
        from analysis.methods.spc_options import parse_spc

        parse_spc(value)
        return value

    @field_validator("nation", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("services")
    @classmethod
    def _distinct(cls, services: list[Service]) -> list[Service]:
        ids = [s.service_id for s in services]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"every service needs a distinct service_id; repeated: {repeated}")
        return services

    @model_validator(mode="after")
    def _demo_covers_services(self) -> Partnership:
        if self.demo is None:
            return self
        missing = [s.service_id for s in self.services if s.service_id not in self.demo.services]
        if missing:
            raise ValueError(
                f"demo.services has no parameters for {', '.join(missing)}; "
                "add responses, rate, positive and complaints for each service."
            )
        return self
