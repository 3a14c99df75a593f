"""Quotes: the sensitive-content screen on the real shipped comments, and quotes that fit their heading.

Expected reasons are labelled by hand, reading each shipped comment
(src/analysis/reference/labelled_comments_v6.csv.gz, pxtextmining, MIT licence).
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.methods.quotes import BETTER, GOOD, Screen, ScreenSettings, normalised, select_quotes
from analysis.publish.quote_screen import load_screen, rejections, shipped_candidates

#: comment id → a reason a reader would give for never quoting it (hand-labelled).
UNSAFE = {
    "NHFT 1986 - Q2": "self_harm_or_suicide",  # "Would drive you to suicide or madness."
    "NEAS 111 2623 - Q3": "substance_use",  # "I needed a controlled drug, Pregabalin"
    "NEAS S&C 2394 - Q2": "diagnosis_or_medication",  # "Spoke better about cancer …"
    "NEAS PTS 1326 - Q1": "age_or_date",  # "81 years old with many health problems"
    "NEAS PTS 1077 - Q1": "age_or_date",  # "I waited 4-5 hours" (read as a date: kept out)
    "NHFT 592 - Q2": "redaction_marker",  # "[name redacted] has been good to me …"
    "NHFT 1080 - Q1": "redaction_marker",  # "Only complaint was [word unreadable] …"
    "NEAS 111 1278 - Q2": "named_place_or_person",  # "go to Sunderland assessment centre"
    "NEAS PTS 1509 - Q2": "export_debris",  # "[5. How did you travel …] Ticked Don’t know"
    "NEAS PTS 1080 - Q2": "export_debris",  # "On Q27 … Has ticked No - Comments: …"
}
#: comments safe to quote, and where they fit (hand-labelled).
SAFE = {
    "NHFT 01 - Q2": GOOD,  # "Great communication, everything explained clearly …"
    "NEAS 111 1050 - Q3": GOOD,  # "… a walk in centre appointment time for my son …"
    "NEAS 111 1021 - Q3": BETTER,  # "got not answer when rang up"
    "NEAS 111 1054 - Q3": BETTER,  # "Just the amount of time it took to talk to someone"
}
NAMES = {"NEAS": "North East Ambulance Service", "NHFT": "Northamptonshire Healthcare"}


@pytest.fixture(scope="module")
def rejected():
    return {r.comment_id: r.reasons for r in rejections()}


@pytest.mark.parametrize(("comment_id", "reason"), UNSAFE.items())
def test_the_screen_keeps_out_hand_labelled_sensitive_comments(rejected, comment_id, reason):
    assert reason in rejected.get(comment_id, ()), rejected.get(comment_id)


@pytest.mark.parametrize("comment_id", SAFE)
def test_the_screen_passes_hand_labelled_safe_comments(rejected, comment_id):
    assert comment_id not in rejected


def test_empty_praise_is_never_quoted():
    screen = load_screen()
    for text in ["Nothing", "Nothing. ", "No comments", "n/a", "N/A.", "None", "Did not answer"]:
        assert {"empty", "empty_praise"} & set(screen.reasons(text)), text
    assert screen.reasons("Nothing to improve, the staff on the ward were lovely") == (
        "empty_praise",
    )


def test_the_listing_names_each_rejection_and_its_reasons(rejected):
    shipped = shipped_candidates()
    assert 0 < len(rejected) < len(shipped)
    assert all(reasons for reasons in rejected.values())


def test_every_quote_from_the_shipped_comments_fits_its_side_and_passes_the_screen():
    c = shipped_candidates()
    screen = load_screen()
    for side, rule in (
        (GOOD, lambda r: r.rating in ("Very good", "Good") and "positive" in r.sentiment),
        (BETTER, lambda r: r.sentiment in ("negative", "very negative")),
    ):
        quotes = select_quotes(c, screen, side, NAMES, n=40)
        assert len(quotes) == 40
        rows = c.set_index("comment_id").loc[[q.comment_id for q in quotes]]
        assert all(rule(r) for r in rows.itertuples()), side
        assert all(not screen.reasons(q.text) for q in quotes)
        assert {q.source for q in quotes} <= set(NAMES.values())
        assert len({normalised(q.text) for q in quotes}) == 40


def test_no_quote_twice_on_a_page_and_each_names_its_service():
    screen = Screen(ScreenSettings())
    text = "The staff were kind and explained everything clearly."
    c = pd.DataFrame(
        {
            "comment_id": ["a", "b", "c"],
            "text": [text, text.upper() + "!", "The compliment was written after a long stay."],
            "service_id": ["S1", "S2", "S2"],
            "source": "compliment",
        }
    )
    first = select_quotes(c, screen, GOOD, {"S1": "Ward One", "S2": "Team Two"})
    assert [(q.text, q.source) for q in first] == [
        (text, "Ward One"),
        ("The compliment was written after a long stay.", "Team Two"),
    ]
    again = select_quotes(c, screen, GOOD, {}, already={normalised(text)})
    assert [q.comment_id for q in again] == ["c"]


def test_praise_under_a_poor_rating_is_not_good_news():
    screen = Screen(ScreenSettings())
    c = pd.DataFrame(
        {
            "comment_id": ["a"],
            "text": ["The staff were kind and explained everything clearly."],
            "service_id": ["S1"],
            "rating": ["Poor"],
            "sentiment": ["positive"],
        }
    )
    assert select_quotes(c, screen, GOOD, {}) == []
    assert select_quotes(c, screen, BETTER, {}) == []
