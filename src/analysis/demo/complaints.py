"""Synthetic complaints and compliments.

Complaints are acknowledged within the nation's working-day limit (England: three
working days after the day received, the Local Authority Social Services and National
Health Service Complaints (England) Regulations 2009, reg. 13(1); Scotland: the
Scottish Public Services Ombudsman's model complaints handling procedure, stage 1
(frontline) answered within five working days, stage 2 (investigation) acknowledged
within three working days and answered within twenty), counted on the nation's bank-holiday calendar, except a small
share acknowledged late and a planted run of late acknowledgements at one service.
Some complaints are received just before a bank holiday, so that their deadline spans
it: a calendar that ignores the holiday calls them late.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.demo.comments import CommentBank, comment_kind
from analysis.demo.partnership import Partnership
from analysis.methods.complaints import DEFAULT_RULES

#: How each nation's complaints are staged. ``quick`` is the stage answered within the
#: rules' ``stage1_respond`` working days (Scotland's frontline stage 1); other stages are
#: answered around the rules' ``respond``. Time limits come from
#: :data:`analysis.methods.complaints.DEFAULT_RULES`.
STAGES = {
    "england": {
        "stages": ["Local resolution"],
        "escalated": "Further local resolution",
        "quick": None,
    },
    "scotland": {
        "stages": ["Stage 1 frontline", "Stage 2 investigation"],
        "escalated": "Stage 2 investigation",
        "quick": "Stage 1 frontline",
    },
}
STAGES["wales"] = STAGES["northern_ireland"] = STAGES["england"]
SUBJECTS = [
    "Communication",
    "Clinical treatment",
    "Waiting times",
    "Staff attitude",
    "Appointments",
    "Discharge arrangements",
    "Medication",
    "Access to services",
    "Environment, facilities and café",
    "Records and confidentiality",
]
OUTCOMES = {"Upheld": 0.25, "Partially Upheld": 0.35, "Not Upheld": 0.35, "Withdrawn": 0.05}
#: Share of complaints acknowledged late outside the planted run, and how late (working days).
BACKGROUND_LATE = 0.04
LATE_RUN_SHARE = 0.8
REOPENED = 0.06
OMBUDSMAN = 0.02
CHANNELS = {"Card": 0.35, "Email": 0.25, "Letter": 0.1, "Verbal": 0.15, "Online form": 0.15}
#: Compliments a month for each complaint a month.
COMPLIMENTS_PER_COMPLAINT = 3.0
#: Compliments are written at some length: shorter source comments are not used for them.
COMPLIMENT_MIN_CHARS = 40


def _days(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[D]")


def generate_complaints(
    part: Partnership, rng: np.random.Generator, planted: dict
) -> tuple[pd.DataFrame, dict]:
    """Complaints for every service and month, and the truth about their acknowledgement."""
    limits = DEFAULT_RULES[part.cfg.nation]
    rules = {
        **STAGES[part.cfg.nation],
        "acknowledge": limits.acknowledge,
        "respond": limits.respond,
        "quick_respond": limits.stage1_respond,
    }
    run = planted.get("late_acknowledgements")
    rows = []
    for m in part.months:
        first = m.to_timestamp()
        for s in part.services:
            n = int(rng.poisson(s.complaints))
            if n == 0:
                continue
            rows.append(
                pd.DataFrame(
                    {
                        "service_id": s.service_id,
                        "service_code": s.code_on(first),
                        "received_date": first
                        + pd.to_timedelta(rng.integers(0, m.days_in_month, n), "D"),
                    }
                )
            )
    df = pd.concat(rows, ignore_index=True)
    df = _add_before_bank_holidays(part, df)
    df = df.sort_values(["received_date", "service_id"], kind="stable").reset_index(drop=True)
    n = len(df)
    received = _days(df["received_date"].to_numpy())
    deadline = part.working_day_deadline(received, rules["acknowledge"])
    # On time: 0 to the limit working days after receipt; late: 1 to 5 working days past it.
    on_time_offset = rng.integers(0, rules["acknowledge"] + 1, n)
    start = np.busday_offset(received, 0, roll="backward", holidays=part.bank_holidays)
    ack = np.busday_offset(start, on_time_offset, roll="forward", holidays=part.bank_holidays)
    ack = np.maximum(ack, received)
    late = rng.random(n) < BACKGROUND_LATE
    in_run = np.zeros(n, dtype=bool)
    if run:
        in_run = (
            (df["service_id"].to_numpy() == run["service_id"])
            & (df["received_date"] >= pd.Timestamp(run["start"])).to_numpy()
            & (df["received_date"] <= pd.Timestamp(run["end"])).to_numpy()
        )
        late = np.where(in_run, rng.random(n) < LATE_RUN_SHARE, late)
    late_ack = np.busday_offset(
        deadline, rng.integers(1, 6, n), roll="forward", holidays=part.bank_holidays
    )
    ack = np.where(late, late_ack, ack)
    before_holiday = df.pop("before_bank_holiday").to_numpy()
    ack = np.where(before_holiday, deadline, ack)
    late &= ~before_holiday

    reopened_draw = rng.random(n) < REOPENED
    stage = rng.choice(rules["stages"], n)
    respond_days = rng.integers(8, rules["respond"] + 15, n)
    if rules["quick"]:
        quick = stage == rules["quick"]
        respond_days = np.where(quick, rng.integers(1, rules["quick_respond"] + 3, n), respond_days)
    responded = np.busday_offset(start, respond_days, roll="forward", holidays=part.bank_holidays)
    closed = responded + rng.integers(0, 15, n).astype("timedelta64[D]")
    outcome = rng.choice(list(OUTCOMES), size=n, p=list(OUTCOMES.values()))
    withdrawn = outcome == "Withdrawn"
    period_end = _days(np.array([part.months[-1].to_timestamp(how="end")], dtype="datetime64[ns]"))[
        0
    ]
    open_ = closed > period_end
    nat = np.datetime64("NaT")
    df["acknowledged_date"] = ack
    df["responded_date"] = np.where(withdrawn | (responded > period_end), nat, responded)
    df["closed_date"] = np.where(open_, nat, closed)
    df["outcome"] = np.where(open_, "", outcome)
    reopened = reopened_draw & ~open_ & ~withdrawn
    df["reopened"] = np.where(reopened, "Y", "N")
    df["stage"] = np.where(reopened, rules["escalated"], stage)
    df["ombudsman_referral"] = np.where(reopened & (rng.random(n) < OMBUDSMAN / REOPENED), "Y", "N")
    k = rng.integers(1, 4, n)
    subjects = np.array(SUBJECTS, dtype=object)
    picks = np.array([rng.choice(len(SUBJECTS), 3, replace=False) for _ in range(n)])
    df["subject"] = [";".join(subjects[p[:j]]) for p, j in zip(picks, k, strict=True)]
    df.insert(
        0, "complaint_id", [f"COM-{d.year}-{i:05d}" for i, d in enumerate(df["received_date"], 1)]
    )

    rule = (
        f"acknowledged within {rules['acknowledge']} working days after the day received "
        f"({part.cfg.nation} bank holidays)"
    )
    truth = {
        "complaints": {
            "rule": rule,
            "received": n,
            "late_acknowledgements": int(late.sum()),
            "acknowledged_on_deadline_across_bank_holiday": int(before_holiday.sum()),
        }
    }
    if run:
        truth["late_acknowledgements"] = {
            "service_id": run["service_id"],
            "start": pd.Timestamp(run["start"]).date().isoformat(),
            "end": pd.Timestamp(run["end"]).date().isoformat(),
            "rule": rule,
            "complaints": int(in_run.sum()),
            "late": int((late & in_run).sum()),
            "late_elsewhere": int((late & ~in_run).sum()),
        }
    return df, truth


def _add_before_bank_holidays(part: Partnership, df: pd.DataFrame) -> pd.DataFrame:
    """One complaint on the working day before each bank holiday in the period (first service)."""
    lo, hi = part.months[0].to_timestamp(), part.months[-1].to_timestamp(how="end")
    holidays = [d for d in part.bank_holidays if lo <= pd.Timestamp(d) <= hi]
    eve = np.array(holidays, dtype="datetime64[D]") - np.timedelta64(1, "D")
    days = np.busday_offset(eve, 0, roll="backward", holidays=part.bank_holidays)
    days = np.unique(days[days >= np.datetime64(lo.date())])
    s = part.services[0]
    extra = pd.DataFrame(
        {
            "service_id": s.service_id,
            "service_code": [s.code_on(pd.Timestamp(d)) for d in days],
            "received_date": pd.to_datetime(days),
            "before_bank_holiday": True,
        }
    )
    return pd.concat([df.assign(before_bank_holiday=False), extra], ignore_index=True)


def generate_compliments(
    part: Partnership, rng: np.random.Generator, bank: CommentBank
) -> pd.DataFrame:
    """Compliments for every service and month, their text from positive real comments."""
    frames = []
    for m in part.months:
        first = m.to_timestamp()
        for s in part.services:
            n = int(rng.poisson(s.complaints * COMPLIMENTS_PER_COMPLAINT))
            if n == 0:
                continue
            frames.append(
                pd.DataFrame(
                    {
                        "service_id": s.service_id,
                        "service_code": s.code_on(first),
                        "received_date": first
                        + pd.to_timedelta(rng.integers(0, m.days_in_month, n), "D"),
                        "channel": rng.choice(list(CHANNELS), n, p=list(CHANNELS.values())),
                        "text": bank.draw(
                            rng,
                            comment_kind(s.setting),
                            "what_was_good",
                            "positive",
                            False,
                            n,
                            min_chars=COMPLIMENT_MIN_CHARS,
                        ),
                    }
                )
            )
    df = pd.concat(frames, ignore_index=True).sort_values("received_date", kind="stable")
    # Compliments are typed in word processors, which turn apostrophes typographic.
    df["text"] = df["text"].str.replace("'", "\u2019", regex=False)
    df.insert(0, "compliment_id", [f"CP{i:06d}" for i in range(1, len(df) + 1)])
    return df.reset_index(drop=True)
