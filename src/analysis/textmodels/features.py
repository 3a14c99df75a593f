"""Features shared by the theme and sentiment models.

Word and character TF-IDF of the comment, the question and the rating (one-hot), and
the comment's words within its question (:class:`QuestionWords`).
All scikit-learn, deterministic, no download. Character n-grams are computed through
the comment's distinct words (:class:`WordComposedCharTfidf`), which gives exactly
scikit-learn's ``char_wb`` TF-IDF many times faster on large batches.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import OneHotEncoder


class WordComposedCharTfidf(TransformerMixin, BaseEstimator):
    """``TfidfVectorizer(analyzer="char_wb")``, transforming through distinct words.

    ``char_wb`` n-grams never cross a space, so a document's n-gram counts are the sum
    of its words' counts: (document × word counts) @ (word × n-gram counts), where
    only each batch's distinct words are analysed. Fitting is scikit-learn's own;
    the output equals ``TfidfVectorizer.transform`` (a test checks this).
    """

    def __init__(self, ngram_range=(2, 5), min_df=2):
        self.ngram_range = ngram_range
        self.min_df = min_df

    def fit(self, texts, y=None):
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(self.ngram_range),
            sublinear_tf=True,
            min_df=self.min_df,
            dtype=np.float32,
        ).fit(texts)
        self.chars_ = CountVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(self.ngram_range),
            vocabulary=self.vectorizer_.vocabulary_,
            dtype=np.float32,
        )
        self.tfidf_ = TfidfTransformer(sublinear_tf=True)
        self.tfidf_.idf_ = self.vectorizer_.idf_
        return self

    def transform(self, texts):
        words = CountVectorizer(token_pattern=r"\S+", lowercase=True, dtype=np.float32)
        try:
            per_word = words.fit_transform(texts)
        except ValueError:  # no words at all in the batch
            return self.vectorizer_.transform(texts)
        counts = per_word @ self.chars_.transform(words.get_feature_names_out())
        return self.tfidf_.transform(counts.tocsr()).astype(np.float32)

    def get_feature_names_out(self, input_features=None):
        return self.vectorizer_.get_feature_names_out()


class QuestionWords(TransformerMixin, BaseEstimator):
    """Word TF-IDF repeated in one block per question, zero outside the comment's own question.

    Lets a linear model weigh a word differently by question: "nothing" answering
    "what could be better" is praise, answering "what was good" it is not. Input: the
    ``text`` and ``question`` columns.
    """

    def __init__(self, min_df=2):
        self.min_df = min_df

    def fit(self, frame, y=None):
        self.questions_ = sorted(frame["question"].unique())
        self.words_ = TfidfVectorizer(sublinear_tf=True, min_df=self.min_df, dtype=np.float32)
        self.words_.fit(frame["text"])
        return self

    def transform(self, frame):
        words = self.words_.transform(frame["text"])
        question = frame["question"].to_numpy()
        blocks = [sparse.diags((question == q).astype(np.float32)) @ words for q in self.questions_]
        return sparse.hstack(blocks, format="csr")

    def get_feature_names_out(self, input_features=None):
        names = self.words_.get_feature_names_out()
        return np.array([f"{q}:{w}" for q in self.questions_ for w in names], dtype=object)


def model_frame(text, question, rating) -> pd.DataFrame:
    """The model's input: text, question and rating (missing → "unknown").

    >>> model_frame(["Nothing."], ["what_could_be_better"], [None])["rating"].tolist()
    ['unknown']
    """
    frame = pd.DataFrame(
        {
            "text": pd.Series(list(text), dtype=object).fillna("").astype(str),
            "question": pd.Series(list(question), dtype=object).fillna("unknown").astype(str),
            "rating": pd.Series(list(rating), dtype=object).fillna("unknown").astype(str),
        }
    )
    return frame


def feature_transformer(settings: dict) -> ColumnTransformer:
    """The feature union described above, from the ``model`` section of ``config/themes.yaml``."""
    min_df = settings["min_df"]
    return ColumnTransformer(
        [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=tuple(settings["word_ngrams"]),
                    sublinear_tf=True,
                    min_df=min_df,
                    strip_accents="unicode",
                    dtype="float32",
                ),
                "text",
            ),
            (
                "chars",
                WordComposedCharTfidf(ngram_range=settings["char_ngrams"], min_df=min_df),
                "text",
            ),
            ("asked", OneHotEncoder(handle_unknown="ignore"), ["question", "rating"]),
            ("question_words", QuestionWords(min_df=min_df), ["text", "question"]),
        ],
        sparse_threshold=1.0,
    )
