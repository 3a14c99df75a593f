"""Standardised-ratio funnels against FunnelPlotR's README example (``medpar``).

FunnelPlotR's README (nhs-r-community/FunnelPlotR) fits
``glm(los ~ hmo + died + age80 + factor(type), family = "poisson")`` to Hilbe's
``medpar`` data (COUNT package), printing the coefficients 2.26875 (intercept),
−0.07637 (hmo), −0.24574 (died), −0.02141 (age80), 0.24921 (type 2), 0.74869 (type 3)
and the overdispersion ratio 6.240519, then draws funnels of observed ÷ predicted length
of stay per provider: "54 points of which 25 are outliers" with Poisson 99.8% limits and
"54 points of which 9 are outliers" with the SHMI overdispersion adjustment.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from analysis.methods.sr_funnel import poisson_ratio_limits, ratio_funnel, shmi_truncation

DATA = Path(__file__).parent / "data" / "medpar.csv"


@pytest.fixture(scope="module")
def medpar() -> pd.DataFrame:
    d = pd.read_csv(DATA, dtype={"provnum": str})
    model = smf.glm(
        "los ~ hmo + died + age80 + C(type)", data=d, family=sm.families.Poisson()
    ).fit()
    d["prds"] = model.predict(d)
    d.attrs["params"] = model.params
    d.attrs["dispersion"] = float(model.pearson_chi2 / model.df_resid)
    return d


def test_model_matches_the_readme(medpar):
    p = medpar.attrs["params"]
    got = [p[k] for k in ("Intercept", "hmo", "died", "age80", "C(type)[T.2]", "C(type)[T.3]")]
    np.testing.assert_allclose(
        got, [2.26875, -0.07637, -0.24574, -0.02141, 0.24921, 0.74869], atol=6e-6
    )
    # R's figure uses the last IRLS iteration's working weights; the Pearson χ² at the
    # converged fit differs in the fifth significant figure.
    assert medpar.attrs["dispersion"] == pytest.approx(6.240519, rel=1e-5)


def test_poisson_limits_give_25_outliers_of_54(medpar):
    units, fit = ratio_funnel(medpar, "los", "prds", "provnum", overdispersed=False)
    assert len(units) == 54
    assert int(units["outlier"].sum()) == 25
    assert not fit.overdispersed


def test_shmi_overdispersed_limits_give_9_outliers_of_54(medpar):
    units, fit = ratio_funnel(medpar, "los", "prds", "provnum")
    assert fit.overdispersed and fit.tau2 > 0
    assert int(units["outlier"].sum()) == 9


def test_truncation_drops_a_tenth_each_side():
    # 19 ranked z-scores, k = 10: groups ⌊r·10/20⌋ = 0 for r = 1 and 9 for r = 18, 19.
    keep = shmi_truncation(np.arange(19.0))
    assert keep.tolist() == [False] + [True] * 16 + [False, False]


def test_hand_worked_poisson_limit_and_errors():
    # E = 1: the 95% upper limit is χ²(0.975; 4)/2 = 11.1433/2 = 5.5716.
    lo, hi = poisson_ratio_limits([1.0], 95)
    assert hi[0] == pytest.approx(5.5716, abs=1e-4) and lo[0] == pytest.approx(0.0253, abs=1e-4)
    with pytest.raises(ValueError, match="at least two units"):
        ratio_funnel(pd.DataFrame({"u": ["a"], "o": [1], "e": [1.0]}), "o", "e", "u")
    with pytest.raises(ValueError, match="limit must be 95 or 99"):
        ratio_funnel(
            pd.DataFrame({"u": ["a", "b"], "o": [1, 2], "e": [1.0, 2.0]}), "o", "e", "u", limit=90
        )
