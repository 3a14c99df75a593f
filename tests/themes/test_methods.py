"""Usable text, sentences, keyword rules, corrections and scores: pure functions, hand-checked."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis import reference
from analysis.methods.themes import (
    apply_rules,
    apply_theme_corrections,
    compile_rules,
    multilabel_scores,
    sentiment_scores,
    split_sentences,
    usable_text,
)

CATS = dict(
    zip(reference.framework()["subcategory"], reference.framework()["category"], strict=True)
)


def _themes(rows):
    return pd.DataFrame(rows, columns=["comment_id", "category", "subcategory", "origin", "score"])


def test_usable_text_recognises_blank_and_configured_non_answers():
    texts = pd.Series(
        ["Did not answer", "did not answer.", "", None, "  ", "Nothing.", "Feedback given!"]
    )
    got = usable_text(texts, ["did not answer", "feedback given"]).tolist()
    # "Nothing." answers a question (no improvement needed): it is usable.
    assert got == [False, False, False, False, False, True, False]


def test_split_sentences_separates_the_turn_in_a_mixed_comment():
    text = "The doctor was fantastic! The food was cold and discharge took four hours"
    assert split_sentences(text) == [
        "The doctor was fantastic!",
        "The food was cold and discharge took four hours",
    ]
    assert split_sentences("") == []


def test_rules_add_and_veto():
    comments = pd.DataFrame(
        {
            "comment_id": ["a", "b", "c"],
            "text": ["No parking spaces at all", "Food for thought", "Great food"],
        }
    )
    model = _themes(
        [
            (
                "b",
                CATS["Food & drink provision & facilities"],
                "Food & drink provision & facilities",
                "model",
                0.7,
            ),
            (
                "c",
                CATS["Food & drink provision & facilities"],
                "Food & drink provision & facilities",
                "model",
                0.9,
            ),
        ]
    )
    rules = compile_rules(
        [
            {"subcategory": "Parking", "action": "add", "pattern": r"\b(car ?park|parking)\b"},
            {
                "subcategory": "Food & drink provision & facilities",
                "action": "veto",
                "pattern": "food for thought",
            },
        ],
        CATS,
    )
    out = apply_rules(model, comments, rules, CATS)
    got = sorted(zip(out["comment_id"], out["subcategory"], out["origin"], strict=True))
    assert got == [
        ("a", "Parking", "rule"),
        ("c", "Food & drink provision & facilities", "model"),
    ]
    assert (
        out.loc[out["comment_id"] == "a", "category"].item()
        == "Service location, travel & transport"
    )


@pytest.mark.parametrize(
    "rule, message",
    [
        ({"subcategory": "Parkin", "action": "add", "pattern": "x"}, "unknown sub-category"),
        ({"subcategory": "Parking", "action": "remove", "pattern": "x"}, "action must be"),
        ({"subcategory": "Parking", "action": "add", "pattern": "("}, "not a regular expression"),
    ],
)
def test_bad_rules_say_which_rule_and_what_to_fix(rule, message):
    with pytest.raises(ValueError, match=re.escape("theme rule 1")) as err:
        compile_rules([rule], CATS)
    assert message in str(err.value)


def test_corrections_replace_the_models_themes_for_that_comment_only():
    model = _themes(
        [
            ("a", CATS["Timeliness of care"], "Timeliness of care", "model", 0.8),
            ("b", CATS["Discharge"], "Discharge", "model", 0.6),
        ]
    )
    corrections = pd.DataFrame(
        {
            "comment_id": ["a", "b"],
            "subcategories": [("Parking", "Service location"), None],
            "sentiment": [None, "negative"],
        }
    )
    out = apply_theme_corrections(model, corrections, CATS)
    got = sorted(zip(out["comment_id"], out["subcategory"], out["origin"], strict=True))
    assert got == [
        ("a", "Parking", "correction"),
        ("a", "Service location", "correction"),
        ("b", "Discharge", "model"),
    ]


def test_multilabel_scores_by_hand():
    truth = np.array([[1, 0, 1], [1, 1, 0], [0, 1, 0], [1, 0, 0]])
    pred = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 1], [0, 0, 0]])
    per, overall = multilabel_scores(truth, pred, ["a", "b", "c"], min_examples=2)
    # a: tp 2, fp 0, fn 1 → F1 = 4/5; b: tp 1, fn 1 → 2/3; c: tp 0 → 0 (1 example: not in macro).
    assert per["f1"].round(6).tolist() == [0.8, round(2 / 3, 6), 0.0]
    assert overall["macro_f1"] == pytest.approx((0.8 + 2 / 3) / 2)
    # micro: tp 3, fp 1, fn 3 → 2·3 / (2·3 + 1 + 3) = 0.6
    assert overall["micro_f1"] == pytest.approx(0.6)
    assert overall["labels_in_macro"] == 2


def test_sentiment_scores_three_class_view():
    truth = ["very positive", "positive", "negative", "neutral"]
    pred = ["positive", "positive", "very negative", "negative"]
    got = sentiment_scores(truth, pred)
    assert got["accuracy_5"] == pytest.approx(0.25)
    # three classes: positive, positive, negative correct; neutral wrong → 3/4
    assert got["accuracy_3"] == pytest.approx(0.75)
