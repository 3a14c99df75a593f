"""Logic models as data: load, validate and evaluate ``config/logic_models/<name>.yaml``.

A logic model runs inputs → activities → outputs → short-, medium- and long-term
outcomes; each output and outcome may carry indicators, each with a named
computation over the tidy tables (see :mod:`analysis.methods.indicators`), targets
as a trajectory, a comparator, and what data it needs. Loading checks every field
and says what is wrong, where, and what to write instead.

>>> model = load_logic_model("leicestershire")
>>> model.indicator("LPT-COMP-ACK").targets[0].value
100.0
>>> sorted(available_logic_models())
['leicestershire', 'midlothian']
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.config import (
    LOGIC_MODELS_DIR,
    Config,
    ConfigError,
    available_logic_models,
)
from analysis.methods import indicators as ind
from analysis.methods import national

TERMS = ("short", "medium", "long")
COMPARATOR_SOURCES = {"fft_published": ("response_rate", "percent_positive")}
INDICATOR_KEYS = {
    "id", "label", "kind", "measure_type", "computation", "params", "numerator", "denominator",
    "frequency", "polarity", "targets", "baseline", "comparator", "data_source", "caveats", "multiplier",
}  # fmt: skip
TARGET_KEYS = {"operator", "value", "by", "from", "ongoing", "note"}


class LogicModelError(ConfigError):
    """A logic model file says something missing, unknown or impossible."""


@dataclass(frozen=True)
class Indicator:
    """One indicator of a logic model: what it measures, how, and its targets."""

    id: str
    label: str
    level: str  # output or outcome
    kind: str
    measure_type: str
    computation: str
    params: dict
    frequency: str
    polarity: str
    targets: list[ind.Target]
    data_source: str
    numerator: str = ""
    denominator: str = ""
    baseline: tuple[pd.Timestamp, float] | None = None
    comparator: dict | None = None
    caveats: str = ""
    multiplier: float = 1000

    @property
    def needs(self) -> str:
        """What data the indicator needs, for a "no data" row."""
        tables = ", ".join(ind.COMPUTATIONS[self.computation].tables)
        return f"{self.data_source} (tidy tables: {tables})"


@dataclass(frozen=True)
class Element:
    """An output or outcome: its text and the indicators that measure it."""

    id: str
    text: str
    indicators: list[Indicator] = field(default_factory=list)


@dataclass(frozen=True)
class LogicModel:
    """A partnership's logic model: its indicators and where they come from."""

    name: str
    title: str
    partnership: str
    source: str
    goal: str
    inputs: list[str]
    activities: list[str]
    outputs: list[Element]
    outcomes: dict[str, list[Element]]
    small_denominator: int = 30
    path: Path | None = None

    @property
    def indicators(self) -> list[Indicator]:
        elements = self.outputs + [e for term in TERMS for e in self.outcomes[term]]
        return [i for e in elements for i in e.indicators]

    def indicator(self, indicator_id: str) -> Indicator:
        for i in self.indicators:
            if i.id == indicator_id:
                return i
        raise KeyError(f"logic model {self.name!r} has no indicator {indicator_id!r}")


# --------------------------------------------------------------------------- loading
def _date(value: Any, where: str) -> pd.Timestamp:
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    try:
        return pd.Timestamp(str(value))
    except (ValueError, TypeError):
        raise LogicModelError(f"{where}: {value!r} is not a date; write YYYY-MM-DD") from None


def _choice(value: Any, allowed, where: str) -> str:
    if value not in allowed:
        raise LogicModelError(f"{where}: {value!r} is not one of: {', '.join(map(str, allowed))}")
    return value


