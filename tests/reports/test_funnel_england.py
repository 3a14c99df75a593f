"""England as a comparator on the quarterly and annual pages (the comparison section)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.context import Context, load_context
from analysis.ingest.store import read_table
from analysis.methods.funnel import FFT_COMPARISON_CAVEAT
from analysis.publish.sections import funnel

MONTH = "2024-03"  # ends a financial quarter (Jan-Mar 2024) and year


@pytest.fixture(scope="module")
def section(demo_config_path):
    return funnel.compute(load_context(demo_config_path, MONTH, "", "quarter"))


def test_quarterly_page_places_our_services_among_englands_providers(section):
    england = [f for f in section.figures if f.name.startswith("funnel-england-")]
    assert england, [f.name for f in section.figures]
    for f in england:
        assert FFT_COMPARISON_CAVEAT in f.caption  # the caveat beside the chart
        assert "providers in England" in f.alt and "England " in f.alt


def test_england_column_is_nhs_englands_published_figure(section, demo_config):
    table = next(t for t in section.tables if t.name == "england-comparison").frame
    p = read_table("fft_published", demo_config.processed_dir)
    q = p[(p["level"] == "england") & p["month"].between("2024-01-01", "2024-03-01")]
    mh = q[q["setting"] == "Mental Health"]
    by_hand = 100 * (mh["very_good"].sum() + mh["good"].sum()) / mh["total_responses"].sum()
    rows = table[
        (table["NHS England collection"] == "Mental Health")
        & (table["Measure"] == "FFT percentage positive")
    ]
    assert len(rows) >= 1
    assert set(rows["England"]) == {f"{by_hand:.1f}%"}


def test_without_published_figures_one_line_says_so(demo_config):
    services = read_table("services", demo_config.processed_dir)
    monthly = pd.DataFrame(
        {
            "service_id": services["service_id"].iloc[0],
            "month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
            "responses": 40,
            "positive": 30,
            "eligible": 400.0,
        }
    )
    ctx = Context.of_tables(
        demo_config, MONTH, "quarter", services=services, fft_monthly=monthly, fft_published=None
    )
    section = funnel.compute(ctx)
    assert funnel.NO_ENGLAND in section.sentences
    assert not [f for f in section.figures if f.name.startswith("funnel-england")]
