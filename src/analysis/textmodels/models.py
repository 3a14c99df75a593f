"""The theme (multi-label) and sentiment (five-class) models, and their grouped cross-validation.

One set of features (:mod:`analysis.textmodels.features`) feeds two linear
support vector machines, trained with a fixed ``random_state`` so the same data and
settings give the same model and the same predictions.

* Themes: one class-weighted ``LinearSVC`` per v7 sub-category (one-vs-rest), reading
  the shared features (the question-specific words helped sentiment, not themes). A
  comment gets every sub-category whose decision value is above 0, and at least its
  best one (every usable comment is about something, "Not assigned" included).
  Scores are the logistic of the decision value: an ordering, not a calibrated
  probability.
* Sentiment: a class-weighted ``LinearSVC`` over the five classes; its score is the
  polarity ``Σ softmax(decision) × (+1 positive classes, 0 neutral, −1 negative)``,
  from −1 to 1, again an ordering rather than a probability.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import expit, softmax
from sklearn.model_selection import GroupKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

from analysis.methods.themes import multilabel_scores, sentiment_scores
from analysis.textmodels.features import Features

SENTIMENT_POLARITY = {
    "very positive": 1.0,
    "positive": 1.0,
    "neutral": 0.0,
    "negative": -1.0,
    "very negative": -1.0,
}


@dataclass
class TextModel:
    """Themes and sentiment of comments. ``fit`` once, then ``transform`` and predict.

    ``fit`` takes a :func:`~analysis.textmodels.features.model_frame`, a tuple of
    sub-categories per comment (empty: no themes recorded, left out of the theme
    model) and a sentiment per comment (missing: left out of the sentiment model).
    """

    settings: dict
    labels: list[str] = field(default_factory=list)
    key: str = ""

    def fit(self, frame: pd.DataFrame, subcategories=None, sentiment=None) -> TextModel:
        s = self.settings
        self.features = Features(s).fit(frame)
        blocks = self.features.transform(frame)
        shared = blocks.stacked(with_questions=False)
        self.theme_classifier = self.sentiment_classifier = None
        if subcategories is not None:
            subcategories = list(subcategories)
            rows = np.array([bool(t) for t in subcategories])
            binarizer = MultiLabelBinarizer()
            y = binarizer.fit_transform([t for t in subcategories if t])
            active = y.sum(axis=0) >= s["min_train_examples"]
            self.labels = list(binarizer.classes_[active])
            self.theme_classifier = OneVsRestClassifier(
                LinearSVC(
                    C=s["theme_C"],
                    class_weight="balanced",
                    random_state=s["random_state"],
                    max_iter=10_000,
                )
            ).fit(shared[rows], y[:, active])
            estimators = self.theme_classifier.estimators_
            self._theme_coef = np.vstack([e.coef_ for e in estimators]).T.astype(np.float32)
            self._theme_intercept = np.hstack([e.intercept_ for e in estimators])
        if sentiment is not None:
            sentiment = pd.Series(list(sentiment), dtype=object)
            known = sentiment.notna().to_numpy()
            x = blocks.stacked(with_questions=True)[known]
            self.sentiment_classifier = LinearSVC(
                C=s["sentiment_C"],
                class_weight="balanced",
                random_state=s["random_state"],
                max_iter=10_000,
            ).fit(x, sentiment[known].to_numpy())
        return self

    def transform(self, frame: pd.DataFrame):
        """The features both models read (see :meth:`Features.transform`)."""
        return self.features.transform(frame)

    def themes(self, x) -> tuple[np.ndarray, np.ndarray]:
        """0/1 matrix over ``labels`` (at least one per comment) and scores in (0, 1)."""
        values = x.score(self._theme_coef, self._theme_intercept)
        chosen = values > 0
        chosen[np.arange(len(values)), values.argmax(axis=1)] = True
        return chosen.astype(np.int8), expit(values)

    def sentiment(self, x) -> tuple[np.ndarray, np.ndarray]:
        """The predicted class of each comment and its polarity score in [−1, 1]."""
        clf = self.sentiment_classifier
        values = x.score(clf.coef_.T, clf.intercept_)
        classes = clf.classes_
        polarity = softmax(values, axis=1) @ np.array([SENTIMENT_POLARITY[c] for c in classes])
        return classes[values.argmax(axis=1)], polarity


def evaluate_themes(
    frame: pd.DataFrame, subcategories, groups, settings: dict, folds: int, min_examples: int
) -> tuple[pd.DataFrame, dict]:
    """Out-of-fold theme scores with folds grouped by respondent (``groups``).

    Every comment is predicted by a model that saw none of its respondent's
    comments; the pooled predictions are scored by
    :func:`analysis.methods.themes.multilabel_scores`. Comments with no themes
    recorded are left out.
    """
    subcategories = list(subcategories)
    keep = np.array([bool(t) for t in subcategories])
    frame, groups = frame.loc[keep].reset_index(drop=True), np.asarray(groups)[keep]
    subcategories = [t for t in subcategories if t]
    binarizer = MultiLabelBinarizer()
    truth = binarizer.fit_transform(subcategories)
    names = list(binarizer.classes_)
    predicted = np.zeros_like(truth)
    for train, test in GroupKFold(n_splits=folds).split(frame, truth, groups):
        model = TextModel(settings).fit(frame.iloc[train], [subcategories[i] for i in train])
        chosen, _ = model.themes(model.transform(frame.iloc[test]))
        columns = [names.index(label) for label in model.labels]
        predicted[np.ix_(test, columns)] = chosen
    return multilabel_scores(truth, predicted, names, min_examples)


def evaluate_sentiment(frame: pd.DataFrame, sentiment, groups, settings: dict, folds: int) -> dict:
    """Out-of-fold sentiment accuracy and macro F1 (five classes and three), grouped folds."""
    sentiment = pd.Series(list(sentiment), dtype=object)
    known = sentiment.notna().to_numpy()
    frame, groups = frame.loc[known].reset_index(drop=True), np.asarray(groups)[known]
    truth = sentiment[known].to_numpy()
    predicted = np.empty(len(truth), dtype=object)
    for train, test in GroupKFold(n_splits=folds).split(frame, truth, groups):
        model = TextModel(settings).fit(frame.iloc[train], sentiment=truth[train])
        predicted[test], _ = model.sentiment(model.transform(frame.iloc[test]))
    return sentiment_scores(truth, predicted)


def evaluate(data, settings: dict) -> tuple[pd.DataFrame, dict, dict]:
    """Cross-validate both models on a training set as ``settings["evaluation"]`` says.

    Returns the per-label theme scores, the theme summary and the sentiment summary.
    """
    ev = settings["evaluation"]
    per_label, themes = evaluate_themes(
        data.frame,
        data.subcategories,
        data.groups,
        settings["model"],
        ev["folds"],
        ev["min_examples"],
    )
    sentiment = evaluate_sentiment(
        data.frame, data.sentiment, data.groups, settings["model"], ev["folds"]
    )
    return per_label, themes, sentiment