def _target(raw: Any, where: str) -> ind.Target:
    if not isinstance(raw, dict):
        raise LogicModelError(
            f"{where}: a target is a mapping with operator, value and by (or ongoing and from)"
        )
    unknown = set(raw) - TARGET_KEYS
    if unknown:
        raise LogicModelError(
            f"{where}: unknown key(s) {sorted(unknown)}; a target has {sorted(TARGET_KEYS)}"
        )
    operator = _choice(raw.get("operator"), ind.OPERATORS, f"{where}.operator")
    try:
        value = float(raw["value"])
    except (KeyError, TypeError, ValueError):
        raise LogicModelError(f"{where}: the target needs a numeric value") from None
    if raw.get("by") is None and not raw.get("ongoing"):
        raise LogicModelError(
            f"{where}: target {operator} {value:g} has no date; add by: YYYY-MM-DD, "
            "or ongoing: true with from: YYYY-MM-DD"
        )
    if raw.get("by") is not None and raw.get("ongoing"):
        raise LogicModelError(f"{where}: a target is either dated (by) or ongoing, not both")
    if raw.get("ongoing") and raw.get("from") is None:
        raise LogicModelError(
            f"{where}: an ongoing target needs from: YYYY-MM-DD (when it starts to apply)"
        )
    by = _date(raw["by"], f"{where}.by") if raw.get("by") is not None else None
    start = _date(raw["from"], f"{where}.from") if raw.get("from") is not None else None
    return ind.Target(operator, value, by, start, str(raw.get("note", "")))


def _indicator(raw: Any, level: str, where: str) -> Indicator:
    if not isinstance(raw, dict):
        raise LogicModelError(f"{where}: an indicator is a mapping")
    where = f"{where} ({raw.get('id', 'no id')})"
    unknown = set(raw) - INDICATOR_KEYS
    if unknown:
        raise LogicModelError(
            f"{where}: unknown key(s) {sorted(unknown)}; an indicator has {sorted(INDICATOR_KEYS)}"
        )
    missing = [
        k
        for k in (
            "id",
            "label",
            "kind",
            "measure_type",
            "computation",
            "frequency",
            "polarity",
            "data_source",
        )
        if not raw.get(k)
    ]
    if missing:
        raise LogicModelError(f"{where}: missing {', '.join(missing)}")
    name = raw["computation"]
    if name not in ind.COMPUTATIONS:
        raise LogicModelError(
            f"{where}: unknown computation {name!r}; the computations are {', '.join(sorted(ind.COMPUTATIONS))}"
        )
    comp = ind.COMPUTATIONS[name]
    params = raw.get("params") or {}
    absent = [p for p in comp.required if p not in params]
    extra = set(params) - set(comp.required) - set(comp.optional)
    if absent:
        raise LogicModelError(f"{where}: computation {name!r} needs params {', '.join(absent)}")
    if extra:
        raise LogicModelError(
            f"{where}: computation {name!r} takes no param(s) {sorted(extra)}; "
            f"it takes {sorted(comp.required + comp.optional)}"
        )
    targets = [_target(t, f"{where}.targets[{k}]") for k, t in enumerate(raw.get("targets") or [])]
    baseline = None
    if raw.get("baseline") is not None:
        b = raw["baseline"]
        if not isinstance(b, dict) or "value" not in b or "date" not in b:
            raise LogicModelError(
                f"{where}.baseline: write baseline: {{value: 2.6, date: YYYY-MM-DD}}"
            )
        baseline = (_date(b["date"], f"{where}.baseline.date"), float(b["value"]))
    comparator = raw.get("comparator")
    if comparator is not None:
        source = _choice(comparator.get("source"), COMPARATOR_SOURCES, f"{where}.comparator.source")
        _choice(
            comparator.get("statistic"), COMPARATOR_SOURCES[source], f"{where}.comparator.statistic"
        )
        if not comparator.get("settings"):
            raise LogicModelError(
                f"{where}.comparator: list the published settings to compare with"
            )
    return Indicator(
        id=str(raw["id"]),
        label=str(raw["label"]),
        level=level,
        kind=_choice(raw["kind"], ind.KINDS, f"{where}.kind"),
        measure_type=_choice(raw["measure_type"], ind.MEASURE_TYPES, f"{where}.measure_type"),
        computation=name,
        params=dict(params),
        frequency=_choice(raw["frequency"], ind.FREQUENCIES, f"{where}.frequency"),
        polarity=_choice(raw["polarity"], ind.POLARITIES, f"{where}.polarity"),
        targets=targets,
        data_source=str(raw["data_source"]),
        numerator=str(raw.get("numerator", "")),
        denominator=str(raw.get("denominator", "")),
        baseline=baseline,
        comparator=comparator,
        caveats=str(raw.get("caveats", "")).strip(),
        multiplier=float(raw.get("multiplier", 1000)),
    )


