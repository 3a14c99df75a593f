"""Themes of comments: usable text, keyword rules, manual corrections, and how models are scored.

Pure functions over tidy tables (``fft_comments``, ``comment_themes``): the models
themselves live in :mod:`analysis.textmodels`.

Example
-------
>>> import pandas as pd
>>> usable_text(pd.Series(["Did not answer", " ", "Kind staff.", "Nothing."]), ["did not answer"]).tolist()
[False, False, True, True]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

#: The sentiment classes, most positive first, and their three-class view.
SENTIMENT_3 = {
    "very positive": "positive",
    "positive": "positive",
    "neutral": "neutral",
    "negative": "negative",
    "very negative": "negative",
}
_TRAILING = re.compile(r"[\s.!?,;:\-]+$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+|;\s+|\s+(?=but\s)", flags=re.IGNORECASE)


def normalise_answer(texts: pd.Series) -> pd.Series:
    """Lower-cased text with surrounding spaces and trailing punctuation removed."""
    return (
        texts.fillna("").astype(str).str.strip().str.lower().str.replace(_TRAILING, "", regex=True)
    )


def usable_text(texts: pd.Series, no_answers: Iterable[str]) -> pd.Series:
    """True where a comment has text to classify: not blank and not a configured non-answer."""
    norm = normalise_answer(texts)
    return ~(norm.eq("") | norm.isin([a.lower() for a in no_answers]))


def split_sentences(text: str) -> list[str]:
    """Split a comment into sentences (and at "but", where mixed comments turn).

    >>> split_sentences("The doctor was fantastic. The food was cold but discharge was quick")
    ['The doctor was fantastic.', 'The food was cold', 'but discharge was quick']
    """
    parts = (p.strip() for p in _SENTENCE.split(text or ""))
    return [p for p in parts if re.search(r"[A-Za-z]{2}", p)]


def compile_rules(rules: Sequence[dict], known: Iterable[str]) -> list[tuple[str, str, re.Pattern]]:
    """Check and compile keyword rules (``subcategory``, ``action`` add/veto, ``pattern``).

    A rule naming an unknown sub-category or action, or with a broken pattern, is an
    error that says which rule (1-based) and what to fix.
    """
    known = set(known)
    compiled = []
    for i, rule in enumerate(rules, start=1):
        where = f"theme rule {i} ({rule.get('subcategory')!r})"
        if rule.get("subcategory") not in known:
            raise ValueError(f"{where}: unknown sub-category; use one of the v7 framework's")
        if rule.get("action") not in ("add", "veto"):
            raise ValueError(f"{where}: action must be 'add' or 'veto', not {rule.get('action')!r}")
        try:
            pattern = re.compile(rule["pattern"], flags=re.IGNORECASE)
        except (KeyError, TypeError, re.error) as exc:
            raise ValueError(
                f"{where}: pattern is missing or not a regular expression ({exc})"
            ) from exc
        compiled.append((rule["subcategory"], rule["action"], pattern))
    return compiled


def apply_rules(
    themes: pd.DataFrame,
    comments: pd.DataFrame,
    rules: Sequence[tuple[str, str, re.Pattern]],
    categories: dict[str, str],
) -> pd.DataFrame:
    """Add or veto themes where the analysts' keyword rules match a comment's text.

    ``themes`` has the ``comment_themes`` columns; ``comments`` has ``comment_id`` and
    ``text`` (only comments with usable text should be passed). Added rows have
    ``origin`` "rule" and no score; a veto removes the sub-category whatever its origin.
    """
    out = themes
    for subcategory, action, pattern in rules:
        matches = (
            comments["text"].fillna("").map(lambda text, p=pattern: p.search(text) is not None)
        )
        hit = comments.loc[matches, "comment_id"]
        if action == "veto":
            out = out.loc[~((out["subcategory"] == subcategory) & out["comment_id"].isin(hit))]
            continue
        have = set(out.loc[out["subcategory"] == subcategory, "comment_id"])
        new = [c for c in hit if c not in have]
        added = pd.DataFrame(
            {
                "comment_id": new,
                "category": categories[subcategory],
                "subcategory": subcategory,
                "origin": "rule",
                "score": np.nan,
            }
        )
        out = pd.concat([out, added], ignore_index=True) if new else out
    return out.reset_index(drop=True)


def apply_theme_corrections(
    themes: pd.DataFrame, corrections: pd.DataFrame, categories: dict[str, str]
) -> pd.DataFrame:
    """Replace the themes of corrected comments by the analysts' recorded sub-categories.

    ``corrections`` has ``comment_id`` and ``subcategories`` (a tuple; rows with
    ``None`` leave that comment's themes alone). Corrected rows have origin "correction".
    """
    fix = corrections.dropna(subset=["subcategories"])
    kept = themes.loc[~themes["comment_id"].isin(fix["comment_id"])]
    rows = [
        (cid, categories[s], s, "correction", np.nan)
        for cid, subs in zip(fix["comment_id"], fix["subcategories"], strict=True)
        for s in subs
    ]
    fixed = pd.DataFrame(rows, columns=["comment_id", "category", "subcategory", "origin", "score"])
    return pd.concat([kept, fixed], ignore_index=True) if rows else kept.reset_index(drop=True)


def multilabel_scores(
    truth: np.ndarray, predicted: np.ndarray, labels: Sequence[str], min_examples: int
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Per-label precision, recall and F1, plus macro and micro F1, for 0/1 label matrices.

    Macro F1 averages the labels with at least ``min_examples`` true examples; micro
    F1 pools every label's true and false positives and false negatives. A label
    never predicted and never true has F1 0 (scikit-learn's ``zero_division=0``).

    >>> t = np.array([[1, 0], [1, 1], [0, 1]]); p = np.array([[1, 0], [0, 1], [1, 1]])
    >>> per, overall = multilabel_scores(t, p, ["a", "b"], min_examples=1)
    >>> round(overall["micro_f1"], 3)   # tp=3, fp=1, fn=1 → 2·3/(2·3+1+1)
    0.75
    """
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, average=None, zero_division=0
    )
    per = pd.DataFrame(
        {
            "subcategory": list(labels),
            "examples": support,
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "in_macro": support >= min_examples,
        }
    )
    overall = {
        "macro_f1": float(per.loc[per["in_macro"], "f1"].mean()),
        "micro_f1": float(f1_score(truth, predicted, average="micro", zero_division=0)),
        "labels_in_macro": int(per["in_macro"].sum()),
        "comments": int(len(truth)),
    }
    return per, overall


def sentiment_scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Accuracy and macro F1 for the five classes and for the three-class view."""
    from sklearn.metrics import accuracy_score, f1_score

    truth, predicted = list(truth), list(predicted)
    t3 = [SENTIMENT_3[s] for s in truth]
    p3 = [SENTIMENT_3[s] for s in predicted]
    return {
        "accuracy_5": float(accuracy_score(truth, predicted)),
        "macro_f1_5": float(f1_score(truth, predicted, average="macro", zero_division=0)),
        "accuracy_3": float(accuracy_score(t3, p3)),
        "macro_f1_3": float(f1_score(t3, p3, average="macro", zero_division=0)),
        "comments": len(truth),
    }
