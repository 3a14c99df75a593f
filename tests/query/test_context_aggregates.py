"""Reports read aggregates through the query layer: the same figures as plain pandas.

For the small demonstration partnership, for a month, a financial quarter and a
financial year (all ending March 2024) and for one setting, each aggregate the report
sections read from the context equals the same figure computed here, by hand, with
pandas from the whole tables (``read_table``). Then the report's tables (the CSV
downloads) are identical whether the page is built from the query layer or from pandas.
"""

from __future__ import annotations

import filecmp

import pandas as pd
import pytest

from analysis.context import OUTPUT_ENV, load_context
from analysis.ingest.store import read_table
from analysis.publish.sections.page import build

MONTH = "2024-03"  # ends a month, a financial quarter and a financial year
KINDS = ("month", "quarter", "year")


@pytest.fixture(scope="module")
def tables(demo_config):
    d = demo_config.processed_dir
    names = ("services", "fft_responses", "fft_eligible", "fft_comments", "comment_themes")
    return {n: read_table(n, d) for n in names}


@pytest.fixture(scope="module", params=["", "setting"])
def scope(request, tables):
    return "" if not request.param else sorted(tables["services"]["setting"])[0]


def _ids(tables, scope):
    s = tables["services"]
    return set(s["service_id"]) if not scope else set(s.loc[s["setting"] == scope, "service_id"])


@pytest.mark.parametrize("kind", KINDS)
def test_fft_monthly_equals_pandas_counts(demo_config_path, tables, scope, kind):
    ctx = load_context(demo_config_path, MONTH, scope, kind)
    got = ctx.fft_monthly
    r = tables["fft_responses"]
    r = r[r["service_id"].isin(_ids(tables, scope))]
    r = r.assign(month=r["response_date"].dt.to_period("M").dt.to_timestamp())
    r = r[r["month"] <= pd.Timestamp(MONTH)]
    want = (
        r.assign(
            pos=r["rating"].isin(["Very good", "Good"]),
            neg=r["rating"].isin(["Poor", "Very poor"]),
        )
        .groupby(["service_id", "month"])
        .agg(responses=("rating", "size"), positive=("pos", "sum"), negative=("neg", "sum"))
        .reset_index()
        .merge(tables["fft_eligible"], on=["service_id", "month"], how="left")
    )
    merged = want.merge(got, on=["service_id", "month"], how="outer", suffixes=("", "_q"))
    assert len(merged) == len(want) == len(got) > 0
    for c in ("responses", "positive", "negative"):
        assert (merged[c] == merged[f"{c}_q"]).all(), c
    assert merged["eligible"].astype(float).equals(merged["eligible_q"].astype(float))
    rate = 100 * merged["responses"] / merged["eligible"].astype(float)
    pd.testing.assert_series_equal(rate, merged["response_rate"], check_names=False)


@pytest.mark.parametrize("kind", KINDS)
def test_period_comments_and_theme_shares_equal_pandas(demo_config_path, tables, scope, kind):
    ctx = load_context(demo_config_path, MONTH, scope, kind)
    c = tables["fft_comments"]
    c = c[c["service_id"].isin(_ids(tables, scope))]
    months = c["response_date"].dt.to_period("M")
    in_period = c[months.isin(ctx.period.months)]
    assert set(ctx.period_comments["comment_id"]) == set(in_period["comment_id"])
    themes = tables["comment_themes"]
    assert len(ctx.period_themes) == themes["comment_id"].isin(in_period["comment_id"]).sum()

    first = pd.Period(MONTH, "M") - 12
    got = ctx.theme_shares(first, question="what_could_be_better")
    window = c[(months >= first) & (months <= pd.Period(MONTH, "M"))]
    window = window[window["question"] == "what_could_be_better"]
    unusable = themes.loc[themes["subcategory"] == "Labelling not possible", "comment_id"]
    window = window[~window["comment_id"].isin(unusable)]
    carried = themes.merge(window, on="comment_id").drop_duplicates(["comment_id", "subcategory"])
    carried = carried.assign(month=carried["response_date"].dt.to_period("M"))
    counts = carried.groupby(["month", "subcategory"]).size()
    totals = window.groupby(window["response_date"].dt.to_period("M")).size()
    g = got.set_index(["month", "subcategory"])
    assert g["count"][g["count"] > 0].sort_index().equals(counts.sort_index().astype("int64"))
    assert got.groupby("month")["comments"].first().sort_index().tolist() == totals.tolist()


def test_responses_between_reads_only_the_window(demo_config_path, tables):
    ctx = load_context(demo_config_path, MONTH, "", "month")
    first = pd.Period(MONTH, "M") - 1
    got = ctx.responses_between(first, ["service_id", "response_date", "sex"])
    r = tables["fft_responses"]
    want = r[r["response_date"].between(first.start_time, pd.Period(MONTH, "M").end_time)]
    assert len(got) == len(want) > 0
    assert list(got.columns) == ["service_id", "response_date", "sex"]


