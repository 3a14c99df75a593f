"""The theme (multi-label) and sentiment (five-class) models, and their grouped cross-validation.

One set of features (:mod:`analysis.textmodels.features`) feeds two linear models,
each built from support vector machines trained with a fixed ``random_state`` so the
same data and settings give the same model and the same predictions.

* Themes: per v7 sub-category (one-vs-rest), the mean of two linear support vector
  machines reading the shared features (the question-specific words helped
  sentiment, not themes): a plain ``LinearSVC`` and an NB-SVM (the same machine on
  features scaled by their naive Bayes log-count ratio; Wang & Manning 2012,
  "Baselines and bigrams", ACL), which does better on the rarer sub-categories.
  Both are linear in the features, so their mean is one coefficient matrix and
  classifying costs one product. The mean decision value of each sub-category is
  turned into a probability by Platt scaling (a logistic fit of the label on the
  value; Platt 1999, "Probabilistic outputs for support vector machines"), fitted
  on out-of-fold values of an inner cross-validation of the training comments
  grouped by respondent (never on the comments being scored). With calibrated
  probabilities the thresholds that maximise micro F1 are one shared value (F*/2;
  Lipton, Elkan & Naryanaswamy 2014, "Optimal thresholding of classifiers to
  maximize F1 measure", ECML PKDD): it is the point of a grid with the best micro F1
  over the same inner out-of-fold probabilities. A comment gets every sub-category
  above it, and at least the most probable one (every usable comment is about
  something, "Not assigned" included). Scores are the calibrated probabilities.
* Sentiment: per class, the mean of a class-weighted five-class ``LinearSVC`` and a
  class-weighted NB-SVM of the class against the rest; the score is the
  polarity ``Σ softmax(decision) × (+1 positive classes, 0 neutral, −1 negative)``,
  from −1 to 1, again an ordering rather than a probability.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import expit, softmax
from tqdm import tqdm

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
    model), a sentiment per comment (missing: left out of the sentiment model) and
    the respondent of each comment (``groups``), which the theme thresholds' inner
    cross-validation keeps together.
    """

    settings: dict
    labels: list[str] = field(default_factory=list)
    key: str = ""

    def fit(
        self, frame: pd.DataFrame, subcategories=None, sentiment=None, groups=None
    ) -> TextModel:
        from sklearn.preprocessing import MultiLabelBinarizer

        s = self.settings
        self.features = Features(s).fit(frame)
        blocks = self.features.transform(frame)
        shared = blocks.stacked(with_questions=False)
        if subcategories is not None:
            if groups is None:
                raise ValueError(
                    "theme training needs the respondent of each comment (groups=...), "
                    "so that the thresholds' inner cross-validation keeps respondents together"
                )
            subcategories = list(subcategories)
            rows = np.array([bool(t) for t in subcategories])
            binarizer = MultiLabelBinarizer()
            y = binarizer.fit_transform([t for t in subcategories if t])
            active = y.sum(axis=0) >= s["min_train_examples"]
            self.labels = list(binarizer.classes_[active])
            x, y, groups = shared[rows], y[:, active], np.asarray(groups)[rows]
            self._theme_coef, self._theme_intercept = theme_coefficients(x, y, s)
            self._theme_platt, self._theme_threshold = _theme_calibration(x, y, groups, s)
        if sentiment is not None:
            sentiment = pd.Series(list(sentiment), dtype=object)
            known = sentiment.notna().to_numpy()
            x = blocks.stacked(with_questions=True)[known]
            self.sentiment_classes, self._sentiment_coef, self._sentiment_intercept = (
                sentiment_coefficients(x, sentiment[known].to_numpy(), s)
            )
        return self

    def transform(self, frame: pd.DataFrame):
        """The features both models read (see :meth:`Features.transform`)."""
        return self.features.transform(frame)

    def themes(self, x) -> tuple[np.ndarray, np.ndarray]:
        """0/1 matrix over ``labels`` (at least one per comment) and probabilities in [0, 1]."""
        values = x.score(self._theme_coef, self._theme_intercept)
        probability = platt_probabilities(values, self._theme_platt)
        return choose_themes(probability, self._theme_threshold), probability

    def sentiment(self, x) -> tuple[np.ndarray, np.ndarray]:
        """The predicted class of each comment and its polarity score in [−1, 1]."""
        values = x.score(self._sentiment_coef, self._sentiment_intercept)
        classes = self.sentiment_classes
        polarity = softmax(values, axis=1) @ np.array([SENTIMENT_POLARITY[c] for c in classes])
        return classes[values.argmax(axis=1)], polarity


