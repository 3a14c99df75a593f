"""One-sentence readings of SPC charts in plain English, in Making Data Count's terms.

Example: "Special cause improvement: 7 months above the average since May 2024."
The wording names the rule that fired (a point beyond a limit, a run on one side of
the average, a run rising or falling, two of three close to a limit), how long it has
lasted and since when, so a board member can read the chart without the legend.
"""

from __future__ import annotations

import pandas as pd

KIND = {
    "special_cause_improvement": "Special cause improvement",
    "special_cause_concern": "Special cause concern",
    "special_cause_neutral_high": "Special cause variation (high)",
    "special_cause_neutral_low": "Special cause variation (low)",
}
ASSURANCE = {
    "consistent_pass": "the process will consistently meet the target of {t}",
    "consistent_fail": "the process will consistently miss the target of {t} unless something changes",
    "inconsistent": "the process will sometimes meet and sometimes miss the target of {t}",
}


def _fmt(v: float, unit: str, decimals: int) -> str:
    return f"{v:,.{decimals}f}{unit}"


def spc_reading(
    spc: pd.DataFrame, unit: str = "", decimals: int = 1, period_word: str = "months"
) -> str:
    """The reading of one facet's chart (rows of :func:`analysis.methods.spc.ptd_spc`).

    >>> from analysis.methods.spc import ptd_spc
    >>> d = pd.DataFrame({"m": pd.date_range("2024-01-01", periods=14, freq="MS"),
    ...                   "v": [80, 82, 81, 83, 80, 82, 81, 90, 91, 90, 92, 91, 90, 92]})
    >>> spc_reading(ptd_spc(d, "v", "m"), unit="%")
    'Special cause improvement: 7 months above the average since August 2024; the latest value, 92.0% in February 2025, is above the upper process limit of 90.3%.'
    """
    obs = spc[spc["y"].notna()]
    if obs.empty:
        return "No data to read: every point is missing."
    last = obs.iloc[-1]
    when = f"{pd.Timestamp(last.x):%B %Y}"
    if pd.isna(last.upl):
        sentence = (
            f"Too few points for process limits: the latest value is {_fmt(last.y, unit, decimals)} "
            f"({when}) against an average of {_fmt(last['mean'], unit, decimals)}."
        )
        return sentence
    point_type = str(last.point_type)
    if point_type == "common_cause":
        sentence = (
            f"Common cause variation: the latest value, {_fmt(last.y, unit, decimals)} in {when}, is within "
            f"the expected range of {_fmt(last.lpl, unit, decimals)} to {_fmt(last.upl, unit, decimals)} "
            f"around an average of {_fmt(last['mean'], unit, decimals)}."
        )
    else:
        rule = str(last.special_cause_type)
        kind = KIND[point_type]
        # The unbroken stretch of this point type that ends at the latest point.
        same = (obs["point_type"].astype(str) == point_type).to_numpy()[::-1]
        n = int((~same).argmax()) if (~same).any() else len(obs)
        stretch = obs.iloc[-n:]
        since = f"{pd.Timestamp(stretch['x'].iloc[0]):%B %Y}"
        one_side = stretch["relative_to_mean"].nunique() == 1 and last.relative_to_mean != 0
        outside = rule in ("Above UCL", "Below LCL")
        if outside:
            side = "above the upper" if rule == "Above UCL" else "below the lower"
            limit = last.upl if rule == "Above UCL" else last.lpl
            beyond = f"the latest value, {_fmt(last.y, unit, decimals)} in {when}, is {side} process limit of {_fmt(limit, unit, decimals)}"
        if n >= 2 and one_side:
            side = "above" if last.relative_to_mean > 0 else "below"
            sentence = f"{kind}: {n} {period_word} {side} the average since {since}"
            sentence += f"; {beyond}." if outside else "."
        elif outside:
            sentence = f"{kind}: {beyond}."
        elif "Trend" in rule:
            way = "rising" if "Increasing" in rule else "falling"
            sentence = f"{kind}: {n} {period_word} {way} in a row since {since}."
        else:
            side = "upper" if "Above" in rule else "lower"
            sentence = (
                f"{kind}: two of the last three {period_word} close to the {side} process limit."
            )
    target = last.get("target")
    if target is not None and not pd.isna(target):
        from analysis.methods.spc import assurance_type

        direction = spc.attrs.get("ptd_options", {}).get("improvement_direction", "increase")
        kind = assurance_type(last.upl, last.lpl, target, direction)
        if kind:
            sentence += (
                " " + ASSURANCE[kind].format(t=_fmt(target, unit, decimals)).capitalize() + "."
            )
    return sentence


#: Making Data Count's terms and the plain words a board reads instead.
PLAIN = {
    "Common cause variation": "No change beyond the usual ups and downs",
    "Special cause improvement": "Better than its usual range",
    "Special cause concern": "Worse than its usual range",
    "Special cause variation (high)": "Higher than its usual range",
    "Special cause variation (low)": "Lower than its usual range",
}


def plain_reading(reading: str) -> tuple[str, str]:
    """A reading of :func:`spc_reading` in plain English, and the statistical term it replaced.

    >>> plain_reading("Common cause variation: the latest value, 87.0% in March 2025, is within the expected range of 80.0% to 90.0% around an average of 85.0%.")
    ('No change beyond the usual ups and downs: the latest value, 87.0% in March 2025, is within the usual range of 80.0% to 90.0% around an average of 85.0%.', 'common cause variation (Making Data Count)')
    """
    term = ""
    for technical, words in PLAIN.items():
        if reading.startswith(technical):
            reading = words + reading[len(technical) :]
            term = f"{technical[0].lower()}{technical[1:]} (Making Data Count)"
            break
    reading = (
        reading.replace("the expected range", "the usual range")
        .replace("upper process limit", "top of its usual range")
        .replace("lower process limit", "bottom of its usual range")
    )
    return reading, term
