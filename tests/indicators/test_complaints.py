"""Complaints timeliness per nation and the complaints lead's profile, on hand-made tables."""

import pandas as pd
import pytest

from analysis.ingest.store import validate
from analysis.methods.complaints import profile, rules_for, timeliness
from analysis.reference import ko41a_subjects

T = pd.Timestamp


def complaints(rows):
    base = {
        "service_id": "S1", "acknowledged_date": None, "responded_date": None, "closed_date": None,
        "stage": None, "subject": "Communication", "outcome": None, "reopened": False,
        "ombudsman_referral": False, "source_file": "hand", "source_record": None,
    }  # fmt: skip
    df = pd.DataFrame([{**base, "complaint_id": f"C{k}", **r} for k, r in enumerate(rows)])
    for c in ("received_date", "acknowledged_date", "responded_date", "closed_date"):
        df[c] = pd.to_datetime(df[c])
    return validate(df, "complaints")


def test_england_acknowledgement_deadline_and_pending():
    c = complaints(
        [
            {"received_date": "2024-03-28", "acknowledged_date": "2024-04-04"},  # 3rd working day
            {"received_date": "2024-03-28", "acknowledged_date": "2024-04-05"},  # 4th
            {"received_date": "2024-03-28"},  # not acknowledged, deadline 4 Apr passed
            {"received_date": "2024-04-29"},  # not acknowledged, deadline 2 May not passed
        ]
    )
    t = timeliness(c, "england", as_of=T("2024-04-30"))
    assert t["acknowledge_days"].tolist()[:2] == [3, 4]
    assert t["acknowledged_within"].tolist() == [True, False, False, pd.NA]


def test_scotland_stage_one_and_two():
    c = complaints(
        [
            # Stage 1: Mon 4 Mar 2024 → 5th working day Mon 11 Mar.
            {"received_date": "2024-03-04", "responded_date": "2024-03-11", "stage": "Stage 1"},
            {"received_date": "2024-03-04", "responded_date": "2024-03-12", "stage": "Stage 1"},
            # Stage 2 received on St Andrew's Day observed (2 Dec 2024): 20th working day 3 Jan 2025.
            {
                "received_date": "2024-12-02",
                "acknowledged_date": "2024-12-05",
                "responded_date": "2025-01-03",
                "stage": "Stage 2",
            },
            {
                "received_date": "2024-12-02",
                "acknowledged_date": "2024-12-06",
                "responded_date": "2025-01-06",
                "stage": "Stage 2",
            },
        ]
    )
    t = timeliness(c, "scotland", as_of=T("2025-03-31"))
    assert t["respond_limit"].tolist() == [5, 5, 20, 20]
    assert t["responded_within"].tolist() == [True, False, True, False]
    # stage 1 needs no acknowledgement; stage 2 within 3 working days (3, 4, 5 Dec)
    assert t["acknowledged_within"].tolist() == [pd.NA, pd.NA, True, False]


def test_calendar_day_basis_is_a_configuration_choice():
    c = complaints(
        [
            {"received_date": "2024-03-01", "responded_date": "2024-03-26"},  # 25 calendar days
            {"received_date": "2024-03-01", "responded_date": "2024-03-27"},  # 26
        ]
    )
    t = timeliness(
        c, "england", as_of=T("2024-06-30"), rules=rules_for("england", {"basis": "calendar"})
    )
    assert t["respond_days"].tolist() == [25, 26]
    assert t["responded_within"].tolist() == [True, False]


def test_bad_rules_are_clear_errors():
    with pytest.raises(ValueError, match="unknown complaint rule"):
        rules_for("england", {"respnd": 20})
    with pytest.raises(ValueError, match="basis must be"):
        rules_for("england", {"basis": "weekly"})


