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


#: Texts on which Python's ``re`` and RE2 could disagree: accents and other scripts, the
#: vertical tab and the separators that only ``re`` reads as white space, a final line
#: break (where ``$`` matches in ``re`` only), the Kelvin sign and long s that ``re`` folds
#: to k and s, empty text, markup and a spreadsheet formula.
HOSTILE_TEXTS = [
    "Car park was full",
    "CARPARK",
    "car  park",
    "parking\n",
    "parking\nwas fine",
    "no parking",
    "the car\x0bpark",
    "car\x1cpark",
    "car\u00a0park",
    "café parking",
    "\u212a\u017fk",
    "KSK",
    "Parkings",
    "",
    "<b>parking</b>",
    '=HYPERLINK("parking")',
    "wifi and TV",
    "wi-fi, television",
    "ﬁ ligature wiﬁ",
    "pain killers and painkiller",
    "food for thought",
    "ends with x",
    "ends with x\n",
    "digits 123",
    "naïve parking",
]
#: Patterns as analysts write them, plus ones RE2 reads otherwise or not at all.
HOSTILE_PATTERNS = [
    r"\b(car ?park(ing)?|parking|park(ed)? the car)\b",
    r"\b(wi-?fi|tv|television|xbox|playstation|internet access)\b",
    r"\bpain ?killers?\b",
    r"car\spark",
    r"x$",
    r"^car",
    r"ksk",
    r"[[:digit:]]+",
    r"\d{,3}",
    r"(?<=car )park",
    r"(park)\s+\1",
    r"caf\w",
    r"naïve",
    r"\bthought$",
]


@pytest.mark.parametrize("pattern", HOSTILE_PATTERNS)
def test_rule_matches_answers_as_python_re_does(pattern):
    """Reference: ``re.search`` with the rule's flags, text by text (the rules' definition)."""
    import pyarrow as pa

    from analysis.methods.themes import rule_matches

    compiled = re.compile(pattern, flags=re.IGNORECASE)
    want = [compiled.search(t) is not None for t in HOSTILE_TEXTS]
    got = rule_matches(pa.array(HOSTILE_TEXTS, pa.string()), compiled).tolist()
    assert got == want, [t for t, w, g in zip(HOSTILE_TEXTS, want, got, strict=True) if w != g]


def test_rules_hit_texts_with_missing_values_as_empty_text():
    comments = pd.DataFrame({"comment_id": ["a", "b", "c"], "text": ["parking", None, "tv"]})
    rules = compile_rules([{"subcategory": "Parking", "action": "add", "pattern": "^$|park"}], CATS)
    out = apply_rules(_themes([]), comments, rules, CATS)
    assert sorted(out["comment_id"]) == ["a", "b"]


@pytest.mark.parametrize(
    "text",
    [
        "Did not answer",
        "  did NOT answer...!!  ",
        "did not answer\x1c",
        "\x0bdid not answer;:-",
        "did not answer -- thanks",
        "Did not answer é",
        "DİD NOT ANSWER",
        "did not answer\u00a0",
        "\u2003did not answer.",
        "feedback given!",
        " ",
        "\x1f",
        "...",
        "",
        None,
        "Kind staff.",
        "Nothing.",
        "ok",
    ],
)
def test_usable_text_agrees_with_the_normalised_answer(text):
    """Reference: :func:`normalise_answer` (``str.strip``, ``str.lower``, the trailing rule)."""
    from analysis.methods.themes import normalise_answer

    answers = ["did not answer", "Feedback given"]
    norm = normalise_answer(pd.Series([text], dtype=object)).iloc[0]
    want = not (norm == "" or norm in [a.lower() for a in answers])
    assert usable_text(pd.Series([text, "x"], index=[5, 6]), answers).tolist() == [want, True]
