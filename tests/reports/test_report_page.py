"""The one report engine on the small demonstration data: what a board member sees first,
the whole mission on every page kind, and human formatting throughout."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.context import load_context
from analysis.publish.sections.page import build

MONTH = "2024-03"  # ends a month, a financial quarter and a financial year


@pytest.fixture(scope="module")
def pages(demo_config_path):
    out = {}
    for kind in ("month", "quarter", "year"):
        page = build(load_context(demo_config_path, MONTH, "", kind))
        out[kind] = (page, page.title_html() + "".join(page.html()))
    return out


@pytest.mark.slow
def test_every_page_opens_with_what_needs_attention_then_the_summary_table(pages):
    for kind, (page, html) in pages.items():
        assert [s.anchor for s in page.sections[:2]] == ["attention", "at-a-glance"], kind
        attention = page.sections[0].data
        assert len(attention["concerns"]) <= 5
        assert html.index('id="attention"') < html.index('id="fft"')


@pytest.mark.slow
def test_every_page_kind_carries_the_whole_mission(pages):
    for kind, (_, html) in pages.items():
        for anchor in ("indicators", "spc", "voices", "actions", "complaints", "good-news"):
            assert f'id="{anchor}"' in html, (kind, anchor)
    # The FFT section's six settings' charts fold into one group, named for what it holds.
    assert "Percentage positive by month, for each setting (6)" in pages["month"][1]
    for kind in ("quarter", "year"):
        _, html = pages[kind]
        for anchor in ("thematic-review", "funnel", "surveys"):
            assert f'id="{anchor}"' in html, (kind, anchor)
        assert "logic model with indicator status" in html


@pytest.mark.slow
def test_at_a_glance_rows_have_both_icons_in_words(pages):
    page, _ = pages["month"]
    rows = page.sections[1].data["rows"]
    assert rows
    for r in rows:
        assert r["variation_text"] and r["assurance_text"]


@pytest.mark.slow
def test_pages_are_formatted_for_people(pages):
    for kind, (_, html) in pages.items():
        text = re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]+"', "", html))
        assert not re.search(r"\d\.\d{3,}", text), (kind, re.search(r".{40}\d\.\d{3,}.{10}", text))
        assert "service_id" not in text and "local_subjects" not in text, kind
        assert not re.search(r"\b20\d\dQ[1-4]\b", text), kind  # calendar quarters
        assert "Common cause" not in text.split("About this report")[0], kind


@pytest.mark.parametrize("scope", ["", "urgent care"])
def test_the_voices_section_from_kept_counts_equals_it_from_response_rows(
    demo_config_path, monkeypatch, scope
):
    """Reference: the section as computed from the twelve months' response rows (which it
    did before it read the kept counts by month; the population periods are whole years)."""
    from analysis.methods import voices
    from analysis.publish.sections import voices as section

    ctx = load_context(demo_config_path, MONTH, scope, "month")
    assert voices.whole_month_periods(ctx.population)
    counted = section.compute(ctx)
    monkeypatch.setattr(voices, "whole_month_periods", lambda population: False)
    rows = section.compute(load_context(demo_config_path, MONTH, scope, "month"))
    assert counted.sentences == rows.sentences and counted.sentences
    assert len(counted.tables) == len(rows.tables) == 1
    pd.testing.assert_frame_equal(counted.tables[0].frame, rows.tables[0].frame)
