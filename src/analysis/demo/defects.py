"""The defects real exports have, planted at a low rate into the FFT exports and counted.

Each function changes an export frame (text cells under export headers) in place and
returns the rows it changed (a boolean mask) with what it did for ``truth.json``; rows
repeated as duplicates are chosen among rows no other defect touched, so every count
holds exactly in the monthly files. Rates come from the
configuration's ``demo.defects`` section. Personal details are synthetic: NHS numbers
from the 999 range NHS Digital reserves for testing, with a valid Modulus 11 check digit;
telephone numbers from Ofcom's ranges for drama (01632 960xxx, 07700 900xxx); e-mail
addresses at ``example.com`` (RFC 2606).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

UNPARSEABLE_DATES = ["30/02/{year}", "TBC", "", "{year}-13-45", "31/09/{year}"]
SURNAMES = [
    "Hartley",
    "Okafor",
    "Brennan",
    "Kowalski",
    "Mistry",
    "Fairbairn",
    "Adeyemi",
    "Lindqvist",
]
TITLES = ["Dr", "Nurse", "Mrs", "Mr", "Sister"]


def nhs_number(rng: np.random.Generator) -> str:
    """A synthetic NHS number in the 999 test range with a valid Modulus 11 check digit.

    NHS Digital data dictionary: weights 10..2 on the first nine digits, check digit
    11 - (sum mod 11), where 11 becomes 0 and 10 is invalid (draw again).

    >>> n = nhs_number(np.random.default_rng(0)).replace(" ", "")
    >>> n[:3], len(n), (11 - sum(int(d) * w for d, w in zip(n, range(10, 1, -1))) % 11) % 11 == int(n[9])
    ('999', 10, True)
    """
    while True:
        digits = [9, 9, 9, *rng.integers(0, 10, 6).tolist()]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 10:
            continue
        digits.append(0 if check == 11 else check)
        s = "".join(map(str, digits))
        return f"{s[:3]} {s[3:6]} {s[6:]}"


def personal_detail(rng: np.random.Generator, kind: str) -> str:
    """A sentence carrying one synthetic identifier of ``kind``."""
    surname = SURNAMES[int(rng.integers(len(SURNAMES)))]
    if kind == "nhs_number":
        return f"My NHS number is {nhs_number(rng)}."
    if kind == "phone":
        if rng.random() < 0.5:
            return f"Please ring me on 07700 900{int(rng.integers(0, 1000)):03d}."
        return f"Call me on 01632 960{int(rng.integers(0, 1000)):03d}."
    if kind == "email":
        return f"Email me at {surname.lower()}{int(rng.integers(10, 99))}@example.com."
    title = TITLES[int(rng.integers(len(TITLES)))]
    return f"{title} {surname} was wonderful."


def plant_personal_details(df: pd.DataFrame, columns: list[str], rng, rate: float):
    """Append an identifier to a share ``rate`` of the non-empty comments; count by kind."""
    kinds = ["nhs_number", "phone", "email", "titled_name"]
    counts = dict.fromkeys(kinds, 0)
    touched = np.zeros(len(df), dtype=bool)
    for col in columns:
        rows = np.flatnonzero((df[col] != "").to_numpy() & (rng.random(len(df)) < rate))
        touched[rows] = True
        # Written into a plain array, then set once: a cell written at a time into an
        # Arrow-backed column copies the column each time (quadratic at a million rows).
        values = df[col].to_numpy(dtype=object, copy=True)
        for i in rows:
            kind = kinds[int(rng.integers(len(kinds)))]
            values[i] = f"{values[i]} {personal_detail(rng, kind)}"
            counts[kind] += 1
        if len(rows):
            df[col] = pd.Series(values, index=df.index, dtype=df[col].dtype)
    return touched, counts


def blank_values(df: pd.DataFrame, column: str, rng, rate: float) -> np.ndarray:
    """Blank a share ``rate`` of a column (e.g. ratings lost in export)."""
    rows = rng.random(len(df)) < rate
    df.loc[rows, column] = ""
    return rows


def unknown_codes(
    df: pd.DataFrame, column: str, rng, rate: float, codes: list[str]
) -> dict[str, int]:
    """Replace a share ``rate`` of service codes by codes no configuration knows."""
    rows = np.flatnonzero(rng.random(len(df)) < rate)
    picked = [codes[int(k)] for k in rng.integers(len(codes), size=len(rows))]
    df.iloc[rows, df.columns.get_loc(column)] = picked
    touched = np.zeros(len(df), dtype=bool)
    touched[rows] = True
    return touched, {c: picked.count(c) for c in codes if c in picked}


def bad_dates(
    df: pd.DataFrame, column: str, rng, unparseable: float, ambiguous: float
) -> tuple[int, list]:
    """Write some dates unparseably, and some month-first (``mm/dd/yyyy``) where that still parses.

    Returns the rows changed, the number unparseable and the row positions of the
    month-first ones (days 1-12 whose day and month differ, so the date reads as another
    valid date).
    """
    parts = df[column].str.split("/", expand=True)
    day, mon, year = parts[0].astype(int), parts[1].astype(int), parts[2]
    swap = (rng.random(len(df)) < ambiguous) & (day <= 12).to_numpy() & (day != mon).to_numpy()
    df.loc[swap, column] = parts[1][swap] + "/" + parts[0][swap] + "/" + year[swap]
    broken = (rng.random(len(df)) < unparseable) & ~swap
    templates = [
        UNPARSEABLE_DATES[int(k)]
        for k in rng.integers(len(UNPARSEABLE_DATES), size=int(broken.sum()))
    ]
    df.loc[broken, column] = [
        t.format(year=y) for t, y in zip(templates, year[broken], strict=True)
    ]
    return np.asarray(swap | broken), int(broken.sum()), np.flatnonzero(swap).tolist()


def duplicate_rows(
    df: pd.DataFrame, rng, rate: float, allowed: np.ndarray
) -> tuple[pd.DataFrame, int]:
    """Repeat a share ``rate`` of the ``allowed`` rows straight after themselves."""
    repeat = np.where((rng.random(len(df)) < rate) & allowed, 2, 1)
    return df.loc[df.index.repeat(repeat)].reset_index(drop=True), int((repeat == 2).sum())
