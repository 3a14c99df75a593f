"""Features shared by the theme and sentiment models, computed from one pass over the text.

* word TF-IDF (scikit-learn's default word tokens, sublinear tf, l2), and optionally
  (``word_pairs``) word-pair TF-IDF as a separate block;
* character 2–5-gram TF-IDF within words (scikit-learn's ``char_wb``);
* the question and the rating, one-hot;
* for sentiment only, the word TF-IDF again in one block per question, so that
  "nothing" answering "what could be better" (praise) can weigh differently from
  "nothing" answering "what was good".

Speed: every comment is split on white space once; the word and character counts
of a batch are then (comment × distinct token counts) @ (token × word or n-gram
counts), analysing each distinct token once. This gives exactly the matrices of
scikit-learn's ``TfidfVectorizer`` (a test checks it) many times faster on large
batches, because the slow part of those vectorisers is Python work per token.
All deterministic, no download.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse

if TYPE_CHECKING:  # scikit-learn is imported where a model is fitted or used, not on import
    from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer


def model_frame(text, question, rating) -> pd.DataFrame:
    """The model's input: text, question and rating (missing → "unknown").

    >>> model_frame(["Nothing."], ["what_could_be_better"], [None])["rating"].tolist()
    ['unknown']
    """
    return pd.DataFrame(
        {
            "text": pd.Series(list(text), dtype=object).fillna("").astype(str),
            "question": pd.Series(list(question), dtype=object).fillna("unknown").astype(str),
            "rating": pd.Series(list(rating), dtype=object).fillna("unknown").astype(str),
        }
    )


def _fixed_tfidf(vectorizer: TfidfVectorizer) -> TfidfTransformer:
    from sklearn.feature_extraction.text import TfidfTransformer

    tfidf = TfidfTransformer(sublinear_tf=True)
    tfidf.idf_ = vectorizer.idf_
    return tfidf


class Features:
    """Fit on training comments; ``transform`` gives the :class:`Blocks` both models read.

    ``settings`` is the ``model`` section of ``config/themes.yaml``.
    """

    def __init__(self, settings: dict):
        self.settings = settings

    def fit(self, frame: pd.DataFrame) -> Features:
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
        from sklearn.preprocessing import OneHotEncoder

        s = self.settings
        self.words = TfidfVectorizer(sublinear_tf=True, min_df=s["min_df"], dtype=np.float32)
        self.words.fit(frame["text"])
        self.pairs = TfidfVectorizer(
            ngram_range=(2, 2), sublinear_tf=True, min_df=s["min_df"], dtype=np.float32
        ).fit(frame["text"])
        self.chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(s["char_ngrams"]),
            sublinear_tf=True,
            min_df=s["min_df"],
            dtype=np.float32,
        ).fit(frame["text"])
        self.asked = OneHotEncoder(handle_unknown="ignore", dtype=np.float32)
        self.asked.fit(frame[["question", "rating"]])
        self.questions = sorted(frame["question"].unique())
        # Counters with the fitted vocabularies, applied to distinct tokens only.
        self._word_counts = CountVectorizer(vocabulary=self.words.vocabulary_, dtype=np.float32)
        self._char_counts = CountVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(s["char_ngrams"]),
            vocabulary=self.chars.vocabulary_,
            dtype=np.float32,
        )
        self._word_tfidf = _fixed_tfidf(self.words)
        self._char_tfidf = _fixed_tfidf(self.chars)
        return self

    def transform(self, frame: pd.DataFrame) -> Blocks:
        """The feature blocks of ``frame`` (nothing is stacked: see :class:`Blocks`)."""
        from sklearn.feature_extraction.text import CountVectorizer

        tokens = CountVectorizer(token_pattern=r"\S+", lowercase=True, dtype=np.float32)
        try:
            per_token = tokens.fit_transform(frame["text"])
            distinct = tokens.get_feature_names_out()
        except ValueError:  # no tokens at all in the batch
            per_token, distinct = sparse.csr_matrix((len(frame), 0), dtype=np.float32), []
        word_counts = self._word_counts.transform(distinct)
        char_counts = self._char_counts.transform(distinct)
        words = self._word_tfidf.transform((per_token @ word_counts).tocsr()).astype(
            np.float32, copy=False
        )
        chars = self._char_tfidf.transform((per_token @ char_counts).tocsr()).astype(
            np.float32, copy=False
        )
        shared = [words]
        if self.settings["word_pairs"]:
            shared.append(self.pairs.transform(frame["text"]))
        shared += [chars, self.asked.transform(frame[["question", "rating"]]).tocsr()]
        question = np.searchsorted(self.questions, frame["question"].to_numpy())
        known = np.isin(frame["question"].to_numpy(), self.questions)
        return Blocks(shared, words, np.where(known, question, -1), len(self.questions))


class Blocks:
    """Feature blocks of a batch: the shared blocks, and the words to place by question.

    Linear scores are summed block by block (:meth:`score`), so a million comments'
    features are never copied into one stacked matrix. The question-word features
    (the words again, in the block of the comment's own question; zero elsewhere) are
    scored by gathering each comment's question slice. :meth:`stacked` builds the full
    matrix, for training.
    """

    def __init__(self, shared: list, words, question: np.ndarray, n_questions: int):
        self.shared, self.words, self.question, self.n_questions = (
            shared,
            words,
            question,
            n_questions,
        )

    @property
    def shared_width(self) -> int:
        return sum(b.shape[1] for b in self.shared)

    def stacked(self, with_questions: bool) -> sparse.csr_matrix:
        parts = list(self.shared)
        if with_questions:
            for q in range(self.n_questions):
                parts.append(sparse.diags((self.question == q).astype(np.float32)) @ self.words)
        return sparse.hstack(parts, format="csr", dtype=np.float32)

    def score(self, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
        """``stacked(...) @ coef + intercept``; ``coef`` has a row per feature, shared ones first."""
        out = np.zeros((self.words.shape[0], coef.shape[1]), dtype=np.float64) + intercept
        start = 0
        for block in self.shared:
            out += block @ coef[start : start + block.shape[1]]
            start += block.shape[1]
        if start < coef.shape[0]:
            width = self.words.shape[1]
            per_question = self.words @ coef[start:].reshape(self.n_questions, width, -1).transpose(
                1, 0, 2
            ).reshape(width, -1)
            per_question = per_question.reshape(len(out), self.n_questions, coef.shape[1])
            rows = np.flatnonzero(self.question >= 0)
            out[rows] += per_question[rows, self.question[rows]]
        return out
