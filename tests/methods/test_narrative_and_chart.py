"""Plain-English SPC readings and the Making Data Count chart, on hand-worked series."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from analysis.methods.headline_series import headline_series
from analysis.methods.interrupted_time_series import evaluate_actions
from analysis.methods.spc import ptd_icons, ptd_spc
from analysis.publish.narrative import spc_reading
from analysis.publish.spc_plot import POINT_STYLE, spc_alt_text, spc_chart, spc_panels


def series(values, **kw):
    d = pd.DataFrame(
        {"m": pd.date_range("2024-01-01", periods=len(values), freq="MS"), "v": values}
    )
    return ptd_spc(d, "v", "m", **kw)


def test_common_cause_reading_gives_range_and_average():
    # 1,3,2,4,3: mean 2.6, limits −1.39 to 6.59 (hand-worked in test_spc.py).
    text = spc_reading(series([1, 3, 2, 4, 3]), decimals=2)
    assert text == (
        "Common cause variation: the latest value, 3.00 in May 2024, is within the expected "
        "range of -1.39 to 6.59 around an average of 2.60."
    )


def test_run_reading_counts_months_since_the_run_began():
    # Seven months at 90–92 after seven at 80–83: the last seven are above the mean (86.1)
    # and inside the upper limit 90.28 except the 91s/92s, which are above it.
    values = [80, 82, 81, 83, 80, 82, 81, 88, 89, 88, 89, 88, 89, 88]
    text = spc_reading(series(values), unit="%")
    assert text.startswith(
        "Special cause improvement: 7 months above the average since August 2024"
    )


def test_concern_below_lower_limit_for_a_decrease_measure():
    values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 30]
    text = spc_reading(series(values, improvement_direction="decrease"))
    assert text.startswith(
        "Special cause concern: the latest value, 30.0 in November 2024, is above"
    )


def test_trend_reading():
    # From June (3) the values rise every month to January (7): 8 points; mean 66.5/13 = 5.12,
    # mean moving range 34/12 = 2.83, limits 5.12 ± 7.54, so no point is beyond a limit.
    values = [5, 1, 9, 2, 8, 3, 4, 4.5, 5, 5.5, 6, 6.5, 7]
    text = spc_reading(series(values))
    assert text == "Special cause improvement: 8 months rising in a row since June 2024."


def test_assurance_sentence_and_too_few_points():
    text = spc_reading(series([1, 3, 2, 4, 3], target=10.0))
    assert text.endswith(
        "The process will consistently miss the target of 10.0 unless something changes."
    )
    assert spc_reading(series([5.0])).startswith("Too few points for process limits")
    assert spc_reading(series([np.nan, np.nan])) == "No data to read: every point is missing."


def test_chart_draws_icons_marks_shapes_and_alt_text():
    out = series([10, 11, 10, 11, 10, 11, 30, 11, 10, 11], target=9.0)
    fig = spc_chart(out, "Test", "value")
    ax = fig.axes[0]
    # Two icons (variation, assurance) drawn as inset axes, each a ring with a letter or dots.
    icons = ax.child_axes
    assert len(icons) == 2
    # Variation: the latest point (11) is common cause (grey dots, no letter); assurance: target 9
    # is below the lower limit 9.84 of a measure where higher is better, so "P" (pass).
    assert [[t.get_text() for t in inset.texts] for inset in icons] == [[], ["P"]]
    labels = ax.get_legend_handles_labels()[1]
    assert {
        "Common cause",
        "Special cause: improvement",
        "Special cause: concern",
        "Target",
    } <= set(labels)
    # Readable without colour: improvement and concern differ in marker shape too.
    markers = {
        POINT_STYLE[k][1]
        for k in ("common_cause", "special_cause_improvement", "special_cause_concern")
    }
    assert len(markers) == 3
    alt = spc_alt_text(out, "test measure")
    assert "January 2024 to October 2024, 10 points" in alt and "4 special-cause points" in alt
    with pytest.raises(ValueError, match="one facet"):
        spc_chart(ptd_spc(pd.DataFrame({"m": pd.date_range("2024-01-01", periods=2, freq="MS").repeat(2),
                                        "v": [1, 2, 3, 4], "f": ["a", "b"] * 2}), "v", "m", "f"), "x")  # fmt: skip


def test_chart_and_table_agree_when_there_are_too_few_points_for_icons():
    """Making Data Count's tool shows icons from 13 points: a chart of 5 months must not show
    a common-cause icon that the page's table (``ptd_icons``) withholds."""
    out = series([10, 11, 10, 11, 10], rules="mdc_tool")
    assert ptd_icons(out).iloc[0]["variation_icon"] is None  # the table: too few points
    ax = spc_chart(out, "Test", "value").axes[0]
    assert ax.child_axes == []  # no icon drawn
    assert [t.get_text() for t in ax.texts] == ["Too few points to tell"]
    assert "Process limits" not in ax.get_legend_handles_labels()[1]  # none drawn: no key
    # From 13 points, both draw the icon: common cause, and its words.
    out = series([10, 11] * 6 + [10], rules="mdc_tool")
    assert ptd_icons(out).iloc[0]["variation_icon"] == "common_cause"
    ax = spc_chart(out, "Test", "value").axes[0]
    assert len(ax.child_axes) == 1
    assert ax.texts[0].get_text() == "No change beyond the usual ups and downs"
    assert "Process limits" in ax.get_legend_handles_labels()[1]


