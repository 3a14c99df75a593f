"""Report sections: quotes are text, small numbers never reach the page."""

import pandas as pd
import pytest

from analysis.config import load_config
from analysis.context import Context
from analysis.publish.report import ReportBuilder
from analysis.publish.sections import complaints, surveys, thematic_review, themes
from analysis.publish.sections.base import render

HOSTILE = "Great staff <script>alert('x')</script> and <b>kind</b> nurses on the ward"
SERVICES = pd.DataFrame(
    {"service_id": ["S1"], "service_name": ["Willow Ward"], "setting": ["mental health"]}
)


def _page(module, tmp_path, month="2025-03", kind="month", cfg=None, **tables):
    ctx = Context.of_tables(cfg or load_config(), month, kind, services=SERVICES, **tables)
    section = module.compute(ctx)
    return section, render(section, ReportBuilder(tmp_path))


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
    comments, theme_rows, sentiment = _comments(n_staff=12, n_parking=3)
    responses = pd.DataFrame({"response_id": comments["response_id"], "rating": "Very good"})
    section, page = _page(
        themes,
        tmp_path,
        comments=comments,
        themes=theme_rows,
        sentiment=sentiment,
        responses=responses,
    )
    assert "<script>" not in page and "&lt;script&gt;" in page
    # 12 comments about staff are shown; the 3 about parking are a small number.
    assert "<td class='count'>12</td>" in page
    assert "<td class='count'>3</td>" not in page
    assert "<td class='count'>*</td>" in page
    assert section.sentences[0].startswith("The most common themes were Staff manner")


def test_thematic_review_leaves_out_small_topics_and_suppresses_small_compliment_counts(tmp_path):
    comments, theme_rows, sentiment = _comments(n_staff=8, n_parking=2)
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
    _, page = _page(
        thematic_review, tmp_path, kind="quarter", comments=comments, themes=theme_rows,
        sentiment=sentiment, complaints=complaints, complaint_subjects=subjects,
        compliments=compliments,
    )  # fmt: skip
    assert "Q4 2024/25" in page and "2025Q1" not in page  # financial quarters, in words
    assert "Willow Ward" in page and "S1" not in page  # names, never codes
    assert "Staff (8)" in page  # 8 comments carry the Staff category
    assert "Environment (2)" not in page and "Communication (2)" not in page
    assert "<td class='count'>*</td>" in page  # 2 compliments


def test_thematic_review_says_why_a_route_names_no_topic(tmp_path):
    """A route whose topics are all under the published minimum gets a sentence, not a column
    empty in every row; a service whose route names no topic says so in its cell."""
    services = pd.DataFrame(
        {
            "service_id": ["S1", "S2"],
            "service_name": ["Willow Ward", "Podiatry"],
            "setting": ["mental health", "community health"],
        }
    )
    comments, theme_rows, sentiment = _comments(n_staff=8, n_parking=2)
    complaints = pd.DataFrame(
        {
            "complaint_id": [f"K{i}" for i in range(9)],
            "service_id": ["S1"] * 6 + ["S2"] * 3,  # S1: 6 about waiting; S2: 3 (too few)
            "received_date": pd.Timestamp("2025-02-03"),
        }
    )
    subjects = pd.DataFrame(
        {"complaint_id": complaints["complaint_id"], "subject": ["Waiting times"] * 9}
    )
    ctx = Context.of_tables(
        load_config(), "2025-03", "quarter", services=services, comments=comments,
        themes=theme_rows, sentiment=sentiment, complaints=complaints,
        complaint_subjects=subjects, compliments=pd.DataFrame(
            {"compliment_id": ["P1"], "service_id": "S2",  # Podiatry's row: a compliment
             "received_date": pd.Timestamp("2025-01-20")}
        ),
    )  # fmt: skip
    section = thematic_review.compute(ctx)
    table = section.tables[0].frame
    # Every comment is very positive: no concern is named for any service (min count 5).
    assert "Concerns in FFT comments" not in table.columns
    assert any(
        s.startswith("No concern in FFT comments was raised 5 or more times")
        for s in section.sentences
    )
    rows = table.set_index("Service")
    assert rows.loc["Willow Ward", "Complaint subjects"] == "Waiting times (6)"
    assert rows.loc["Podiatry", "Complaint subjects"] == "none named"  # 3 complaints
    assert "fewer than 5 times is not named (“none named” where" in section.sentences[0]


