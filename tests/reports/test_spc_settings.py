"""The report's SPC follows the partnership's ``spc:`` configuration.

Making Data Count's Single Chart Tool draws no limits and shows no icons before 13
points ("you need at least 13 data points": the tool's guidance, as
:data:`analysis.methods.spc_rules.MDC_TOOL_RULES` records); NHSRplotthedots draws
trial limits from 2 points. So twelve months of FFT data under ``rules: mdc_tool``
show no limits and no icons in the "at a glance" table, and under the default rules
they do.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from analysis.config import load_config, relocate
from analysis.context import Context
from analysis.publish.sections import at_a_glance, spc

SERVICES = pd.DataFrame(
    {"service_id": ["S1"], "service_name": ["Willow Ward"], "setting": ["mental health"]}
)


@pytest.fixture
def _context(tmp_path):
    """A context over twelve (or ``months``) months of one service's counts, in a partnership
    whose data folders are empty (as on a clean clone: nothing comes from the store)."""

    def make(spc_section: dict, months: int = 12) -> Context:
        return _tables(relocate(load_config(), tmp_path), spc_section, months)

    return make


def _tables(base, spc_section: dict, months: int) -> Context:
    cfg = dataclasses.replace(base, data={**base.data, "spc": spc_section})
    rng = np.random.default_rng(1)
    responses = rng.integers(80, 120, months)
    monthly = pd.DataFrame(
        {
            "service_id": "S1",
            "month": pd.date_range("2024-04-01", periods=months, freq="MS"),
            "responses": responses,
            "positive": (responses * 0.9).astype(int),
            "eligible": responses * 10.0,
        }
    )
    last = str(pd.Period("2024-04", "M") + months - 1)
    return Context.of_tables(
        cfg,
        last,
        "month",
        scope="S1",
        services=SERVICES,
        fft_monthly=monthly,
        complaints=pd.DataFrame(),
        evaluations={},
    )


@pytest.mark.parametrize("where", ["partnership", "measure"])
def test_mdc_tool_with_twelve_points_shows_no_limits_and_no_icons(where, _context):
    section = (
        {"rules": "mdc_tool"}
        if where == "partnership"
        else {"rules": "nhsr", "measures": {"fft_positive": {"rules": "mdc_tool"}}}
    )
    ctx = _context(section)
    positive = next(m for m in spc.measures(ctx) if m.key == "positive")
    assert positive.spc[["lpl", "upl"]].isna().all().all()
    glance = at_a_glance.compute(ctx)
    rows = glance.data["rows"]
    mine = [r for r in rows if r["measure"] == "FFT percentage positive"]
    assert all(r["variation"] is None and r["assurance"] is None for r in mine)
    html = "".join(r["variation_svg"] + r["assurance_svg"] for r in mine)
    assert "<svg" not in html


def test_default_rules_with_twelve_points_show_limits_and_icons(_context):
    ctx = _context({})
    positive = next(m for m in spc.measures(ctx) if m.key == "positive")
    assert positive.spc[["lpl", "upl"]].notna().all().all()
    rows = at_a_glance.compute(ctx).data["rows"]
    assert any(r["measure"] == "FFT percentage positive" and r["variation"] for r in rows)


def test_configured_rebase_starts_new_limits(_context):
    ctx = _context({"measures": {"fft_positive": {"rebase": ["2024-10"]}}}, months=14)
    positive = next(m for m in spc.measures(ctx) if m.key == "positive")
    groups = positive.spc.groupby("rebase_group")["mean"].nunique()
    assert len(groups) == 2


def test_a_configured_target_gives_a_headline_measure_its_assurance_icon(_context):
    """A target set under ``spc: measures:`` (no logic model sets one for the scope) is drawn
    on the chart and judged by the assurance icon: 90% positive against values around 90%
    that vary about it is "hit and miss" (Making Data Count), not "no target"."""
    ctx = _context({"measures": {"fft_positive": {"target": 90}}}, months=24)
    positive = next(m for m in spc.measures(ctx) if m.key == "positive")
    assert (positive.spc["target"].dropna() == 90).all() and positive.spc["target"].notna().any()
    rows = at_a_glance.compute(ctx).data["rows"]
    (mine,) = [r for r in rows if r["measure"] == "FFT percentage positive"]
    assert mine["target"].startswith("90.0") and mine["assurance"] is not None
