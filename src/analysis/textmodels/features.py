"""Features shared by the theme and sentiment models, computed from one pass over the text.

* word TF-IDF (scikit-learn's default word tokens, sublinear tf, l2), and word-pair
  TF-IDF as a separate block;
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

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import OneHotEncoder


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
    tfidf = TfidfTransformer(sublinear_tf=True)
    tfidf.idf_ = vectorizer.idf_
    return tfidf


class Features:
    """Fit on training comments; ``transform`` gives (shared features, question-word block).

    ``settings`` is the ``model`` section of ``config/themes.yaml``.
    """

    def __init__(self, settings: dict):
        self.settings = settings

    def fit(self, frame: pd.DataFrame) -> Features:
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

    def transform(self, frame: pd.DataFrame) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """Shared features (words, characters, question and rating) and the question-word block."""
        tokens = CountVectorizer(token_pattern=r"\S+", lowercase=True, dtype=np.float32)
        try:
            per_token = tokens.fit_transform(frame["text"])
            distinct = tokens.get_feature_names_out()
        except ValueError:  # no tokens at all in the batch
            per_token, distinct = sparse.csr_matrix((len(frame), 0), dtype=np.float32), []
        word_counts = self._word_counts.transform(distinct)
        char_counts = self._char_counts.transform(distinct)
        words = self._word_tfidf.transform((per_token @ word_counts).tocsr()).astype(np.float32)
        chars = self._char_tfidf.transform((per_token @ char_counts).tocsr()).astype(np.float32)
        pairs = self.pairs.transform(frame["text"]) if self.settings["word_pairs"] else None
        asked = self.asked.transform(frame[["question", "rating"]])
        question = frame["question"].to_numpy()
        blocks = [sparse.diags((question == q).astype(np.float32)) @ words for q in self.questions]
        parts = [words, pairs, chars, asked] if pairs is not None else [words, chars, asked]
        shared = sparse.hstack(parts, format="csr", dtype=np.float32)
        return shared, sparse.hstack(blocks, format="csr", dtype=np.float32)
