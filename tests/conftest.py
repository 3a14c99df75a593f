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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Stop at once if ``--dist loadgroup`` would not keep an ``xdist_group`` on one worker.

    pytest-xdist groups tests by renaming them ``<id>@<group>``; pytest 9.2 ignores the
    rename, so the journeys (which share one cleaned data set and take its lock in turn)
    would run on every worker at once and see each other's half-done folders.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        mark = item.get_closest_marker("xdist_group")
        if mark and not item.nodeid.endswith(f"@{mark.args[0]}"):
            raise pytest.UsageError(
                f"pytest-xdist could not group {item.nodeid} with its xdist_group "
                f"{mark.args[0]!r}: this pytest does not support --dist loadgroup "
                "(install the pinned versions: make env)"
            )
