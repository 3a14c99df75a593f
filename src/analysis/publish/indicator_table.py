"""The indicator table a board reads: status in words and a symbol, never colour alone.

Counts of 1 to ``min_count - 1`` people (and the values built on them) are suppressed
as in :mod:`analysis.publish.suppression` (counts of actions or other systems' measures
are not about people and are shown); a small denominator is flagged in words.

>>> import pandas as pd
>>> latest = pd.DataFrame([{"id": "I1", "indicator": "Acknowledged in time", "kind": "key performance target",
...     "measure_type": "proportion", "period_label": "2024-05", "numerator": 45, "denominator": 50,
...     "value": 90.0, "lower": 78.6, "upper": 95.7, "target": ">= 100 ongoing from 01 Apr 2019",
...     "status": "not met", "clear": "statistically clear", "comparator": None, "compared": None,
...     "small_denominator": False, "trend": None, "note": ""}])
>>> row = indicator_table(latest).iloc[0]
>>> row["Status"], row["Value (95% CI)"]
('✗ Not met (statistically clear)', '90.0% (78.6 to 95.7)')
"""

from __future__ import annotations

import pandas as pd

from analysis.methods import indicators as ind
from analysis.publish.suppression import MARK

#: Each status as a symbol and words; the symbol repeats the words, so no colour is needed.
STATUS_TEXT = {
    ind.MET: "✓ Met",
    ind.NOT_MET: "✗ Not met",
    ind.ON_TRAJECTORY: "↗ Not yet due: on trajectory",
    ind.OFF_TRAJECTORY: "↘ Not yet due: off trajectory",
    ind.NOT_YET_DUE: "… Not yet due",
    ind.NO_TARGET: "○ No target (monitoring)",
    ind.NO_DATA: "? No data",
}
STATUS_SYMBOL = {k: v.split(" ", 1)[0] for k, v in STATUS_TEXT.items()}


def format_value(measure_type: str, value, lower=None, upper=None) -> str:
    """A value in its measure type's units, with its interval where it has one."""
    if pd.isna(value):
        return ""
    if measure_type == "milestone":
        return "Done" if value >= 1 else "Not done"
    unit = {"proportion": "%", "rate": " per 1,000"}.get(measure_type, "")
    digits = 0 if measure_type == "count" else 1
    text = f"{value:,.{digits}f}{unit}"
    if pd.notna(lower) and pd.notna(upper):
        text += f" ({lower:,.1f} to {upper:,.1f})"
    return text


def status_text(status: str, clear: str | None = None) -> str:
    """An indicator's status in words, saying whether the change is clear."""
    text = STATUS_TEXT.get(status, status)
    if status in (ind.MET, ind.NOT_MET, ind.ON_TRAJECTORY, ind.OFF_TRAJECTORY) and isinstance(
        clear, str
    ):
        text += f" ({clear})"
    return text


def indicator_table(latest: pd.DataFrame, min_count: int = 5) -> pd.DataFrame:
    """One row per indicator: what, when, value and interval, target, status, England, trend, notes."""
    rows = []
    for r in latest.to_dict("records"):
        suppressed = (
            r.get("counts_people", True) is not False
            and pd.notna(r.get("numerator"))
            and 0 < r["numerator"] < min_count
        )
        value = (
            MARK
            if suppressed
            else format_value(r["measure_type"], r.get("value"), r.get("lower"), r.get("upper"))
        )
        notes = []
        if r.get("small_denominator") is True:
            notes.append(f"⚑ small denominator ({int(r['denominator'])}): read with care")
        if isinstance(r.get("note"), str) and r["note"]:
            notes.append(r["note"])
        comparator = r.get("comparator")
        england = (
            ""
            if pd.isna(comparator)
            else f"{comparator:.1f}{'%' if r['measure_type'] == 'proportion' else ''}"
        )
        if england and isinstance(r.get("compared"), str):
            england += f" ({r['compared']})"
        rows.append(
            {
                "Indicator": r["indicator"],
                "Kind": "Key performance target"
                if r["kind"] == "key performance target"
                else "Monitoring",
                "Period": r.get("period_label") if isinstance(r.get("period_label"), str) else "",
                "Value (95% CI)": value,
                "Target": r.get("target") if isinstance(r.get("target"), str) else "",
                "Status": status_text(r["status"], None if suppressed else r.get("clear")),
                "England": england,
                "Trend (SPC)": "; ".join(
                    t for t in (r.get("trend"), r.get("assurance")) if isinstance(t, str)
                ),
                "Notes": " ".join(notes),
            }
        )
    return pd.DataFrame(rows)


def status_summary(latest: pd.DataFrame) -> pd.DataFrame:
    """How many indicators have each status (in the order of :data:`STATUS_TEXT`)."""
    counts = latest["status"].value_counts()
    return pd.DataFrame(
        [
            {"Status": text, "Indicators": int(counts.get(s, 0))}
            for s, text in STATUS_TEXT.items()
            if counts.get(s, 0)
        ]
    )
