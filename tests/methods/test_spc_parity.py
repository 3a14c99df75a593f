"""NHSRplotthedots v0.2.2 at the edges: the short-group warning and its option.

Mirrors ``tests/testthat/test-ptd_add_short_group_warnings.R`` of NHSRplotthedots
(nhs-r-community/NHSRplotthedots 0.2.2, commit 050b07d): the warning text word for
word; 11 points with a threshold of 12 warn, 12 points do not; facets and rebase
groups are judged separately (35, 5, 20, 20 points: only the 5 warn); and the default
threshold read by ``getOption("ptd_spc.warning_threshold", 13)`` is 13.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.methods import spc
from analysis.methods.spc import SHORT_GROUP_MESSAGE, ShortGroupWarning, ptd_spc

R_MESSAGE = (
    "Some groups have 'n < 12' observations. "
    "These have trial limits, which will be revised with each additional observation "
    "until 'n = fix_after_n_points' has been reached."
)


def series(n: int, facet: str = "a", start: str = "2020-01-01") -> pd.DataFrame:
    rng = np.random.default_rng(n)
    return pd.DataFrame(
        {"x": pd.date_range(start, periods=n, freq="MS"), "y": rng.normal(size=n), "f": facet}
    )


@pytest.fixture
def threshold_12():
    before = dict(spc.OPTIONS)
    spc.OPTIONS["ptd_spc.warning_threshold"] = 12
    yield
    spc.OPTIONS.clear()
    spc.OPTIONS.update(before)


def test_message_is_r_word_for_word():
    assert SHORT_GROUP_MESSAGE == R_MESSAGE


def test_default_threshold_is_13():
    assert spc.OPTIONS["ptd_spc.warning_threshold"] == 13
    with pytest.warns(ShortGroupWarning, match="trial limits"):
        out = ptd_spc(series(12), "y", "x")
    assert out["short_group_warning"].all()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ShortGroupWarning)
        out = ptd_spc(series(13), "y", "x")
    assert not out["short_group_warning"].any()


def test_option_changes_threshold(threshold_12):
    with pytest.warns(ShortGroupWarning):
        out = ptd_spc(series(11), "y", "x")
    assert out["short_group_warning"].all()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ShortGroupWarning)
        out = ptd_spc(series(12), "y", "x")
    assert not out["short_group_warning"].any()


def test_facets_and_rebase_groups_judged_separately(threshold_12):
    a = series(60, "a")
    b = series(40, "b")
    rebase = {"a": [a["x"][35], a["x"][40]], "b": [b["x"][20]]}
    with pytest.warns(ShortGroupWarning):
        out = ptd_spc(pd.concat([a, b]), "y", "x", facet_field="f", rebase=rebase)
    a_out = out[out.f == "a"]
    assert a_out["short_group_warning"].tolist() == [False] * 35 + [True] * 5 + [False] * 20
    assert not out.loc[out.f == "b", "short_group_warning"].any()
