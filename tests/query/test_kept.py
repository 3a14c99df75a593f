"""Theme counts kept per month give the figures the query gives directly (the reference:
:meth:`Queries.theme_shares`), on both engines and layouts, and a month is computed once."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pandas as pd
import pytest

from analysis.ingest import store
from analysis.ingest.store import read_table, write_month
from analysis.query import Queries, kept


@pytest.fixture
def own_folder(queries, monkeypatch):
    """Kept counts in a folder of this test's own (the processed data is shared)."""
    folder = Path(".aggregates") / f"test-{uuid.uuid4().hex}"
    monkeypatch.setattr(kept, "KEPT_DIR", folder)
    yield queries.engine.processed_dir / folder
    shutil.rmtree(queries.engine.processed_dir / folder, ignore_errors=True)


def _scopes(queries):
    services = queries.services()
    return ["", services["setting"].iloc[0], services["service_id"].iloc[-1]]


@pytest.mark.parametrize("level", ["subcategory", "category"])
@pytest.mark.parametrize("question", [None, "what_could_be_better"])
def test_kept_theme_shares_equal_the_query(queries, own_folder, level, question):
    for scope in _scopes(queries):
        for months in (None, ("2024-02", "2024-03"), "2024-01"):
            expected = queries.theme_shares(months, scope, level=level, question=question)
            got = kept.theme_shares(queries, months, scope, level=level, question=question)
            pd.testing.assert_frame_equal(
                got, expected, check_dtype=False, obj=f"{scope!r} {months}"
            )
            assert len(expected) > 0


def test_kept_months_are_read_not_computed_again(queries, own_folder, monkeypatch):
    first = kept.theme_shares(queries, None, question="what_was_good")

    def computed(*args):
        raise AssertionError("kept counts computed again")

    monkeypatch.setattr(kept, "_theme_counts", computed)
    pd.testing.assert_frame_equal(kept.theme_shares(queries, None, question="what_was_good"), first)


def test_a_month_written_again_is_the_only_one_computed_again(
    partitioned_dir, tmp_path, monkeypatch
):
    processed = tmp_path / "processed"
    shutil.copytree(partitioned_dir, processed)
    queries = Queries(processed)
    kept.theme_shares(queries)
    spans = []
    real = kept._theme_counts
    monkeypatch.setattr(
        kept, "_theme_counts", lambda q, a, b: spans.append((str(a), str(b))) or real(q, a, b)
    )
    themes = read_table("comment_themes", processed)
    comments = read_table("fft_comments", processed)
    march = comments.loc[comments["response_date"].dt.strftime("%Y-%m") == "2024-03", "comment_id"]
    mine = themes[themes["comment_id"].isin(march)]
    monkeypatch.setattr(store, "PARTITION_ROWS", 1)
    write_month(
        mine[mine["subcategory"] != mine["subcategory"].iloc[0]],
        "comment_themes",
        processed,
        "2024-03",
    )
    got = kept.theme_shares(queries, "2024-03")
    assert spans == [("2024-03", "2024-03")]
    pd.testing.assert_frame_equal(got, queries.theme_shares("2024-03"), check_dtype=False)


@pytest.mark.parametrize("group_type", ["age_band", "ethnicity"])
def test_kept_group_counts_equal_the_query(queries, own_folder, group_type):
    for scope in _scopes(queries):
        for months in ((None, "2024-03"), "2024-02"):
            expected = queries.group_counts(months, scope, group_type)
            got = kept.group_counts(queries, months, scope, group_type)
            pd.testing.assert_frame_equal(
                got, expected, check_dtype=False, obj=f"{scope!r} {months}"
            )
            assert len(expected) > 0
    assert (own_folder / queries.engine.name / f"group_counts_{group_type}").is_dir()


def test_kept_fft_counts_and_summary_equal_the_query(queries, own_folder):
    for scope in _scopes(queries):
        for months in (None, (None, "2024-02"), "2024-03"):
            expected = queries.fft_counts(months, scope)
            got = kept.fft_counts(queries, months, scope)
            pd.testing.assert_frame_equal(got, expected, obj=f"counts {scope!r} {months}")
            expected = queries.fft_summary(months, scope)
            got = kept.fft_summary(queries, months, scope)
            pd.testing.assert_frame_equal(got, expected, obj=f"summary {scope!r} {months}")
            assert len(expected) > 0