def test_chart_ticks_are_months_never_days():
    """Three months of points: one tick a month (the demonstration's first charts showed day
    numbers, 08 15 22, between the months)."""
    out = series([86.4, 86.5, 89.9])
    ax = spc_chart(out, "Test", "value", icons=False).axes[0]
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["Jan\n2024", "Feb", "Mar"]


def test_panels_one_per_facet_with_reading_and_alt():
    d = pd.DataFrame({"m": list(pd.date_range("2024-01-01", periods=5, freq="MS")) * 2,
                      "v": [1, 3, 2, 4, 3, 5, 5, 6, 5, 6], "f": ["A"] * 5 + ["B"] * 5})  # fmt: skip
    panels = spc_panels(ptd_spc(d, "v", "m", "f"), "measure")
    assert [p["facet"] for p in panels] == ["A", "B"]
    assert all('alt="SPC chart of measure for' in p["html"] for p in panels)


def test_headline_series_pools_counts_and_marks_gaps():
    resp = pd.DataFrame(
        {
            "service_id": ["S1"] * 6 + ["S2"] * 4,
            "response_date": pd.to_datetime(
                ["2024-01-05"] * 4 + ["2024-03-02"] * 2 + ["2024-01-09"] * 4
            ),
            "rating": ["Very good", "Good", "Poor", "Don't know", "Good", "Good"]
            + ["Very good"] * 4,
        }
    )
    out = headline_series(resp, by="partnership")
    # January pooled: 2 + 4 positive of 8 → 75%; February has no responses (a gap); March 2 of 2.
    assert out["month"].dt.month.tolist() == [1, 2, 3]
    assert out["pct_positive"].tolist()[0] == 75.0 and np.isnan(out["pct_positive"].iloc[1])
    small = headline_series(resp, by="service", min_count=3)
    s1 = small[small.facet == "S1"]
    assert np.isnan(s1["pct_positive"].iloc[-1])  # March: 2 responses, below the threshold
    with pytest.raises(ValueError, match="needs the services table"):
        headline_series(resp, by="setting")


def test_evaluate_actions_reads_or_says_why_not():
    months = pd.date_range("2023-01-01", periods=12, freq="MS")
    s = pd.DataFrame(
        {"facet": "S1", "month": months, "positive": [70] * 6 + [90] * 6, "responses": [100] * 12}
    )
    s.loc[[1, 3, 7, 9], "positive"] += 3  # some month-to-month variation
    actions = pd.DataFrame(
        {
            "action_id": ["A1", "A2", "A3"],
            "service_id": ["S1", "S1", "S1"],
            "we_did": ["Changed the appointment letters", "New waiting room", "Later idea"],
            "heard_date": pd.to_datetime(["2023-05-02", "2023-11-01", "2023-12-01"]),
            "action_date": pd.to_datetime(["2023-07-10", "2023-12-01", None]),
            "status": ["completed", "completed", "planned"],
        }
    )
    out = evaluate_actions(s, actions)
    assert out["action_id"].tolist() == ["A1", "A2"]
    assert out.loc[0, "lower"] > 1
    assert out.loc[0, "reading"].startswith(
        "After “Changed the appointment letters” in July 2023, the odds of a positive rating rose"
    )
    assert out.loc[1, "reading"].startswith(
        "“New waiting room” (A2) not evaluated: need at least 3 months before and 3 after"
    )


def test_complaint_series_counts_months_with_none_as_zero():
    from analysis.methods.headline_series import complaint_series

    c = pd.DataFrame(
        {
            "service_id": ["S1", "S1", "S2", "S1"],
            "received_date": pd.to_datetime(
                ["2024-01-03", "2024-01-20", "2024-01-09", "2024-03-01"]
            ),
        }
    )
    whole = complaint_series(c, through="2024-04")
    assert whole["complaints"].tolist() == [3, 0, 1, 0]
    per = complaint_series(c, by="service")
    assert per[per.facet == "S2"]["complaints"].tolist() == [1, 0, 0]


def test_funnel_and_seasonal_charts_say_what_they_show():
    from analysis.methods.funnel import proportion_funnel
    from analysis.methods.seasonality import stl_decompose
    from analysis.publish.funnel_plot import funnel_chart
    from analysis.publish.spc_plot import seasonal_chart

    d = pd.DataFrame({"s": [f"S{i}" for i in range(10)], "pos": [425, 430, 420, 428, 422, 426, 424, 427, 423, 300],
                      "n": [500] * 10})  # fmt: skip
    units, fit = proportion_funnel(d, "pos", "n", "s")
    fig, alt = funnel_chart(units, fit, "Funnel")
    assert alt.endswith("outside the 99.8% limits: S9.")
    assert [t.get_text() for t in fig.axes[0].texts] == [
        "S9"
    ]  # the outlier is labelled, not only coloured
    months = pd.date_range("2021-01-01", periods=36, freq="MS")
    s = pd.DataFrame({"month": months, "v": 80 + 5 * np.sin(2 * np.pi * (months.month - 3) / 12)})
    fig, alt = seasonal_chart(stl_decompose(s, "v"), "Seasonal", "%")
    # sin peaks three months after its zero: month 3 + 3 = 6 (June), lowest in December.
    assert "peaks in month 6" in alt and "lowest in month 12" in alt
