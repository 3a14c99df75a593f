"""Human formatting: one place for each label a reader sees, on pages and in downloads.

Percentages to one decimal place, counts as whole numbers with thousands separators,
months as "March 2025", financial quarters as "Q4 2024/25", service names never codes,
column headings in words. A value already suppressed ("*") passes through unchanged.

>>> percent(23.076923076923077), count(1764.0), signed(-2.04), percent("*")
('23.1%', '1,764', '-2.0', '*')
>>> month_label(pd.Period("2025-03", "M")), financial_quarter(pd.Period("2025Q1", "Q"))
('March 2025', 'Q4 2024/25')
>>> financial_quarter(pd.Period("2024-04", "M")), financial_year(pd.Period("2025-03", "M"))
('Q1 2024/25', '2024/25')
"""

from __future__ import annotations

import pandas as pd

#: Headings for tidy-table columns a reader may see (never ``service_id``).
HEADINGS = {
    "service_id": "Service",
    "service_name": "Service",
    "setting": "Setting",
    "quarter": "Quarter",
    "month": "Month",
    "complaints": "Complaints",
    "compliments": "Compliments",
    "percent": "Percent",
    "subject": "Subject",
    "local_subjects": "Subjects recorded locally",
    "return_subject": "Subject area (national return)",
    "outcome": "Outcome",
    "stage": "Stage",
    "age_band": "Age band",
    "days_open": "Days open",
    "fft_themes": "What FFT comments said",
    "fft_concerns": "Concerns in FFT comments",
    "complaint_subjects": "Complaint subjects",
    "flag": "What",
    "age": "Age",
}


def _passes(x) -> bool:
    return isinstance(x, str)


def percent(x, digits: int = 1) -> str:
    """A percentage (already ×100) to ``digits`` decimal places; "" when missing."""
    if _passes(x):
        return x
    return "" if pd.isna(x) else f"{x:.{digits}f}%"


def count(x) -> str:
    """A count as a whole number with thousands separators."""
    if _passes(x):
        return x
    return "" if pd.isna(x) else f"{int(round(float(x))):,}"


def signed(x, digits: int = 1) -> str:
    """A change in points, with its sign."""
    if _passes(x):
        return x
    return "" if pd.isna(x) else f"{x:+.{digits}f}"


def number(x, digits: int = 1) -> str:
    """A number with thousands separators and ``digits`` decimals (blank when missing)."""
    if _passes(x):
        return x
    return "" if pd.isna(x) else f"{x:,.{digits}f}"


def month_label(month) -> str:
    """'March 2025'."""
    return f"{pd.Period(month, 'M'):%B %Y}"


def financial_year(month) -> str:
    """The financial year (April to March) holding ``month``: '2024/25'."""
    m = pd.Period(month, "M")
    end = m.year + 1 if m.month >= 4 else m.year
    return f"{end - 1}/{str(end)[2:]}"


def financial_quarter(period) -> str:
    """'Q4 2024/25' for January to March 2025 (a calendar quarter or a month in it)."""
    p = pd.Period(period, "M") if not isinstance(period, pd.Period) else period
    last = p.asfreq("M", "end")
    q = {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: 3, 1: 4, 2: 4, 3: 4}[last.month]
    return f"Q{q} {financial_year(last)}"


def heading(column: str) -> str:
    """A column's heading in words."""
    if column in HEADINGS:
        return HEADINGS[column]
    return column[:1].upper() + column[1:].replace("_", " ") if "_" in column else column


def human_table(df: pd.DataFrame, names: pd.Series | None = None) -> pd.DataFrame:
    """A table as a reader should see it: service names for ids, quarters and months in
    words, percentages to one decimal place, counts whole, columns with nothing in them
    dropped, and headings in words (suppressed "*" cells pass through).

    >>> t = pd.DataFrame({"service_id": ["S1"], "percent": [23.076923076923077], "England": [None]})
    >>> human_table(t, pd.Series({"S1": "Willow Ward"})).to_dict("records")
    [{'Service': 'Willow Ward', 'Percent': '23.1%'}]
    """
    out = df.copy()
    if names is not None and "service_id" in out:
        out["service_id"] = out["service_id"].map(names).fillna(out["service_id"])
    for col in out.columns:
        values = out[col]
        if col == "percent":
            out[col] = values.map(percent)
        elif isinstance(values.dtype, pd.PeriodDtype):
            out[col] = [
                financial_quarter(v) if v.freqstr.startswith("Q") else month_label(v)
                for v in values
            ]
        elif pd.api.types.is_float_dtype(values):
            whole = values.dropna().eq(values.dropna().round()).all()
            out[col] = values.map(count if whole else number)
    empty = [c for c in out.columns if out[c].map(lambda v: pd.isna(v) or v == "").all()]
    return out.drop(columns=empty).rename(columns=heading)


def period_text(label: str) -> str:
    """An indicator's period label in words: '2024-05' → 'May 2024', '2024/25 Q1' → 'Q1 2024/25'.

    >>> period_text("2024/25 Q4"), period_text("2025-03"), period_text("2024/25")
    ('Q4 2024/25', 'March 2025', '2024/25')
    """
    import re

    if not isinstance(label, str):
        return ""
    if m := re.fullmatch(r"(\d{4}/\d{2}) Q(\d)", label):
        return f"Q{m.group(2)} {m.group(1)}"
    if re.fullmatch(r"\d{4}-\d{2}", label):
        return month_label(label)
    return label


def join_words(items: list[str], last: str = "and") -> str:
    """Items in a sentence: ``"a"``, ``"a or b"``, ``"a, b or c"``.

    >>> join_words(["complaint subject"], "or"), join_words(["a", "b", "c"])
    ('complaint subject', 'a, b and c')
    """
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"
