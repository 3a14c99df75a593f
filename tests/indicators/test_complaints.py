"""Complaints timeliness per nation and the complaints lead's profile, on hand-made tables."""

import pandas as pd
import pytest

from analysis.ingest.store import validate
from analysis.methods.complaints import profile, rules_for, timeliness

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
