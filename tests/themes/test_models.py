"""Training is reproducible, cached per data version, learns from corrections, and meets its scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.textmodels import training
from analysis.textmodels.features import model_frame
from analysis.textmodels.models import TextModel, evaluate_sentiment, evaluate_themes
from analysis.textmodels.training import load_or_train, load_settings, training_set

SETTINGS = load_settings()


@pytest.fixture(scope="module")
def data():
    return training_set(SETTINGS)


def _subset(data, n=1200):
    frame = data.frame.iloc[:n]
    return frame, data.subcategories[:n], data.sentiment.iloc[:n]


def test_same_data_gives_the_same_model_and_predictions(data):
    frame, labels, sentiment = _subset(data)
    first = TextModel(SETTINGS["model"]).fit(frame, labels, sentiment)
    second = TextModel(SETTINGS["model"]).fit(frame, labels, sentiment)
    new = model_frame(
        ["The nurse was kind but I waited four hours."], ["what_could_be_better"], ["Good"]
    )
    x1, x2 = first.transform(new), second.transform(new)
    assert first.labels == second.labels
    np.testing.assert_array_equal(first.themes(x1)[1], second.themes(x2)[1])
    np.testing.assert_array_equal(first.sentiment(x1)[1], second.sentiment(x2)[1])
    for a, b in zip(
        first.theme_classifier.estimators_, second.theme_classifier.estimators_, strict=True
    ):
        np.testing.assert_array_equal(a.coef_, b.coef_)


def test_every_usable_comment_gets_at_least_one_theme(data):
    frame, labels, sentiment = _subset(data)
    model = TextModel(SETTINGS["model"]).fit(frame, labels, sentiment)
    chosen, scores = model.themes(model.transform(data.frame.iloc[2000:2300]))
    assert (chosen.sum(axis=1) >= 1).all()
    assert ((scores > 0) & (scores < 1)).all()


def test_the_key_changes_with_the_data_and_the_settings(data):
    key = data.key(SETTINGS)
    assert key == training_set(SETTINGS).key(SETTINGS)
    changed = {**SETTINGS, "model": {**SETTINGS["model"], "theme_C": 1.0}}
    assert data.key(changed) != key
    corrected = pd.DataFrame(
        {
            "comment_id": ["X1"],
            "text": ["Nowhere to park the car"],
            "question": ["what_could_be_better"],
            "rating": ["Poor"],
            "subcategories": [("Parking",)],
            "sentiment": ["negative"],
        }
    )
    with_correction = training_set(SETTINGS, corrected)
    assert with_correction.key(SETTINGS) != key
    assert len(with_correction.frame) == len(data.frame) + 1
    assert with_correction.subcategories[-1] == ("Parking",)


def test_models_are_trained_once_per_data_version(tmp_path, monkeypatch):
    small = {**SETTINGS}
    data = training_set(small)
    data = training.TrainingSet(
        frame=data.frame.iloc[:800].reset_index(drop=True),
        subcategories=data.subcategories[:800],
        sentiment=data.sentiment.iloc[:800].reset_index(drop=True),
        groups=data.groups.iloc[:800].reset_index(drop=True),
        source=data.source.iloc[:800].reset_index(drop=True),
    )
    first = load_or_train(data, small, tmp_path)
    assert len(list(tmp_path.glob("text-models-*.joblib"))) == 1

    def no_training(*args, **kwargs):
        raise AssertionError("retrained although the data and settings did not change")

    monkeypatch.setattr(training, "train", no_training)
    again = load_or_train(data, small, tmp_path)
    assert again.key == first.key == data.key(small)


@pytest.mark.slow
def test_grouped_cross_validated_scores_stay_at_the_reported_level(data):
    """Recomputes the evaluation the closing note reports (5 folds grouped by respondent).

    The issue's targets are macro F1 ≥ 0.60 and micro F1 ≥ 0.75; these linear models
    reach 0.573 and 0.686 on this scoring, so the test holds them there and the
    targets stay open (see the closing note). Sentiment: accuracy 0.685, macro F1 0.613.
    """
    ev = SETTINGS["evaluation"]
    per_label, themes = evaluate_themes(
        data.frame,
        data.subcategories,
        data.groups,
        SETTINGS["model"],
        ev["folds"],
        ev["min_examples"],
    )
    assert themes["labels_in_macro"] == 23
    assert themes["macro_f1"] >= 0.57
    assert themes["micro_f1"] >= 0.68
    sentiment = evaluate_sentiment(
        data.frame, data.sentiment, data.groups, SETTINGS["model"], ev["folds"]
    )
    assert sentiment["accuracy_5"] >= 0.68
    assert sentiment["macro_f1_5"] >= 0.61
    assert sentiment["accuracy_3"] >= 0.83


def test_no_usable_text_is_left_out_of_training_and_scoring(data):
    assert not any("Labelling not possible" in s for s in data.subcategories)
    assert not data.frame["text"].str.strip().str.lower().eq("did not answer").any()
