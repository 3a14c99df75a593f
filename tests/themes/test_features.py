"""The one-pass features equal scikit-learn's own vectorisers (the reference implementation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis.textmodels.features import Features, model_frame

TRAIN = [
    "The staff were kind, caring and professional.",
    "Waiting time was far too long; the doctor was great though!",
    "Nothing.",
    "Food was cold.  Staff were kind.",
    "café staff were lovely — thank you",
    "Kept informed throughout, very kind staff",
]
NEW = ["Kind staff, cold food!!", "", "unseenword café", "waiting   time\ttoo long"]
SETTINGS = {"min_df": 1, "char_ngrams": [2, 5], "word_pairs": True}


def _fit():
    frame = model_frame(TRAIN, ["what_was_good"] * 3 + ["what_could_be_better"] * 3, ["Good"] * 6)
    return Features(SETTINGS).fit(frame)


def test_word_and_character_blocks_equal_tfidfvectorizer():
    features = _fit()
    new = model_frame(NEW, ["what_was_good"] * 4, ["Good"] * 4)
    shared = features.transform(new).stacked(with_questions=False)
    words = TfidfVectorizer(sublinear_tf=True, min_df=1).fit(TRAIN).transform(NEW)
    pairs = (
        TfidfVectorizer(ngram_range=(2, 2), sublinear_tf=True, min_df=1).fit(TRAIN).transform(NEW)
    )
    chars = (
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1)
        .fit(TRAIN)
        .transform(NEW)
    )
    nw, npairs, nc = words.shape[1], pairs.shape[1], chars.shape[1]
    dense = shared.toarray()
    np.testing.assert_allclose(dense[:, :nw], words.toarray(), atol=1e-6)
    np.testing.assert_allclose(dense[:, nw : nw + npairs], pairs.toarray(), atol=1e-6)
    np.testing.assert_allclose(dense[:, nw + npairs : nw + npairs + nc], chars.toarray(), atol=1e-6)


def test_question_block_holds_words_only_under_the_comments_question():
    features = _fit()
    new = model_frame(
        ["Nothing.", "Nothing."], ["what_was_good", "what_could_be_better"], [None, None]
    )
    blocks = features.transform(new)
    by_question = blocks.stacked(with_questions=True)[:, blocks.shared_width :]
    width = len(features.words.vocabulary_)
    good = features.questions.index("what_was_good")
    better = features.questions.index("what_could_be_better")
    block = by_question.toarray().reshape(2, len(features.questions), width)
    assert block[0, good].sum() > 0 and block[0, better].sum() == 0
    assert block[1, better].sum() > 0 and block[1, good].sum() == 0


def test_model_frame_fills_missing_values():
    frame = model_frame([None], [None], [None])
    assert frame.iloc[0].tolist() == ["", "unknown", "unknown"]
    assert isinstance(frame, pd.DataFrame)


def test_block_scores_equal_the_stacked_matrix_product():
    features = _fit()
    new = model_frame(
        NEW + ["Nothing."],
        ["what_was_good", "what_could_be_better", "what_matters", "what_was_good", "other"],
        [None] * 5,
    )
    blocks = features.transform(new)
    rng = np.random.default_rng(0)
    for with_questions in (False, True):
        stacked = blocks.stacked(with_questions)
        coef = rng.normal(size=(stacked.shape[1], 3)).astype(np.float32)
        intercept = np.array([0.5, -1.0, 2.0])
        np.testing.assert_allclose(
            blocks.score(coef, intercept), stacked @ coef + intercept, rtol=1e-5, atol=1e-5
        )
