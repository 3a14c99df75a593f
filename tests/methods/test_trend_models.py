"""Trend models and STL seasonality on series with planted, known trends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.methods.seasonality import stl_decompose
from analysis.methods.trend_models import count_trend, positive_share_trend

MONTHS = pd.date_range("2022-01-01", periods=36, freq="MS")
# Series on an exact curve fit perfectly; statsmodels warns about it.
exact = pytest.mark.filterwarnings(
    "ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning"
)


@exact
def test_positive_share_odds_ratio_recovers_exact_logistic_trend():
    # Expected counts on an exact logistic trend, log-odds 1.5 + 0.2 × years: OR per year e^0.2 = 1.2214.
    years = np.arange(36) / 12
    n = np.full(36, 10_000.0)
    pos = n / (1 + np.exp(-(1.5 + 0.2 * years)))
    r = positive_share_trend(
        pd.DataFrame({"month": MONTHS, "positive": pos, "responses": n}), harmonics_k=0
    )
    assert r.ratio == pytest.approx(np.exp(0.2), rel=1e-6)
    assert (
        r.lower < r.ratio < r.upper
    )  # the quasi scale is floored at 1, so the interval stays open
    assert r.sentence("the odds of a positive rating").startswith(
        "From January 2022 to December 2024, the odds of a positive rating rose by 22.1% a year"
    )


@exact
def test_count_rate_ratio_with_exposure_offset():
    # Rate per 1,000 contacts falls 10% a year exactly; contacts vary. RR = 0.9.
    years = np.arange(36) / 12
    contacts = np.where(np.arange(36) % 2, 8000.0, 12000.0)
    complaints = contacts / 1000 * 5 * 0.9**years
    d = pd.DataFrame({"month": MONTHS, "complaints": complaints, "contacts": contacts})
    for family in ("poisson", "quasipoisson"):
        r = count_trend(d, exposure_field="contacts", harmonics_k=0, family=family)
        assert r.ratio == pytest.approx(0.9, rel=1e-6)
    assert "fell by 10.0% a year" in r.sentence("complaints per contact")


def test_no_clear_trend_is_said_plainly():
    rng = np.random.default_rng(7)
    d = pd.DataFrame({"month": MONTHS, "complaints": rng.poisson(20, 36)})
    r = count_trend(d, harmonics_k=0)
    assert r.lower < 1 < r.upper
    assert r.sentence("complaints").endswith("so there is no clear trend.")


def test_short_series_is_refused():
    with pytest.raises(ValueError, match="at least 8 months"):
        positive_share_trend(
            pd.DataFrame({"month": MONTHS[:5], "positive": [1] * 5, "responses": [2] * 5})
        )


def test_stl_fills_the_2020_pause_and_marks_it():
    months = pd.date_range("2018-04-01", "2022-03-01", freq="MS")
    v = 85 + 3 * np.sin(2 * np.pi * months.month / 12)
    d = pd.DataFrame({"month": months, "v": v})
    d = d[~((d.month >= "2020-04-01") & (d.month <= "2020-11-01"))]
    out = stl_decompose(d, "v")
    assert len(out) == 48 and out["interpolated"].sum() == 8
    # The planted seasonal pattern (amplitude 3) is recovered away from the pause.
    kept = out[~out["interpolated"]]
    expected = 3 * np.sin(2 * np.pi * kept["month"].dt.month / 12)
    assert np.abs(kept["seasonal"] - expected).max() < 0.6
    with pytest.raises(ValueError, match="more than two full cycles"):
        stl_decompose(d.head(20), "v")


def test_negative_binomial_for_overdispersed_complaints():
    # Gamma–Poisson counts (NB2, α = 0.2) around 30 a month falling 15% a year, seed fixed:
    # the negative binomial interval covers the planted rate ratio 0.85 and estimates α.
    rng = np.random.default_rng(11)
    years = np.arange(36) / 12
    mu = 30 * 0.85**years
    y = rng.poisson(rng.gamma(1 / 0.2, 0.2 * mu))
    r = count_trend(
        pd.DataFrame({"month": MONTHS, "complaints": y}), harmonics_k=0, family="negbin"
    )
    assert r.lower < 0.85 < r.upper
    assert r.dispersion > 0.05  # α, clearly above the Poisson's 0
    with pytest.raises(ValueError, match="family must be"):
        count_trend(pd.DataFrame({"month": MONTHS, "complaints": y}), family="gamma")
