"""A period's comment figures run where the comments lie: the themes' totals and the quotes.

At national scale a month has over a million comments and two million theme rows; a
report needs of them only the comments carrying each theme and a few quotes per theme.
These Ibis expressions (DuckDB by default, Spark when configured, as
:mod:`analysis.query.aggregates`) compute both where the Parquet files lie, so that only
the small results reach pandas:

* :func:`theme_totals`: comments carrying each theme (category and sub-category) and the
  comments with a theme (:func:`analysis.methods.theme_trends.theme_totals`, the
  reference);
* :func:`topic_counts`: per service, month and theme, the comments carrying it and those
  of them negative (the thematic review's counts,
  :func:`analysis.methods.triangulation.comment_topic_counts`, the reference);
* :func:`representative_quotes`: the rule of
  :func:`analysis.methods.theme_trends.representative_quotes` (the reference, which the
  tests compare with), the chosen quotes carrying their response, question and sentiment.
"""

from __future__ import annotations

import ibis
import pandas as pd

from analysis.methods import theme_trends
from analysis.methods.quotes import NEGATIVE_SENTIMENT, POSITIVE_SENTIMENT
from analysis.query.aggregates import Selection, in_months, select
from analysis.reference import NO_USABLE_TEXT

#: What a chosen quote carries: the rule's columns, then its response, question and sentiment.
QUOTE_COLUMNS = (*theme_trends.QUOTE_COLUMNS, "response_id", "question", "sentiment")


def theme_totals(
    comments: ibis.Table, themes: ibis.Table, sel: Selection, partitioned: bool
) -> tuple[ibis.Table, ibis.Table]:
    """Comments carrying each (category, sub-category) in the selection (``count``), and
    the selection's ``comments`` and those with a theme (``usable``): a comment counts once
    per theme, and comments with no usable text are left out (as
    :func:`analysis.methods.theme_trends.theme_totals` counts them)."""
    c = select(comments, "response_date", sel, partitioned).select("comment_id")
    t = in_months(themes, sel)
    unusable = t.filter(t.subcategory == NO_USABLE_TEXT).select("comment_id")
    usable = c.anti_join(unusable, "comment_id")
    rows = usable.join(t.select("comment_id", "category", "subcategory"), "comment_id").distinct()
    counts = rows.group_by(["category", "subcategory"]).agg(count=rows.count())
    sizes = c.aggregate(comments=c.count()).cross_join(
        rows.aggregate(usable=rows.comment_id.nunique())
    )
    return counts, sizes


#: How many of each sub-category's and tone's strongest comments are read with their text
#: (:func:`representative_quotes`): the quotes are among them unless their texts repeat.
QUOTE_DEPTH = 64


