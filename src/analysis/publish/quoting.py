"""Quote candidates from the tidy tables, in the shape
:func:`analysis.methods.quotes.select_quotes` takes; the report sections choose among
them through the configured screen (:mod:`analysis.publish.sections.quotes`).
"""

from __future__ import annotations

import pandas as pd

from analysis.methods import theme_trends


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
        picked["rating"] = picked["response_id"].map(responses.set_index("response_id")["rating"])
    return as_candidates(picked)


def as_candidates(picked: pd.DataFrame) -> pd.DataFrame:
    """Quotes picked by the rule, with their question, sentiment and rating, as candidates."""
    if "rating" in picked:
        picked = picked.assign(rating=picked["rating"].astype(object))
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
