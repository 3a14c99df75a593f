""" "You said, We did" actions, staff and service-user surveys, and other systems' measures.

The measures follow the logic models the project ships (Leicestershire Partnership's
Patient Experience and Involvement Delivery Plan 2019-2022 and Midlothian's "using
what people tell us"): their ``measure_id`` and ``question_id`` values are the ones the
models' indicators read. The self-assessment starts from the scores Leicestershire
Partnership published for its 2019 organisation self-assessment against the NHS
Improvement Patient Experience Improvement Framework (2.6, 2.8, 2.2, 2, 2, 2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.demo.partnership import Partnership

#: (theme, you said, we did) the actions draw from; themes are v7 sub-categories.
ACTION_TEMPLATES = [
    (
        "Contacting services",
        "It was hard to get through on the phone.",
        "We added a second line at busy times and call back every message the same day.",
    ),
    (
        "Timeliness of care",
        "The wait for a first appointment was too long.",
        "We run extra clinics on Saturdays and tell people how long the wait will be.",
    ),
    (
        "Being kept informed, clarity & consistency of information",
        "Nobody told me what was happening with my care.",
        "Every person now gets a named contact and a letter after each review.",
    ),
    (
        "Food & drink provision & facilities",
        "The food on the ward was cold and repetitive.",
        "We changed the menu with patients and serve hot meals from a trolley on the ward.",
    ),
    (
        "Environment, facilities & equipment",
        "The waiting area was shabby and noisy.",
        "We redecorated the waiting area and added a quiet room.",
    ),
    (
        "Staff listening, understanding & involving patients",
        "I did not feel listened to.",
        "Staff took part in listening training designed with experts by experience.",
    ),
    (
        "Activities & access to fresh air",
        "There was nothing to do in the evenings.",
        "We started evening activity groups and daily garden time.",
    ),
    (
        "Interaction with family/ carers",
        "My family were not involved in planning my care.",
        "Carers are now invited to every care review and receive a carers' pack.",
    ),
    (
        "Appointment arrangements",
        "Appointments were changed at short notice.",
        "We confirm appointments by text a week ahead and only rearrange in emergencies.",
    ),
    (
        "Parking",
        "There was nowhere to park for appointments.",
        "We reserved spaces for patients and put the bus times on appointment letters.",
    ),
]
STEP_ACTION = (
    "Contacting services",
    "You told us you could not get through to the team on the phone and calls were not returned.",
    "We set up a duty line staffed every weekday from 9am to 5pm and return every message the same day.",
)
#: Actions from the 2019 community mental health survey: (you said, we did, months to complete).
SURVEY_ACTIONS_THEME = "Community mental health survey 2019"
SURVEY_ACTIONS = [
    (
        "People did not know who to contact out of hours.",
        "Every care plan now lists the crisis line.",
        4,
    ),
    (
        "People were not asked about their physical health.",
        "Annual physical health checks are offered.",
        6,
    ),
    (
        "People were not given a copy of their care plan.",
        "Care plans are sent within two weeks.",
        3,
    ),
    (
        "People were not told about peer support.",
        "Peer support workers join first appointments.",
        30,
    ),
]
SURVEY_ACTIONS_HEARD = pd.Timestamp("2019-12-09")
#: "You said, We did" actions heard a quarter, partnership-wide.
ACTIONS_PER_QUARTER = 4
#: Survey questions: (id, respondent group, survey, question, first-year share positive, yearly change).
SURVEY_QUESTIONS = [
    (
        "feedback_used_for_decisions",
        "staff",
        "NHS Staff Survey",
        "Feedback from patients/service users is used to make informed decisions within my "
        "directorate/department",
        0.51,
        0.025,
    ),
    (
        "receive_feedback_updates",
        "staff",
        "NHS Staff Survey",
        "I receive regular updates on patient/service user experience feedback in my "
        "directorate/department",
        0.55,
        0.015,
    ),
    (
        "confidence_in_engagement_approach",
        "staff",
        "Staff and partners engagement survey",
        "I am confident in the partnership's approach to using service user and public engagement",
        0.45,
        0.04,
    ),
    (
        "views_taken_into_account",
        "service users",
        "Service user experience survey",
        "My views are taken into account in planning and delivering services",
        0.58,
        0.03,
    ),
    (
        "involved_in_care_planning",
        "service users",
        "Service user experience survey",
        "I was involved as much as I wanted to be in agreeing what care I will receive",
        0.66,
        0.02,
    ),
    (
        "carers_feel_listened_to",
        "carers",
        "Carers survey",
        "As a carer I feel listened to",
        0.52,
        0.02,
    ),
]
SURVEY_COLUMNS = [
    "survey",
    "respondent_group",
    "year",
    "service_code",
    "question_id",
    "question",
    "responses",
    "positive",
    "percent_positive",
]
STAFF_RESPONDENTS = 1800
SERVICE_USER_RESPONDENTS = 120
CARER_RESPONDENTS = 250
#: Self-assessment domains (NHS Improvement Patient Experience Improvement Framework) and 2019 scores.
SELF_ASSESSMENT = {
    "leadership": ("Leadership for patient focus", 2.6),
    "culture": ("Organisational culture", 2.8),
    "capacity": ("Capacity and capability to effectively collect feedback", 2.2),
    "analysis": ("Analysis and triangulation of patient feedback", 2.0),
    "improvement": ("Using patient feedback to drive quality improvement and learning", 2.0),
    "reporting": ("Reporting and publication of patient feedback", 2.0),
}
SELF_ASSESSMENT_GAIN = 0.4
#: Financial-year-end values of the trajectories (percent unless stated), from 2019/20.
COLLABORATIVE_CARE_PLANNING = [42.0, 63.0, 88.0, 91.0, 93.0, 94.0]
EXPERTS_BY_EXPERIENCE_CUMULATIVE = [12, 34, 66, 81, 95, 104]
ANNUAL_PERCENTS = {
    "services_publishing_engagement_reports": (
        "Services publishing a public report on engagement",
        [20.0, 30.0, 40.0, 60.0, 70.0, 80.0],
    ),
    "services_evidencing_user_involvement": (
        "Services and planning groups evidencing service user involvement",
        [30.0, 35.0, 50.0, 65.0, 75.0, 85.0],
    ),
    "staff_trained_in_engagement": (
        "Staff trained in consulting with service users and using feedback",
        [15.0, 22.0, 35.0, 48.0, 60.0, 70.0],
    ),
}


def _fy_index(end: pd.Timestamp, first_fy: int) -> int:
    return (end.to_period("M") - 3).year - first_fy


def generate_actions(
    part: Partnership, rng: np.random.Generator, planted: dict
) -> tuple[pd.DataFrame, dict]:
    """Actions heard each quarter at random services, plus the one behind the planted recovery."""
    period_end = part.months[-1].to_timestamp(how="end").normalize()
    quarters = pd.period_range(part.months[0], part.months[-1], freq="Q-MAR")
    rows = []
    for q in quarters:
        for _ in range(ACTIONS_PER_QUARTER):
            theme, said, did = ACTION_TEMPLATES[int(rng.integers(len(ACTION_TEMPLATES)))]
            service = part.services[int(rng.integers(len(part.services)))]
            heard = q.start_time + pd.Timedelta(days=int(rng.integers(0, 90)))
            rows.append(_action(rng, service, theme, said, did, heard, period_end))
    if part.months[0].to_timestamp() <= SURVEY_ACTIONS_HEARD <= period_end:
        cmht = [s for s in part.services if s.setting == "mental health community"] or part.services
        for k, (said, did, months) in enumerate(SURVEY_ACTIONS):
            done = SURVEY_ACTIONS_HEARD + pd.DateOffset(months=months)
            row = _action(
                rng,
                cmht[k % len(cmht)],
                SURVEY_ACTIONS_THEME,
                said,
                did,
                SURVEY_ACTIONS_HEARD,
                period_end,
            )
            if done <= period_end:
                row.update(action_date=done, status="Complete")
            rows.append(row)
    step = planted.get("step")
    if step:
        service = part.service(step["service_id"])
        done = pd.Timestamp(step["action_date"])
        heard = pd.Period(str(step["drop"])[:7], "M").to_timestamp() + pd.Timedelta(days=45)
        rows.append(
            {
                "service_id": service.service_id,
                "service_code": service.code_on(heard),
                "theme": STEP_ACTION[0],
                "you_said": STEP_ACTION[1],
                "we_did": STEP_ACTION[2],
                "heard_date": heard,
                "action_date": done,
                "status": "Complete",
                "published": "Y",
                "published_date": done + pd.Timedelta(days=10),
                "planted": True,
            }
        )
    df = pd.DataFrame(rows)
    df["planted"] = df["planted"].fillna(False).astype(bool)
    df = (
        df.loc[df["heard_date"] <= period_end]
        .sort_values("heard_date", kind="stable")
        .reset_index(drop=True)
    )
    df.insert(0, "action_id", [f"YSWD-{i:04d}" for i in range(1, len(df) + 1)])
    truth = {}
    if step:
        # The action is heard after the drop; a period ending before then has no action.
        planted_rows = df.loc[df["planted"]]
        truth["action_id"] = planted_rows["action_id"].iloc[0] if len(planted_rows) else None
    return df.drop(columns="planted"), truth


def _action(rng, service, theme, said, did, heard, period_end) -> dict:
    done = heard + pd.Timedelta(days=int(rng.integers(20, 150)))
    if done > period_end:
        status, done = ("In progress" if rng.random() < 0.6 else "Planned"), pd.NaT
    elif rng.random() < 0.05:
        status = "Not taken forward"
    else:
        status = "Complete"
    published = status == "Complete" and rng.random() < 0.7
    published_date = done + pd.Timedelta(days=int(rng.integers(5, 40))) if published else pd.NaT
    if published and published_date > period_end:
        published, published_date = False, pd.NaT
    return {
        "service_id": service.service_id,
        "service_code": service.code_on(heard),
        "theme": theme,
        "you_said": said,
        "we_did": did,
        "heard_date": heard,
        "action_date": done if status != "Not taken forward" else pd.NaT,
        "status": status,
        "published": "Y" if published else "N",
        "published_date": published_date,
    }


def generate_surveys(part: Partnership, rng: np.random.Generator) -> pd.DataFrame:
    """Yearly results: staff and carers partnership-wide, service users per service.

    A survey year appears once its results are in: March of the following year.
    """
    # Survey year Y is fielded in the autumn; its results arrive in March of Y + 1.
    first = part.months[0].year - 1
    years = [
        y
        for y in range(first, part.months[-1].year + 1)
        if pd.Period(f"{y + 1}-03", "M") in part.months
    ]
    rows = []
    for year in years:
        for qid, group, survey, question, start, change in SURVEY_QUESTIONS:
            share = min(start + change * (year - 2019) - (0.03 if year == 2020 else 0.0), 0.97)
            if group == "service users":
                targets = [
                    (s.code_on(pd.Timestamp(year, 9, 1)), SERVICE_USER_RESPONDENTS)
                    for s in part.services
                ]
            else:
                targets = [("", STAFF_RESPONDENTS if group == "staff" else CARER_RESPONDENTS)]
            for code, size in targets:
                n = int(rng.binomial(size, 0.8))
                positive = int(rng.binomial(n, share))
                rows.append(
                    {
                        "survey": survey,
                        "respondent_group": group,
                        "year": year,
                        "service_code": code,
                        "question_id": qid,
                        "question": question,
                        "responses": n,
                        "positive": positive,
                        "percent_positive": round(100 * positive / n, 1),
                    }
                )
    return pd.DataFrame(rows, columns=SURVEY_COLUMNS)


def generate_measures(part: Partnership, rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    """Quarterly and yearly measures other systems count, partnership-wide."""
    first_fy = (part.months[0] - 3).year
    quarters = pd.period_range(part.months[0], part.months[-1], freq="Q-MAR")
    rows = []

    def add(measure_id, label, start, end, value, unit, system):
        rows.append(
            {
                "measure_id": measure_id,
                "label": label,
                "period_start": start,
                "period_end": end,
                "service_code": "",
                "value": value,
                "unit": unit,
                "source_system": system,
            }
        )

    def trajectory(values, end: pd.Timestamp, q: int) -> float:
        """Linear between financial-year ends; ``q`` is the quarter of the year (1-4)."""
        i = min(max(_fy_index(end, 2019), 0), len(values) - 1)
        prev = values[i - 1] if i > 0 else values[0] * 0.6
        return prev + (values[i] - prev) * q / 4

    for q in quarters:
        start, end = q.start_time.normalize(), q.end_time.normalize()
        qn = q.quarter
        pilot = float(end >= pd.Timestamp("2020-03-31"))
        add(
            "realtime_survey_pilot",
            "Real time patient experience questions pilot live",
            start,
            end,
            pilot,
            "flag",
            "Patient experience team",
        )
        add(
            "realtime_survey_trustwide",
            "Real time patient experience questions live in every directorate",
            start,
            end,
            float(end >= pd.Timestamp("2020-09-30")),
            "flag",
            "Patient experience team",
        )
        paused = (
            part.paused and part.paused[0] <= q.asfreq("M", "end") <= part.paused[1] and qn == 1
        )
        add(
            "quarterly_patient_experience_reports",
            "Quarterly patient experience reports published",
            start,
            end,
            0.0 if paused else 1.0,
            "count",
            "Patient experience team",
        )
        add(
            "experts_by_experience_programme",
            "Experts by experience programme co-produced",
            start,
            end,
            float(end >= pd.Timestamp("2019-12-31")),
            "flag",
            "Involvement database",
        )
        add(
            "collaborative_care_planning",
            "Care plans made collaboratively with patients and carers",
            start,
            end,
            round(trajectory(COLLABORATIVE_CARE_PLANNING, end, qn) + rng.normal(0, 0.8), 1),
            "percent",
            "Electronic care record audit",
        )
        add(
            "experts_by_experience_recruited",
            "Experts by experience recruited (cumulative)",
            start,
            end,
            float(round(trajectory(EXPERTS_BY_EXPERIENCE_CUMULATIVE, end, qn))),
            "count",
            "Involvement database",
        )
    for fy in range(first_fy, (part.months[-1] - 3).year + 1):
        start, end = pd.Timestamp(fy, 4, 1), pd.Timestamp(fy + 1, 3, 31)
        i = min(max(fy - 2019, 0), 5)
        add(
            "annual_patient_experience_report",
            "Annual patient experience report published",
            start,
            end,
            1.0,
            "count",
            "Patient experience team",
        )
        for key, (label, base) in SELF_ASSESSMENT.items():
            score = min(5.0, round(base + SELF_ASSESSMENT_GAIN * i + rng.normal(0, 0.1), 1))
            add(
                f"self_assessment_{key}",
                f"Self-assessment (0-5): {label}",
                start,
                end,
                score,
                "score",
                "Patient experience self-assessment",
            )
        for measure_id, (label, values) in ANNUAL_PERCENTS.items():
            add(measure_id, label, start, end, values[i], "percent", "Engagement register")
    df = pd.DataFrame(rows)
    year_ends = df.loc[df["period_end"].dt.month.eq(3) & df["period_end"].dt.day.eq(31)]
    truth = {
        mid: {
            d.date().isoformat(): float(v) for d, v in zip(g["period_end"], g["value"], strict=True)
        }
        for mid, g in year_ends.groupby("measure_id")
        if mid in ("collaborative_care_planning", "experts_by_experience_recruited")
    }
    return df, truth
