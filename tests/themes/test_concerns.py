"""Concerns inside positive responses: scored once per month, kept, and the same as scoring
the month's comments directly (the reference: ``sentence_scores`` then
``concerns_in_positive_responses``, as the themes notebook computed them before)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis.config import load_config, relocate
from analysis.ingest.store import read_table
from analysis.methods.theme_trends import concerns_in_positive_responses
from analysis.textmodels import classify as classify_module
from analysis.textmodels import concerns as concerns_module
from analysis.textmodels.classify import comment_inputs, partnership_model, sentence_scores
from analysis.textmodels.concerns import month_concerns
from analysis.textmodels.training import load_settings

MONTH = pd.Period("2024-02", "M")


@pytest.fixture
def cfg(demo_config, tmp_path):
    """A copy of the classified demonstration data (the kept months are written in it)."""
    cfg = relocate(load_config(demo_config.path), tmp_path)
    shutil.copytree(demo_config.processed_dir, cfg.processed_dir)
    return cfg


def _month(frame, column="response_date"):
    return frame.loc[frame[column].dt.to_period("M") == MONTH]


def test_kept_concerns_equal_scoring_the_month_directly(cfg):
    settings = load_settings()
    comments = _month(read_table("fft_comments", cfg.processed_dir))
    responses = _month(read_table("fft_responses", cfg.processed_dir))
    model, _ = partnership_model(cfg, settings)
    direct = sentence_scores(model, comment_inputs(comments, responses), settings)
    expected = concerns_in_positive_responses(direct, comments, responses)
    assert len(expected) > 0  # the demonstration plants concerns in positive responses
    got = concerns_in_positive_responses(month_concerns(cfg, MONTH, settings), comments, responses)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, atol=1e-9)


def test_a_month_is_scored_once_then_read(cfg, monkeypatch):
    first = month_concerns(cfg, MONTH)
    assert (cfg.processed_dir / "comment_concerns" / f"month={MONTH}.parquet").exists()

    def no_model(*args, **kwargs):
        raise AssertionError("the kept month was scored again")

    monkeypatch.setattr(classify_module, "partnership_model", no_model)
    pd.testing.assert_frame_equal(month_concerns(cfg, str(MONTH)), first)


def test_a_changed_classification_scores_the_month_again(cfg, monkeypatch):
    month_concerns(cfg, MONTH)
    monkeypatch.setattr(concerns_module, "_classified_key", lambda cfg, month: "another")
    scored = []
    real = concerns_module.concerns
    monkeypatch.setattr(concerns_module, "concerns", lambda *a: scored.append(1) or real(*a))
    month_concerns(cfg, MONTH)
    assert scored == [1]


def test_a_month_not_yet_classified_is_a_clear_error(cfg):
    (cfg.processed_dir / classify_module.STATE_FILE).unlink()
    with pytest.raises(ValueError, match="not classified yet: run `python -m analysis themes`"):
        month_concerns(cfg, MONTH)