def test_surveys_pool_services_and_suppress_small_years(tmp_path):
    base = {
        "survey": "Service user survey",
        "respondent_group": "service users",
        "question": "My views are taken into account",
        "percent_positive": None,
    }
    table = pd.DataFrame(
        [
            # 2023: two services pooled, (30 + 15) / (40 + 20) = 75.0%
            {**base, "year": 2023, "service_id": "S1", "responses": 40, "positive": 30},
            {**base, "year": 2023, "service_id": "S2", "responses": 20, "positive": 15},
            # 2024: only 3 people answered: suppressed
            {**base, "year": 2024, "service_id": "S1", "responses": 3, "positive": 2},
        ]
    )
    _, page = _page(surveys, tmp_path, kind="year", surveys=table)
    assert "<td>75.0%</td>" in page
    assert "<td>*</td>" in page and "66.7%" not in page


def test_complaints_section_uses_configured_rules_and_shows_the_ko41a_subject_areas(tmp_path):
    n = 6  # enough that no count is suppressed
    received = pd.DataFrame(
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
    tables = {"complaints": received, "complaint_subjects": received[["complaint_id", "subject"]]}
    _, page = _page(complaints, tmp_path, **tables)
    assert "KO41a" in page and "Values and behaviours (staff)" in page
    # England's 3 working days: none of the six acknowledgements was in time.
    row = "<td>Acknowledged in time (3 working days)</td><td class='count'>6</td>"
    assert row + "<td class='count'>0</td>" in page
    lenient = load_config(complaints={"acknowledge": 4})
    _, page = _page(complaints, tmp_path, cfg=lenient, **tables)
    row = "<td>Acknowledged in time (4 working days)</td><td class='count'>6</td>"
    assert row + "<td class='count'>6</td>" in page


def test_two_actions_in_one_service_and_month_share_one_estimate_said_once(tmp_path):
    from analysis.publish.sections import actions

    # 60 answers a month for S1, about 30 positive before May 2024 and about 54 after: the
    # odds of a positive rating rise from about 1 to about 9, so the estimate is well above 1.
    months = pd.period_range("2023-11", "2025-02", freq="M")
    rows = []
    for k, m in enumerate(months):
        good = (54 if m >= pd.Period("2024-05", "M") else 30) + (0, 2, -2)[k % 3]
        rows += [("Very good" if i < good else "Poor", m.to_timestamp()) for i in range(60)]
    responses = pd.DataFrame(rows, columns=["rating", "response_date"]).assign(service_id="S1")
    eligible = pd.DataFrame({"service_id": "S1", "month": months.to_timestamp(), "eligible": 600})
    two = pd.DataFrame(
        {
            "action_id": ["A1", "A2"],
            "service_id": "S1",
            "you_said": ["Hard to get through", "Waiting too long"],
            "we_did": ["A named contact for everyone", "Extra clinics on Saturdays"],
            "heard_date": pd.Timestamp("2024-02-01"),
            "action_date": pd.Timestamp("2024-05-15"),
            "status": "completed",
            "published": True,
        }
    )
    section, page = _page(actions, tmp_path, responses=responses, eligible=eligible, actions=two)
    table = section.tables[-1].frame
    assert len(table) == 1  # one estimate, one row
    row = table.iloc[0]
    assert row["Service"] == "Willow Ward"
    assert "A named contact for everyone; Extra clinics on Saturdays" in row["What was done"]
    assert "(these 2 actions share one estimate)" in row["What was done"]
    assert row["Verdict"] == "More positive ratings after"
    assert row["When"].startswith("May 2024")


@pytest.mark.parametrize(
    ("statuses", "sentence"),
    [
        ([], "No action because of what people told us was completed in March 2025."),
        (["completed"], "1 action because of what people told us was completed in March 2025."),
        (
            ["completed"] * 2,
            "2 actions because of what people told us were completed in March 2025.",
        ),
    ],
)
def test_actions_completed_in_the_month_are_counted_in_words(tmp_path, statuses, sentence):
    from analysis.publish.sections import actions

    rows = pd.DataFrame(
        {
            "action_id": ["A0", *[f"A{i + 1}" for i in range(len(statuses))]],
            "service_id": "S1",
            "you_said": "Hard to get through",
            "we_did": "A named contact for everyone",
            "heard_date": pd.Timestamp("2025-01-10"),
            "action_date": pd.Timestamp("2025-03-12"),
            "status": ["in progress", *statuses],  # an action under way is not counted
            "published": True,
        }
    )
    responses = pd.DataFrame(
        {"rating": "Very good", "response_date": pd.Timestamp("2025-03-03"), "service_id": ["S1"]}
    )
    eligible = pd.DataFrame(
        {"service_id": ["S1"], "month": pd.Timestamp("2025-03-01"), "eligible": 9}
    )
    section, _ = _page(actions, tmp_path, actions=rows, responses=responses, eligible=eligible)
    assert section.sentences[0] == sentence


def test_good_news_quotes_pass_the_screen_name_their_service_and_are_not_repeated(tmp_path):
    from analysis.publish.sections import good_news

    kind = "The nurses were kind and explained everything to us, thank you all."
    texts = [
        kind,
        kind.upper(),  # the same words again: quoted once
        "Thank you to Sarah who looked after my mum so well on the ward.",  # a name
        "They sorted out my drugs quickly and were very kind to me.",  # substance use
    ]
    compliments = pd.DataFrame(
        {
            "compliment_id": [f"K{i}" for i in range(len(texts))],
            "service_id": "S1",
            "received_date": pd.Timestamp("2025-03-10"),
            "text": texts,
        }
    )
    section, page = _page(good_news, tmp_path, compliments=compliments)
    quoted = [q for g in section.data["quotes"] for q in g["quotes"]]
    assert [q["text"] for q in quoted] == [kind]
    assert "<footer>Willow Ward</footer>" in page
    assert "Sarah" not in page and "drugs" not in page
    assert "<td class='count'>*</td>" in page  # 4 compliments: a small count
    assert section.sentences == ["Fewer than 5 compliments were received in March 2025."]


def test_thematic_review_hides_a_quarter_of_compliments_that_gives_a_hidden_month_away(tmp_path):
    # 3 compliments in January are hidden on January's page; February's and March's 10 are
    # shown, so the quarter's 23 would give January's 3 away.
    comments, theme_rows, sentiment = _comments(n_staff=8, n_parking=0)
    dates = ["2025-01-20"] * 3 + ["2025-02-20"] * 10 + ["2025-03-05"] * 10
    complaints = pd.DataFrame(
        {"complaint_id": ["K1"], "service_id": "S1", "received_date": pd.Timestamp("2025-02-03")}
    )
    subjects = pd.DataFrame({"complaint_id": ["K1"], "subject": "Communication"})
    compliments = pd.DataFrame(
        {
            "compliment_id": [f"P{i}" for i in range(len(dates))],
            "service_id": "S1",
            "received_date": pd.to_datetime(dates),
        }
    )
    _, page = _page(
        thematic_review, tmp_path, kind="quarter", comments=comments, themes=theme_rows,
        sentiment=sentiment, complaints=complaints, complaint_subjects=subjects,
        compliments=compliments,
    )  # fmt: skip
    assert "Staff (8)" in page
    assert "<td class='count'>23</td>" not in page and "<td class='count'>*</td>" in page
