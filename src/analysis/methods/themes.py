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


#: White space as ``str.strip`` and ``re``'s ``\\s`` read it in ASCII text.
_ASCII_WHITE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "


def usable_text(texts: pd.Series, no_answers: Iterable[str]) -> pd.Series:
    """True where a comment has text to classify: not blank and not a configured non-answer.

    Texts in ASCII are normalised as :func:`normalise_answer` does, by pyarrow's kernels
    (leading white space, then trailing white space and punctuation, trimmed; lower case);
    other texts by :func:`normalise_answer` itself.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    values = _text_array(texts)
    norm = pc.utf8_lower(
        pc.utf8_rtrim(
            pc.utf8_ltrim(values, characters=_ASCII_WHITE), characters=_ASCII_WHITE + ".!?,;:-"
        )
    )
    answers = pa.array(sorted({a.lower() for a in no_answers}), pa.string())
    unusable = pc.or_(pc.equal(norm, ""), pc.is_in(norm, value_set=answers))
    out = ~unusable.to_numpy(zero_copy_only=False)
    other = np.flatnonzero(~pc.string_is_ascii(values).to_numpy(zero_copy_only=False))
    if len(other):
        norm_other = normalise_answer(pd.Series(pc.take(values, pa.array(other)).to_pylist()))
        out[other] = ~(norm_other.eq("") | norm_other.isin(answers.to_pylist())).to_numpy()
    return pd.Series(out, index=texts.index)


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
    texts = _text_array(comments["text"]) if rules else None
    plain = _re2_reads_alike(texts) if rules else None
    for subcategory, action, pattern in rules:
        hit = comments.loc[rule_matches(texts, pattern, plain), "comment_id"]
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


#: Characters on which Python's ``re`` and RE2 read a pattern differently in ASCII text:
#: ``\\s`` takes the vertical tab and the separators ``\\x1c``-``\\x1f`` in ``re`` only.
_RE2_DIFFERENT = r"[\x0b\x1c-\x1f]"
#: Pattern text that both compile but read differently: POSIX classes (``[[:digit:]]`` is a
#: set of characters in ``re``) and ``{,n}`` (a count in ``re``, literal text in RE2).
_RE2_UNSAFE = ("[:", "{,")


def _text_array(texts: pd.Series):
    """The texts as a pyarrow string array, missing ones as empty text (not copied a
    value at a time: the texts may be millions)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pa.array(texts, from_pandas=True)
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    return pc.fill_null(values, "")


def _re2_pattern(pattern: re.Pattern) -> str | None:
    """The pattern for RE2 (case-insensitive, as compiled), or None where RE2 could read it
    otherwise than ``re``: a pattern with other than ASCII, or with :data:`_RE2_UNSAFE`."""
    text = pattern.pattern
    if not text.isascii() or any(u in text for u in _RE2_UNSAFE):
        return None
    return f"(?i:{text})" if pattern.flags & re.IGNORECASE else text


def _re2_reads_alike(texts) -> np.ndarray:
    """Texts in which RE2 reads an ASCII pattern as ``re`` does: ASCII, without
    :data:`_RE2_DIFFERENT` and not ending in a line break (where ``$`` differs)."""
    import pyarrow.compute as pc

    odd = pc.or_(pc.ends_with(texts, "\n"), pc.match_substring_regex(texts, _RE2_DIFFERENT))
    return pc.and_(pc.string_is_ascii(texts), pc.invert(odd)).to_numpy(zero_copy_only=False)


def rule_matches(texts, pattern: re.Pattern, plain: np.ndarray | None = None) -> np.ndarray:
    """Where ``pattern.search`` finds the pattern in each of ``texts`` (a pyarrow string array,
    no nulls): the answer of Python's ``re``, whatever the text.

    Texts in plain ASCII are searched by RE2 (``pyarrow.compute.match_substring_regex``, all
    at once), which reads an ASCII pattern as ``re`` does there; the others (non-ASCII, the
    white space :data:`_RE2_DIFFERENT`, a final line break, where ``$`` differs) and every
    text for a pattern RE2 does not read alike are searched by ``re`` one at a time.

    >>> import pyarrow as pa
    >>> texts = pa.array(["Car park full", "café parking", "x\\n", "no"])
    >>> rule_matches(texts, re.compile(r"\\bpark(ing)?\\b|x$", re.IGNORECASE)).tolist()
    [True, True, True, False]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(texts)
    re2 = _re2_pattern(pattern)
    found = np.zeros(n, dtype=bool)
    if re2 is not None and n:
        plain = _re2_reads_alike(texts) if plain is None else plain
        try:
            found = pc.match_substring_regex(texts, re2).to_numpy(zero_copy_only=False) & plain
        except pa.ArrowInvalid:  # a construct RE2 does not have (look-around, back-reference)
            plain = np.zeros(n, dtype=bool)
        rest = np.flatnonzero(~plain)
    else:
        rest = np.arange(n)
    if len(rest):
        subset = pc.take(texts, pa.array(rest)).to_pylist()
        found[rest] = [pattern.search(t) is not None for t in subset]
    return found


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
