"""A period's comment figures from the query layer equal the methods' pandas computations.

:func:`analysis.methods.theme_trends.representative_quotes` states the quotes' rule and
:func:`analysis.methods.theme_trends.theme_totals` the themes' totals; both are the
references here. The query layer's versions run where the comments lie (DuckDB, Spark),
on the demonstration's data in both layouts and on hostile comments: texts at the
length limits in characters that take several bytes, repeated and missing texts, a
missing polarity, repeated sentiment rows, comments with no usable text, rule themes.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.ingest.store import read_table
from analysis.methods import theme_trends
from analysis.query import Queries, QuerySettings
from analysis.reference import NO_USABLE_TEXT
from tests.query.conftest import ENGINES

REFERENCE_COLUMNS = ["subcategory", "tone", "comment_id", "service_id", "response_date", "text"]
FIRST, LAST = pd.Period("2024-01", "M"), pd.Period("2024-03", "M")


def _window(frame, comments):
    return frame[frame["comment_id"].isin(comments["comment_id"])]


def _in_months(comments, first, last, services=None):
    months = comments["response_date"].dt.to_period("M")
    keep = (months >= first) & (months <= last)
    if services is not None:
        keep &= comments["service_id"].isin(services)
    return comments[keep]


def _check_quotes(q, comments, themes, sentiment, per_theme, scope="", services=None):
    got = q.representative_quotes((FIRST, LAST), scope, per_theme=per_theme)
    c = _in_months(comments, FIRST, LAST, services)
    want = theme_trends.representative_quotes(
        c, _window(themes, c), _window(sentiment, c), per_theme=per_theme
    )
    assert len(want) > 0
    pd.testing.assert_frame_equal(
        got[REFERENCE_COLUMNS].reset_index(drop=True),
        want[REFERENCE_COLUMNS].reset_index(drop=True),
        check_dtype=False,
    )
    np.testing.assert_allclose(got["strength"], want["strength"], rtol=1e-12)
    return got


def _check_topics(q, comments, themes, sentiment, scope="", services=None):
    from analysis.methods import triangulation

    c = _in_months(comments, FIRST, LAST, services)
    for level in ("category", "subcategory"):
        got = q.topic_counts((FIRST, LAST), scope, level)
        want = triangulation.comment_topic_counts(
            c, _window(themes, c), _window(sentiment, c), level
        )
        keys = ["service_id", "month", "topic"]
        assert len(want) > 0 and want["concerns"].sum() > 0
        pd.testing.assert_frame_equal(
            got.sort_values(keys, ignore_index=True),
            want.sort_values(keys, ignore_index=True),
            check_dtype=False,
        )


def _check_totals(q, comments, themes, scope="", services=None):
    got = q.theme_totals((FIRST, LAST), scope)
    c = _in_months(comments, FIRST, LAST, services)
    want = theme_trends.theme_totals(c, _window(themes, c))
    assert (got.comments, got.usable) == (want.comments, want.usable) and want.usable > 0
    pd.testing.assert_frame_equal(got.counts, want.counts, check_dtype=False)


@pytest.mark.parametrize("per_theme", [1, 3])
def test_the_demonstrations_quotes_and_totals_equal_pandas(queries, processed, per_theme):
    comments = read_table("fft_comments", processed)
    themes = read_table("comment_themes", processed)
    sentiment = read_table("comment_sentiment", processed)
    got = _check_quotes(queries, comments, themes, sentiment, per_theme)
    responses = read_table("fft_responses", processed).set_index("response_id")["rating"]
    assert got["rating"].tolist() == got["response_id"].map(responses).tolist()
    _check_totals(queries, comments, themes)
    _check_topics(queries, comments, themes, sentiment)
    services = read_table("services", processed)
    setting = sorted(services["setting"])[0]
    ids = services.loc[services["setting"] == setting, "service_id"]
    _check_totals(queries, comments, themes, setting, set(ids))


def _hostile(services):
    """Comments built to catch a rule read differently by an engine."""
    rng = np.random.default_rng(11)
    n = 900
    bank = [
        "é" * 20,  # twenty characters in forty bytes: long enough
        "é" * 19,  # too short, though 38 bytes
        "😀" * 300,  # three hundred characters in 1,200 bytes: short enough
        "😀" * 301,  # one too many
        "The parking was =SUM(A1:A9) and <b>awful</b>, truly.",
        "Staff were kind and explained everything to me.",
        "Nothing could be better, it was all excellent care.",
    ] + [f"Comment {k}: the waiting room and the staff were noted." for k in range(30)]
    ids = [f"R{i:05d}-q" for i in range(n)]
    comments = pd.DataFrame(
        {
            "comment_id": ids,
            "response_id": [i.split("-")[0] for i in ids],
            "service_id": rng.choice(services, n),
            "response_date": pd.to_datetime("2023-12-20")
            + pd.to_timedelta(rng.integers(0, 120, n), "D"),
            "question": rng.choice(["what_was_good", "what_could_be_better"], n),
            "text": [None if i % 97 == 0 else bank[rng.integers(len(bank))] for i in range(n)],
        }
    )
    comments.loc[5:8, "text"] = [
        f"A comment whose polarity is missing, number {k}." for k in range(4)
    ]
    rows = rng.integers(0, n, 2200)
    themes = pd.DataFrame(
        {
            "comment_id": [ids[i] for i in rows],
            "category": "Care",
            "subcategory": rng.choice(["Parking", "Staff", "Waiting", "Ä-umlaut", "a"], len(rows)),
            "origin": rng.choice(["model", "rule"], len(rows), p=[0.85, 0.15]),
            "score": rng.random(len(rows)).round(2),  # many ties
        }
    ).drop_duplicates(["comment_id", "subcategory"])
    unusable = pd.DataFrame(
        {
            "comment_id": ids[::41],
            "category": "General",
            "subcategory": NO_USABLE_TEXT,
            "origin": "rule",
            "score": 1.0,
        }
    )
    missing = pd.DataFrame(  # comments whose polarity is missing, given a model theme
        {
            "comment_id": ids[5:9],
            "category": "Care",
            "subcategory": "Staff",
            "origin": "model",
            "score": 0.5,
        }
    )
    themes = pd.concat([themes, unusable, missing], ignore_index=True).drop_duplicates(
        ["comment_id", "subcategory"], keep="last"
    )
    sentiment = pd.DataFrame(
        {
            "comment_id": ids,
            "sentiment": rng.choice(
                ["very positive", "positive", "neutral", "negative", "very negative"], n
            ),
            "score": rng.uniform(-1, 1, n).round(2),
        }
    )
    sentiment.loc[5:8, ["sentiment", "score"]] = ["positive", np.nan]  # ranks last
    sentiment = pd.concat([sentiment, sentiment.iloc[20:26]], ignore_index=True)  # repeated
    responses = pd.DataFrame(
        {
            "response_id": comments["response_id"],
            "service_id": comments["service_id"],
            "response_date": comments["response_date"],
            "rating": rng.choice(["Very good", "Poor"], n),
        }
    )
    return comments, themes, sentiment, responses


def _write(frames, folder, partitioned):
    """The frames as the store keeps them: one file each, or by the comments' months."""
    folder.mkdir(parents=True)
    comments = frames["fft_comments"]
    month_of = comments.set_index("comment_id")["response_date"].dt.strftime("%Y-%m")
    for name, frame in frames.items():
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if not partitioned:
            pq.write_table(table, folder / f"{name}.parquet")
            continue
        months = (
            frame["response_date"].dt.strftime("%Y-%m")
            if "response_date" in frame
            else frame["comment_id"].map(month_of)
        )
        for month, part in frame.groupby(months):
            (folder / name / f"month={month}").mkdir(parents=True)
            pq.write_table(
                pa.Table.from_pandas(part, preserve_index=False),
                folder / name / f"month={month}" / "part-0.parquet",
            )


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("layout", ["files", "partitioned"])
def test_hostile_comments_give_the_references_figures(demo_config, tmp_path, engine, layout):
    services = read_table("services", demo_config.processed_dir)
    comments, themes, sentiment, responses = _hostile(list(services["service_id"])[:3])
    folder = tmp_path / "processed"
    _write(
        {
            "fft_comments": comments,
            "comment_themes": themes,
            "comment_sentiment": sentiment,
            "fft_responses": responses,
        },
        folder,
        layout == "partitioned",
    )
    shutil.copy(demo_config.processed_dir / "services.parquet", folder / "services.parquet")
    q = Queries(folder, QuerySettings(engine=engine))
    for per_theme in (1, 40):  # 40: every text of a theme and tone is quoted
        got = _check_quotes(q, comments, themes, sentiment, per_theme)
        assert got["text"].str.len().between(20, 300).all()
    assert "😀" * 300 in set(got["text"]) and "é" * 20 in set(got["text"])
    _check_totals(q, comments, themes)
    _check_topics(q, comments, themes, sentiment)
    first = services["service_id"].iloc[0]
    _check_quotes(q, comments, themes, sentiment, 2, first, {first})
    _check_totals(q, comments, themes, first, {first})
    _check_topics(q, comments, themes, sentiment, first, {first})


