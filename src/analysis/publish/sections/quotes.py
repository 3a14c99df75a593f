"""Which quotes a page shows: one function per kind, so the choice can be changed in one place.

Comments and compliments are already redacted when stored; the templates escape them.
"""

from __future__ import annotations

import pandas as pd

from analysis.methods import theme_trends


def comment_quotes(comments, themes, sentiment, n: int = 2) -> list[dict]:
    """The strongest ``n`` positive and ``n`` negative comments, one per theme
    (:func:`analysis.methods.theme_trends.representative_quotes`'s stated rule)."""
    chosen = theme_trends.representative_quotes(comments, themes, sentiment, per_theme=1)
    chosen = chosen.sort_values(["strength", "comment_id"], ascending=[False, True])
    groups = []
    for tone, heading in (("positive", "What was good"), ("negative", "What could be better")):
        picked = chosen[chosen["tone"] == tone].drop_duplicates("text").head(n)
        if len(picked):
            groups.append(
                {
                    "heading": f"{heading}, in people's own words",
                    "quotes": [
                        {"text": r.text, "theme": r.subcategory} for r in picked.itertuples()
                    ],
                }
            )
    return groups


def compliment_quotes(compliments: pd.DataFrame, n: int = 2) -> list[dict]:
    """The longest compliments (long enough to say what was good), one per service."""
    texts = compliments.dropna(subset=["text"])
    texts = texts.assign(length=texts["text"].str.len()).sort_values(
        ["length", "compliment_id"], ascending=[False, True]
    )
    chosen = texts.drop_duplicates("service_id").head(n)
    if chosen.empty:
        return []
    return [
        {
            "heading": "In their own words",
            "quotes": [{"text": t, "theme": ""} for t in chosen["text"]],
        }
    ]
