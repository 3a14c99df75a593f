"""Each measure type evaluated from small hand-made tidy tables (validated by the schemas)."""

import pandas as pd
import pytest

from analysis.ingest.store import validate
from analysis.methods import indicators as ind
from analysis.methods.fft import monthly_summary

T = pd.Timestamp
CTX = ind.Context(nation="england", as_of=T("2024-06-30"))


def services():
    return validate(
        pd.DataFrame(
            {
                "service_id": ["MH", "CH"],
                "service_name": ["Ward", "District nursing"],
                "setting": ["mental health inpatient", "community health"],
                "directorate": [None, None],
                "partnership": ["Test", "Test"],
            }
        ),
        "services",
    )


def fft(rows):
    """FFT responses (rows, checked by the schema) as the indicators read them: counts per
    service and month (:func:`analysis.methods.fft.monthly_summary`)."""
    df = pd.DataFrame(
        [
            {"response_id": f"R{k}", "service_id": s, "response_date": T(d), "rating": r, "rating_scale": "six_point",
             "mode": "SMS", "age_band": None, "sex": None, "ethnicity": None, "source_file": "hand", "source_record": None}
            for k, (s, d, r) in enumerate(rows)
        ]
    )  # fmt: skip
    return monthly_summary(validate(df, "fft_responses"))


def eligible(rows):
    df = pd.DataFrame(
        [
            {
                "service_id": s,
                "month": T(m),
                "eligible": e,
                "source_file": "hand",
                "source_record": None,
            }
            for s, m, e in rows
        ]
    )
    return validate(df, "fft_eligible")


def test_proportion_response_rate_with_wilson_interval():
    # May 2024, mental health: 3 responses from 100 eligible → 3%, Wilson 95% (by hand):
    # z^2 = 3.841459, 2O + z^2 = 9.841459, 4Oq = 12 * 0.97 = 11.64, sqrt(15.481459) = 3.934648,
    # z * 3.934648 = 7.711770, 2(n + z^2) = 207.682918 → 1.0255% to 8.4519%
    tables = {
        "services": services(),
        "fft_monthly": fft([("MH", "2024-05-03", "Good")] * 3 + [("CH", "2024-05-04", "Poor")]),
        "fft_eligible": eligible([("MH", "2024-05-01", 100), ("CH", "2024-05-01", 50)]),
    }
    out = ind.evaluate(
        tables, "fft_response_rate", {"settings": ["mental health inpatient"]}, "proportion", "monthly",
        [ind.Target(">=", 3, T("2020-03-31"))], CTX,
    )  # fmt: skip
    row = out.iloc[-1]
    assert (row.numerator, row.denominator, row.value) == (3, 100, pytest.approx(3.0))
    assert row.lower == pytest.approx(1.0255, abs=1e-4) and row.upper == pytest.approx(
        8.4519, abs=1e-4
    )
    assert row.status == ind.MET and row.clear == "not clear" and row.small_denominator == False  # noqa: E712


def test_percent_positive_counts_dont_know_in_the_denominator():
    # NHS England: (Very good + Good) / all responses, "Don't know" included: 2 / 4 = 50%.
    ratings = ["Very good", "Good", "Poor", "Don't know"]
    tables = {
        "services": services(),
        "fft_monthly": fft([("MH", "2024-05-02", r) for r in ratings]),
    }
    out = ind.evaluate(tables, "fft_percent_positive", {}, "proportion", "monthly", [], CTX)
    assert out.iloc[-1].value == pytest.approx(50.0)
    assert out.iloc[-1].small_denominator == True  # noqa: E712 (4 responses < 30)
    assert out.iloc[-1].status == ind.NO_TARGET


def complaints(rows):
    df = pd.DataFrame(
        [
            {"complaint_id": f"C{k}", "service_id": "MH", "received_date": T(r), "acknowledged_date": T(a) if a else pd.NaT,
             "responded_date": pd.NaT, "closed_date": pd.NaT, "stage": None, "subject": None, "outcome": None,
             "reopened": False, "ombudsman_referral": False, "source_file": "hand", "source_record": None}
            for k, (r, a) in enumerate(rows)
        ]
    )  # fmt: skip
    return validate(df, "complaints")


def test_complaints_acknowledged_in_time_by_month_settled():
    # Each complaint counts in the month its acknowledgement was sent or became overdue.
    # Received Thu 28 Mar 2024, acknowledged Thu 4 Apr (3rd working day after Easter): April, in time.
    # Received Mon 8 Apr: acknowledged Thu 11 (3rd working day, in time) and Fri 12 (4th, late).
    # Received Mon 13 May, never acknowledged: due Thu 16 May, overdue → May, late.
    # Received Fri 28 Jun, not acknowledged, due Wed 3 Jul after as_of (30 Jun) → not counted.
    tables = {
        "complaints": complaints(
            [
                ("2024-03-28", "2024-04-04"),
                ("2024-04-08", "2024-04-11"),
                ("2024-04-08", "2024-04-12"),
                ("2024-05-13", None),
                ("2024-06-28", None),
            ]
        )
    }
    target = [ind.Target(">=", 100, None, T("2019-04-01"))]
    out = ind.evaluate(
        tables, "complaints_acknowledged_in_time", {}, "proportion", "monthly", target, CTX
    )
    by = out.set_index("period_label")
    assert list(by.index) == ["2024-04", "2024-05"]
    assert by.loc["2024-04", ["numerator", "denominator"]].tolist() == [2, 3]
    assert by.loc["2024-05", ["numerator", "denominator"]].tolist() == [0, 1]
    assert set(by["status"]) == {ind.NOT_MET}


