"""Comments kept by month are classified by month: the same themes, and only changed months again."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis.config import load_config, relocate
from analysis.ingest import store
from analysis.ingest.store import read_table, table_path, write_partitions, write_table
from analysis.textmodels.classify import STATE_FILE, classify

KEYS = ["comment_id", "subcategory"]


@pytest.fixture
def monthly(demo_config, tmp_path, monkeypatch):
    """The demonstration's processed data with comments and responses kept by month."""
    cfg = relocate(load_config(demo_config.path), tmp_path)
    shutil.copytree(demo_config.processed_dir, cfg.processed_dir)  # with the cached model
    for name in ("comment_themes", "comment_sentiment"):
        table_path(name, cfg.processed_dir).unlink()
    (cfg.processed_dir / STATE_FILE).unlink(missing_ok=True)
    monkeypatch.setattr(store, "PARTITION_ROWS", 1)
    for name in ("fft_responses", "fft_comments"):
        write_table(read_table(name, cfg.processed_dir), name, cfg.processed_dir)
    return cfg


def test_themes_by_month_equal_the_themes_of_the_whole(demo_config, monthly):
    summary = classify(monthly)
    months = sorted(store.partitions(table_path("fft_comments", monthly.processed_dir)))
    assert summary["months_classified"] == months and len(months) == 6
    assert (monthly.processed_dir / "comment_themes" / f"month={months[0]}").is_dir()
    for name, keys in (("comment_themes", KEYS), ("comment_sentiment", ["comment_id"])):
        whole = read_table(name, demo_config.processed_dir).sort_values(keys, ignore_index=True)
        got = read_table(name, monthly.processed_dir).sort_values(keys, ignore_index=True)
        # scores agree to rounding (a batch of one month, not the whole, goes through the BLAS)
        pd.testing.assert_frame_equal(got, whole, obj=name, check_exact=False, atol=1e-6)
    assert summary["comments"] == len(read_table("fft_comments", demo_config.processed_dir))


def test_only_a_changed_month_is_classified_again(monthly):
    classify(monthly)
    assert classify(monthly)["months_classified"] == []
    comments = read_table("fft_comments", monthly.processed_dir)
    march = comments[comments["response_date"].dt.strftime("%Y-%m") == "2024-03"]
    write_partitions(march.iloc[: len(march) // 2], "fft_comments", monthly.processed_dir)
    summary = classify(monthly)
    assert summary["months_classified"] == ["2024-03"]
    assert summary["comments"] == len(comments) - (len(march) - len(march) // 2)
    themes = read_table("comment_themes", monthly.processed_dir)
    assert set(themes["comment_id"]) <= set(
        read_table("fft_comments", monthly.processed_dir)["comment_id"]
    )
