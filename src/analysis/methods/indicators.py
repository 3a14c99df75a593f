"""Indicators: named computations over the tidy tables, targets, trajectories and status.

A *computation* turns the tidy tables (the FFT as counts per service and month,
:data:`FFT_MONTHLY`, never response rows) into one row per period with a numerator and
denominator (or, for what other systems count, a value from the ``measures`` table).
:func:`evaluate` adds the value and its confidence interval (:mod:`intervals`), the
target in force, the status and a comparator, per period.

Periods follow the NHS financial year (April to March): ``monthly``, ``quarterly``
(2024/25 Q1 = April to June 2024) and ``annual`` (2024/25); surveys are annual by
their survey year.

Status, for the latest complete period:

* **met** / **not met** — against the latest target whose date has passed (an
  ``ongoing`` target is in force from its ``from`` date);
* **not yet due (on trajectory)** / **not yet due (off trajectory)** — before the
  first deadline, against the straight line from the baseline (or the first
  period's value) to that target, as delivery plans set trajectories;
* **no target** — a monitoring indicator; **no data** — the data it needs is absent.

Where the value has a confidence interval the result is **statistically clear** when
the whole interval lies on one side of the target, and **not clear** when it straddles
it — the comparison Fingertips makes against a benchmark (OHID, *Public health
technical guidance: Comparisons with benchmarks*).
"""

from __future__ import annotations

import operator as op
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.methods import complaints as complaint_methods
from analysis.methods.intervals import mean_limits, poisson_limits, rate_limits, wilson
from analysis.methods.spc import ShortGroupWarning, assurance_type, ptd_spc

MEASURE_TYPES = ("proportion", "rate", "count", "mean", "score", "milestone")
FREQUENCIES = {"monthly": "M", "quarterly": "Q-MAR", "annual": "Y-MAR"}
POLARITIES = ("higher is better", "lower is better", "neutral")
KINDS = ("key performance target", "monitoring indicator")
OPERATORS: dict[str, Callable] = {">=": op.ge, ">": op.gt, "<=": op.le, "<": op.lt, "==": op.eq}

MET, NOT_MET = "met", "not met"
ON_TRAJECTORY, OFF_TRAJECTORY = "not yet due (on trajectory)", "not yet due (off trajectory)"
NOT_YET_DUE, NO_TARGET, NO_DATA = "not yet due", "no target", "no data"
STATUSES = (MET, NOT_MET, ON_TRAJECTORY, OFF_TRAJECTORY, NOT_YET_DUE, NO_TARGET, NO_DATA)


class MissingData(LookupError):
    """A computation's tables are absent or hold no rows for it."""


# --------------------------------------------------------------------------- periods
def period_label(period: pd.Period) -> str:
    """``2024-05``, ``2024/25 Q1`` or ``2024/25`` (financial years), ``2023`` (survey years)."""
    freq = period.freqstr
    if freq.startswith("Q"):
        return f"{period.qyear - 1}/{period.qyear % 100:02d} Q{period.quarter}"
    if freq == "Y-MAR":
        return f"{period.year - 1}/{period.year % 100:02d}"
    return str(period)


def to_period(dates: pd.Series, frequency: str) -> pd.Series:
    """The financial-year period (``monthly``, ``quarterly``, ``annual``) each date falls in."""
    return pd.to_datetime(dates).dt.to_period(FREQUENCIES[frequency])


