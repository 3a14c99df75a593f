"""Quotes on a report page: candidates from the tidy tables, chosen by
:func:`analysis.methods.quotes.select_quotes` through the configured screen, rendered
as ``<blockquote>`` with the service they are about.

A page's :class:`~analysis.publish.report.ReportBuilder` remembers what it has quoted,
so no text appears twice on a page, whichever section quotes it.
"""

from __future__ import annotations

import html

import pandas as pd

from analysis.methods import theme_trends
from analysis.methods.quotes import Quote, normalised, select_quotes
from analysis.publish.quote_screen import load_screen


def service_names(services: pd.DataFrame | None) -> dict[str, str]:
    """Service id → the name a quote is credited to."""
    if services is None or services.empty:
        return {}
    return dict(zip(services["service_id"], services["service_name"], strict=True))


def comment_candidates(
    comments: pd.DataFrame,
    themes: pd.DataFrame,
    sentiment: pd.DataFrame,
    responses: pd.DataFrame | None = None,
    per_theme: int = 3,
) -> pd.DataFrame:
    """The most typical comments of each theme (:func:`~analysis.methods.theme_trends.representative_quotes`)
    with their question, their response's rating (when ``responses`` is given) and theme."""
    picked = theme_trends.representative_quotes(comments, themes, sentiment, per_theme=per_theme)
    picked = picked.merge(
        comments[["comment_id", "response_id", "question"]], on="comment_id", how="left"
    ).merge(sentiment[["comment_id", "sentiment"]], on="comment_id", how="left")
    if responses is not None:
        ratings = responses.set_index("response_id")["rating"]
        picked["rating"] = picked["response_id"].map(ratings).astype(object)
    return picked.rename(columns={"subcategory": "theme"})


def compliment_candidates(compliments: pd.DataFrame) -> pd.DataFrame:
    """Compliments as candidates (longer ones first: they say what was good)."""
    texts = compliments.dropna(subset=["text"])
    return pd.DataFrame(
        {
            "comment_id": texts["compliment_id"].astype(str),
            "text": texts["text"].astype(str),
            "service_id": texts["service_id"],
            "source": "compliment",
            "strength": texts["text"].str.len().astype(float),
        }
    )


def pick(report, candidates: pd.DataFrame, side: str, names: dict, n: int = 3) -> list[Quote]:
    """Up to ``n`` quotes for ``side``, none already on ``report``'s page; remembers them."""
    if candidates.empty:
        return []
    quoted = getattr(report, "quoted", set())
    chosen = select_quotes(candidates, load_screen(), side, names, n=n, already=quoted)
    quoted.update(normalised(q.text) for q in chosen)
    return chosen


def quotes_html(heading: str, quotes: list[Quote]) -> str:
    """The quotes under ``heading``, each with its service (and theme), escaped."""
    if not quotes:
        return ""
    items = []
    for q in quotes:
        credit = html.escape(q.source) + (f" · Theme: {html.escape(q.theme)}" if q.theme else "")
        items.append(f"<blockquote>{html.escape(q.text)}<footer>{credit}</footer></blockquote>")
    return f"<h3>{html.escape(heading)}</h3>" + "".join(items)