def test_profile_counts():
    c = complaints(
        [
            {
                "received_date": "2024-04-02",
                "subject": "Communication",
                "outcome": "upheld",
                "closed_date": "2024-04-20",
            },
            {
                "received_date": "2024-04-10",
                "subject": "Communication",
                "outcome": "not upheld",
                "closed_date": "2024-05-01",
                "reopened": True,
            },
            {
                "received_date": "2024-04-15",
                "subject": "Waiting times",
                "outcome": "partly upheld",
                "closed_date": "2024-05-02",
                "ombudsman_referral": True,
            },
            {
                "received_date": "2024-04-20",
                "subject": "Waiting times",
                "outcome": "withdrawn",
                "closed_date": "2024-04-21",
            },
            {
                "received_date": "2024-02-01",
                "subject": "Facilities",
            },  # still open at 30 Apr: 89 days
        ]
    )
    p = profile(c, T("2024-04-01"), T("2024-04-30"))
    assert dict(zip(p["by_subject"]["subject"], p["by_subject"]["complaints"], strict=True)) == {
        "Communication": 2,
        "Waiting times": 2,
    }
    outcomes = dict(zip(p["outcomes"]["outcome"], p["outcomes"]["percent"], strict=True))
    # three decided (withdrawn excluded): one each → 33.3%
    assert outcomes == pytest.approx(
        {"upheld": 100 / 3, "partly upheld": 100 / 3, "not upheld": 100 / 3}
    )
    assert p["flags"]["complaints"].tolist() == [4, 1, 1]
    # open at 30 April: the February complaint (89 days) and the two closed in May (20 and 15 days)
    assert dict(zip(p["open_by_age"]["age"], p["open_by_age"]["complaints"], strict=True)) == {
        "0-25 days": 2, "26-40 days": 0, "41-60 days": 0, "over 60 days": 1,
    }  # fmt: skip


def test_profile_counts_each_subject_a_complaint_raises():
    c = complaints(
        [
            {"received_date": "2024-04-02", "subject": "Communication;Waiting times"},
            {"received_date": "2024-04-10", "subject": "Communication"},
            {"received_date": "2024-03-10", "subject": "Communication"},  # outside April
        ]
    )
    subjects = validate(
        pd.DataFrame(
            {
                "complaint_id": ["C0", "C0", "C1", "C2"],
                "subject": ["Communication", "Waiting times", "Communication", "Communication"],
            }
        ),
        "complaint_subjects",
    )
    p = profile(c, T("2024-04-01"), T("2024-04-30"), subjects)
    counts = dict(zip(p["by_subject"]["subject"], p["by_subject"]["complaints"], strict=True))
    assert counts == {"Communication": 2, "Waiting times": 1}


def test_wales_two_working_days_to_acknowledge_and_thirty_to_respond():
    """Putting Things Right (NHS (Concerns, Complaints and Redress Arrangements) (Wales) Regs 2011).

    Received Thursday 28 March 2024: Good Friday and Easter Monday are bank holidays in
    Wales, so Tue 2 April is the 1st working day after and Wed 3 April the 2nd.
    Received Wednesday 1 May 2024: with the early May (6 May) and spring (27 May) bank
    holidays, 2–3 May are days 1–2, 7–10 May 3–6, 13–17 May 7–11, 20–24 May 12–16,
    28–31 May 17–20, 3–7 June 21–25 and 10–14 June 26–30: the deadline is 14 June.
    """
    c = complaints(
        [
            {"received_date": "2024-03-28", "acknowledged_date": "2024-04-03"},
            {"received_date": "2024-03-28", "acknowledged_date": "2024-04-04"},
            {"received_date": "2024-05-01", "responded_date": "2024-06-14"},
            {"received_date": "2024-05-01", "responded_date": "2024-06-17"},
        ]
    )
    t = timeliness(c, "wales", as_of=T("2024-07-31"))
    assert t["acknowledge_days"].tolist()[:2] == [2, 3]
    assert t["acknowledged_within"].tolist()[:2] == [True, False]
    assert t["respond_days"].tolist()[2:] == [30, 31]
    assert t["responded_within"].tolist()[2:] == [True, False]


def test_northern_ireland_limits_and_its_own_bank_holidays():
    """HSC Complaints Procedure: acknowledge within 2 and respond within 20 working days.

    St Patrick's Day 2024 fell on a Sunday, so Monday 18 March was the bank holiday in
    Northern Ireland (not in England): received Thursday 14 March, Fri 15 is day 1 and
    Tue 19 day 2. The Battle of the Boyne holiday (Friday 12 July 2024) is skipped too:
    received Monday 1 July, 2–5 July are days 1–4, 8–11 July 5–8, 15–19 July 9–13,
    22–26 July 14–18 and 29–30 July 19–20.
    """
    c = complaints(
        [
            {"received_date": "2024-03-14", "acknowledged_date": "2024-03-19"},
            {"received_date": "2024-07-01", "responded_date": "2024-07-30"},
            {"received_date": "2024-07-01", "responded_date": "2024-07-31"},
        ]
    )
    t = timeliness(c, "northern_ireland", as_of=T("2024-08-31"))
    assert t.loc[0, "acknowledge_days"] == 2
    assert bool(t.loc[0, "acknowledged_within"])
    assert t["respond_days"].tolist()[1:] == [20, 21]
    assert t["responded_within"].tolist()[1:] == [True, False]
    # The same acknowledgement is the 3rd working day in England (no 18 March holiday).
    assert timeliness(c, "england", as_of=T("2024-08-31")).loc[0, "acknowledge_days"] == 3