def nb_svm(x, positive: np.ndarray, settings: dict, C: float, alpha: float, class_weight=None):
    """Coefficients over ``x``'s features and intercept of an NB-SVM for one class.

    The NB-SVM (Wang & Manning 2012) learns ``w`` on ``x · diag(r)``, with ``r`` the
    log ratio of the class's feature totals, smoothed by ``alpha``, in its positive
    and negative comments; its decision value ``(x · diag(r)) w`` is ``x (r ⊙ w)``,
    a linear model in ``x``.
    """
    from sklearn.svm import LinearSVC

    p = alpha + np.asarray(x[positive].sum(axis=0)).ravel()
    q = alpha + np.asarray(x[~positive].sum(axis=0)).ravel()
    ratio = np.log((p / p.sum()) / (q / q.sum()))
    svm = LinearSVC(
        C=C, class_weight=class_weight, random_state=settings["random_state"], max_iter=10_000
    ).fit(x @ sparse.diags(ratio.astype(np.float32)), positive)
    return svm.coef_.ravel() * ratio, svm.intercept_[0]


def theme_coefficients(x, y: np.ndarray, settings: dict) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients (feature × label) and intercepts: mean of the SVM and the NB-SVM.

    A label with one class only (possible in an inner fold) gets a constant, ±infinity.
    """
    from sklearn.svm import LinearSVC

    coef = np.zeros((x.shape[1], y.shape[1]), dtype=np.float64)
    intercept = np.zeros(y.shape[1])
    for j in range(y.shape[1]):
        positive = y[:, j] == 1
        if positive.all() or not positive.any():
            intercept[j] = np.inf if positive.all() else -np.inf
            continue
        svm = LinearSVC(
            C=settings["theme_C"], random_state=settings["random_state"], max_iter=10_000
        ).fit(x, positive)
        w, b = nb_svm(x, positive, settings, settings["theme_C"], settings["theme_nb_alpha"])
        coef[:, j] = (svm.coef_.ravel() + w) / 2
        intercept[j] = (svm.intercept_[0] + b) / 2
    return coef.astype(np.float32), intercept


def sentiment_coefficients(x, classes: np.ndarray, settings: dict):
    """Classes, coefficients (feature × class) and intercepts of the sentiment model.

    The mean of a class-weighted five-class ``LinearSVC`` (one-vs-rest) and, per
    class, a class-weighted NB-SVM of that class against the rest.
    """
    from sklearn.svm import LinearSVC

    C = settings["sentiment_C"]
    svm = LinearSVC(
        C=C, class_weight="balanced", random_state=settings["random_state"], max_iter=10_000
    ).fit(x, classes)
    alpha = settings["sentiment_nb_alpha"]
    nb = [nb_svm(x, classes == c, settings, C, alpha, "balanced") for c in svm.classes_]
    coef = (svm.coef_.T + np.column_stack([w for w, _ in nb])) / 2
    intercept = (svm.intercept_ + np.array([b for _, b in nb])) / 2
    return svm.classes_, coef.astype(np.float32), intercept


def _theme_calibration(x, y: np.ndarray, groups: np.ndarray, settings: dict):
    """Platt parameters per label and the shared probability threshold, from an inner grouped CV.

    Out-of-fold decision values come from :func:`theme_coefficients` on ``folds`` groups
    of respondents; :func:`platt_parameters` calibrates them and
    :func:`best_micro_f1_threshold` picks the threshold.
    """
    from sklearn.model_selection import GroupKFold

    t = settings["thresholds"]
    values = np.zeros(y.shape)
    for inner, held in GroupKFold(n_splits=t["folds"]).split(x, y, groups):
        coef, intercept = theme_coefficients(x[inner], y[inner], settings)
        values[held] = x[held] @ coef + intercept
    platt = platt_parameters(values, y)
    grid = np.linspace(t["low"], t["high"], t["steps"])
    return platt, best_micro_f1_threshold(platt_probabilities(values, platt), y, grid)


def platt_parameters(values: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Per column, the slope and intercept of a logistic fit of ``truth`` on ``values`` (Platt 1999).

    Fitted (practically unregularised) on the rows whose value is finite; a label
    with one class among them gets slope 0 and intercept −∞ (probability 0).

    >>> values = np.array([[-2.0], [-1.0], [-0.5], [0.5], [1.0], [2.0]])
    >>> a, b = platt_parameters(values, np.array([[0], [0], [1], [0], [1], [1]]))[:, 0]
    >>> bool(a > 0), bool(abs(b) < 1e-4)   # symmetric data: increasing, centred on 0
    (True, True)
    """
    from sklearn.linear_model import LogisticRegression

    parameters = np.zeros((2, values.shape[1]))
    for j in range(values.shape[1]):
        finite = np.isfinite(values[:, j])
        positive = truth[finite, j] == 1
        if positive.all() or not positive.any():
            parameters[:, j] = 0.0, -np.inf
            continue
        fit = LogisticRegression(C=1e4).fit(values[finite, j, None], positive)
        parameters[:, j] = fit.coef_[0, 0], fit.intercept_[0]
    return parameters


