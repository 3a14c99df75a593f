"""End to end: raw exports → clean → monthly report HTML, as `make report` runs it."""

import re

import pytest

from analysis import pipeline
from analysis.config import load_config


@pytest.fixture(scope="module")
def report_dir(demo_config_path):
    return pipeline.run(demo_config_path)


@pytest.mark.slow
def test_report_for_latest_complete_month(report_dir):
    # The small demonstration data runs January to June 2024.
    assert report_dir.name == "2024-06"
    for name in ("index.html", "01_clean.ipynb", "10_report_month.ipynb", "run.json"):
        assert (report_dir / name).exists(), name


@pytest.mark.slow
def test_stakeholder_html_is_code_free_and_self_contained(report_dir):
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    assert "June 2024" in page
    assert "<script src=" not in page.lower()
    assert not re.search(r"<link[^>]+stylesheet", page, re.I)
    assert not re.search(r"(src|href)=[\"']?https?://", page, re.I)
    assert not re.search(r'class="[^"]*jp-(CodeMirrorEditor|InputPrompt|OutputPrompt)', page)
    assert "read_table" not in page  # no code leaks into the page
    imgs = re.findall(r"<img [^>]*>", page)
    assert imgs and all('src="data:image/png;base64,' in i and 'alt="' in i for i in imgs)


@pytest.mark.slow
def test_index_lists_the_period(report_dir, demo_config_path):
    index = (load_config(demo_config_path).reports_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="2024-06/index.html"' in index