def test_volumes_in_the_national_return_subject_areas():
    c = complaints(
        [
            {"received_date": "2024-04-02"},
            {"received_date": "2024-04-03"},
            {"received_date": "2024-04-04"},
            {"received_date": "2024-04-05", "subject": None},
        ]
    )
    subjects = validate(
        pd.DataFrame(
            {
                # C0 raises two local subjects that share one KO41a home: counted once there.
                "complaint_id": ["C0", "C0", "C0", "C1", "C2"],
                "subject": [
                    "Staff attitude",
                    "Rudeness",
                    "Waiting times",
                    "Waiting times",
                    "Car park",
                ],
            }
        ),
        "complaint_subjects",
    )
    mapping = {
        "Staff attitude": "Values and behaviours (staff)",
        "Rudeness": "Values and behaviours (staff)",
        "Waiting times": "Waiting times",
    }
    national = ko41a_subjects()
    p = profile(c, T("2024-04-01"), T("2024-04-30"), subjects, mapping, national)
    table = p["by_return_subject"].set_index("subject")
    # Every KO41a subject area is listed, then the complaints the map could not place.
    assert table.index.tolist() == [*national, "Not mapped", "Not recorded"]
    assert table.loc["Values and behaviours (staff)", "complaints"] == 1  # C0 once
    assert table.loc["Waiting times", "complaints"] == 2  # C0 and C1
    assert table.loc["Not mapped", "complaints"] == 1  # C2's "Car park"
    assert table.loc["Not mapped", "local_subjects"] == "Car park"
    assert table.loc["Not recorded", "complaints"] == 1  # C3 has no subject
    assert (
        table.loc["Values and behaviours (staff)", "local_subjects"] == "Rudeness; Staff attitude"
    )
    assert table.loc["Communications", "complaints"] == 0


def test_complaint_subject_settings_are_checked_on_use():
    from analysis.complaint_settings import handling_rules, subject_mapping
    from analysis.config import ConfigError, load_config
    from analysis.demo.complaints import SUBJECTS

    mapping, national = subject_mapping(load_config())
    assert set(SUBJECTS) <= set(mapping)  # every subject the demonstration data records
    assert set(mapping.values()) <= set(national)

    typo = load_config(complaint_subjects={"map": {"Staff attitude": "Values & behaviours"}})
    with pytest.raises(ConfigError, match="'Staff attitude' map to subjects that are not KO41A"):
        subject_mapping(typo)
    with pytest.raises(ConfigError, match=r"complaint_subjects\.return: .*'ko41a'.*found 'k041'"):
        subject_mapping(load_config(complaint_subjects={"return": "k041", "map": {}}))
    assert subject_mapping(load_config(complaint_subjects={})) is None
    with pytest.raises(ConfigError, match="complaints.respnd: unknown key; did you mean `respond`"):
        handling_rules(load_config(complaints={"respnd": 20}))


def test_counting_the_day_of_receipt_as_day_one_is_a_configuration_choice():
    # Received Monday 4 March 2024 at stage 1 (5 working days). Counting from the day
    # after: 5–8 and 11 March are days 1–5. Counting the day of receipt: 4–8 March.
    c = complaints(
        [
            {"received_date": "2024-03-04", "responded_date": "2024-03-08", "stage": "Stage 1"},
            {"received_date": "2024-03-04", "responded_date": "2024-03-11", "stage": "Stage 1"},
            # Received on Saturday 2 March: day 1 is the next working day, Monday 4 March.
            {"received_date": "2024-03-02", "responded_date": "2024-03-08", "stage": "Stage 1"},
        ]
    )
    after = timeliness(c, "scotland", as_of=T("2024-03-31"))
    assert after["respond_days"].tolist() == [4, 5, 5]
    assert after["responded_within"].tolist() == [True, True, True]
    rules = rules_for("scotland", {"receipt_day": True})
    same = timeliness(c, "scotland", as_of=T("2024-03-31"), rules=rules)
    assert same["respond_days"].tolist() == [5, 6, 5]
    assert same["responded_within"].tolist() == [True, False, True]
    with pytest.raises(ValueError, match="receipt_day must be true or false"):
        rules_for("scotland", {"receipt_day": "yes"})