def test_count_with_poisson_interval_and_rate_per_1000():
    tables = {
        "complaints": complaints([("2024-04-08", "2024-04-09")] * 5),
        "fft_eligible": eligible([("MH", "2024-04-01", 2000)]),
    }
    count = ind.evaluate(tables, "complaints_received", {}, "count", "monthly", [], CTX).iloc[-1]
    assert (count.value, round(count.lower, 3), round(count.upper, 3)) == (
        5,
        1.623,
        11.668,
    )  # exact Poisson table
    rate = ind.evaluate(
        tables, "complaints_per_1000_eligible", {}, "rate", "monthly", [], CTX
    ).iloc[-1]
    assert rate.value == pytest.approx(2.5)
    assert (rate.lower, rate.upper) == (
        pytest.approx(1.623 / 2, abs=1e-3),
        pytest.approx(11.668 / 2, abs=1e-3),
    )


def test_quarterly_periods_use_the_financial_year():
    tables = {
        "complaints": complaints([("2024-04-08", None), ("2024-06-20", None), ("2024-03-01", None)])
    }
    out = ind.evaluate(tables, "complaints_received", {}, "count", "quarterly", [], CTX)
    assert dict(zip(out["period_label"], out["value"], strict=True)) == {
        "2023/24 Q4": 1,
        "2024/25 Q1": 2,
    }


def test_mean_days_to_respond():
    df = complaints([("2024-04-01", None)] * 3)
    # responses 5, 10 and 15 working days after Mon 1 Apr 2024 (no holidays in April):
    df["responded_date"] = pd.to_datetime(["2024-04-08", "2024-04-15", "2024-04-22"])
    out = ind.evaluate(
        {"complaints": df}, "complaints_mean_days_to_respond", {}, "mean", "monthly", [], CTX
    )
    row = out.iloc[-1]
    # mean 10, sd 5, se 5/sqrt(3) = 2.886751, t(0.975, 2) = 4.302653 → half-width 12.420688
    assert row.value == pytest.approx(10)
    assert (row.lower, row.upper) == (
        pytest.approx(-2.420688, abs=1e-5),
        pytest.approx(22.420688, abs=1e-5),
    )


def measures(rows):
    df = pd.DataFrame(
        [
            {"measure_id": m, "label": m, "period_start": T(s), "period_end": T(e), "service_id": None,
             "value": v, "unit": u, "source_system": "hand", "source_file": "hand", "source_record": None}
            for m, s, e, v, u in rows
        ]
    )  # fmt: skip
    return validate(df, "measures")


def test_score_and_milestone_from_measures():
    tables = {
        "measures": measures(
            [
                ("sa", "2019-05-01", "2019-09-30", 2.6, "score"),
                ("sa", "2020-05-01", "2020-09-30", 3.1, "score"),
                ("pilot", "2019-10-01", "2019-12-31", 0, "flag"),
                ("pilot", "2020-01-01", "2020-03-31", 1, "flag"),
            ]
        )
    }
    ctx = ind.Context(as_of=T("2021-03-31"))
    score = ind.evaluate(tables, "measure", {"measure_id": "sa"}, "score", "annual", [], ctx)
    assert score["value"].tolist() == [2.6, 3.1] and score["lower"].isna().all()
    target = [ind.Target(">=", 1, T("2020-03-31"))]
    pilot = ind.evaluate(
        tables, "measure", {"measure_id": "pilot"}, "milestone", "quarterly", target, ctx
    )
    assert pilot["status"].tolist() == [ind.NOT_YET_DUE, ind.MET]


def test_survey_by_year_and_missing_data():
    df = pd.DataFrame(
        [
            {"survey": "NHS Staff Survey", "respondent_group": "staff", "year": y, "service_id": None,
             "question_id": "q", "question": "Feedback is used to make informed decisions",
             "responses": n, "positive": p, "percent_positive": None, "source_file": "hand", "source_record": None}
            for y, n, p in [(2022, 400, 200), (2023, 500, 280)]
        ]
    )  # fmt: skip
    tables = {"surveys": validate(df, "surveys")}
    out = ind.evaluate(
        tables, "survey_positive", {"question_id": "q"}, "proportion", "annual", [], CTX
    )
    assert dict(zip(out["period_label"], out["value"], strict=True)) == {"2022": 50.0, "2023": 56.0}
    with pytest.raises(ind.MissingData, match="no survey results for question 'other'"):
        ind.evaluate(
            tables, "survey_positive", {"question_id": "other"}, "proportion", "annual", [], CTX
        )
    with pytest.raises(ind.MissingData, match="complaints table is empty or absent"):
        ind.evaluate({}, "complaints_received", {}, "count", "monthly", [], CTX)


def test_england_comparator_from_published_fft():
    pub = pd.DataFrame(
        {
            "month": [T("2024-05-01")] * 2, "level": ["england", "organisation"], "setting": ["Mental Health"] * 2,
            "org_code": [None, "RT5"], "org_name": [None, "Trust"], "site_code": None, "ward": None,
            "total_responses": [3000, 10], "total_eligible": [100000, 100], "very_good": [2000, 5], "good": [600, 3],
            "neither": [200, 1], "poor": [100, 1], "very_poor": [60, 0], "dont_know": [40, 0],
            "source_file": "hand", "source_record": None,
        }
    )  # fmt: skip
    pub = validate(pub, "fft_published")
    rr = ind.england_fft(pub, "response_rate", ["mental health"], "monthly")
    pos = ind.england_fft(pub, "percent_positive", ["mental health"], "monthly")
    assert rr.iloc[0] == pytest.approx(3.0) and pos.iloc[0] == pytest.approx(2600 / 3000 * 100)
    assert rr.index[0] == pd.Period("2024-05", "M")