def representative_quotes(
    comments: ibis.Table,
    themes: ibis.Table,
    sentiment: ibis.Table,
    sel: Selection,
    partitioned: bool,
    per_theme: int = 2,
    max_chars: int = 300,
    depth: int = QUOTE_DEPTH,
) -> ibis.Table:
    """Up to ``per_theme`` positive and ``per_theme`` negative quotes per sub-category, by
    the rule of :func:`analysis.methods.theme_trends.representative_quotes`: comments of
    20–``max_chars`` characters with the sub-category from the model, ranked by theme score
    × polarity (positive) or × −polarity (negative), ties broken on comment id, each text
    once per sub-category and tone. Sorted as that function sorts them.

    The comments are ranked without their text, and only the ``depth`` strongest of each
    sub-category and tone are read with it (a month at 60M: 2.0 s against 4.8 s, and within
    600 MB of DuckDB's memory): each row carries ``candidates``, how many its sub-category
    and tone have. Where fewer than ``per_theme`` quotes come back from more than ``depth``
    candidates (their texts repeat), the rule needs a deeper look:
    :meth:`analysis.query.queries.Queries.representative_quotes` asks again, deep enough.
    """
    c = select(comments, "response_date", sel, partitioned)
    fits = c.filter(c.text.length().between(20, max_chars)).select("comment_id")
    t = in_months(themes, sel)
    model = t.filter(t.origin == "model").select("comment_id", "subcategory", "score")
    s = in_months(sentiment, sel)
    tone = ibis.cases(
        (s.sentiment.isin(POSITIVE_SENTIMENT), "positive"),
        (s.sentiment.isin(NEGATIVE_SENTIMENT), "negative"),
        else_=None,
    )
    feel = s.mutate(tone=tone).filter(tone.notnull())
    rows = model.join(
        feel.select("comment_id", "tone", "sentiment", polarity=feel.score), "comment_id"
    )
    rows = rows.semi_join(fits, "comment_id")
    polarity = ibis.ifelse(rows.tone == "positive", rows.polarity, -rows.polarity)
    rows = rows.select(
        "comment_id", "subcategory", "tone", "sentiment", strength=rows.score * polarity
    )
    order = [ibis.desc(ibis._.strength), ibis._.comment_id]  # a missing strength last
    group = ["subcategory", "tone"]
    rows = rows.mutate(
        strongest=ibis.row_number().over(ibis.window(group_by=group, order_by=order)),
        candidates=ibis._.comment_id.count().over(ibis.window(group_by=group)),
    )
    rows = rows.filter(rows.strongest < depth).drop("strongest")
    texts = c.select("comment_id", "service_id", "response_date", "text", "response_id", "question")
    rows = rows.join(texts, "comment_id")
    once = ibis.window(group_by=[*group, "text"], order_by=order)
    rows = rows.mutate(copy=ibis.row_number().over(once))
    rows = rows.filter(rows.copy == 0)
    rows = rows.mutate(place=ibis.row_number().over(ibis.window(group_by=group, order_by=order)))
    rows = rows.filter(rows.place < per_theme)
    return rows.order_by([rows.subcategory, rows.tone, rows.place]).select(
        *QUOTE_COLUMNS, "candidates"
    )


def too_shallow(quotes: pd.DataFrame, per_theme: int, depth: int) -> int:
    """The depth :func:`representative_quotes` needs for ``quotes`` (its result) to follow
    the rule: 0 when it does; else every candidate of the sub-categories and tones that gave
    fewer than ``per_theme`` quotes from more than ``depth`` candidates.

    >>> q = pd.DataFrame({"subcategory": ["A", "B"], "tone": "positive", "candidates": [90, 1]})
    >>> too_shallow(q, 2, 64), too_shallow(q, 1, 64), too_shallow(q, 2, 90)
    (90, 0, 0)
    """
    found = quotes.groupby(["subcategory", "tone"])["candidates"].agg(["size", "max"])
    short = found[(found["size"] < per_theme) & (found["max"] > depth)]
    return int(short["max"].max()) if len(short) else 0


def topic_counts(
    comments: ibis.Table,
    themes: ibis.Table,
    sentiment: ibis.Table,
    sel: Selection,
    partitioned: bool,
    level: str = "category",
) -> ibis.Table:
    """Per service, month and topic (a theme at ``level``): comments carrying it (``count``)
    and those of them whose sentiment is negative (``concerns``), as
    :func:`analysis.methods.triangulation.comment_topic_counts` counts them."""
    if level not in ("subcategory", "category"):
        raise ValueError(f"level must be 'subcategory' or 'category', not {level!r}")
    c = select(comments, "response_date", sel, partitioned)
    c = c.select("comment_id", "service_id", month=c.response_date.truncate("M"))
    t = in_months(themes, sel)
    t = t.filter(t.subcategory != NO_USABLE_TEXT).select("comment_id", topic=t[level]).distinct()
    s = in_months(sentiment, sel)
    negative = s.filter(s.sentiment.isin(NEGATIVE_SENTIMENT)).select("comment_id")
    rows = t.join(c, "comment_id")
    rows = rows.mutate(concern=rows.comment_id.isin(negative.comment_id).cast("int64"))
    return rows.group_by(["service_id", "month", "topic"]).agg(
        count=rows.count(), concerns=rows.concern.sum()
    )
