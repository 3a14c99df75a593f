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


@pytest.mark.slow
def test_a_refused_pdf_in_a_backfill_withholds_that_month_only(demo_config_path, monkeypatch):
    """The gate refuses April's PDF (as it would one carrying an identifier): April is not
    published and says why; May, printed in the same browser session, is."""
    from analysis.publish import browser
    from analysis.publish.gate import PublishRefused

    def write_pdfs(pages, min_count=5, refused=None):
        for page in pages:
            if "2024-04" in page.parent.name:
                reason = f"refusing to write {page.stem}.pdf:\n  - line 3: NHS number"
                if refused is None:
                    raise PublishRefused(reason)
                refused[page] = reason
        return []

    monkeypatch.setattr(browser, "available", lambda: True)
    monkeypatch.setattr(browser, "write_pdfs", write_pdfs)
    reports = load_config(demo_config_path).reports_dir
    april = reports / "2024-04" / "run.json"  # another test may have reported April before
    before = april.read_bytes() if april.exists() else None
    results = pipeline.backfill(demo_config_path, "2024-04", "2024-05", workers=1)
    assert results["2024-05"] == "ok"
    assert results["2024-04"].startswith("PublishRefused: refusing to write index.pdf")
    assert (reports / "2024-05" / "index.html").exists()
    assert (april.read_bytes() if april.exists() else None) == before  # not replaced
    assert not list(reports.glob(".staging-*"))
