"""Complaints: timeliness against a nation's handling rules, and the complaints lead's profile.

Rules (limits in working days after the day of receipt, see :mod:`working_days`):

* England: acknowledge within 3 working days (the Local Authority Social Services and
  NHS Complaints (England) Regulations 2009, reg. 13); respond within a locally agreed
  period — 25 working days is the common standard and Leicestershire Partnership's.
* Wales: acknowledge within 2 working days, respond within 30 working days (the NHS
  (Concerns, Complaints and Redress Arrangements) (Wales) Regulations 2011, "Putting
  Things Right").
* Northern Ireland: acknowledge within 2 and respond within 20 working days (HSC
  Complaints Procedure).
* Scotland: the SPSO's model complaints handling procedure — stage 1 (frontline
  resolution) decided within 5 working days; stage 2 (investigation) acknowledged
  within 3 and responded to within 20 working days.

A partnership may replace any limit, count calendar days instead
(``basis: calendar``), or count the day of receipt as day 1 (``receipt_day: true``, as
procedures that number their timelines from the day a complaint arrives do) in its
configuration.

>>> import pandas as pd
>>> c = pd.DataFrame({"complaint_id": ["C1", "C2"], "stage": [None, None],
...     "received_date": pd.to_datetime(["2024-03-28", "2024-03-28"]),
...     "acknowledged_date": pd.to_datetime(["2024-04-04", "2024-04-05"]),
...     "responded_date": pd.to_datetime([None, None])})
>>> t = timeliness(c, "england", as_of=pd.Timestamp("2024-04-30"))
>>> t["acknowledged_within"].tolist()   # Easter: 4 April is the 3rd working day after
[True, False]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.methods.working_days import WorkingDays

#: Stage names recognised as the Scottish model procedure's two stages.
STAGE_1 = {"1", "stage 1", "frontline", "frontline resolution", "early resolution"}
STAGE_2 = {"2", "stage 2", "investigation"}


@dataclass(frozen=True)
class Rules:
    """Time limits (days) for acknowledging and responding, by stage where the rules differ."""

    acknowledge: int | None
    respond: int
    stage1_respond: int | None = None
    basis: str = "working"
    receipt_day: bool = False


DEFAULT_RULES = {
    "england": Rules(acknowledge=3, respond=25),
    "northern_ireland": Rules(acknowledge=2, respond=20),
    "wales": Rules(acknowledge=2, respond=30),
    "scotland": Rules(acknowledge=3, respond=20, stage1_respond=5),
}


def rules_for(nation: str, overrides: dict | None = None) -> Rules:
    """The nation's default rules, with any configured ``overrides`` (same field names)."""
    if nation not in DEFAULT_RULES:
        raise ValueError(
            f"no complaint rules for nation {nation!r}; use one of {sorted(DEFAULT_RULES)}"
        )
    base = DEFAULT_RULES[nation].__dict__ | dict(overrides or {})
    unknown = set(base) - set(Rules.__dataclass_fields__)
    if unknown:
        raise ValueError(
            f"unknown complaint rule(s) {sorted(unknown)}; use {sorted(Rules.__dataclass_fields__)}"
        )
    if base["basis"] not in ("working", "calendar"):
        raise ValueError(
            f"complaint rule basis must be 'working' or 'calendar', not {base['basis']!r}"
        )
    if not isinstance(base["receipt_day"], bool):
        raise ValueError(
            f"complaint rule receipt_day must be true or false, not {base['receipt_day']!r}"
        )
    return Rules(**base)


def _stage1(stage: pd.Series) -> pd.Series:
    return stage.fillna("").astype(str).str.strip().str.lower().isin(STAGE_1)


