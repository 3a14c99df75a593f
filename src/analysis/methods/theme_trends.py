"""Theme trends: monthly counts and shares, SPC on shares, rising themes, top themes, quotes, search.

Pure functions over ``fft_comments``, ``comment_themes`` and ``comment_sentiment``.
A theme's *share* in a month is the share of that month's comments with usable text
that carry it (a comment can carry several themes, so shares do not add up to 1).

SPC on shares is a p-chart: centre line p̄ = Σ carrying / Σ comments over the
baseline months, limits p̄ ± 3·√(p̄(1−p̄)/nᵢ) for a month of nᵢ comments
(Montgomery, *Introduction to Statistical Quality Control*, 7th ed., §7.2; NHS
England's Making Data Count uses the same 3-sigma limits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.methods.quotes import NEGATIVE_SENTIMENT, POSITIVE_SENTIMENT
from analysis.reference import NO_USABLE_TEXT


def comment_themes_by_month(
    comments: pd.DataFrame, themes: pd.DataFrame, question: str | None = None
) -> tuple[pd.DataFrame, pd.Series]:
    """Theme rows joined to their comment's month, service and question, and comments per month.

    Returns (``theme rows`` with ``month``, ``service_id``, ``question``, ``category``,
    ``subcategory``; ``usable comments per month``). Comments with no usable text
    are left out of both. ``question`` restricts to one question.
    """
    base = comments.assign(month=comments["response_date"].dt.to_period("M"))
    if question:
        base = base.loc[base["question"] == question]
    unusable = themes.loc[themes["subcategory"] == NO_USABLE_TEXT, "comment_id"]
    base = base.loc[~base["comment_id"].isin(unusable)]
    rows = themes.merge(base[["comment_id", "month", "service_id", "question"]], on="comment_id")
    return rows, base.groupby("month").size().rename("comments")


#: The columns of :func:`representative_quotes`.
QUOTE_COLUMNS = [
    "subcategory",
    "tone",
    "comment_id",
    "service_id",
    "response_date",
    "text",
    "strength",
]


@dataclass(frozen=True)
class ThemeTotals:
    """A period's comments, those with a usable text and a theme, and the comments carrying
    each theme (``category``, ``subcategory``, ``count``; most common first, then by name)."""

    comments: int
    usable: int
    counts: pd.DataFrame

    @classmethod
    def of(cls, counts: pd.DataFrame, comments: int, usable: int) -> ThemeTotals:
        """The totals, ``counts`` put in order."""
        counts = counts[["category", "subcategory", "count"]].sort_values(
            ["count", "subcategory", "category"], ascending=[False, True, True], ignore_index=True
        )
        return cls(comments, usable, counts.astype({"count": "int64"}))


def theme_totals(comments: pd.DataFrame, themes: pd.DataFrame) -> ThemeTotals:
    """How many of ``comments`` carry each theme (once per comment and theme), leaving out
    comments with no usable text; ``usable`` counts the comments with a theme.

    >>> c = pd.DataFrame({"comment_id": ["a", "b", "c"], "question": "q",
    ...                   "service_id": "S", "response_date": pd.Timestamp("2024-01-02")})
    >>> t = pd.DataFrame({"comment_id": ["a", "a", "b", "c"], "category": "Staff",
    ...                   "subcategory": ["Attitude", "Attitude", "Attitude", NO_USABLE_TEXT]})
    >>> totals = theme_totals(c, t)
    >>> totals.comments, totals.usable, totals.counts["count"].tolist()
    (3, 2, [2])
    """
    rows, _ = comment_themes_by_month(comments, themes)
    counts = (
        rows.drop_duplicates(["comment_id", "subcategory"])
        .groupby(["category", "subcategory"])
        .size()
        .rename("count")
        .reset_index()
    )
    return ThemeTotals.of(counts, len(comments), rows["comment_id"].nunique())


def monthly_theme_shares(
    comments: pd.DataFrame,
    themes: pd.DataFrame,
    level: str = "subcategory",
    question: str | None = None,
) -> pd.DataFrame:
    """One row per month and theme: ``comments`` (usable), ``count`` carrying it, ``share``.

    ``level`` is "subcategory" or "category" (a comment counts once per category).
    Months where a theme is absent have count 0.
    """
    rows, per_month = comment_themes_by_month(comments, themes, question)
    counts = rows.drop_duplicates(["comment_id", level]).groupby(["month", level]).size()
    grid = pd.MultiIndex.from_product(
        [per_month.index, sorted(rows[level].unique())], names=["month", level]
    )
    out = counts.reindex(grid, fill_value=0).rename("count").reset_index()
    out = out.merge(per_month.reset_index(), on="month")
    out["share"] = out["count"] / out["comments"]
    return out[["month", level, "comments", "count", "share"]]


def p_chart(
    counts: pd.Series, totals: pd.Series, baseline: pd.Series | None = None
) -> pd.DataFrame:
    """p-chart of ``counts / totals`` with limits from the ``baseline`` points (default: all).

    Returns ``p``, ``centre``, ``lower``, ``upper`` (clipped to [0, 1]) and
    ``z`` (standardised distance from the centre).

    >>> chart = p_chart(pd.Series([10, 20]), pd.Series([100, 100]))
    >>> round(float(chart["upper"].iloc[0]), 4)   # 0.15 + 3·√(0.15·0.85/100)
    0.2571
    """
    counts, totals = counts.astype(float), totals.astype(float)
    use = pd.Series(True, index=counts.index) if baseline is None else baseline.astype(bool)
    centre = counts[use].sum() / totals[use].sum()
    sigma = np.sqrt(centre * (1 - centre) / totals)
    p = counts / totals
    return pd.DataFrame(
        {
            "p": p,
            "centre": centre,
            "lower": (centre - 3 * sigma).clip(lower=0),
            "upper": (centre + 3 * sigma).clip(upper=1),
            "z": (p - centre) / sigma.where(sigma > 0),
        }
    )


def theme_spc(shares: pd.DataFrame, level: str = "subcategory") -> pd.DataFrame:
    """A p-chart per theme over every month of ``shares`` (from :func:`monthly_theme_shares`)."""
    parts = []
    for _, grp in shares.groupby(level, sort=True):
        grp = grp.sort_values("month")
        chart = p_chart(grp["count"], grp["comments"])
        parts.append(pd.concat([grp, chart.drop(columns="p")], axis=1))
    out = (
        pd.concat(parts, ignore_index=True)
        if parts
        else shares.assign(centre=[], lower=[], upper=[], z=[])
    )
    out["signal"] = np.select(
        [out["share"] > out["upper"], out["share"] < out["lower"]], ["above", "below"], "none"
    )
    return out


def rising_themes(
    shares: pd.DataFrame,
    month,
    level: str = "subcategory",
    baseline_months: int = 12,
    min_count: int = 5,
) -> pd.DataFrame:
    """Themes whose share in ``month`` is above the p-chart upper limit of the months before.

    The centre and limits come from up to ``baseline_months`` months before ``month``;
    a theme is rising when the month's share is above the upper limit and at least
    ``min_count`` comments carry it. Sorted by how far above (``z``), largest first.
    """
    month = pd.Period(month, "M")
    rows = []
    for theme, grp in shares.groupby(level, sort=True):
        grp = grp.set_index("month").sort_index()
        before = grp.loc[(grp.index < month) & (grp.index >= month - baseline_months)]
        if month not in grp.index or before.empty:
            continue
        counts = pd.concat([before["count"], grp.loc[[month], "count"]])
        totals = pd.concat([before["comments"], grp.loc[[month], "comments"]])
        chart = p_chart(
            counts, totals, baseline=pd.Series([True] * len(before) + [False], index=counts.index)
        )
        last = chart.iloc[-1]
        if last["p"] > last["upper"] and grp.loc[month, "count"] >= min_count:
            rows.append(
                {
                    level: theme,
                    "month": month,
                    "count": int(grp.loc[month, "count"]),
                    "share": last["p"],
                    "baseline_share": last["centre"],
                    "upper": last["upper"],
                    "z": last["z"],
                    "baseline_months": len(before),
                }
            )
    columns = [level, "month", "count", "share", "baseline_share", "upper", "z", "baseline_months"]
    return pd.DataFrame(rows, columns=columns).sort_values("z", ascending=False, ignore_index=True)


def top_themes_by_service(
    comments: pd.DataFrame, themes: pd.DataFrame, n: int = 3, level: str = "subcategory"
) -> pd.DataFrame:
    """The ``n`` most frequent themes per service, with count and share of its usable comments."""
    rows, _ = comment_themes_by_month(comments, themes)
    usable = comments.loc[
        ~comments["comment_id"].isin(
            themes.loc[themes["subcategory"] == NO_USABLE_TEXT, "comment_id"]
        )
    ]
    per_service = usable.groupby("service_id").size().rename("comments")
    counts = (
        rows.drop_duplicates(["comment_id", level])
        .groupby(["service_id", level])
        .size()
        .rename("count")
    )
    out = counts.reset_index().merge(per_service.reset_index(), on="service_id")
    out["share"] = out["count"] / out["comments"]
    out = out.sort_values(["service_id", "count", level], ascending=[True, False, True])
    out["rank"] = out.groupby("service_id").cumcount() + 1
    return out.loc[out["rank"] <= n].reset_index(drop=True)


def representative_quotes(
    comments: pd.DataFrame,
    themes: pd.DataFrame,
    sentiment: pd.DataFrame,
    per_theme: int = 2,
    max_chars: int = 300,
) -> pd.DataFrame:
    """Up to ``per_theme`` positive and ``per_theme`` negative quotes for each sub-category.

    The stated rule: among comments of 20–``max_chars`` characters the model gave
    the sub-category (origin "model"), take those predicted positive (very positive
    or positive) with the highest theme score × polarity, and those predicted
    negative with the highest theme score × −polarity; ties break on comment id.
    Quotes are the stored comment text, which the clean step has already redacted.
    """
    # At national scale a month has millions of theme rows: they are joined by integer codes
    # of their comment ids and carry positions into the three frames, not strings; the
    # values are taken for the quotes chosen. Equal texts share a code, so that the same text
    # is still quoted once; sorted codes sort as the strings do.
    model = themes.loc[themes["origin"] == "model"]
    ids, _ = pd.factorize(
        pd.concat(
            [model["comment_id"], sentiment["comment_id"], comments["comment_id"]],
            ignore_index=True,
        ),
        sort=True,
    )
    n_model, n_feel = len(model), len(sentiment)
    texts = comments["text"]
    rows = pd.DataFrame(
        {
            "key": ids[:n_model],
            "m": np.arange(n_model),
            "sub": pd.factorize(model["subcategory"], sort=True)[0],
            "score": model["score"].to_numpy(dtype=float),
        }
    )
    rows = rows.merge(
        pd.DataFrame({"key": ids[n_model : n_model + n_feel], "s": np.arange(n_feel)}), on="key"
    ).merge(
        pd.DataFrame(
            {
                "key": ids[n_model + n_feel :],
                "c": np.arange(len(comments)),
                "text_code": pd.factorize(texts)[0],
                "length": texts.str.len().to_numpy(dtype=float, na_value=np.nan),
            }
        ),
        on="key",
    )
    rows = rows.loc[rows["length"].between(20, max_chars)]
    feeling = sentiment["sentiment"].to_numpy(dtype=object)[rows["s"].to_numpy()]
    polarity = sentiment["score"].to_numpy(dtype=float)[rows["s"].to_numpy()]
    tone = np.select(
        [
            np.isin(feeling, POSITIVE_SENTIMENT),
            np.isin(feeling, NEGATIVE_SENTIMENT),
        ],
        [1, 0],  # sorted as "negative" < "positive"
        -1,
    )
    rows = rows.assign(tone=tone)
    keep = tone >= 0
    rows = rows.loc[keep]
    rows["strength"] = rows["score"] * np.where(rows["tone"] == 1, polarity[keep], -polarity[keep])
    rows = rows.sort_values(["sub", "tone", "strength", "key"], ascending=[True, True, False, True])
    rows = rows.drop_duplicates(["sub", "tone", "text_code"])
    out = rows.groupby(["sub", "tone"], sort=True).head(per_theme)
    m, c = out["m"].to_numpy(), out["c"].to_numpy()
    return pd.DataFrame(
        {
            "subcategory": model["subcategory"].take(m).reset_index(drop=True),
            "tone": np.where(out["tone"].to_numpy() == 1, "positive", "negative"),
            "comment_id": comments["comment_id"].take(c).reset_index(drop=True),
            "service_id": comments["service_id"].take(c).reset_index(drop=True),
            "response_date": comments["response_date"].take(c).reset_index(drop=True),
            "text": texts.take(c).reset_index(drop=True),
            "strength": out["strength"].to_numpy(),
        }
    )


def search_comments(
    comments: pd.DataFrame, themes: pd.DataFrame, text: str = "", subcategory: str = ""
) -> pd.DataFrame:
    """Comments whose text contains ``text`` (case-insensitive, plain text) and/or carry ``subcategory``.

    Returns the comments with a ``themes`` column listing each one's sub-categories.
    """
    found = comments
    if text:
        found = found.loc[found["text"].str.contains(re.escape(text), case=False, na=False)]
    if subcategory:
        found = found.loc[
            found["comment_id"].isin(themes.loc[themes["subcategory"] == subcategory, "comment_id"])
        ]
    listed = themes.groupby("comment_id")["subcategory"].agg(lambda s: "; ".join(sorted(s)))
    return found.assign(themes=found["comment_id"].map(listed).fillna("")).reset_index(drop=True)


def concerns_in_positive_responses(
    sentences: pd.DataFrame, comments: pd.DataFrame, responses: pd.DataFrame
) -> pd.DataFrame:
    """Negative sentences inside comments of responses rated Very good or Good.

    ``sentences`` comes from :func:`analysis.textmodels.classify.sentence_scores`.
    These are the concerns an average over the whole comment (or the rating) hides.
    """
    rated = comments[["comment_id", "response_id", "service_id", "response_date"]].merge(
        responses[["response_id", "rating"]], on="response_id"
    )
    positive = rated.loc[rated["rating"].isin(["Very good", "Good"])]
    # The rating comes from the response; a sentence frame's own copy would clash with it.
    out = sentences.drop(columns=["rating", "question"], errors="ignore").merge(
        positive, on="comment_id"
    )
    out = out.loc[out["sentiment"].isin(NEGATIVE_SENTIMENT)]
    out = out.assign(themes=out["subcategories"].map("; ".join))
    columns = [
        "comment_id",
        "service_id",
        "response_date",
        "rating",
        "sentence_no",
        "sentence",
        "sentiment",
        "polarity",
        "themes",
    ]
    return out.sort_values(["polarity", "comment_id", "sentence_no"])[columns].reset_index(
        drop=True
    )
