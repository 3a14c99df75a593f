"""Features shared by the theme and sentiment models.

Word and character TF-IDF of the comment, the question and the rating (one-hot),
and the comment's words tagged with its question (so that "nothing" answering "what
could be better" can mean something different from "nothing" answering "what was
good"). All scikit-learn, deterministic, no download.
"""

from __future__ import annotations

import re

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import OneHotEncoder

_WORD = re.compile(r"[a-z']+")
COLUMNS = ["text", "question", "rating", "question_words"]


def model_frame(text, question, rating) -> pd.DataFrame:
    """The model's input: text, question and rating (missing → "unknown"), question-tagged words.

    >>> model_frame(["Nothing."], ["what_could_be_better"], [None])["question_words"].tolist()
    ['what_could_be_better_nothing']
    """
    frame = pd.DataFrame(
        {
            "text": pd.Series(list(text), dtype=object).fillna("").astype(str),
            "question": pd.Series(list(question), dtype=object).fillna("unknown").astype(str),
            "rating": pd.Series(list(rating), dtype=object).fillna("unknown").astype(str),
        }
    )
    frame["question_words"] = [
        " ".join(f"{q}_{w}" for w in _WORD.findall(t.lower()))
        for q, t in zip(frame["question"], frame["text"], strict=True)
    ]
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
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=tuple(settings["char_ngrams"]),
                    sublinear_tf=True,
                    min_df=min_df,
                    dtype="float32",
                ),
                "text",
            ),
            ("asked", OneHotEncoder(handle_unknown="ignore"), ["question", "rating"]),
            (
                "question_words",
                TfidfVectorizer(
                    sublinear_tf=True, min_df=min_df, token_pattern=r"\S+", dtype="float32"
                ),
                "question_words",
            ),
        ],
        sparse_threshold=1.0,
    )
