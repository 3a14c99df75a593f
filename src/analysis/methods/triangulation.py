"""Triangulation: FFT comment themes, complaint subjects and compliments side by side.

The "thematic review" the quarterly and annual patient experience reports call for:
per service and quarter, what people praised and raised in FFT comments, what they
complained about, and how many compliments arrived. Pure functions over
``fft_comments``, ``comment_themes``, ``comment_sentiment``, ``complaints``,
``complaint_subjects`` and ``compliments``.
"""

from __future__ import annotations

import pandas as pd

from analysis.methods.quotes import NEGATIVE_SENTIMENT as NEGATIVE
from analysis.reference import NO_USABLE_TEXT


def _quarter(dates: pd.Series) -> pd.Series:
    return dates.dt.to_period("Q").rename("quarter")


def comment_topic_counts(
    comments: pd.DataFrame,
    themes: pd.DataFrame,
    sentiment: pd.DataFrame,
    level: str = "category",
) -> pd.DataFrame:
    """Per service, month and topic (a theme at ``level``): the comments carrying it
    (``count``) and those of them whose sentiment is negative (``concerns``).

    >>> c = pd.DataFrame({"comment_id": ["a", "b"], "service_id": "S",
    ...                   "response_date": pd.Timestamp("2024-02-03")})
    >>> t = pd.DataFrame({"comment_id": ["a", "a", "b"], "category": "Staff",
    ...                   "subcategory": ["Attitude", "Kindness", "Attitude"]})
    >>> s = pd.DataFrame({"comment_id": ["a", "b"], "sentiment": ["negative", "positive"]})
    >>> comment_topic_counts(c, t, s).to_dict("records")
    [{'service_id': 'S', 'month': Period('2024-02', 'M'), 'topic': 'Staff', 'count': 2, 'concerns': 1}]
    """
    rows = themes.loc[themes["subcategory"] != NO_USABLE_TEXT].drop_duplicates(
        ["comment_id", level]
    )
    rows = rows.merge(comments[["comment_id", "service_id", "response_date"]], on="comment_id")
    negative = rows["comment_id"].isin(
        sentiment.loc[sentiment["sentiment"].isin(NEGATIVE), "comment_id"]
    )
    rows = rows.assign(
        month=rows["response_date"].dt.to_period("M"), concerns=negative.astype("int64")
    )
    out = rows.groupby(["service_id", "month", level], as_index=False).agg(
        count=("comment_id", "size"), concerns=("concerns", "sum")
    )
    return out.rename(columns={level: "topic"})


def triangulate(
    comments: pd.DataFrame,
    themes: pd.DataFrame,
    sentiment: pd.DataFrame,
    complaints: pd.DataFrame,
    complaint_subjects: pd.DataFrame,
    compliments: pd.DataFrame,
    level: str = "category",
) -> pd.DataFrame:
    """Long table: ``service_id``, ``quarter``, ``source``, ``topic``, ``count``
    (:func:`triangulate_counts` of the comments' :func:`comment_topic_counts`)."""
    counts = comment_topic_counts(comments, themes, sentiment, level)
    return triangulate_counts(counts, complaints, complaint_subjects, compliments)


def triangulate_counts(
    topic_counts: pd.DataFrame,
    complaints: pd.DataFrame,
    complaint_subjects: pd.DataFrame,
    compliments: pd.DataFrame,
) -> pd.DataFrame:
    """Long table: ``service_id``, ``quarter``, ``source``, ``topic``, ``count``.

    Sources: "FFT theme" (comments carrying each theme), "FFT concern" (comments carrying
    it whose sentiment is negative), both from the comments' ``topic_counts`` by month
    (:func:`comment_topic_counts`); "complaint subject" (complaints received with each
    subject) and "compliments" (topic "all").
    """
    by_quarter = topic_counts.assign(quarter=topic_counts["month"].dt.asfreq("Q"))
    by_quarter = by_quarter.groupby(["service_id", "quarter", "topic"], as_index=False)[
        ["count", "concerns"]
    ].sum()
    concerns = by_quarter.loc[by_quarter["concerns"] > 0]
    parts = [
        by_quarter[["service_id", "quarter", "topic", "count"]].assign(source="FFT theme"),
        concerns[["service_id", "quarter", "topic"]]
        .assign(count=concerns["concerns"])
        .assign(source="FFT concern"),
    ]
    subj = complaint_subjects.merge(
        complaints[["complaint_id", "service_id", "received_date"]], on="complaint_id"
    )
    subj = subj.assign(quarter=_quarter(subj["received_date"]))
    parts.append(
        subj.groupby(["service_id", "quarter", "subject"])
        .size()
        .rename("count")
        .reset_index()
        .rename(columns={"subject": "topic"})
        .assign(source="complaint subject")
    )
    comp = compliments.assign(quarter=_quarter(compliments["received_date"]))
    parts.append(
        comp.groupby(["service_id", "quarter"])
        .size()
        .rename("count")
        .reset_index()
        .assign(topic="all", source="compliments")
    )
    out = pd.concat(parts, ignore_index=True)
    return out[["service_id", "quarter", "source", "topic", "count"]].sort_values(
        ["service_id", "quarter", "source", "count", "topic"],
        ascending=[True, True, True, False, True],
        ignore_index=True,
    )


def thematic_review(long: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """One row per service and quarter: the top ``n`` topics of each source, with counts.

    Columns: ``FFT theme``, ``FFT concern``, ``complaint subject`` (each "topic (count); …")
    and ``compliments`` (a count).
    """
    top = (
        long.loc[long["source"] != "compliments"]
        .groupby(["service_id", "quarter", "source"], sort=True)
        .head(n)
    )
    text = (
        top.assign(item=top["topic"] + " (" + top["count"].astype(str) + ")")
        .groupby(["service_id", "quarter", "source"])["item"]
        .agg("; ".join)
        .unstack("source")
    )
    compliments = long.loc[long["source"] == "compliments"].set_index(["service_id", "quarter"])[
        "count"
    ]
    out = text.join(compliments.rename("compliments"), how="outer")
    for column in ["FFT theme", "FFT concern", "complaint subject"]:
        if column not in out:
            out[column] = ""
    out["compliments"] = out["compliments"].fillna(0).astype(int)
    return (
        out[["FFT theme", "FFT concern", "complaint subject", "compliments"]]
        .fillna("")
        .reset_index()
    )
