"""The logic models are evaluated once per month's data: the indicators notebook and the report
page (separate kernels) share one evaluation, identical to a fresh one; new data is evaluated again."""

from __future__ import annotations

import shutil
import threading
import time

import pandas as pd
import pytest

from analysis import logic_models
from analysis.config import load_config, relocate
from analysis.context import load_context
from analysis.ingest.store import read_table, write_table
from analysis.kept_results import kept


@pytest.fixture
def copied(demo_config, tmp_path):
    cfg = relocate(load_config(demo_config.path), tmp_path)
    shutil.copytree(demo_config.processed_dir, cfg.processed_dir, dirs_exist_ok=True)
    return cfg


@pytest.fixture
def counted(monkeypatch):
    calls = []
    evaluate = logic_models.evaluate_configured

    def counting(cfg, name, month, tables=None):
        calls.append((name, str(month)))
        return evaluate(cfg, name, month, tables)

    monkeypatch.setattr(logic_models, "evaluate_configured", counting)
    return calls


def fresh(cfg, month: str) -> dict:
    """Each configured model evaluated now, over the tables the report reads (nothing kept)."""
    ctx = load_context(cfg.path, month)
    return {
        name: EVALUATE(cfg, name, ctx.month, ctx.indicator_tables)
        for name in logic_models.configured_logic_models(cfg)
    }


EVALUATE = logic_models.evaluate_configured


def _same(got: dict, expected: dict) -> None:
    assert list(got) == list(expected)
    for name in expected:
        pd.testing.assert_frame_equal(got[name].latest, expected[name].latest)
        assert list(got[name].history) == list(expected[name].history)
        for indicator, history in expected[name].history.items():
            pd.testing.assert_frame_equal(got[name].history[indicator], history)
        assert got[name].model == expected[name].model


def test_two_notebooks_evaluate_the_logic_models_once(copied, counted):
    month = "2024-05"
    indicators = load_context(copied.path, month).evaluations  # the indicators notebook
    models = len(indicators)
    assert models >= 1 and len(counted) == models
    page = load_context(copied.path, month).evaluations  # the report page, in another kernel
    assert len(counted) == models, "evaluated again"
    expected = fresh(copied, month)
    _same(page, expected)
    _same(indicators, expected)
    assert load_context(copied.path, "2024-04").evaluations  # another month: its own
    assert len(counted) == 2 * models


def test_new_data_is_evaluated_again(copied, counted):
    before = load_context(copied.path, "2024-05").evaluations
    measures = read_table("measures", copied.processed_dir)
    write_table(measures.iloc[: len(measures) // 2], "measures", copied.processed_dir)
    after = load_context(copied.path, "2024-05").evaluations
    assert len(counted) == 2 * len(before)
    _same(after, fresh(copied, "2024-05"))


def test_a_result_asked_for_meanwhile_is_computed_once(tmp_path):
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.5)
        return {"value": 42}

    got = []
    threads = [
        threading.Thread(target=lambda: got.append(kept(tmp_path, "x-2024-05", {"a": 1}, slow)))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [{"value": 42}] * 2 and len(calls) == 1
    assert kept(tmp_path, "x-2024-05", {"a": 2}, lambda: "new") == "new"
    assert len(list((tmp_path / ".results").glob("x-2024-05-*.pickle"))) == 1  # older removed
    (next((tmp_path / ".results").glob("x-2024-05-*.pickle"))).write_bytes(b"cut sh")
    assert kept(tmp_path, "x-2024-05", {"a": 2}, lambda: "again") == "again"


def test_the_trends_notebooks_action_readings_are_kept_and_the_same(copied, monkeypatch):
    from analysis.methods import interrupted_time_series as its
    from analysis.methods.headline_series import summary_series

    ctx = load_context(copied.path, "2024-05")
    args = dict(through=ctx.month, min_count=ctx.min_count)
    # as the trends notebook computed them before they were kept
    expected = its.evaluate_actions(
        pd.concat(
            [
                summary_series(ctx.fft_monthly, ctx.services, by="service", **args),
                summary_series(ctx.fft_monthly, ctx.services, label=ctx.label, **args),
            ]
        ),
        ctx.actions,
        everyone=ctx.label,
    )
    pd.testing.assert_frame_equal(ctx.action_readings, expected)
    monkeypatch.setattr(its, "evaluate_actions", lambda *a, **k: pytest.fail("computed again"))
    pd.testing.assert_frame_equal(load_context(copied.path, "2024-05").action_readings, expected)
    scoped = load_context(copied.path, "2024-05", scope="community health")
    with pytest.raises(pytest.fail.Exception, match="computed again"):
        scoped.action_readings  # noqa: B018  another scope: its own readings
