"""Choosing quotes that are safe to publish and fit their heading.

Reference: NHS England, *Friends and Family Test: guidance* (2019), section on using
free text ("comments should be checked to remove anything that could identify
patients or staff" before publication), and the NHS Digital / UK Statistics Authority
principle that published statistics must not disclose information about an
individual. A quote is the person's own words, so beyond the redaction done by the
clean step each candidate passes a **sensitive-content screen** (configured in
``config/quotes.yaml``, see :class:`ScreenSettings`) that keeps out:

* self-harm and suicide, substance use, diagnoses and medication details;
* ages and dates; named places and people (any redaction marker such as
  ``[name redacted]``, and capitalised words that do not begin a sentence);
* export debris (survey question text, ``Ticked :``, ``Q27``);
* empty praise (``nothing``, ``no comments``, ``n/a``) and text too short or too long.

Quotes fit their heading: **good** quotes ("Good news", "What was good") come only
from compliments or from comments both *positively rated* (Very good, Good) and of
*positive sentiment*; **better** quotes ("What could be better") only from comments
of *negative sentiment* that were not rated positively or answer the "what could be
better" question. No text is quoted twice on a page (compared ignoring case, spaces
and punctuation), and each quote names its service or setting.

>>> import pandas as pd
>>> screen = Screen(ScreenSettings(reasons={"substance_use": [r"\\bdrugs?\\b"]}, empty=["nothing"]))
>>> c = pd.DataFrame({"comment_id": ["1", "2", "3", "4"],
...     "text": ["The nurses were kind and explained everything to us.",
...              "They sorted out my drugs quickly and were very kind.", "Nothing",
...              "Waited far too long in reception without any update."],
...     "service_id": "S1", "rating": ["Very good", "Good", "Good", "Poor"],
...     "sentiment": ["very positive", "positive", "positive", "negative"]})
>>> [q.text for q in select_quotes(c, screen, "good", names={"S1": "Ward One"})]
['The nurses were kind and explained everything to us.']
>>> select_quotes(c, screen, "better", names={"S1": "Ward One"})[0].source
'Ward One'
>>> screen.reasons("They sorted out my drugs quickly and were very kind.")
('substance_use',)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

GOOD, BETTER = "good", "better"
POSITIVE_RATINGS = ("Very good", "Good")
POSITIVE_SENTIMENT = ("very positive", "positive")
NEGATIVE_SENTIMENT = ("negative", "very negative")
_SENTENCE_START = re.compile(r"(?:^|[.!?;:\n()\"“]\s*|\s-\s)$")


class ScreenSettings(BaseModel):
    """The screen's settings (``config/quotes.yaml``); unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")

    min_chars: int = Field(20, ge=0)
    max_chars: int = Field(300, gt=0)
    empty: list[str] = []
    reasons: dict[str, list[str]] = {}
    capitalised_names: bool = True
    ordinary: list[str] = []

    @field_validator("reasons")
    @classmethod
    def _compiles(cls, reasons: dict[str, list[str]]) -> dict[str, list[str]]:
        for reason, patterns in reasons.items():
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(
                        f"reasons.{reason}: {pattern!r} is not a regex ({exc})"
                    ) from None
        return reasons


@dataclass(frozen=True)
class Quote:
    """A quote chosen for a report: the words, whose they are, and why they fit."""

    text: str
    source: str
    side: str
    comment_id: str
    theme: str = ""


@dataclass(frozen=True)
class Rejection:
    """A candidate the screen kept out, and every reason why."""

    comment_id: str
    text: str
    reasons: tuple[str, ...]


def normalised(text: str) -> str:
    """Lower case, letters and digits only, single spaces: how texts are compared."""
    return " ".join(re.sub(r"[^a-z0-9&/]+", " ", text.lower()).split())