@pytest.mark.parametrize("depth", [1, 3])
def test_quotes_follow_the_rule_when_the_strongest_comments_repeat_a_text(
    demo_config, tmp_path, monkeypatch, depth
):
    """Only the strongest few comments of each theme and tone are read with their text; where
    their texts repeat (the hostile comments draw on 37 texts) and give too few quotes, the
    query asks again, deeper, and still gives the reference's quotes."""
    from analysis.query import comment_figures

    services = read_table("services", demo_config.processed_dir)
    comments, themes, sentiment, responses = _hostile(list(services["service_id"])[:3])
    folder = tmp_path / "processed"
    frames = {"fft_comments": comments, "comment_themes": themes}
    _write(frames | {"comment_sentiment": sentiment, "fft_responses": responses}, folder, True)
    shutil.copy(demo_config.processed_dir / "services.parquet", folder / "services.parquet")
    monkeypatch.setattr(comment_figures, "QUOTE_DEPTH", depth)
    asked = []
    monkeypatch.setattr(
        comment_figures,
        "too_shallow",
        lambda *a, _f=comment_figures.too_shallow: asked.append(_f(*a)) or asked[-1],
    )
    q = Queries(folder, QuerySettings(engine="duckdb"))
    for per_theme in (2, 40):
        _check_quotes(q, comments, themes, sentiment, per_theme)
    assert any(asked)  # the first answer was too shallow, at least once
