"""The monthly report end to end, with a service that has only 3 responses in the month,
and opened in a real browser (Debian's chromium, driven by Playwright) with the network off."""

from __future__ import annotations

import csv
import re

import pytest

from analysis import demo, pipeline
from analysis.config import load_config, relocate
from analysis.publish import browser

MONTH = "2024-06"
HOSTILE = '<script>window.__ran = 1</script><img src=x onerror="window.__ran = 2">'


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A small partnership whose first service has exactly 3 FFT responses in June 2024."""
    root = tmp_path_factory.mktemp("small-numbers")
    cfg = relocate(load_config(), root)
    demo.generate(cfg.raw_dir, seed=3, start="2024-01", end=MONTH, config=cfg)
    code = cfg.services[0]["codes"][0]["code"]
    fft_file = next(cfg.raw_dir.glob(f"fft/*{MONTH}*.csv"))
    with open(fft_file, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    code_col = rows[0].index(cfg.sources["fft"]["columns"]["service_code"])
    kept, seen = [rows[0]], 0
    for row in rows[1:]:
        if row[code_col] == code:
            seen += 1
            if seen > 3:
                continue
        kept.append(row)
    assert seen > 3, "the demonstration service needs more than 3 responses to trim"
    with open(fft_file, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(kept)
    (cfg.raw_dir / "commentary").mkdir()
    (cfg.raw_dir / "commentary" / f"{MONTH}.yaml").write_text(
        f"sections:\n  fft: '{HOSTILE}'\n", encoding="utf-8"
    )
    out = pipeline.run(cfg.path, MONTH, pdf=browser.available())
    return cfg, out


@pytest.mark.slow
def test_three_responses_are_suppressed_in_page_and_downloads(published):
    cfg, out = published
    name = cfg.services[0]["service_name"]
    page = (out / "index.html").read_text(encoding="utf-8")
    row = re.search(rf"<tr><td>{re.escape(name)}</td>(.*?)</tr>", page).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[1] == "*" and cells[2] == "*", cells  # responses and % positive
    table = (out / "tables" / "monthly-fft-by-service.csv").read_text(encoding="utf-8")
    assert any(line.startswith(name) and ",*,*," in line for line in table.splitlines())


@pytest.mark.slow
def test_every_stakeholder_page_is_under_3_mb(published):
    _, out = published
    for page in ("index.html", "quarterly.html"):
        assert (out / page).stat().st_size < 3 * 1024 * 1024, page


@pytest.mark.slow
def test_draft_until_approved_and_commentary_is_text(published):
    _, out = published
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "DRAFT" in page
    assert "&lt;script&gt;window.__ran = 1&lt;/script&gt;" in page
    assert "<script" not in page.lower()


@pytest.mark.slow
def test_analyst_version_shows_the_code(published):
    _, out = published
    analyst = (out / "analyst.html").read_text(encoding="utf-8")
    assert "load_context" in analyst
    assert "load_context" not in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_provenance_names_period_parameters_and_checksums(published):
    cfg, out = published
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<dt>Period</dt><dd>June 2024</dd>" in page
    manifest = (cfg.processed_dir / "manifest.json").read_text(encoding="utf-8")
    first_sha = re.search(r'"sha256": "([0-9a-f]{64})"', manifest).group(1)
    assert first_sha in page


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(
    not browser.available(), reason="Debian's chromium is not installed (make browser)"
)
def test_pages_open_offline_in_a_real_browser(published, tmp_path):
    from playwright.sync_api import sync_playwright

    cfg, out = published
    assert (out / "index.pdf").stat().st_size > 10_000
    with sync_playwright() as p:
        b = browser.launch(p)
        context = b.new_context(offline=True)
        page = context.new_page()
        failed, console_errors = [], []
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        for target in (cfg.reports_dir / "index.html", out / "index.html"):
            page.goto(target.as_uri())
            page.wait_for_load_state("load")
        assert failed == []
        assert page.evaluate("window.__ran") is None, "a script from comment text ran"
        assert page.locator("h1").count() == 1
        assert page.locator("h2").count() >= 3
        images = page.locator("img")
        assert images.count() >= 1
        for i in range(images.count()):
            img = images.nth(i)
            assert img.get_attribute("alt"), "every chart needs alt text"
            assert img.evaluate("i => i.complete && i.naturalWidth > 0"), "an image did not load"
        assert page.locator("table caption").count() == page.locator("table").count()
        shot = tmp_path / "monthly-report.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        b.close()