class Screen:
    """The sensitive-content screen, compiled once from its settings."""

    def __init__(self, settings: ScreenSettings):
        self.settings = settings
        self._patterns = {
            reason: re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
            for reason, patterns in settings.reasons.items()
            if patterns
        }
        self._empty = {normalised(e) for e in settings.empty}
        self._ordinary = set(settings.ordinary)

    def reasons(self, text: str) -> tuple[str, ...]:
        """Every reason ``text`` must not be quoted (empty if it may be)."""
        text = text.strip()
        found = [reason for reason, pattern in self._patterns.items() if pattern.search(text)]
        if self.settings.capitalised_names and self._named(text):
            found.append("named_place_or_person")
        if normalised(text) in self._empty or not normalised(text):
            found.append("empty")
        elif not self.settings.min_chars <= len(text) <= self.settings.max_chars:
            found.append("length")
        return tuple(found)

    def _named(self, text: str) -> bool:
        for m in re.finditer(r"[A-Z][a-z]+(?:['’][a-z]+)?", text):
            word = m.group()
            if m.start() and text[m.start() - 1].isalnum():
                continue
            if word in self._ordinary or _SENTENCE_START.search(text[: m.start()]):
                continue
            return True
        return False


def _eligible(candidates: pd.DataFrame, side: str) -> pd.Series:
    """Which candidates fit ``side``: compliments, and comments by rating and sentiment."""

    def col(name: str) -> pd.Series:
        return candidates.get(name, pd.Series(None, index=candidates.index, dtype=object))

    compliment = col("source").eq("compliment")
    sentiment, rating, question = col("sentiment"), col("rating"), col("question")
    if side == GOOD:
        return compliment | (
            rating.isin(POSITIVE_RATINGS)
            & sentiment.isin(POSITIVE_SENTIMENT)
            & ~question.eq("what_could_be_better")
        )
    if side == BETTER:
        answered = question.eq("what_could_be_better") | (
            rating.notna() & ~rating.isin(POSITIVE_RATINGS)
        )
        return ~compliment & sentiment.isin(NEGATIVE_SENTIMENT) & answered
    raise ValueError(f"side must be {GOOD!r} or {BETTER!r}, not {side!r}")


def screened(candidates: pd.DataFrame, screen: Screen) -> tuple[pd.DataFrame, list[Rejection]]:
    """The candidates that pass the screen, and a :class:`Rejection` for each that does not."""
    reasons = [screen.reasons(str(t)) for t in candidates["text"].fillna("")]
    keep = pd.Series([not r for r in reasons], index=candidates.index, dtype=bool)
    rejected = [
        Rejection(str(cid), str(text), r)
        for cid, text, r in zip(candidates["comment_id"], candidates["text"], reasons, strict=True)
        if r
    ]
    return candidates[keep], rejected


def select_quotes(
    candidates: pd.DataFrame,
    screen: Screen,
    side: str,
    names: Mapping[str, str],
    n: int = 3,
    already: Iterable[str] = (),
) -> list[Quote]:
    """Up to ``n`` quotes for ``side`` (``"good"`` or ``"better"``), safest order first.

    ``candidates`` has ``comment_id``, ``text``, ``service_id`` and, where known,
    ``rating``, ``sentiment``, ``question``, ``source`` (``"compliment"`` for
    compliments), ``theme`` and ``strength`` (higher is more typical; ties break on
    comment id). ``names`` maps a service id to the name a quote is credited to (a
    service, or a setting). ``already`` holds the normalised texts already quoted on
    the page; one service gives one quote while others have some to give.
    """
    fit = candidates[_eligible(candidates, side)]
    fit, _ = screened(fit, screen)
    order = fit.assign(
        _strength=fit.get("strength", 0.0),
        _key=fit["text"].map(normalised),
    ).sort_values(["_strength", "comment_id"], ascending=[False, True], kind="stable")
    seen = set(already)
    order = order[~order["_key"].isin(seen)].drop_duplicates("_key")
    first = order.drop_duplicates("service_id")
    chosen = pd.concat([first, order.drop(first.index)]).head(n)
    return [
        Quote(
            text=str(r.text).strip(),
            source=names.get(r.service_id, str(r.service_id)),
            side=side,
            comment_id=str(r.comment_id),
            theme=str(getattr(r, "theme", "") or ""),
        )
        for r in chosen.itertuples()
    ]
