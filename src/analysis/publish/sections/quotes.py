"""Which quotes a page shows: one function per kind, so the choice can be changed in one place.

Comments and compliments are already redacted when stored. Candidates are then chosen
by :func:`analysis.methods.quotes.select_quotes` through the sensitive-content screen
(``config/quotes.yaml``): a quote fits its heading (by the response's rating and the
comment's sentiment), names the service it is about, and no text is quoted twice on a
page (the page's context remembers what it has quoted). The templates escape them.
"""

from __future__ import annotations

import pandas as pd

from analysis.methods.quotes import BETTER, GOOD, Quote, normalised, select_quotes
from analysis.publish import quoting
from analysis.publish.quote_screen import load_screen

HEADINGS = {GOOD: "What was good", BETTER: "What could be better"}


def _pick(ctx, candidates: pd.DataFrame, side: str, n: int) -> list[Quote]:
    """Up to ``n`` quotes for ``side``, none already on the page; remembers them."""
    if candidates.empty:
        return []
    quoted = ctx.cache.setdefault("quoted", set())
    names = quoting.service_names(ctx.all_services)
    chosen = select_quotes(candidates, load_screen(), side, names, n=n, already=quoted)
    quoted.update(normalised(q.text) for q in chosen)
    return chosen


def _group(heading: str, chosen: list[Quote]) -> list[dict]:
    if not chosen:
        return []
    return [
        {
            "heading": heading,
            "quotes": [{"text": q.text, "theme": q.theme, "source": q.source} for q in chosen],
        }
    ]


def comment_quotes(ctx, n: int = 2) -> list[dict]:
    """Up to ``n`` quotes of what was good and ``n`` of what could be better in the period,
    from the most typical comments of each theme
    (:func:`analysis.methods.theme_trends.representative_quotes`'s stated rule) that fit the
    heading and pass the screen."""
    candidates = ctx.period_quote_candidates()
    groups = []
    for side in (GOOD, BETTER):
        chosen = _pick(ctx, candidates, side, n)
        groups += _group(f"{HEADINGS[side]}, in people's own words", chosen)
    return groups


def compliment_quotes(ctx, compliments: pd.DataFrame, n: int = 2) -> list[dict]:
    """Up to ``n`` compliments that pass the screen (longer first: they say what was good),
    one per service while others have some to give."""
    if compliments.empty or "text" not in compliments:
        return []
    candidates = quoting.compliment_candidates(compliments)
    return _group("In their own words", _pick(ctx, candidates, GOOD, n))
