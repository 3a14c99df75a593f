"""A report never reads a whole response-level table into pandas.

Under a guard that makes ``read_table`` (and ``pandas.read_parquet``) refuse
``fft_responses``, ``fft_comments``, ``comment_themes`` and ``comment_sentiment``, the
demonstration's month, quarter and year pages, and one setting's month page, are built
with every section, and every configured logic model is evaluated: all through the
query layer's aggregates and windows of months. The report notebooks' sources ask the
context for no whole table either.
"""

from __future__ import annotations

import json
import re
import sys

import pandas as pd
import pytest

from analysis.config import NOTEBOOKS_DIR
from analysis.context import OUTPUT_ENV, RESPONSE_LEVEL, WholeTableError, load_context
from analysis.ingest import store
from analysis.publish.sections.page import build

MONTH = "2024-03"  # ends a month, a financial quarter and a financial year
REPORT_NOTEBOOKS = ("02_trends", "03_themes", "04_indicators", "10_report")


class WholeRead(AssertionError):
    """A response-level table was read whole."""


@pytest.fixture
def guard(monkeypatch):
    """``read_table`` and ``pd.read_parquet`` refuse the response-level tables, wherever imported."""
    original = store.read_table
    original_parquet = pd.read_parquet

    def read_table(name, *args, **kwargs):
        if name in RESPONSE_LEVEL:
            raise WholeRead(f"read_table({name!r}) during a report")
        return original(name, *args, **kwargs)

    def read_parquet(path, *args, **kwargs):
        if any(re.search(rf"\b{n}\b", str(path)) for n in RESPONSE_LEVEL):
            raise WholeRead(f"pd.read_parquet({path}) during a report")
        return original_parquet(path, *args, **kwargs)

    for module in list(sys.modules.values()):
        if getattr(module, "read_table", None) is original:
            monkeypatch.setattr(module, "read_table", read_table)
    monkeypatch.setattr(pd, "read_parquet", read_parquet)
    return read_table


def test_the_guard_refuses_whole_reads(guard, demo_config):
    with pytest.raises(WholeRead):
        store.read_table("fft_responses", demo_config.processed_dir)
    from analysis import context

    with pytest.raises(WholeRead):
        context.read_table("comment_themes", demo_config.processed_dir)
    assert len(store.read_table("services", demo_config.processed_dir)) > 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "scope"), [("month", ""), ("quarter", ""), ("year", ""), ("month", "setting")]
)
def test_report_and_logic_models_read_no_whole_table(
    guard, demo_config, demo_config_path, kind, scope, tmp_path, monkeypatch
):
    if scope:
        scope = sorted(store.read_table("services", demo_config.processed_dir)["setting"])[0]
    monkeypatch.setenv(OUTPUT_ENV, str(tmp_path))
    ctx = load_context(demo_config_path, MONTH, scope, kind)
    page = build(ctx)
    assert len(page.html()) > 3
    assert len(list((tmp_path / "tables").glob("*.csv"))) > 3
    if not scope:
        assert ctx.evaluations and all(len(e.latest) for e in ctx.evaluations.values())
        fft = [
            i
            for e in ctx.evaluations.values()
            for i, row in e.latest.set_index("id").iterrows()
            if str(row["status"]) != "no data" and i.startswith("LPT-FFT")
        ]
        assert fft  # the FFT indicators were computed, from aggregates


def test_whole_tables_are_refused_on_the_query_path(demo_config_path):
    ctx = load_context(demo_config_path, MONTH)
    for name in ("responses", "comments", "themes", "sentiment"):
        with pytest.raises(WholeTableError, match="aggregates"):
            getattr(ctx, name)
    with pytest.raises(WholeTableError):
        ctx.table("fft_comments")
    assert len(ctx.eligible) > 0  # a small table: per service and month


@pytest.mark.parametrize("stem", REPORT_NOTEBOOKS)
def test_report_notebooks_ask_for_no_whole_table(stem):
    cells = json.loads((NOTEBOOKS_DIR / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    whole = re.findall(
        r"ctx\.(?:responses|comments|themes|sentiment)\b|read_table\(|ctx\.table\(|"
        r"source\s*=\s*[\"']pandas|read_parquet\(",
        code,
    )
    assert not whole, f"{stem} reads whole tables: {whole}"


def test_the_themes_model_reads_only_the_corrected_comments(demo_config):
    """The themes notebook's model (:func:`partnership_model`) learns from the shipped comments
    plus the partnership's corrections: it reads the corrected comments by filter (a Parquet
    filter on ``comment_id``, not every comment), and trains on exactly what it trained on
    when it read every comment."""
    from analysis.textmodels.classify import comment_inputs, corrected_comments
    from analysis.textmodels.monthly import _corrected_inputs
    from analysis.textmodels.training import load_settings, training_set

    d = demo_config.processed_dir
    settings = load_settings()
    every = comment_inputs(
        store.read_table("fft_comments", d), store.read_table("fft_responses", d)
    )
    picked = every.dropna(subset=["text"]).iloc[[0, 5, 9]]
    corrections = pd.DataFrame(
        {
            "comment_id": [*picked["comment_id"], "no-such-comment"],
            "subcategories": [("Staff attitude",), None, ("Waiting time",), ("Other",)],
            "sentiment": [None, "negative", "positive", None],
        }
    )
    filtered = corrected_comments(corrections, _corrected_inputs(d, corrections))
    whole = corrected_comments(corrections, every)
    assert len(filtered) == len(whole) == 3
    assert training_set(settings, filtered).key(settings) == training_set(settings, whole).key(
        settings
    )
