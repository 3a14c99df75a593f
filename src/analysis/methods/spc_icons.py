"""The Making Data Count icons and the per-facet summary of an SPC result.

As NHSRplotthedots (``R/ptd_calculate_assurance_type.R``, ``R/geom_ptd_icon.R`` and
``summary.ptd_spc_df`` in ``R/ptd_spc.R``): the variation icon from the latest point's
type, the assurance icon from the target against the latest process limits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def assurance_type(upl: float, lpl: float, target: float, improvement_direction: str) -> str | None:
    """Making Data Count's assurance from a target and the latest limits.

    As ``ptd_calculate_assurance_type``: a target beyond the upper limit is a
    consistent fail when higher is better (pass when lower is better), a target below
    the lower limit the reverse, anything between inconsistent. None without a target,
    limits, or for a neutral measure.

    >>> assurance_type(95.0, 85.0, 80.0, "increase"), assurance_type(95.0, 85.0, 90.0, "increase")
    ('consistent_pass', 'inconsistent')
    """
    if target is None or np.isnan(target) or improvement_direction == "neutral":
        return None
    if np.isnan(upl) or np.isnan(lpl):
        return None
    increasing = improvement_direction == "increase"
    if target > upl:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


def variation_icon(point_type: str | None, improvement_direction: str) -> str | None:
    """The Making Data Count variation icon for a point type (as ``ptd_get_icons``).

    >>> variation_icon("special_cause_concern", "increase"), variation_icon("special_cause_improvement", "decrease")
    ('concern_low', 'improvement_low')
    """
    if point_type is None or (isinstance(point_type, float) and np.isnan(point_type)):
        return None
    high = improvement_direction == "increase"
    return {
        "common_cause": "common_cause",
        "special_cause_neutral_high": "neutral_high",
        "special_cause_neutral_low": "neutral_low",
        "special_cause_concern": "concern_low" if high else "concern_high",
        "special_cause_improvement": "improvement_high" if high else "improvement_low",
    }[point_type]


def _last_observed(spc: pd.DataFrame) -> pd.DataFrame:
    return spc[spc["y"].notna()].groupby("f", sort=False, observed=True).tail(1)


def ptd_icons(spc: pd.DataFrame) -> pd.DataFrame:
    """One row per facet: the latest point, its variation icon and the assurance icon.

    No icons when the latest rebase group has fewer points than the rule set shows icons
    from (``icons_from``: 13 for Making Data Count's Single Chart Tool, any for NHSRplotthedots).
    """
    opts = spc.attrs.get("ptd_options", {})
    direction = opts.get("improvement_direction", "increase")
    icons_from = opts.get("icons_from", 0)
    observed = spc[spc["y"].notna()]
    sizes = observed.groupby(["f", "rebase_group"], sort=False, observed=True).size()
    last = _last_observed(spc)
    rows = []
    for r in last.itertuples(index=False):
        pt = None if pd.isna(r.point_type) else str(r.point_type)
        if sizes.get((r.f, r.rebase_group), 0) < icons_from:
            rows.append(
                {"f": r.f, "x": r.x, "y": r.y, "point_type": pt, "special_cause_type": None}
                | {"variation_icon": None, "assurance_type": None}
            )
            continue
        rows.append(
            {
                "f": r.f,
                "x": r.x,
                "y": r.y,
                "point_type": pt,
                "special_cause_type": None
                if pd.isna(r.special_cause_type)
                else str(r.special_cause_type),
                "variation_icon": variation_icon(pt, direction),
                "assurance_type": assurance_type(r.upl, r.lpl, r.target, direction),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "f",
            "x",
            "y",
            "point_type",
            "special_cause_type",
            "variation_icon",
            "assurance_type",
        ],
    )


def ptd_summary(spc: pd.DataFrame) -> pd.DataFrame:
    """One row per facet and rebase group, as ``summary()`` of a ``ptd_spc_df``.

    Columns: ``f, rebase_group, mean, lpl, upl, n, common_cause,
    special_cause_improvement, special_cause_concern, variation_type`` and
    ``assurance_type`` (latest rebase group only).
    """
    opts = spc.attrs.get("ptd_options", {})
    direction = opts.get("improvement_direction", "increase")
    obs = spc[spc["y"].notna()]
    keys = ["f", "rebase_group"]
    s = obs.groupby(keys, sort=False, observed=True).agg(
        mean=("mean", "first"),
        lpl=("lpl", "first"),
        upl=("upl", "first"),
        n=("y", "size"),
        flagged=("special_cause_flag", "sum"),
        special_cause_improvement=(
            "point_type",
            lambda p: int((p == "special_cause_improvement").sum()),
        ),
        special_cause_concern=("point_type", lambda p: int((p == "special_cause_concern").sum())),
        variation_type=("point_type", lambda p: str(p.iloc[-1])),
        target=("target", "last"),
    )
    s["common_cause"] = s["n"] - s["flagged"]
    s = s.reset_index()
    latest = s.groupby("f", sort=False)["rebase_group"].transform("max") == s["rebase_group"]
    s["assurance_type"] = [
        assurance_type(u, lo, t, direction) if is_latest else None
        for u, lo, t, is_latest in zip(s["upl"], s["lpl"], s["target"], latest, strict=True)
    ]
    cols = [
        "f",
        "rebase_group",
        "mean",
        "lpl",
        "upl",
        "n",
        "common_cause",
        "special_cause_improvement",
        "special_cause_concern",
        "variation_type",
        "assurance_type",
    ]
    return s[cols]