def timeliness(
    complaints: pd.DataFrame, nation: str, as_of: pd.Timestamp, rules: Rules | None = None
) -> pd.DataFrame:
    """Per complaint: days taken, the limits that applied, and whether each was met.

    ``acknowledged_within`` / ``responded_within`` are True or False once decided and
    <NA> while the deadline has not yet passed at ``as_of`` and no reply has been sent.
    A complaint still unanswered after its deadline counts as not within.
    ``acknowledge_decided`` / ``respond_decided`` give the day each was settled (the
    reply, or the missed deadline), so a month's figure counts the replies due and
    sent in it, as complaints teams report. Stage 1 complaints under the Scottish
    procedure need no acknowledgement.
    """
    rules = rules or rules_for(nation)
    cal = WorkingDays(nation)
    received = complaints["received_date"]

    def elapsed(end):
        if rules.basis == "calendar":
            return ((end - received).dt.days + int(rules.receipt_day)).astype("Int64")
        return cal.elapsed(received, end, rules.receipt_day)

    def deadline(days):
        if rules.basis == "calendar":
            return received + pd.to_timedelta(days - int(rules.receipt_day), unit="D")
        return cal.deadline(received, int(days), rules.receipt_day).set_axis(received.index)

    def within(done: pd.Series, limit: pd.Series) -> pd.Series:
        taken = elapsed(done)
        due = pd.Series(pd.NaT, index=received.index, dtype="datetime64[ns]")
        for days in limit.dropna().unique():
            rows = limit == days
            due[rows] = deadline(days)[rows]
        result = (taken <= limit.astype("Int64")).astype("boolean")
        overdue = done.isna() & (due < as_of)
        result[done.isna()] = pd.NA
        result[overdue] = False
        result[limit.isna()] = pd.NA
        decided = done.where(done.notna(), due.where(overdue))
        decided[limit.isna()] = pd.NaT
        return taken, result, decided

    stage1 = (
        _stage1(complaints["stage"])
        if rules.stage1_respond is not None
        else pd.Series(False, index=received.index)
    )
    ack_limit = pd.Series(rules.acknowledge, index=received.index, dtype="Int64")
    ack_limit[stage1] = pd.NA
    resp_limit = pd.Series(rules.respond, index=received.index, dtype="Int64")
    resp_limit[stage1] = rules.stage1_respond
    ack_days, ack_ok, ack_decided = within(complaints["acknowledged_date"], ack_limit)
    resp_days, resp_ok, resp_decided = within(complaints["responded_date"], resp_limit)
    return pd.DataFrame(
        {
            "complaint_id": complaints["complaint_id"],
            "received_date": received,
            "acknowledge_limit": ack_limit,
            "acknowledge_days": ack_days,
            "acknowledged_within": ack_ok,
            "acknowledge_decided": ack_decided,
            "respond_limit": resp_limit,
            "respond_days": resp_days,
            "responded_within": resp_ok,
            "respond_decided": resp_decided,
        }
    )


#: Age bands for open complaints (calendar days since receipt).
OPEN_AGE_BANDS = [
    (0, 25, "0-25 days"),
    (26, 40, "26-40 days"),
    (41, 60, "41-60 days"),
    (61, 10**6, "over 60 days"),
]


def return_subjects(
    raised: pd.DataFrame, mapping: Mapping[str, str], subjects: list[str]
) -> pd.DataFrame:
    """Complaints under each subject area of a national return, such as NHS England's KO41a.

    ``raised`` has a row per complaint and local subject (``complaint_id``, ``subject``);
    ``mapping`` takes local subjects to the return's ``subjects``. As the KO41a
    guidance records a complaint covering several aspects, a complaint counts once
    under each return subject it raises (two local subjects with one home count
    once). Every return subject is listed, in the return's order, zeros included;
    subjects the mapping lacks count under "Not mapped" and are named in
    ``local_subjects`` so they can be added; complaints with no subject, under
    "Not recorded".

    >>> raised = pd.DataFrame({"complaint_id": ["C1", "C1", "C2"],
    ...     "subject": ["Staff attitude", "Rudeness", "Parking"]})
    >>> t = return_subjects(raised, {"Staff attitude": "Values", "Rudeness": "Values"},
    ...     ["Values", "Other"])
    >>> t[["subject", "complaints"]].values.tolist()
    [['Values', 1], ['Other', 0], ['Not mapped', 1]]
    """
    national = raised["subject"].map(mapping)
    national = national.where(raised["subject"].notna(), "Not recorded").fillna("Not mapped")
    pairs = pd.DataFrame(
        {"complaint_id": raised["complaint_id"], "subject": national, "local": raised["subject"]}
    )
    counts = pairs.drop_duplicates(["complaint_id", "subject"]).value_counts("subject")
    local = (
        pairs.dropna(subset=["local"])
        .groupby("subject")["local"]
        .agg(lambda names: "; ".join(sorted(set(names))))
    )
    extra = [s for s in ("Not mapped", "Not recorded") if s in counts.index]
    order = list(subjects) + extra
    return pd.DataFrame(
        {
            "subject": order,
            "complaints": counts.reindex(order, fill_value=0).astype(int).to_numpy(),
            "local_subjects": local.reindex(order, fill_value="").to_numpy(),
        }
    )


