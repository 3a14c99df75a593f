"""A report's themes check reads no comment when nothing changed, and still sees every change."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis import pipeline, theme_check
from analysis.config import load_config, relocate, write_config
from analysis.ingest.store import read_table, table_path, write_table
from analysis.textmodels import classify as classify_module
from analysis.textmodels.training import load_settings


@pytest.fixture
def copied(demo_config, tmp_path):
    """A copy of the small demonstration partnership (raw, cleaned, themed, with its model)."""
    cfg = relocate(load_config(demo_config.path), tmp_path)
    shutil.copytree(demo_config.raw_dir, cfg.raw_dir, dirs_exist_ok=True)
    shutil.copytree(demo_config.processed_dir, cfg.processed_dir, dirs_exist_ok=True)
    return cfg


def test_an_unchanged_partnership_reads_no_comment_again(copied, monkeypatch):
    first = pipeline.clean_in_process(copied)
    themes = read_table("comment_themes", copied.processed_dir)

    def no_reading(name, *args, **kwargs):
        raise AssertionError(f"read {name} although nothing changed")

    monkeypatch.setattr(classify_module, "read_table", no_reading)
    assert pipeline.clean_in_process(copied)["fingerprint"] == first["fingerprint"]
    assert theme_check.themes_up_to_date(copied)["comments"] == len(
        read_table("fft_comments", copied.processed_dir)
    )
    pd.testing.assert_frame_equal(read_table("comment_themes", copied.processed_dir), themes)


def _new_comment_text(cfg):
    comments = read_table("fft_comments", cfg.processed_dir)
    comments.loc[0, "text"] = "The car park was full and nobody answered the phone."
    write_table(comments, "fft_comments", cfg.processed_dir)


def _new_rating(cfg):
    responses = read_table("fft_responses", cfg.processed_dir)
    responses.loc[0, "rating"] = (
        "Very poor" if responses.loc[0, "rating"] != "Very poor" else "Good"
    )
    write_table(responses, "fft_responses", cfg.processed_dir)


def _corrections(cfg):
    comment = read_table("fft_comments", cfg.processed_dir)["comment_id"].iloc[0]
    path = cfg.raw_file(load_settings()["corrections"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"comment_id,subcategories,sentiment\n{comment},Parking,\n", encoding="utf-8")


def _themes_removed(cfg):
    table_path("comment_themes", cfg.processed_dir).unlink()


CHANGES = {
    "a comment's text": _new_comment_text,
    "a rating": _new_rating,
    "the corrections": _corrections,
    "the theme tables": _themes_removed,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_of_what_themes_depend_on_is_classified(copied, monkeypatch, change):
    theme_check.themes_up_to_date(copied)
    CHANGES[change](copied)
    calls = []
    monkeypatch.setattr(classify_module, "classify", lambda *a, **k: calls.append(a) or {})
    theme_check.themes_up_to_date(copied)
    assert calls, f"{change} changed, but the themes were not checked"


def test_new_settings_code_or_configured_corrections_are_classified(copied, monkeypatch, tmp_path):
    settings = load_settings()
    theme_check.themes_up_to_date(copied, settings)
    calls = []
    monkeypatch.setattr(classify_module, "classify", lambda *a, **k: calls.append(a) or {})
    theme_check.themes_up_to_date(copied, settings)
    assert not calls  # nothing changed
    ruled = {**settings, "rules": [*(settings.get("rules") or []), {"pattern": "parking"}]}
    theme_check.themes_up_to_date(copied, ruled)
    assert len(calls) == 1, "new keyword rules"
    monkeypatch.setattr(theme_check, "code_fingerprint", lambda: "other code")
    theme_check.themes_up_to_date(copied, settings)
    assert len(calls) == 2, "new code or reference data"
    monkeypatch.undo()
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("comment_id,subcategories,sentiment\n", encoding="utf-8")
    moved = load_config(
        write_config(copied, tmp_path / "p2.yaml", themes={"corrections": str(elsewhere)})
    )
    monkeypatch.setattr(classify_module, "classify", lambda *a, **k: calls.append(a) or {})
    theme_check.themes_up_to_date(moved, settings)
    assert len(calls) == 3, "corrections read from another file"
