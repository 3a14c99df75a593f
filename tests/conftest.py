"""Shared fixtures: a small demonstration partnership in a temporary folder.

``demo_config`` points a copy of the demonstration configuration at temporary
``raw``, ``processed`` and ``reports`` folders, writes a few months of demonstration
exports into ``raw``, runs the clean step and themes the comments (as the pipeline
does), so tests never touch the project's own ``data/`` or ``reports/``.
"""

from __future__ import annotations

import pytest

from analysis import demo
from analysis.config import load_config, relocate
from analysis.ingest.clean import clean
from analysis.textmodels.classify import classify

SMALL_PERIOD = {"start": "2024-01", "end": "2024-06"}


@pytest.fixture(scope="session")
def demo_config_path(tmp_path_factory):
    """Path of a configuration whose folders are temporary, with raw data generated and cleaned."""
    root = tmp_path_factory.mktemp("partnership")
    base = load_config()
    cfg = relocate(base, root, demo={**base.section("demo", {}), **SMALL_PERIOD})
    demo.generate(cfg.raw_dir, seed=cfg.section("demo")["seed"], config=cfg, **SMALL_PERIOD)
    clean(cfg)
    classify(cfg)
    return cfg.path


@pytest.fixture(scope="session")
def demo_config(demo_config_path):
    """The loaded small demonstration configuration (raw data generated and cleaned)."""
    return load_config(demo_config_path)