# --------------------------------------------------------------------------- computations
@dataclass(frozen=True)
class Context:
    """What computations need beyond the tables: where, and as of when."""

    nation: str = "england"
    as_of: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.today().normalize())
    complaint_rules: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Computation:
    """A named computation of an indicator's values and the tables it reads."""

    name: str
    function: Callable
    tables: tuple[str, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    description: str
    #: Whether the numerator counts people (responses, complaints, respondents): small
    #: counts of people are suppressed in what stakeholders see; counts of actions are not.
    counts_people: bool = True
    #: Whether each period's value includes every earlier period (no SPC on such series).
    cumulative: bool = False


COMPUTATIONS: dict[str, Computation] = {}


def computation(
    name: str,
    tables: tuple[str, ...],
    required=(),
    optional=(),
    counts_people=True,
    cumulative=False,
):
    """Register ``function(tables, frequency, params, context) -> DataFrame`` under ``name``.

    The frame has one row per period: ``period``, ``numerator``, ``denominator`` and,
    where the computation gives it directly, ``value`` / ``lower`` / ``upper``.
    """

    def register(function):
        doc = (function.__doc__ or "").strip().splitlines()[0]
        COMPUTATIONS[name] = Computation(
            name, function, tables, tuple(required), tuple(optional), doc, counts_people, cumulative
        )
        return function

    return register


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    df = tables.get(name)
    if df is None or df.empty:
        raise MissingData(f"the {name} table is empty or absent")
    return df


def _service_ids(tables, params) -> list[str] | None:
    """Services selected by ``services`` (ids) or ``settings`` (from the services table)."""
    if params.get("services"):
        return list(params["services"])
    if params.get("settings"):
        services = _table(tables, "services")
        ids = services.loc[services["setting"].isin(params["settings"]), "service_id"].tolist()
        if not ids:
            raise MissingData(f"no services in setting(s) {', '.join(params['settings'])}")
        return ids
    return None


def _select(df: pd.DataFrame, ids: list[str] | None) -> pd.DataFrame:
    return df if ids is None else df[df["service_id"].isin(ids)]


def _complete(series: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Periods that have ended on or before ``as_of``, in order."""
    if series.empty:
        return series
    ends = series["period"].map(lambda p: p.end_time.normalize())
    return series[ends <= as_of].sort_values("period").reset_index(drop=True)


#: What the FFT indicators read: responses and positive ratings per service and month
#: (``service_id``, ``month``, ``responses``, ``positive``), the query layer's
#: :meth:`~analysis.query.Queries.fft_counts`, or :func:`analysis.methods.fft.monthly_summary`
#: of response rows. Never the response rows themselves.
FFT_MONTHLY = "fft_monthly"


def _fft_monthly(tables, ids: list[str] | None) -> pd.DataFrame:
    """The selected services' FFT counts per month (absent: the responses are missing)."""
    counts = tables.get(FFT_MONTHLY)
    if counts is None or counts.empty:
        raise MissingData("the fft_responses table is empty or absent")
    return _select(counts, ids)


@computation(
    "fft_response_rate",
    ("fft_responses", "fft_eligible", "services"),
    optional=("settings", "services"),
)
def fft_response_rate(tables, frequency, params, context):
    """FFT responses ÷ people eligible to respond (NHS England FFT definition)."""
    ids = _service_ids(tables, params)
    counts = _fft_monthly(tables, ids)
    eligible = _select(_table(tables, "fft_eligible"), ids)
    num = counts.groupby(to_period(counts["month"], frequency))["responses"].sum()
    den = eligible.groupby(to_period(eligible["month"], frequency))["eligible"].sum()
    out = pd.DataFrame({"numerator": num, "denominator": den}).dropna(subset=["denominator"])
    return out.fillna({"numerator": 0}).rename_axis("period").reset_index()


@computation(
    "fft_percent_positive", ("fft_responses", "services"), optional=("settings", "services")
)
def fft_percent_positive(tables, frequency, params, context):
    """FFT responses rating the service Very good or Good ÷ all responses (NHS England)."""
    counts = _fft_monthly(tables, _service_ids(tables, params))
    grouped = counts.groupby(to_period(counts["month"], frequency))
    out = pd.DataFrame(
        {"numerator": grouped["positive"].sum(), "denominator": grouped["responses"].sum()}
    )
    return out.rename_axis("period").reset_index()


@computation("complaints_received", ("complaints",), optional=("services", "settings"))
def complaints_received(tables, frequency, params, context):
    """Complaints received in the period."""
    c = _select(_table(tables, "complaints"), _service_ids(tables, params))
    counts = c.groupby(to_period(c["received_date"], frequency)).size()
    return (
        pd.DataFrame({"numerator": counts, "denominator": np.nan})
        .rename_axis("period")
        .reset_index()
    )


@computation(
    "complaints_per_1000_eligible",
    ("complaints", "fft_eligible"),
    optional=("services", "settings"),
)
def complaints_per_1000_eligible(tables, frequency, params, context):
    """Complaints received per 1,000 people eligible for the FFT (a measure of activity)."""
    ids = _service_ids(tables, params)
    c = _select(_table(tables, "complaints"), ids)
    eligible = _select(_table(tables, "fft_eligible"), ids)
    num = c.groupby(to_period(c["received_date"], frequency)).size()
    den = eligible.groupby(to_period(eligible["month"], frequency))["eligible"].sum()
    out = pd.DataFrame({"numerator": num, "denominator": den}).dropna(subset=["denominator"])
    return out.fillna({"numerator": 0}).rename_axis("period").reset_index()


def _complaint_timeliness(tables, params, context) -> pd.DataFrame:
    """Timeliness of the selected services' complaints (at the chosen stages), with response dates."""
    c = _select(_table(tables, "complaints"), _service_ids(tables, params))
    rules = complaint_methods.rules_for(
        context.nation, {**context.complaint_rules, **params.get("rules", {})}
    )
    t = complaint_methods.timeliness(c, context.nation, context.as_of, rules)
    t = t.assign(responded_date=c["responded_date"].to_numpy())
    if params.get("stage"):
        stages = [s.lower() for s in params["stage"]]
        t = t[c["stage"].fillna("").str.lower().isin(stages).to_numpy()]
    return t


def _complaints_within(tables, frequency, params, context, column, decided_column):
    t = _complaint_timeliness(tables, params, context)
    decided = t[t[column].notna()]
    grouped = decided.groupby(to_period(decided[decided_column], frequency))[column]
    out = pd.DataFrame(
        {
            "numerator": grouped.sum().astype("float64"),
            "denominator": grouped.size().astype("float64"),
        }
    )
    return out.rename_axis("period").reset_index()


@computation(
    "complaints_acknowledged_in_time",
    ("complaints",),
    optional=("services", "settings", "stage", "rules"),
)
def complaints_acknowledged_in_time(tables, frequency, params, context):
    """Complaints acknowledged within the limit ÷ acknowledgements sent or overdue, by the month settled."""
    return _complaints_within(
        tables, frequency, params, context, "acknowledged_within", "acknowledge_decided"
    )


@computation(
    "complaints_responded_in_time",
    ("complaints",),
    optional=("services", "settings", "stage", "rules"),
)
def complaints_responded_in_time(tables, frequency, params, context):
    """Complaints responded to within the limit ÷ responses sent or overdue, by the month settled."""
    return _complaints_within(
        tables, frequency, params, context, "responded_within", "respond_decided"
    )


@computation(
    "complaints_mean_days_to_respond",
    ("complaints",),
    optional=("services", "settings", "stage", "rules"),
)
def complaints_mean_days_to_respond(tables, frequency, params, context):
    """Mean days from receipt to response, for complaints responded to, by month of response."""
    t = _complaint_timeliness(tables, params, context)
    t = t[t["respond_days"].notna()]
    rows = []
    for period, g in t.groupby(to_period(t["responded_date"], frequency)):
        days = g["respond_days"].astype(float).to_numpy()
        lo, hi = mean_limits(days)
        rows.append(
            {
                "period": period,
                "numerator": days.sum(),
                "denominator": float(days.size),
                "value": days.mean(),
                "lower": lo,
                "upper": hi,
            }
        )
    return pd.DataFrame(
        rows, columns=["period", "numerator", "denominator", "value", "lower", "upper"]
    )


def _action_filter(actions, params):
    if params.get("themes"):
        actions = actions[actions["theme"].isin(params["themes"])]
    if actions.empty:
        raise MissingData(f"no actions with theme(s) {', '.join(params.get('themes', []))}")
    return actions


def _cumulative(
    actions, frequency, context, done: Callable[[pd.DataFrame, pd.Timestamp], pd.Series]
):
    first = actions["heard_date"].min().to_period(FREQUENCIES[frequency])
    last = context.as_of.to_period(FREQUENCIES[frequency])
    rows = []
    for period in pd.period_range(first, last, freq=FREQUENCIES[frequency]):
        end = period.end_time.normalize()
        heard = actions[actions["heard_date"] <= end]
        rows.append(
            {
                "period": period,
                "numerator": float(done(heard, end).sum()),
                "denominator": float(len(heard)),
            }
        )
    return pd.DataFrame(rows)


@computation(
    "actions_completed", ("actions",), optional=("themes",), counts_people=False, cumulative=True
)
def actions_completed(tables, frequency, params, context):
    """ "You said, We did" actions completed by the period's end ÷ actions heard by then (cumulative)."""
    actions = _action_filter(_table(tables, "actions"), params)

    def done(a, end):
        return (a["status"] == "completed") & (a["action_date"] <= end)

    return _cumulative(actions, frequency, context, done)


@computation(
    "actions_published", ("actions",), optional=("themes",), counts_people=False, cumulative=True
)
def actions_published(tables, frequency, params, context):
    """ "You said, We did" actions published by the period's end ÷ actions heard by then (cumulative)."""
    actions = _action_filter(_table(tables, "actions"), params)

    def done(a, end):
        return a["published"].fillna(False).astype(bool) & (
            a["published_date"].isna() | (a["published_date"] <= end)
        )

    return _cumulative(actions, frequency, context, done)


@computation(
    "survey_positive",
    ("surveys",),
    required=("question_id",),
    optional=("survey", "respondent_group"),
)
def survey_positive(tables, frequency, params, context):
    """Respondents answering positively ÷ respondents, per survey year."""
    s = _table(tables, "surveys")
    s = s[s["question_id"] == params["question_id"]]
    for key in ("survey", "respondent_group"):
        if params.get(key):
            s = s[s[key] == params[key]]
    if s.empty:
        raise MissingData(f"no survey results for question {params['question_id']!r}")
    rows = []
    for year, g in s.groupby("year"):
        counted = g["responses"].notna().all() and g["positive"].notna().all()
        num = float(g["positive"].sum()) if counted else np.nan
        den = float(g["responses"].sum()) if counted else np.nan
        value = np.nan if counted else float(g["percent_positive"].mean())
        # survey year Y, reported as the calendar year (ends 31 December)
        rows.append(
            {
                "period": pd.Period(str(int(year)), "Y-DEC"),
                "numerator": num,
                "denominator": den,
                "value": value,
            }
        )
    return pd.DataFrame(rows)


@computation("measure", ("measures",), required=("measure_id",), counts_people=False)
def measure(tables, frequency, params, context):
    """A series another system counts, from the measures table (the latest value per period)."""
    m = _table(tables, "measures")
    m = m[m["measure_id"] == params["measure_id"]]
    if m.empty:
        raise MissingData(f"no rows for measure {params['measure_id']!r} in the measures table")
    m = m.assign(period=to_period(m["period_end"], frequency)).sort_values("period_end")
    last = m.groupby("period").tail(1)
    return pd.DataFrame(
        {
            "period": last["period"],
            "numerator": np.nan,
            "denominator": np.nan,
            "value": last["value"].astype(float),
        }
    ).reset_index(drop=True)


# --------------------------------------------------------------------------- values and intervals
def add_values(
    series: pd.DataFrame, measure_type: str, multiplier: float = 1000, confidence: float = 0.95
):
    """Value and confidence limits from numerator and denominator, by measure type.

    proportion: percentage, Wilson score limits; rate: per ``multiplier``, exact Poisson
    (below 10 events) or Byar's limits; count: the count, the same Poisson limits;
    mean, score and milestone values come from the computation (no interval unless given).
    """
    out = series.copy()
    for col in ("value", "lower", "upper"):
        if col not in out:
            out[col] = np.nan
    num, den = out["numerator"].astype(float), out["denominator"].astype(float)
    if measure_type == "proportion":
        impossible = num.gt(den) | num.lt(0)
        if impossible.any():  # e.g. more FFT responses than people eligible: a wrong export
            i = impossible.idxmax()
            warnings.warn(
                f"a proportion with numerator {num[i]:g} over denominator {den[i]:g} "
                f"({out['period'][i] if 'period' in out else i}) is impossible: "
                f"{int(impossible.sum())} period(s) left without a value; check the source data",
                stacklevel=2,
            )
        ok = num.notna() & den.gt(0) & ~impossible
        if ok.any():
            lo, hi = wilson(num[ok], den[ok], confidence)
            out.loc[ok, "value"] = 100 * num[ok] / den[ok]
            out.loc[ok, "lower"], out.loc[ok, "upper"] = 100 * lo, 100 * hi
    elif measure_type == "rate":
        ok = num.notna() & den.gt(0)
        if ok.any():
            lo, hi = rate_limits(num[ok], den[ok], multiplier, confidence)
            out.loc[ok, "value"] = num[ok] / den[ok] * multiplier
            out.loc[ok, "lower"], out.loc[ok, "upper"] = lo, hi
    elif measure_type == "count":
        ok = num.notna()
        if ok.any():
            lo, hi = poisson_limits(num[ok], confidence)
            out.loc[ok, "value"] = num[ok]
            out.loc[ok, "lower"], out.loc[ok, "upper"] = lo, hi
    return out


# --------------------------------------------------------------------------- targets and status
@dataclass(frozen=True)
class Target:
    """``value`` under ``operator`` by the end of ``by`` (a date), or ``ongoing`` from ``start``."""

    operator: str
    value: float
    by: pd.Timestamp | None = None
    start: pd.Timestamp | None = None
    note: str = ""

    @property
    def ongoing(self) -> bool:
        return self.by is None

    def met(self, value: float) -> bool:
        return bool(OPERATORS[self.operator](value, self.value))

    def __str__(self) -> str:
        when = (
            f"by {self.by:%d %b %Y}"
            if self.by is not None
            else f"ongoing from {self.start:%d %b %Y}"
        )
        return f"{self.operator} {self.value:g} {when}" + (f" ({self.note})" if self.note else "")


def target_in_force(
    targets: list[Target], day: pd.Timestamp
) -> tuple[Target | None, Target | None]:
    """(the target in force on ``day``, the next target not yet due).

    In force: the latest dated target whose date has passed, or an ongoing target that
    has started (a dated target that has passed takes precedence over neither: the most
    recently started applies).
    """
    passed = [
        t
        for t in targets
        if (t.by is not None and t.by <= day) or (t.ongoing and (t.start is None or t.start <= day))
    ]
    upcoming = sorted((t for t in targets if t.by is not None and t.by > day), key=lambda t: t.by)
    current = (
        max(passed, key=lambda t: t.by if t.by is not None else t.start or pd.Timestamp.min)
        if passed
        else None
    )
    return current, (upcoming[0] if upcoming else None)


def trajectory_value(
    baseline: tuple[pd.Timestamp, float], target: Target, day: pd.Timestamp
) -> float:
    """The straight line from ``baseline`` (date, value) to ``target`` evaluated at ``day``."""
    start, base = baseline
    span = (target.by - start).days
    if span <= 0:
        return target.value
    frac = min(max((day - start).days / span, 0.0), 1.0)
    return base + (target.value - base) * frac


def status(
    value: float,
    lower: float,
    upper: float,
    day: pd.Timestamp,
    targets: list[Target],
    baseline: tuple[pd.Timestamp, float] | None,
) -> dict:
    """Status of ``value`` on ``day`` (the period's end) against ``targets``."""
    if pd.isna(value):
        return {"status": NO_DATA, "target": None, "target_value": np.nan, "clear": None}
    current, upcoming = target_in_force(targets, day)
    if current is not None:
        met = current.met(value)
        return {
            "status": MET if met else NOT_MET,
            "target": str(current),
            "target_value": current.value,
            "clear": clarity(current.operator, current.value, lower, upper),
        }
    if upcoming is not None:
        if baseline is None:
            return {
                "status": NOT_YET_DUE,
                "target": str(upcoming),
                "target_value": upcoming.value,
                "clear": None,
            }
        line = trajectory_value(baseline, upcoming, day)
        return {
            "status": ON_TRAJECTORY
            if OPERATORS[upcoming.operator](value, line)
            else OFF_TRAJECTORY,
            "target": str(upcoming),
            "target_value": line,
            "clear": clarity(upcoming.operator, line, lower, upper),
        }
    return {"status": NO_TARGET, "target": None, "target_value": np.nan, "clear": None}


def clarity(operator: str, target: float, lower: float, upper: float) -> str | None:
    """ "statistically clear" when the interval is wholly on one side of ``target``, else "not clear"."""
    if pd.isna(lower) or pd.isna(upper):
        return None
    return "not clear" if lower <= target <= upper else "statistically clear"


def compare(
    value: float, lower: float, upper: float, comparator: float, polarity: str
) -> str | None:
    """Fingertips' comparison with a benchmark: better / similar / worse (or higher / lower)."""
    if pd.isna(comparator) or pd.isna(value):
        return None
    if pd.isna(lower) or pd.isna(upper):
        side = "higher" if value > comparator else "lower" if value < comparator else "similar"
    elif lower > comparator:
        side = "higher"
    elif upper < comparator:
        side = "lower"
    else:
        return "similar"
    if polarity == "neutral" or side == "similar":
        return side
    better = (side == "higher") == (polarity == "higher is better")
    return "better" if better else "worse"


# --------------------------------------------------------------------------- comparators
def england_fft(
    published: pd.DataFrame, statistic: str, settings: list[str], frequency: str
) -> pd.Series:
    """England's FFT response rate or percentage positive per period, from NHS England's files.

    ``settings`` are matched case-insensitively against the published ``setting``.
    """
    if published is None or published.empty:
        return pd.Series(dtype=float)
    wanted = {s.lower() for s in settings}
    e = published[(published["level"] == "england") & published["setting"].str.lower().isin(wanted)]
    if e.empty:
        return pd.Series(dtype=float)
    g = e.groupby(to_period(e["month"], frequency))
    if statistic == "response_rate":
        return 100 * g["total_responses"].sum() / g["total_eligible"].sum()
    if statistic == "percent_positive":
        return 100 * (g["very_good"].sum() + g["good"].sum()) / g["total_responses"].sum()
    raise ValueError(f"unknown FFT statistic {statistic!r}; use response_rate or percent_positive")


# --------------------------------------------------------------------------- trend
TREND_WORDS = {
    "common_cause": "common cause variation",
    "special_cause_improvement": "special cause: improvement",
    "special_cause_concern": "special cause: concern",
    "special_cause_neutral_high": "special cause: higher",
    "special_cause_neutral_low": "special cause: lower",
}
#: Fewest periods given an SPC reading: Making Data Count's minimum for process limits (the
#: least ``fix_after_n_points`` NHSRplotthedots accepts). NHSRplotthedots still flags groups
#: under 13 points with ``short_group_warning`` (trial limits).
MIN_SPC_POINTS = 12
ASSURANCE_WORDS = {
    "consistent_pass": "target consistently met",
    "consistent_fail": "target consistently missed",
    "inconsistent": "target may or may not be met",
}
DIRECTION = {"higher is better": "increase", "lower is better": "decrease", "neutral": "neutral"}


def spc_trend(
    history: pd.DataFrame, polarity: str, applicable: bool = True
) -> tuple[pd.Series, str | None]:
    """Each period's SPC point type in words, and the assurance for the latest target.

    An XmR chart over the indicator's values (Making Data Count, via
    :func:`analysis.methods.spc.ptd_spc`); series shorter than Making Data Count's
    12-point minimum (:data:`MIN_SPC_POINTS`) get no reading, and neither do series whose points are not
    independent readings (``applicable=False``: milestones, cumulative shares). No
    assurance is given when the limits collapse onto the mean (no variation).
    """
    values = history["value"]
    if not applicable:
        return pd.Series(
            "SPC not applicable (milestone or cumulative series)", index=history.index
        ), None
    if values.notna().sum() < MIN_SPC_POINTS:
        words = f"too few periods for SPC ({int(values.notna().sum())} of {MIN_SPC_POINTS})"
        return pd.Series(words, index=history.index), None
    direction = DIRECTION[polarity]
    with warnings.catch_warnings():
        # 12 periods are enough here (MIN_SPC_POINTS); NHSRplotthedots' trial-limit warning
        # for fewer than 13 would only repeat that choice in every run's log.
        warnings.simplefilter("ignore", ShortGroupWarning)
        spc = ptd_spc(history, "value", "period_end", improvement_direction=direction)
    words = spc["point_type"].map(TREND_WORDS).set_axis(history.index)
    last = spc[spc["y"].notna()].iloc[-1]
    target = history["target_value"].iloc[-1]
    if not last["upl"] > last["lpl"]:
        return words, None
    assurance = assurance_type(last["upl"], last["lpl"], float(target), direction)
    return words, ASSURANCE_WORDS.get(assurance)


# --------------------------------------------------------------------------- evaluation
def evaluate(
    tables: Mapping[str, pd.DataFrame],
    computation_name: str,
    params: Mapping,
    measure_type: str,
    frequency: str,
    targets: list[Target],
    context: Context,
    baseline: tuple[pd.Timestamp, float] | None = None,
    polarity: str = "higher is better",
    comparator: pd.Series | None = None,
    small_denominator: int = 30,
    multiplier: float = 1000,
) -> pd.DataFrame:
    """Every complete period's value, interval, target, status and comparison.

    Raises :class:`MissingData` when the tables cannot give the indicator.
    """
    comp = COMPUTATIONS[computation_name]
    series = comp.function(tables, frequency, dict(params), context)
    series = _complete(series, context.as_of)
    if series.empty:
        raise MissingData(f"no complete {frequency} period up to {context.as_of:%d %b %Y}")
    series = add_values(series, measure_type, multiplier)
    if baseline is None and targets and measure_type != "milestone":
        first = series.iloc[0]
        baseline = (first["period"].start_time.normalize(), float(first["value"]))
    rows = []
    for r in series.itertuples(index=False):
        day = r.period.end_time.normalize()
        s = status(r.value, r.lower, r.upper, day, targets, baseline)
        comp_value = comparator.get(r.period, np.nan) if comparator is not None else np.nan
        rows.append(
            {
                "period": r.period,
                "period_label": period_label(r.period),
                "period_end": day,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "value": r.value,
                "lower": r.lower,
                "upper": r.upper,
                **s,
                "comparator": comp_value,
                "compared": compare(r.value, r.lower, r.upper, comp_value, polarity),
                "small_denominator": bool(
                    pd.notna(r.denominator) and r.denominator < small_denominator
                ),
            }
        )
    out = pd.DataFrame(rows)
    applicable = measure_type != "milestone" and not comp.cumulative
    out["trend"], assurance = spc_trend(out, polarity, applicable)
    out["assurance"] = None
    out.loc[out.index[-1], "assurance"] = assurance
    return out