def _element(raw: Any, level: str, where: str) -> Element:
    if not isinstance(raw, dict) or not raw.get("text"):
        raise LogicModelError(f"{where}: an {level} needs id and text (and optionally indicators)")
    indicators = [
        _indicator(i, level, f"{where}.indicators[{k}]")
        for k, i in enumerate(raw.get("indicators") or [])
    ]
    return Element(str(raw.get("id", "")), str(raw["text"]).strip(), indicators)


def parse_logic_model(data: dict, name: str, path: Path | None = None) -> LogicModel:
    """Build and validate a :class:`LogicModel` from parsed YAML ``data``."""
    where = str(path) if path else name
    if not isinstance(data, dict):
        raise LogicModelError(f"{where}: a logic model is a YAML mapping")
    missing = [
        k
        for k in ("title", "partnership", "goal", "inputs", "activities", "outputs", "outcomes")
        if not data.get(k)
    ]
    if missing:
        raise LogicModelError(f"{where}: missing {', '.join(missing)}")
    outcomes_raw = data["outcomes"]
    if not isinstance(outcomes_raw, dict) or set(outcomes_raw) - set(TERMS):
        raise LogicModelError(f"{where}: outcomes has the terms {', '.join(TERMS)} (each a list)")
    outputs = [
        _element(o, "output", f"{where}: outputs[{k}]") for k, o in enumerate(data["outputs"])
    ]
    outcomes = {
        term: [
            _element(o, "outcome", f"{where}: outcomes.{term}[{k}]")
            for k, o in enumerate(outcomes_raw.get(term) or [])
        ]
        for term in TERMS
    }
    model = LogicModel(
        name=name,
        title=str(data["title"]),
        partnership=str(data["partnership"]),
        source=str(data.get("source", "")).strip(),
        goal=str(data["goal"]).strip(),
        inputs=[str(i) for i in data["inputs"]],
        activities=[str(a) for a in data["activities"]],
        outputs=outputs,
        outcomes=outcomes,
        small_denominator=int(data.get("small_denominator", 30)),
        path=path,
    )
    ids = [i.id for i in model.indicators]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise LogicModelError(f"{where}: indicator id(s) used more than once: {', '.join(dupes)}")
    return model


def load_logic_model(name_or_path: str | os.PathLike) -> LogicModel:
    """Load ``config/logic_models/<name>.yaml`` (or a path to a YAML file) and validate it."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = LOGIC_MODELS_DIR / f"{name_or_path}.yaml"
    if not path.exists():
        raise LogicModelError(
            f"logic model {str(name_or_path)!r} not found at {path}; the shipped models are "
            f"{', '.join(available_logic_models())}"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LogicModelError(f"{path} is not valid YAML: {exc}") from None
    return parse_logic_model(data, path.stem, path)


def configured_logic_models(cfg: Config) -> list[str]:
    """The logic models a partnership's configuration names, in order (empty: it reports none)."""
    return cfg.logic_models


# --------------------------------------------------------------------------- evaluation
#: The tidy tables indicators read whole: each small (a row per complaint, action, survey
#: answer, measure or service; NHS England's published counts).
TABLES = ("services", "fft_published", "complaints", "actions", "surveys", "measures")


def small_tables(processed_dir: str | os.PathLike) -> dict[str, pd.DataFrame]:
    """The small tables indicators read whole (:data:`TABLES`), those that exist."""
    from analysis.ingest.store import read_table, table_path

    return {
        name: read_table(name, processed_dir)
        for name in TABLES
        if table_path(name, processed_dir).exists()
    }


