"""Triangulation: FFT comment themes, complaint subjects and compliments side by side.

The "thematic review" the quarterly and annual patient experience reports call for:
per service and quarter, what people praised and raised in FFT comments, what they
complained about, and how many compliments arrived. Pure functions over
``fft_comments``, ``comment_themes``, ``comment_sentiment``, ``complaints``,
``complaint_subjects`` and ``compliments``.
"""

from __future__ import annotations

import pandas as pd

from analysis.reference import NO_USABLE_TEXT

NEGATIVE = ("negative", "very negative")


def _quarter(dates: pd.Series) -> pd.Series:
    return dates.dt.to_period("Q").rename("quarter")


def triangulate(
    comments: pd.DataFrame,
    themes: pd.DataFrame,
    sentiment: pd.DataFrame,
    complaints: pd.DataFrame,
    complaint_subjects: pd.DataFrame,
    compliments: pd.DataFrame,
    level: str = "category",
) -> pd.DataFrame:
    """Long table: ``service_id``, ``quarter``, ``source``, ``topic``, ``count``.

    Sources: "FFT theme" (comments carrying each theme at ``level``), "FFT concern"
    (comments carrying it whose sentiment is negative), "complaint subject" (complaints
    received with each subject) and "compliments" (topic "all").
    """
    rows = themes.loc[themes["subcategory"] != NO_USABLE_TEXT].drop_duplicates(
        ["comment_id", level]
    )
    rows = rows.merge(comments[["comment_id", "service_id", "response_date"]], on="comment_id")
    rows = rows.assign(quarter=_quarter(rows["response_date"]))
    negative = rows["comment_id"].isin(
        sentiment.loc[sentiment["sentiment"].isin(NEGATIVE), "comment_id"]
    )
    parts = [
        rows.groupby(["service_id", "quarter", level])
        .size()
        .rename("count")
        .reset_index()
        .assign(source="FFT theme"),
        rows.loc[negative]
        .groupby(["service_id", "quarter", level])
        .size()
        .rename("count")
        .reset_index()
        .assign(source="FFT concern"),
    ]
    parts = [p.rename(columns={level: "topic"}) for p in parts]
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
