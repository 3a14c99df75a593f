"""Comments for the synthetic FFT responses, drawn from real labelled NHS comments.

The comments come from the labelled FFT comments the package ships (redacted of staff
names) in :mod:`analysis.reference`: the public ``v6framework_230831.csv`` of The Strategy
Unit's pxtextmining project (MIT licence, copyright NHS England; the two trusts agreed
to publish them), with their v7 sub-categories. Each synthetic comment is matched to its response's rating (the source
comment's own FFT answer) and to the question asked; "what could be better" comments can
be steered towards one sub-category to plant a rising theme.

Two ways of drawing, for two purposes:

* :meth:`CommentBank.draw` returns whole real comments (realistic text whose labels the
  theme model knows);
* :meth:`CommentBank.compose` joins two or three sentences taken from different comments
  of the same pool, so that millions of responses carry almost only distinct comments
  (benchmarks must not win by caching).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: The source's questions (``training_comments`` vocabulary) → the demonstration form's.
SOURCE_QUESTIONS = {
    "what_was_good": "what_was_good",
    "what_could_be_better": "what_could_be_better",
    "other": "what_matters",
}
#: FFT ratings grouped as the synthetic ratings are.
RATING_GROUPS = {
    "Very good": "positive",
    "Good": "positive",
    "Neither good nor poor": "neutral",
    "Don't know": "neutral",
    "Poor": "negative",
    "Very poor": "negative",
}
#: Answers that are not comments.
NOT_COMMENTS = {"", "did not answer", "n/a", "na", "none", "nothing", "no", "-"}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


#: Where each trust's comments fit: NEAS runs ambulance, 111 and patient transport; NHFT
#: mental health, community and learning disability services.
TRUST_KINDS = {"NEAS": "urgent", "NHFT": "community"}
#: Settings whose comments come from the urgent-care trust first.
URGENT_SETTINGS = {"urgent care", "ambulance"}
#: A question's nearest other question, for a trust that did not ask it: answers to
#: "what was good?" and to the open "why?" question read alike.
NEAREST_QUESTION = {"what_matters": "what_was_good", "what_was_good": "what_matters"}


def comment_kind(setting: str) -> str:
    """The kind of service whose real comments suit a service in ``setting``."""
    return "urgent" if setting in URGENT_SETTINGS else "community"


@dataclass(frozen=True)
class Pool:
    """Comments (and their sentences) for one kind, question, rating group and theme flag."""

    texts: np.ndarray
    sentences: np.ndarray
    lengths: np.ndarray


class CommentBank:
    """Real comments grouped by (kind of service, question, rating group, carries the theme?).

    ``reference`` is :func:`analysis.reference.training_comments`; ``theme`` the v7
    sub-category that can be steered, e.g. ``"Timeliness of care"``. A service's comments
    come from the trust that runs services like it (``kind``: "urgent" or "community").
    """

    def __init__(self, reference: pd.DataFrame, theme: str):
        ref = reference.copy()
        ref["kind"] = ref["trust"].map(TRUST_KINDS).fillna("community")
        ref["question"] = ref["question"].map(SOURCE_QUESTIONS)
        ref["group"] = ref["rating"].map(RATING_GROUPS)
        ref["text"] = ref["text"].str.strip()
        ref["themed"] = ref["subcategories"].map(lambda labels: theme in labels)
        keep = (
            ref["question"].notna()
            & ref["group"].notna()
            & ~ref["text"].str.lower().str.rstrip(".!").isin(NOT_COMMENTS)
            & ref["text"].str.len().between(3, 600)
        )
        ref = ref.loc[keep]
        self.pools: dict[tuple[str, str, str, bool], Pool] = {}
        for key, grp in ref.groupby(["kind", "question", "group", "themed"], sort=True):
            texts = grp["text"].to_numpy(dtype=object)
            sentences = [s.strip() for t in texts for s in _SENTENCE.split(t) if len(s.strip()) > 2]
            lengths = np.array([len(t) for t in texts])
            self.pools[key] = Pool(texts, np.array(sentences, dtype=object), lengths)

    def pool(self, kind: str, question: str, group: str, themed: bool) -> Pool:
        """The pool for a key, falling back to the nearest populated one.

        Nearest means, in order: the same kind of service with the nearest question,
        the other kind of service, the other theme flag, a neighbouring rating group.
        """
        other_kind = "community" if kind == "urgent" else "urgent"
        near = NEAREST_QUESTION.get(question, question)
        neighbour = "negative" if group == "neutral" else "neutral"
        for key in [
            (kind, question, group, themed),
            (kind, near, group, themed),
            (other_kind, question, group, themed),
            (other_kind, near, group, themed),
            (kind, question, group, not themed),
            (other_kind, question, group, not themed),
            (kind, question, neighbour, themed),
            (other_kind, question, neighbour, themed),
        ]:
            if key in self.pools:
                return self.pools[key]
        raise KeyError(f"no reference comments for {kind}/{question}/{group}")

    def draw(
        self,
        rng: np.random.Generator,
        kind: str,
        question: str,
        group: str,
        themed: bool,
        n: int,
        min_chars: int = 0,
    ):
        """``n`` whole real comments (of at least ``min_chars`` characters, if any are)."""
        pool = self.pool(kind, question, group, themed)
        long = pool.texts[pool.lengths >= min_chars]
        texts = long if len(long) else pool.texts
        return texts[rng.integers(len(texts), size=n)]

    def compose(
        self, rng: np.random.Generator, kind: str, question: str, group: str, themed: bool, n: int
    ):
        """``n`` comments, each two or three sentences from different comments of a pool."""
        sentences = self.pool(kind, question, group, themed).sentences
        k = rng.integers(2, 4, size=n)
        picks = rng.integers(len(sentences), size=(n, 3))
        parts = sentences[picks]
        two = parts[:, 0] + " " + parts[:, 1]
        return np.where(k == 2, two, two + " " + parts[:, 2])
