"""Interrupted time series on the Lopez Bernal, Cummins & Gasparrini (2017) worked example.

Data: the tutorial's public ``sicily.csv`` (see ``data/README.md``). The tutorial's
models, from the authors' ``Rcode.R``:

* model1 ``glm(aces ~ offset(log(stdpop)) + smokban + time, family=poisson)``
* model2 the same with ``quasipoisson``
* model3 model2 + ``harmonic(month, 2, 12)``
* model4 model3 + ``I(time-36):smokban`` (slope change)

Expected values come from an independent Poisson maximum-likelihood fit written out
below (Newton–Raphson in numpy, Pearson-χ² dispersion as R's ``quasipoisson``), not from
the module; the paper's printed rate ratios are not asserted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.methods.interrupted_time_series import harmonics, interrupted_time_series

DATA = Path(__file__).parent / "data" / "sicily.csv"


@pytest.fixture(scope="module")
def sicily():
    d = pd.read_csv(DATA)
    d["date"] = pd.to_datetime({"year": d.year, "month": d.month, "day": 1})
    return d


def poisson_mle(X, y, offset):
    """Reference fit: Newton–Raphson for log E[y] = Xβ + offset; returns β, model SE, Pearson dispersion."""
    beta = np.zeros(X.shape[1])
    beta[0] = np.log(y.sum() / np.exp(offset).sum())
    for _ in range(50):
        mu = np.exp(X @ beta + offset)
        step = np.linalg.solve(X.T @ (X * mu[:, None]), X.T @ (y - mu))
        beta += step
        if np.abs(step).max() < 1e-12:
            break
    mu = np.exp(X @ beta + offset)
    cov = np.linalg.inv(X.T @ (X * mu[:, None]))
    dispersion = np.sum((y - mu) ** 2 / mu) / (len(y) - X.shape[1])
    return beta, np.sqrt(np.diag(cov)), dispersion


def design(d, harm=0, slope=False):
    cols = [np.ones(len(d)), d.time, d.smokban]
    if slope:
        cols.append((d.time - 36) * d.smokban)
    if harm:
        h = harmonics(d.month.to_numpy(), harm)
        cols += [h[:, j] for j in range(2 * harm)]
    return np.column_stack(cols).astype(float)


@pytest.mark.parametrize(
    ("harm", "slope", "quasi"),
    [(0, False, False), (0, False, True), (2, False, True), (2, True, True)],
)
def test_tutorial_models_match_reference_fit(sicily, harm, slope, quasi):
    beta, se, disp = poisson_mle(
        design(sicily, harm, slope), sicily.aces.to_numpy(float), np.log(sicily.stdpop.to_numpy())
    )
    scale = np.sqrt(disp) if quasi else 1.0
    r = interrupted_time_series(
        sicily, "aces", "date", "2005-01-01", exposure_field="stdpop",
        harmonics_k=harm, slope_change=slope, overdispersion=quasi,
    )  # fmt: skip
    assert r.step == pytest.approx(np.exp(beta[2]), rel=1e-6)
    assert r.step_ci[0] == pytest.approx(np.exp(beta[2] - 1.959964 * se[2] * scale), rel=1e-5)
    assert r.step_ci[1] == pytest.approx(np.exp(beta[2] + 1.959964 * se[2] * scale), rel=1e-5)
    if quasi:
        assert r.dispersion == pytest.approx(disp, rel=1e-6)
    if slope:
        assert r.slope_change == pytest.approx(np.exp(beta[3]), rel=1e-6)
    assert (r.n_before, r.n_after) == (36, 23)


def test_tutorial_headline_and_sentence(sicily):
    r = interrupted_time_series(sicily, "aces", "date", "2005-01-01", exposure_field="stdpop", harmonics_k=2,
                                slope_change=False)  # fmt: skip
    # The tutorial's conclusion: a fall of about 11% in acute coronary events after the ban.
    assert 0.87 < r.step < 0.90 and r.step_ci[1] < 1
    text = r.sentence("acute coronary events", "the smoking ban")
    assert text.startswith(
        "After the smoking ban in January 2005, acute coronary events fell by 11%"
    )


def test_gaussian_newey_west_recovers_a_planted_step():
    # y = 50 + 0.2 t + 4·step + alternating ±0.5: the step is 4 exactly up to the noise pattern.
    t = np.arange(1, 31)
    step = (t > 15).astype(float)
    y = 50 + 0.2 * t + 4 * step + 0.5 * (-1) ** t
    d = pd.DataFrame({"month": pd.date_range("2022-01-01", periods=30, freq="MS"), "y": y})
    r = interrupted_time_series(
        d, "y", "month", "2023-04-01", family="gaussian", slope_change=False
    )
    assert r.step == pytest.approx(4.0, abs=0.3)
    assert r.step_ci[0] > 3 and r.effect_scale == "difference"


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning")
def test_binomial_odds_ratio_for_a_planted_share_step():
    # Positive share 80% before, 90% after, 1,000 responses a month: OR = (0.9/0.1)/(0.8/0.2) = 2.25.
    months = pd.date_range("2023-01-01", periods=24, freq="MS")
    d = pd.DataFrame({"month": months, "pos": [800] * 12 + [900] * 12, "n": [1000] * 24})
    r = interrupted_time_series(d, "pos", "month", "2024-01-01", family="binomial", trials_field="n",
                                slope_change=False)  # fmt: skip
    assert r.step == pytest.approx(2.25, rel=1e-6)


def test_quasi_binomial_dispersion_matches_reference_fit():
    # Alternating monthly shares give real overdispersion; reference: Newton–Raphson logistic
    # fit on (successes, trials) and Pearson χ² / (n − p), as R's quasibinomial.
    months = pd.date_range("2023-01-01", periods=24, freq="MS")
    pos = np.array([780, 820] * 6 + [880, 920] * 6, dtype=float)
    n = np.full(24, 1000.0)
    t = np.arange(1, 25, dtype=float)
    X = np.column_stack([np.ones(24), t, (t > 12).astype(float)])
    beta = np.zeros(3)
    for _ in range(50):
        mu = 1 / (1 + np.exp(-X @ beta))
        w = n * mu * (1 - mu)
        beta += np.linalg.solve(X.T @ (X * w[:, None]), X.T @ (pos - n * mu))
    mu = 1 / (1 + np.exp(-X @ beta))
    pearson = np.sum((pos - n * mu) ** 2 / (n * mu * (1 - mu))) / (24 - 3)
    se = np.sqrt(np.diag(np.linalg.inv(X.T @ (X * (n * mu * (1 - mu))[:, None]))) * pearson)
    d = pd.DataFrame({"month": months, "pos": pos, "n": n})
    r = interrupted_time_series(d, "pos", "month", "2024-01-01", family="binomial", trials_field="n",
                                slope_change=False)  # fmt: skip
    assert r.dispersion == pytest.approx(pearson, rel=1e-6)
    assert r.step == pytest.approx(np.exp(beta[2]), rel=1e-6)
    assert r.step_ci[1] == pytest.approx(np.exp(beta[2] + 1.959964 * se[2]), rel=1e-5)


def test_missing_months_are_skipped_but_time_keeps_counting(sicily):
    gap = sicily.copy()
    gap.loc[(gap.year == 2003) & gap.month.between(4, 11), "aces"] = np.nan
    r = interrupted_time_series(
        gap, "aces", "date", "2005-01-01", exposure_field="stdpop", slope_change=False
    )
    assert r.n_before == 28
    kept = sicily[~((sicily.year == 2003) & sicily.month.between(4, 11))]
    beta, _, _ = poisson_mle(
        design(kept), kept.aces.to_numpy(float), np.log(kept.stdpop.to_numpy())
    )
    assert r.step == pytest.approx(np.exp(beta[2]), rel=1e-6)


def test_too_few_points_either_side_is_a_clear_error(sicily):
    with pytest.raises(ValueError, match="at least 3 months before and 3 after"):
        interrupted_time_series(sicily, "aces", "date", "2006-10-01", exposure_field="stdpop")
    with pytest.raises(ValueError, match="needs trials_field"):
        interrupted_time_series(sicily, "aces", "date", "2005-01-01", family="binomial")


def test_no_months_at_all_is_a_clear_error_not_a_crash():
    """A scope or month with no data before the action (an empty series) says so."""
    empty = pd.DataFrame({"positive": [], "responses": [], "month": pd.to_datetime([])})
    with pytest.raises(ValueError, match="no months of data"):
        interrupted_time_series(
            empty, "positive", "month", "2024-06-01", family="binomial", trials_field="responses"
        )


def test_actions_in_a_scope_without_data_are_not_evaluated_rather_than_failing():
    """evaluate_actions gives each action a reason when its service has no series."""
    from analysis.methods.interrupted_time_series import evaluate_actions

    series = pd.DataFrame(
        {"facet": [], "month": pd.to_datetime([]), "positive": [], "responses": []}
    )
    actions = pd.DataFrame(
        {
            "action_id": ["A1"],
            "service_id": ["UC-111"],
            "we_did": ["more staff"],
            "status": ["completed"],
            "action_date": pd.to_datetime(["2024-05-10"]),
            "heard_date": pd.to_datetime(["2024-02-01"]),
        }
    )
    out = evaluate_actions(series, actions)
    assert out["odds_ratio"].isna().all()
    assert "not evaluated" in out["reading"].iloc[0]