def _tables(cfg_path, kind, source, folder, monkeypatch):
    monkeypatch.setenv(OUTPUT_ENV, str(folder))
    page = build(load_context(cfg_path, MONTH, "", kind, source=source))
    page.html()
    return sorted(p.name for p in (folder / "tables").glob("*.csv"))


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_report_tables_are_the_same_from_query_layer_and_pandas(
    demo_config_path, kind, tmp_path, monkeypatch
):
    before = _tables(demo_config_path, kind, "pandas", tmp_path / "pandas", monkeypatch)
    after = _tables(demo_config_path, kind, "query", tmp_path / "query", monkeypatch)
    assert before == after and len(before) > 3
    match, mismatch, errors = filecmp.cmpfiles(
        tmp_path / "pandas" / "tables", tmp_path / "query" / "tables", before, shallow=False
    )
    assert mismatch == [] and errors == []


def test_rows_of_a_month_from_the_partitioned_store(partitioned_dir):
    from analysis.query import Queries

    q = Queries(partitioned_dir)
    got = q.rows("fft_comments", ("2024-03", "2024-03"))
    every = read_table("fft_comments", partitioned_dir)
    want = every[every["response_date"].dt.to_period("M") == pd.Period("2024-03", "M")]
    assert sorted(got["comment_id"]) == sorted(want["comment_id"]) and len(got) > 0
    assert "month" not in got  # the partition column is not a table column
    themes = q.of_comments("comment_themes", got["comment_id"])
    all_themes = read_table("comment_themes", partitioned_dir)
    assert len(themes) == all_themes["comment_id"].isin(got["comment_id"]).sum()


def test_windows_the_themes_notebook_reads_equal_pandas(demo_config_path, tables):
    """The themes notebook's windows: a calendar quarter's comments (past the period's end
    too), their themes, and every month's theme shares."""
    ctx = load_context(demo_config_path, "2024-05", "", "month")
    c = tables["fft_comments"]
    months = c["response_date"].dt.to_period("M")
    quarter = ctx.comments_between(pd.Period("2024-04", "M"), pd.Period("2024-06", "M"))
    want = c[(months >= pd.Period("2024-04", "M")) & (months <= pd.Period("2024-06", "M"))]
    assert sorted(quarter["comment_id"]) == sorted(want["comment_id"]) and len(want) > 0
    themes = ctx.of_comments("comment_themes", quarter)
    all_themes = tables["comment_themes"]
    assert len(themes) == all_themes["comment_id"].isin(want["comment_id"]).sum()

    every = ctx.theme_shares(None, question="what_could_be_better")
    pandas_ctx = load_context(demo_config_path, "2024-05", "", "month", source="pandas")
    reference = pandas_ctx.theme_shares(None, question="what_could_be_better")
    assert every["month"].min() == pd.Period("2024-01", "M")
    assert every["month"].max() == pd.Period("2024-05", "M")
    pd.testing.assert_frame_equal(
        every.reset_index(drop=True), reference.reset_index(drop=True), check_dtype=False
    )


@pytest.mark.parametrize(("text", "subcategory"), [("staff", ""), ("", "Timeliness of care")])
def test_search_comments_equals_the_pandas_path(demo_config_path, text, subcategory):
    ctx = load_context(demo_config_path, "2024-05", "", "month")
    pandas_ctx = load_context(demo_config_path, "2024-05", "", "month", source="pandas")
    got = ctx.search_comments(text, subcategory)
    want = pandas_ctx.search_comments(text, subcategory)
    assert len(want) > 0 and got["response_date"].max() < pd.Timestamp("2024-06-01")
    cols = ["comment_id", "service_id", "response_date", "question", "text", "themes"]
    pd.testing.assert_frame_equal(got[cols], want[cols], check_dtype=False)


@pytest.mark.parametrize("kind", KINDS)
def test_the_pages_themes_and_quotes_are_the_same_from_query_layer_and_pandas(
    demo_config_path, kind
):
    """The themes section counts and quotes where the comments lie: the same sentences,
    table and quotes as from the period's rows in pandas."""
    from analysis.publish.sections import themes

    got = themes.compute(load_context(demo_config_path, MONTH, "", kind))
    want = themes.compute(load_context(demo_config_path, MONTH, "", kind, source="pandas"))
    assert got.data["quotes"] == want.data["quotes"] and len(got.data["quotes"]) == 2
    assert got.sentences == want.sentences and got.sentences
    pd.testing.assert_frame_equal(got.tables[0].frame, want.tables[0].frame)


def test_the_themes_notebooks_quarter_to_date_equals_pandas_and_stops_at_the_month(
    demo_config_path,
):
    """The themes notebook's quotes and thematic review counts for the calendar quarter up
    to the month: the same from the query layer as from rows, and nothing after the month
    (a month run later, in a backfill, reads what a run at the time would have read)."""
    ctx = load_context(demo_config_path, "2024-05", "", "month")
    pandas_ctx = load_context(demo_config_path, "2024-05", "", "month", source="pandas")
    first = pd.Period("2024-04", "M")
    got, want = ctx.representative_quotes(first), pandas_ctx.representative_quotes(first)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert len(got) and got["response_date"].max() < pd.Timestamp("2024-06-01")
    keys = ["service_id", "month", "topic"]
    got, want = ctx.topic_counts(first), pandas_ctx.topic_counts(first)
    pd.testing.assert_frame_equal(
        got.sort_values(keys, ignore_index=True),
        want.sort_values(keys, ignore_index=True),
        check_dtype=False,
    )
    assert set(got["month"].astype(str)) == {"2024-04", "2024-05"}