def platt_probabilities(values: np.ndarray, parameters: np.ndarray) -> np.ndarray:
    """``expit(slope × value + intercept)`` per column (−∞ values give 0)."""
    with np.errstate(invalid="ignore"):
        logit = parameters[0] * values + parameters[1]
    return expit(np.nan_to_num(logit, nan=-np.inf))


def choose_themes(probability: np.ndarray, threshold: float) -> np.ndarray:
    """0/1 matrix: every label above ``threshold``, and at least each row's most probable one.

    >>> choose_themes(np.array([[0.6, 0.5, 0.1], [0.2, 0.3, 0.1]]), 0.4)
    array([[1, 1, 0],
           [0, 1, 0]], dtype=int8)
    """
    chosen = probability > threshold
    chosen[np.arange(len(probability)), probability.argmax(axis=1)] = True
    return chosen.astype(np.int8)


def best_micro_f1_threshold(probability: np.ndarray, truth: np.ndarray, grid: np.ndarray) -> float:
    """The point of ``grid`` whose :func:`choose_themes` has the best micro F1 (lowest on ties).

    >>> p = np.array([[0.9, 0.35], [0.2, 0.45], [0.3, 0.1]]); t = np.array([[1, 1], [0, 0], [1, 0]])
    >>> best_micro_f1_threshold(p, t, np.array([0.1, 0.25, 0.4]))  # micro F1 .75, .86, .67
    np.float64(0.25)
    """
    positive = truth.astype(bool)
    scores = []
    for point in grid:
        chosen = choose_themes(probability, point).astype(bool)
        tp = (chosen & positive).sum()
        scores.append(2 * tp / (2 * tp + (chosen != positive).sum()))
    return grid[int(np.argmax(scores))]


def evaluate_themes(
    frame: pd.DataFrame, subcategories, groups, settings: dict, folds: int, min_examples: int
) -> tuple[pd.DataFrame, dict]:
    """Out-of-fold theme scores with folds grouped by respondent (``groups``).

    Every comment is predicted by a model that saw none of its respondent's
    comments; the pooled predictions are scored by
    :func:`analysis.methods.themes.multilabel_scores`. Comments with no themes
    recorded are left out.
    """
    from sklearn.model_selection import GroupKFold
    from sklearn.preprocessing import MultiLabelBinarizer

    subcategories = list(subcategories)
    keep = np.array([bool(t) for t in subcategories])
    frame, groups = frame.loc[keep].reset_index(drop=True), np.asarray(groups)[keep]
    subcategories = [t for t in subcategories if t]
    binarizer = MultiLabelBinarizer()
    truth = binarizer.fit_transform(subcategories)
    names = list(binarizer.classes_)
    predicted = np.zeros_like(truth)
    splits = GroupKFold(n_splits=folds).split(frame, truth, groups)
    for train, test in tqdm(splits, total=folds, desc="themes: folds", unit="fold"):
        model = TextModel(settings).fit(
            frame.iloc[train], [subcategories[i] for i in train], groups=groups[train]
        )
        chosen, _ = model.themes(model.transform(frame.iloc[test]))
        columns = [names.index(label) for label in model.labels]
        predicted[np.ix_(test, columns)] = chosen
    return multilabel_scores(truth, predicted, names, min_examples)


def evaluate_sentiment(frame: pd.DataFrame, sentiment, groups, settings: dict, folds: int) -> dict:
    """Out-of-fold sentiment accuracy and macro F1 (five classes and three), grouped folds."""
    from sklearn.model_selection import GroupKFold

    sentiment = pd.Series(list(sentiment), dtype=object)
    known = sentiment.notna().to_numpy()
    frame, groups = frame.loc[known].reset_index(drop=True), np.asarray(groups)[known]
    truth = sentiment[known].to_numpy()
    predicted = np.empty(len(truth), dtype=object)
    splits = GroupKFold(n_splits=folds).split(frame, truth, groups)
    for train, test in tqdm(splits, total=folds, desc="sentiment: folds", unit="fold"):
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
