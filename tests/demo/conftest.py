"""Fixtures for the demonstration data: the full default period, generated once.

Generating it takes a few seconds, so every test of the planted truth shares it.
"""

from __future__ import annotations

import json

import pytest

from analysis import demo
from analysis.config import load_config


@pytest.fixture(scope="session")
def full_demo(tmp_path_factory):
    """The default demonstration partnership's exports for its whole default period."""
    cfg = load_config()
    raw = tmp_path_factory.mktemp("demo_full") / "raw"
    opts = cfg.section("demo")
    demo.generate(
        raw, seed=opts["seed"], start=str(opts["start"]), end=str(opts["end"]), config=cfg
    )
    truth = json.loads((raw / "truth.json").read_text(encoding="utf-8"))
    return cfg, raw, truth
