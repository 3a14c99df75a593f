"""Provenance names the configuration and the code without any machine path."""

from __future__ import annotations

import subprocess

import analysis
from analysis.config import PROJECT_ROOT
from analysis.publish import provenance
from analysis.publish.gate import check_page


def test_the_configuration_is_shown_relative_to_the_project_or_by_name():
    inside = PROJECT_ROOT / "config" / "partnerships" / "demo.yaml"
    assert provenance.display_path(inside) == "config/partnerships/demo.yaml"
    assert provenance.display_path("/tmp/pytest-7/partnership.yaml") == "partnership.yaml"
    page = provenance.provenance_html(
        "2024-06", {"config_path": "/home/someone/mine.yaml", "month": "2024-06"}, {}
    )
    assert "config_path = &#x27;mine.yaml&#x27;" in page
    assert check_page(page) == []


def test_the_code_version_is_the_git_commit():
    head = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert provenance.code_version().removesuffix("+dirty") == head


def test_outside_git_the_code_version_is_the_package_version(monkeypatch):
    def no_git(*args, **kwargs):
        raise FileNotFoundError("git")

    monkeypatch.setattr(subprocess, "run", no_git)
    assert provenance.code_version.__wrapped__() == f"analysis {analysis.__version__}"
