"""A table written again with the same rows keeps its files' times, so that what is keyed on
them (each month's themes, the kept theme counts) is not computed again; changed rows do not."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from analysis.ingest import store
from analysis.ingest.store import partitions, read_table, table_path, write_partitions, write_table

PAST = 1_600_000_000_000_000_000  # 13 September 2020, in nanoseconds


def _age(files):
    for f in files:
        os.utime(f, ns=(PAST, PAST))


def _times(files):
    return [f.stat().st_mtime_ns for f in files]


@pytest.fixture
def services(demo_config):
    return read_table("services", demo_config.processed_dir)


def test_a_file_written_again_with_the_same_rows_keeps_its_time(services, tmp_path):
    write_table(services, "services", tmp_path)
    path = table_path("services", tmp_path)
    _age([path])
    write_table(services, "services", tmp_path)
    assert _times([path]) == [PAST]
    write_table(services.iloc[1:], "services", tmp_path)
    assert _times([path]) != [PAST]


@pytest.mark.parametrize("writer", ["whole table", "months"])
def test_unchanged_months_keep_their_times_and_a_changed_month_does_not(
    demo_config, tmp_path, monkeypatch, writer
):
    monkeypatch.setattr(store, "PARTITION_ROWS", 1)
    responses = read_table("fft_responses", demo_config.processed_dir)
    write_table(responses, "fft_responses", tmp_path)
    files = partitions(table_path("fft_responses", tmp_path))
    _age([f for fs in files.values() for f in fs])
    months = responses["response_date"].dt.strftime("%Y-%m")
    last = sorted(files)[-1]
    changed = pd.concat([responses[months != last], responses[months == last].iloc[1:]])
    if writer == "whole table":
        write_table(changed, "fft_responses", tmp_path)
    else:
        write_partitions(changed, "fft_responses", tmp_path)
    after = partitions(table_path("fft_responses", tmp_path))
    assert set(after) == set(files)
    for month, fs in after.items():
        assert (_times(fs) == [PAST] * len(fs)) == (month != last), month
