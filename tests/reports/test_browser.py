"""Every page kind opened in a real browser as a board member would: screenshots kept as
artefacts, heights measured, and axe-core's WCAG 2.2 AA checks passed (no serious or
critical violations). Needs Debian's chromium (/usr/bin/chromium) and axe-core
(``npm ci`` in tests/browser)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_checks import AXE, CHROMIUM, VIEWPORT, check_pages, serious

from analysis import pipeline
from analysis.config import load_config
from analysis.context import final_folder

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium"),
]
#: The small demonstration data runs January to June 2024: March ends a month, a
#: financial quarter and a financial year.
MONTH = "2024-03"
SCOPE = "urgent care"


@pytest.fixture(scope="module")
def checked(demo_config_path, tmp_path_factory):
    cfg = load_config(demo_config_path)
    pipeline.produce_month(str(cfg.path), MONTH, pdf=False, jobs=1)
    pipeline.produce_month(str(cfg.path), MONTH, pdf=False, scope=SCOPE, analyses=False, jobs=1)
    out = final_folder(cfg, MONTH)
    pages = {
        "monthly": out / "index.html",
        "quarterly": out / "quarterly.html",
        "annual": out / "annual.html",
        "scoped-monthly": final_folder(cfg, MONTH, SCOPE) / "index.html",
    }
    # Screenshots are test artefacts: kept where TEST_ARTEFACTS says (CI can collect them),
    # else in pytest's temporary folder (printed).
    named = os.environ.get("TEST_ARTEFACTS")
    artefacts = Path(named) / "browser" if named else tmp_path_factory.mktemp("artefacts")
    results = check_pages(pages, artefacts)
    print(f"\nscreenshots in {artefacts}")
    for name, r in results.items():
        print(
            f"{name}: {r['height']} px ({r['screens']} screens), appendix at {r['appendix_at']}, "
            f"axe violations: {[(v['id'], v['impact'], v['nodes']) for v in r['violations'] or []]}"
        )
    return results


def test_pages_load_nothing_from_elsewhere(checked):
    for name, r in checked.items():
        assert r["failed"] == [], (name, r["failed"])


def test_first_screen_says_what_needs_attention(checked):
    for name, r in checked.items():
        assert "What needs attention" in r["first_screen"], name


def test_monthly_page_is_at_most_eight_screens_before_its_appendix(checked):
    r = checked["monthly"]
    assert r["appendix_at"] is not None
    assert r["appendix_at"] <= 8 * VIEWPORT["height"], r


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: npm ci in tests/browser")
def test_no_serious_or_critical_accessibility_violations(checked):
    for name, r in checked.items():
        assert serious(r["violations"]) == [], (name, serious(r["violations"]))