def profile(
    complaints: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    subjects: pd.DataFrame | None = None,
    subject_map: Mapping[str, str] | None = None,
    national_subjects: list[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """The complaints lead's profile for complaints received from ``start`` to ``end``.

    Returns tables: ``by_subject`` and ``by_service`` (volumes, in the subject
    categories the data records; with the ``complaint_subjects`` table a complaint
    counts once under each subject it raises); with ``subject_map`` and
    ``national_subjects``, ``by_return_subject`` (the same volumes in the national
    return's subject areas, see :func:`return_subjects`); ``outcomes`` (upheld /
    partly upheld / not upheld counts and shares of complaints with an outcome),
    ``flags`` (reopened and ombudsman referrals), and ``open_by_age`` (complaints
    still open at ``end``, received at any time, by days since receipt).
    """
    in_period = complaints[complaints["received_date"].between(start, end)]
    if subjects is not None:
        raised = subjects[subjects["complaint_id"].isin(in_period["complaint_id"])]
        unrecorded = in_period.loc[~in_period["complaint_id"].isin(raised["complaint_id"])]
        raised = pd.concat(
            [
                raised[["complaint_id", "subject"]],
                unrecorded[["complaint_id"]].assign(subject=None),
            ],
            ignore_index=True,
        )
    else:
        raised = in_period[["complaint_id", "subject"]]
    by_subject = (
        raised["subject"]
        .fillna("Not recorded")
        .value_counts()
        .rename_axis("subject")
        .reset_index(name="complaints")
    )
    by_service = (
        in_period["service_id"]
        .value_counts()
        .rename_axis("service_id")
        .reset_index(name="complaints")
    )
    decided = in_period["outcome"].dropna()
    decided = decided[decided != "withdrawn"]
    outcomes = decided.value_counts().reindex(
        ["upheld", "partly upheld", "not upheld"], fill_value=0
    )
    outcomes = outcomes.rename_axis("outcome").reset_index(name="complaints")
    outcomes["percent"] = 100 * outcomes["complaints"] / max(len(decided), 1)
    flags = pd.DataFrame(
        {
            "measure": ["received", "reopened", "referred to the ombudsman"],
            "complaints": [
                len(in_period),
                int(in_period["reopened"].fillna(False).sum()),
                int(in_period["ombudsman_referral"].fillna(False).sum()),
            ],
        }
    )
    still_open = complaints[
        (complaints["received_date"] <= end)
        & (complaints["closed_date"].isna() | (complaints["closed_date"] > end))
    ]
    age = (end - still_open["received_date"]).dt.days
    labels = [label for _, _, label in OPEN_AGE_BANDS]
    band = pd.cut(age, [lo - 0.5 for lo, _, _ in OPEN_AGE_BANDS] + [10**6], labels=labels)
    open_by_age = (
        band.value_counts()
        .reindex(labels, fill_value=0)
        .rename_axis("age")
        .reset_index(name="complaints")
    )
    tables = {"by_subject": by_subject}
    if subject_map is not None and national_subjects is not None:
        tables["by_return_subject"] = return_subjects(raised, subject_map, national_subjects)
    return tables | {
        "by_service": by_service,
        "outcomes": outcomes,
        "flags": flags,
        "open_by_age": open_by_age,
    }
