"""The query layer's aggregates equal plain pandas group-bys of the tidy tables, on both engines.

The reference in each test is computed here with pandas from ``read_table`` (the
tables as a notebook reads them today); the query layer must give the same numbers
on DuckDB and on Spark, from one file per table and from month partitions.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.ingest.schemas import NEGATIVE_RATINGS, POSITIVE_RATINGS
from analysis.ingest.store import read_table
from analysis.methods.complaints import timeliness
from analysis.methods.theme_trends import monthly_theme_shares
from analysis.reference import NO_USABLE_TEXT

MONTHS = ("2024-02", "2024-05")


def _months(df: pd.DataFrame, column: str) -> pd.Series:
    return df[column].dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]")


def _in(df: pd.DataFrame, column: str, first="2024-02", last="2024-05") -> pd.DataFrame:
    m = df[column].dt.to_period("M")
    return df[(m >= pd.Period(first, "M")) & (m <= pd.Period(last, "M"))]


def reference_fft(processed, by, services=None) -> pd.DataFrame:
    r = _in(read_table("fft_responses", processed), "response_date")
    if services is not None:
        r = r[r["service_id"].isin(services)]
    s = read_table("services", processed)
    r = r.merge(s[["service_id", "setting"]], on="service_id")
    r = r.assign(
        month=_months(r, "response_date"),
        positive=r["rating"].isin(POSITIVE_RATINGS),
        negative=r["rating"].isin(NEGATIVE_RATINGS),
        very_good=r["rating"] == "Very good",
        dont_know=r["rating"] == "Don't know",
    )
    out = (
        r.groupby([*by, "month"])
        .agg(
            very_good=("very_good", "sum"),
            dont_know=("dont_know", "sum"),
            positive=("positive", "sum"),
            negative=("negative", "sum"),
            responses=("rating", "size"),
        )
        .reset_index()
    )
    return out.astype({c: "int64" for c in ("very_good", "dont_know", "positive", "negative")})


@pytest.mark.parametrize("by", [("service_id",), ("setting",), ()])
def test_fft_counts_equal_a_pandas_groupby(queries, processed, by):
    got = queries.fft_counts(MONTHS, by=by)
    expected = reference_fft(processed, by)
    assert len(got) == len(expected) > 0
    cols = [*by, "month", "very_good", "dont_know", "positive", "negative", "responses"]
    pd.testing.assert_frame_equal(got[cols], expected[cols], check_dtype=False)
    # the six rating counts add up to the responses
    ratings = ["very_good", "good", "neither", "poor", "very_poor", "dont_know"]
    assert (got[ratings].sum(axis=1) == got["responses"]).all()


def test_a_scope_is_a_setting_or_a_service(queries, processed):
    services = read_table("services", processed)
    urgent = services.loc[services["setting"] == "urgent care", "service_id"].tolist()
    got = queries.fft_counts(MONTHS, scope="urgent care")
    expected = reference_fft(processed, ("service_id",), urgent)
    pd.testing.assert_frame_equal(
        got[["service_id", "month", "responses", "positive"]],
        expected[["service_id", "month", "responses", "positive"]],
        check_dtype=False,
    )
    one = queries.fft_counts("2024-03", scope=urgent[0])
    assert one["service_id"].unique().tolist() == [urgent[0]]
    assert one["month"].tolist() == [pd.Timestamp("2024-03-01")]
    with pytest.raises(ValueError, match="neither a setting nor a service id"):
        queries.fft_counts(MONTHS, scope="no such ward")


def test_eligible_counts_equal_the_table(queries, processed):
    e = _in(read_table("fft_eligible", processed), "month")
    expected = e.groupby(["service_id", "month"], as_index=False)["eligible"].sum()
    got = queries.eligible(MONTHS)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_fft_summary_percentages_and_response_rate(queries, processed):
    got = queries.fft_summary("2024-04").set_index("service_id")
    counts = reference_fft(processed, ("service_id",))
    counts = counts[counts["month"] == pd.Timestamp("2024-04-01")].set_index("service_id")
    e = read_table("fft_eligible", processed)
    e = e[e["month"] == pd.Timestamp("2024-04-01")].set_index("service_id")["eligible"]
    pd.testing.assert_series_equal(
        got["pct_positive"], 100 * counts["positive"] / counts["responses"], check_names=False
    )
    rate = 100 * counts["responses"] / e.reindex(counts.index).astype(float)
    pd.testing.assert_series_equal(got["response_rate"], rate, check_names=False)


def test_theme_shares_equal_the_methods_computation(queries, processed):
    comments = _in(read_table("fft_comments", processed), "response_date")
    themes = read_table("comment_themes", processed)
    expected = monthly_theme_shares(comments, themes, level="category")
    expected["month"] = expected["month"].dt.to_timestamp().astype("datetime64[ns]")
    got = queries.theme_shares(MONTHS, level="category")
    assert NO_USABLE_TEXT not in set(got["category"])
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_theme_shares_by_service_count_each_comment_once_per_theme(queries, processed):
    comments = _in(read_table("fft_comments", processed), "response_date", "2024-03", "2024-03")
    themes = read_table("comment_themes", processed)
    usable = comments[
        ~comments["comment_id"].isin(
            themes.loc[themes["subcategory"] == NO_USABLE_TEXT, "comment_id"]
        )
    ]
    expected = (
        usable.merge(themes, on="comment_id")
        .groupby(["service_id", "subcategory"])["comment_id"]
        .nunique()
    )
    got = queries.theme_shares("2024-03", by=("service_id",))
    got = got[got["count"] > 0].set_index(["service_id", "subcategory"])["count"]
    pd.testing.assert_series_equal(got, expected, check_names=False, check_dtype=False)


def test_complaint_timeliness_counts_equal_the_methods_on_every_complaint(queries, processed):
    complaints = read_table("complaints", processed)
    as_of = pd.Timestamp("2024-06-01")
    t = timeliness(complaints, "england", as_of)
    got = queries.complaint_timeliness(("2024-03", "2024-05"), "england", as_of=as_of)
    for step, decided in (
        ("acknowledged", "acknowledge_decided"),
        ("responded", "respond_decided"),
    ):
        settled = _in(t[t[f"{step}_within"].notna()], decided, "2024-03", "2024-05")
        month = _months(settled, decided)
        g = settled.groupby(month)[f"{step}_within"]
        assert got.set_index("month")[f"{step}_due"].to_dict() == g.size().to_dict()
        assert got.set_index("month")[f"{step}_within"].to_dict() == g.sum().astype(int).to_dict()


def test_indicator_inputs_add_up(queries, processed):
    got = queries.indicator_inputs(MONTHS).set_index("month")
    fft = reference_fft(processed, ()).set_index("month")
    assert got["responses"].to_dict() == fft["responses"].to_dict()
    assert got["positive"].to_dict() == fft["positive"].to_dict()
    c = _in(read_table("complaints", processed), "received_date")
    assert got["complaints"].to_dict() == c.groupby(_months(c, "received_date")).size().to_dict()


def test_latest_month(queries, processed):
    dates = read_table("fft_responses", processed)["response_date"]
    assert queries.latest_month() == dates.max().to_period("M")


def test_rows_of_a_window_equal_the_table(queries, processed):
    comments = read_table("fft_comments", processed)
    services = read_table("services", processed)
    setting = sorted(services["setting"])[0]
    ids = set(services.loc[services["setting"] == setting, "service_id"])
    want = _in(comments, "response_date", "2024-03", "2024-04")
    want = want[want["service_id"].isin(ids)]
    got = queries.rows("fft_comments", ("2024-03", "2024-04"), setting)
    assert len(want) > 0
    assert sorted(got["comment_id"]) == sorted(want["comment_id"])
    assert set(got.columns) == set(want.columns)
    merged = want.merge(got, on="comment_id", suffixes=("", "_q"))
    assert (merged["response_date"] == merged["response_date_q"]).all()
    assert (merged["text"].fillna("") == merged["text_q"].fillna("")).all()
    cols = queries.rows("fft_responses", "2024-03", "", ["response_id", "rating"])
    assert list(cols.columns) == ["response_id", "rating"]
    assert len(cols) == len(
        _in(read_table("fft_responses", processed), "response_date", "2024-03", "2024-03")
    )


def test_of_comments_gives_those_comments_rows(queries, processed):
    comments = _in(read_table("fft_comments", processed), "response_date", "2024-04", "2024-04")
    for name in ("comment_themes", "comment_sentiment"):
        table = read_table(name, processed)
        want = table[table["comment_id"].isin(comments["comment_id"])]
        got = queries.of_comments(name, comments["comment_id"])
        assert len(want) > 0 and len(got) == len(want)
        key = [c for c in ("comment_id", "subcategory") if c in want]
        pd.testing.assert_frame_equal(
            got.sort_values(key, ignore_index=True)[list(want.columns)],
            want.sort_values(key, ignore_index=True),
            check_dtype=False,
        )


@pytest.mark.parametrize(
    ("text", "subcategory"),
    [("STAFF", ""), ("", "Timeliness of care"), ("the", "Staff manner & personal attributes")],
)
def test_search_comments_finds_what_pandas_finds(queries, processed, text, subcategory):
    comments = _in(read_table("fft_comments", processed), "response_date")
    themes = read_table("comment_themes", processed)
    want = comments
    if text:
        want = want[want["text"].str.contains(text, case=False, na=False, regex=False)]
    if subcategory:
        want = want[
            want["comment_id"].isin(themes.loc[themes["subcategory"] == subcategory, "comment_id"])
        ]
    got = queries.search_comments(text, subcategory, MONTHS)
    assert len(want) > 0
    assert sorted(got["comment_id"]) == sorted(want["comment_id"])