def read_tables(processed_dir: str | os.PathLike, queries=None) -> dict[str, pd.DataFrame]:
    """The inputs indicators use, as far as they exist in ``processed_dir``.

    The small tables (:data:`TABLES`) whole; the FFT as aggregates from the query layer
    (``queries``, a :class:`analysis.query.Queries`; DuckDB over ``processed_dir`` by
    default): responses and positive ratings per service and month
    (:data:`analysis.methods.indicators.FFT_MONTHLY`) and people eligible per service and
    month (``fft_eligible``). The response rows are never read into memory.
    """
    from analysis.ingest.store import table_path

    tables = small_tables(processed_dir)
    if queries is None:
        from analysis.query import Queries

        queries = Queries(processed_dir)
    if table_path("fft_responses", processed_dir).exists():
        from analysis.query import kept  # the months' counts kept: a new month is computed

        counts = kept.fft_counts(queries)
        tables[ind.FFT_MONTHLY] = counts[["service_id", "month", "responses", "positive"]]
    if table_path("fft_eligible", processed_dir).exists():
        tables["fft_eligible"] = queries.eligible(None, "", by=("service_id",))
    return tables


def _comparator_series(indicator: Indicator, tables) -> pd.Series | None:
    c = indicator.comparator or national.england_comparator(
        indicator.computation, indicator.params, tables.get("services")
    )
    if not c:
        return None
    return ind.england_fft(
        tables.get("fft_published"), c["statistic"], c["settings"], indicator.frequency
    )


def evaluate_indicator(
    indicator: Indicator, tables, context: ind.Context, small_denominator: int = 30
) -> pd.DataFrame:
    """All complete periods of one indicator (raises :class:`~analysis.methods.indicators.MissingData`)."""
    return ind.evaluate(
        tables,
        indicator.computation,
        indicator.params,
        indicator.measure_type,
        indicator.frequency,
        indicator.targets,
        context,
        baseline=indicator.baseline,
        polarity=indicator.polarity,
        comparator=_comparator_series(indicator, tables),
        small_denominator=small_denominator,
        multiplier=indicator.multiplier,
    )


@dataclass
class Evaluation:
    """A logic model evaluated as of a month: the latest period per indicator, and every period."""

    model: LogicModel
    month: pd.Period
    latest: pd.DataFrame
    history: dict[str, pd.DataFrame]


def evaluate_model(
    model: LogicModel, tables, month: str | pd.Period, nation: str = "england", complaint_rules=None
) -> Evaluation:
    """Evaluate every indicator of ``model`` as of the end of ``month``.

    An indicator its data cannot give still appears, with status "no data" and what it needs.
    """
    month = pd.Period(month, "M")
    context = ind.Context(
        nation=nation, as_of=month.end_time.normalize(), complaint_rules=dict(complaint_rules or {})
    )
    rows, history = [], {}
    for i in model.indicators:
        base = {
            "id": i.id,
            "indicator": i.label,
            "level": i.level,
            "kind": i.kind,
            "measure_type": i.measure_type,
            "frequency": i.frequency,
            "polarity": i.polarity,
            "counts_people": ind.COMPUTATIONS[i.computation].counts_people,
        }
        try:
            series = evaluate_indicator(i, tables, context, model.small_denominator)
        except ind.MissingData as exc:
            rows.append({**base, "status": ind.NO_DATA, "note": f"needs {i.needs}: {exc}"})
            continue
        history[i.id] = series
        latest = series.iloc[-1].to_dict()
        latest.pop("period")
        rows.append({**base, **latest, "note": i.caveats})
    columns = [
        "id", "indicator", "level", "kind", "measure_type", "frequency", "polarity", "counts_people", "period_label", "period_end",
        "numerator", "denominator", "value", "lower", "upper", "target", "target_value", "status", "clear",
        "comparator", "compared", "small_denominator", "trend", "assurance", "note",
    ]  # fmt: skip
    latest = pd.DataFrame(rows).reindex(columns=columns)
    return Evaluation(model, month, latest, history)


def evaluate_configured(
    cfg: Config, model_name: str, month: str | pd.Period, tables: dict | None = None
) -> Evaluation:
    """Evaluate logic model ``model_name`` as of ``month`` over the partnership's data
    (``tables`` as :func:`read_tables` gives them; read here when not given)."""
    if tables is None:
        from analysis.query import Queries

        tables = read_tables(cfg.processed_dir, Queries.for_config(cfg))
    return evaluate_model(
        load_logic_model(model_name),
        tables,
        month,
        nation=cfg.nation,
        complaint_rules=cfg.complaints.overrides(),
    )
