"""An impossible proportion (numerator above denominator) leaves that period without a value,
with a warning, instead of stopping every indicator of the report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.methods.indicators import add_values


def test_numerator_above_denominator_is_left_out_and_the_rest_computed():
    series = pd.DataFrame(
        {"period": ["2024-01", "2024-02"], "numerator": [3, 12], "denominator": [10, 10]}
    )
    with pytest.warns(UserWarning, match=r"numerator 12 over denominator 10 \(2024-02\)"):
        out = add_values(series, "proportion")
    # 3 of 10: 30%, Wilson 95% limits 10.78% to 60.32% (Newcombe 1998, table I method 3)
    assert out.loc[0, "value"] == pytest.approx(30.0)
    assert out.loc[0, "lower"] == pytest.approx(10.78, abs=0.01)
    assert out.loc[0, "upper"] == pytest.approx(60.32, abs=0.01)
    assert np.isnan(out.loc[1, "value"]) and np.isnan(out.loc[1, "lower"])
