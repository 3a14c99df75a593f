"""Fingertips' comparison with a benchmark (fingertipscharts ``R/dummy_data.R`` rules).

Hand-worked Wilson limits (z = 1.959964): 90 of 100 gives 0.8256 to 0.9448, wholly above
a benchmark of 0.80; 82 of 100 gives 0.7333 to 0.8830, which contains 0.80. For 88 of
100 the 95% interval is (176 + z² ∓ z√(z² + 4·88·0.12)) / (2(100 + z²)) = 0.8019 to
0.9300, above 0.80; at 99.8% (z = 3.090232) it widens to 0.7454 to 0.9484, which
contains 0.80.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.methods.benchmark import (
    COLOURS,
    compare_interval,
    compare_levels,
    compare_proportion,
    compare_rate,
    polarity_for,
)
from analysis.methods.intervals import wilson


def test_wilson_limits_hand_worked():
    lo, hi = wilson([90, 82, 88], [100, 100, 100])
    assert lo.round(4).tolist() == [0.8256, 0.7333, 0.8019]
    assert hi.round(4).tolist() == [0.9448, 0.8830, 0.9300]
    lo, hi = wilson(88, 100, 0.998)
    assert (round(float(lo), 4), round(float(hi), 4)) == (0.7454, 0.9484)


def test_rag_and_bob_as_fingertipscharts():
    assert compare_interval([0.85], [0.95], 0.8, "RAG - High is good") == ["Better"]
    assert compare_interval([0.85], [0.95], 0.8, "RAG - Low is good") == ["Worse"]
    assert compare_interval([0.60], [0.70], 0.8, "RAG - High is good") == ["Worse"]
    assert compare_interval([0.60], [0.70], 0.8, "BOB - Blue orange blue") == ["Lower"]
    assert compare_interval([0.85], [0.95], 0.8, "BOB - Blue orange blue") == ["Higher"]
    assert compare_interval([0.70], [0.90], 0.8, "RAG - High is good") == ["Similar"]
    assert compare_interval([0.85], [0.95], 0.8, "Not applicable") == ["None"]
    assert compare_interval([float("nan")], [0.95], 0.8) == ["Not compared"]
    # A limit exactly on the benchmark is not "beyond" it (strict inequalities, as R).
    assert compare_interval([0.80], [0.95], 0.8) == ["Similar"]


def test_proportion_at_95_and_998():
    assert compare_proportion([90, 82], [100, 100], 0.8) == ["Better", "Similar"]
    assert compare_proportion(88, 100, 0.8, confidence=0.95) == ["Better"]
    assert compare_proportion(88, 100, 0.8, confidence=0.998) == ["Similar"]
    d = pd.DataFrame({"x": [88, 60], "n": [100, 100], "england": [0.8, 0.8]})
    out = compare_levels(d, "x", "n", "england")
    assert out["compared_95"].tolist() == ["Better", "Worse"]
    assert out["compared_998"].tolist() == ["Similar", "Worse"]
    assert (
        out["colour_95"].tolist() == [COLOURS["Better"], COLOURS["Worse"]] == ["#92D050", "#C00000"]
    )


def test_rate_uses_byars_and_exact_poisson():
    # 5 events: exact limits 1.623 to 11.668 (intervals module doctest) per 1000 → rate
    # 1.62 to 11.67 per 1,000 of 1,000; a benchmark of 12 per 1,000 is above: lower is better.
    assert compare_rate(5, 1000, 12, "RAG - Low is good", multiplier=1000) == ["Better"]
    assert compare_rate(5, 1000, 10, "RAG - Low is good", multiplier=1000) == ["Similar"]


def test_polarity_and_errors():
    assert polarity_for("decrease") == "RAG - Low is good"
    with pytest.raises(ValueError, match="polarity must be one of"):
        compare_interval([0.1], [0.2], 0.1, "high")
