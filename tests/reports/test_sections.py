"""Report sections: quotes are text, small numbers never reach the page."""

import pandas as pd

from analysis.publish.periods import Period
from analysis.publish.report import ReportBuilder
from analysis.publish.sections import thematic_review_section, themes_section

MARCH = Period.of("month", pd.Period("2025-03", "M"))
Q4 = Period.of("quarter", pd.Period("2025-03", "M"))
HOSTILE = "Great staff <script>alert('x')</script> and <b>kind</b> nurses on the ward"


def _comments(n_staff: int, n_parking: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    ids = [f"C{i}" for i in range(n_staff + n_parking)]
    comments = pd.DataFrame(
        {
            "comment_id": ids,
            "response_id": ids,
            "service_id": "S1",
            "response_date": pd.Timestamp("2025-03-10"),
            "question": "what_was_good",
            "text": [HOSTILE] + [f"Kind staff number {i} were lovely" for i in range(1, len(ids))],
        }
    )
    themes = pd.DataFrame(
        {
            "comment_id": ids,
            "category": ["Staff"] * n_staff + ["Environment"] * n_parking,
            "subcategory": ["Staff manner & personal attributes"] * n_staff
            + ["Parking"] * n_parking,
            "origin": "model",
            "score": 0.9,
        }
    )
    sentiment = pd.DataFrame({"comment_id": ids, "sentiment": "very positive", "score": 0.9})
    return comments, themes, sentiment


def test_quotes_are_escaped_and_small_theme_counts_suppressed(tmp_path):
    comments, themes, sentiment = _comments(n_staff=12, n_parking=3)
    responses = pd.DataFrame({"response_id": comments["response_id"], "rating": "Very good"})
    page, headlines = themes_section(
        ReportBuilder(tmp_path), comments, themes, sentiment, MARCH, responses=responses
    )
    assert "<script>" not in page and "&lt;script&gt;" in page
    # 12 comments about staff are shown; the 3 about parking are a small number.
    assert "<td class='count'>12</td>" in page
    assert "<td class='count'>3</td>" not in page
    assert "<td class='count'>*</td>" in page
    assert headlines[0].startswith("The most common themes in comments were Staff manner")


def test_thematic_review_leaves_out_small_topics_and_suppresses_small_compliment_counts(tmp_path):
    comments, themes, sentiment = _comments(n_staff=8, n_parking=2)
    complaints = pd.DataFrame(
        {
            "complaint_id": ["K1", "K2"],
            "service_id": "S1",
            "received_date": pd.Timestamp("2025-02-03"),
        }
    )
    subjects = pd.DataFrame({"complaint_id": ["K1", "K2"], "subject": "Communication"})
    compliments = pd.DataFrame(
        {
            "compliment_id": ["P1", "P2"],
            "service_id": "S1",
            "received_date": pd.Timestamp("2025-01-20"),
        }
    )
    services = pd.DataFrame({"service_id": ["S1"], "service_name": ["Willow Ward"]})
    page, _ = thematic_review_section(
        ReportBuilder(tmp_path),
        comments,
        themes,
        sentiment,
        complaints,
        subjects,
        compliments,
        services,
        Q4,
    )
    assert "Staff (8)" in page  # 8 comments carry the Staff category
    assert "Environment (2)" not in page and "Communication (2)" not in page
    assert "<td class='count'>*</td>" in page  # 2 compliments


def test_surveys_pool_services_and_suppress_small_years(tmp_path):
    from analysis.publish.sections import surveys_section

    base = {
        "survey": "Service user survey",
        "respondent_group": "service users",
        "question": "My views are taken into account",
        "percent_positive": None,
    }
    surveys = pd.DataFrame(
        [
            # 2023: two services pooled, (30 + 15) / (40 + 20) = 75.0%
            {**base, "year": 2023, "service_id": "S1", "responses": 40, "positive": 30},
            {**base, "year": 2023, "service_id": "S2", "responses": 20, "positive": 15},
            # 2024: only 3 people answered: suppressed
            {**base, "year": 2024, "service_id": "S1", "responses": 3, "positive": 2},
        ]
    )
    page, _ = surveys_section(
        ReportBuilder(tmp_path), surveys, Period.of("year", pd.Period("2025-03", "M"))
    )
    assert "<td>75.0%</td>" in page
    assert "<td>*</td>" in page and "66.7%" not in page


def test_complaints_section_uses_configured_rules_and_shows_the_ko41a_subject_areas(tmp_path):
    from analysis.config import load_config
    from analysis.publish.sections import complaints_section

    n = 6  # enough that no count is suppressed
    complaints = pd.DataFrame(
        {
            "complaint_id": [f"K{i}" for i in range(n)],
            "service_id": "S1",
            "received_date": pd.Timestamp("2025-03-03"),  # Monday
            "acknowledged_date": pd.Timestamp("2025-03-07"),  # 4th working day after
            "responded_date": pd.NaT,
            "closed_date": pd.NaT,
            "stage": None,
            "subject": "Staff attitude",
            "outcome": None,
            "reopened": False,
            "ombudsman_referral": False,
        }
    )
    subjects = complaints[["complaint_id", "subject"]]
    strict = load_config()
    page, _ = complaints_section(ReportBuilder(tmp_path), complaints, subjects, MARCH, strict)
    assert "KO41a" in page and "Values and behaviours (staff)" in page
    # England's 3 working days: none of the six acknowledgements was in time.
    assert "<td>Acknowledged in time</td><td class='count'>6</td><td class='count'>0</td>" in page
    lenient = load_config(complaints={"acknowledge": 4})
    page, _ = complaints_section(ReportBuilder(tmp_path), complaints, subjects, MARCH, lenient)
    assert "<td>Acknowledged in time</td><td class='count'>6</td><td class='count'>6</td>" in page
