"""A synthetic national picture: NHS England's monthly FFT data files, for comparators.

NHS England publishes each month, per FFT collection (inpatient, A&E, mental health,
community, …), the counts of every provider: organisation (and, for some collections,
site and ward) rows with the six rating counts, the total responses, the people eligible
where the collection asks for them, and the collection modes, above which sits an
``ENGLAND`` total. The demonstration partnership ships files in that layout (the raw
sheets' headers: ``Org code``, ``Org name``, ``1 Very Good SUM`` … ``6 Dont Know SUM``,
``Total Responses``, ``Total Eligible SUM``, ``Prop_Pos``, ``Prop_Neg``, ``Mode …``), one
CSV per collection and month, ``nhse_fft/FFT_<Collection>_<YYYY-MM>.csv``, declared as
``fft_published`` sources in ``config/partnerships/demo.yaml``.

The numbers are invented, seeded and reproducible: a few hundred providers per collection,
each with a lasting level of percentage positive (logit-normal around the national level,
with a spread like the published one, a few providers well below), responses a month
drawn from a log-normal (small independent providers to large trusts) and a response rate
around a few per cent. Eligible counts are given for both collections so the response-rate
comparator can be shown; NHS England's own mental health and community files may not
carry them. No counts are suppressed (NHS England shows ``*`` for 1 to 4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

RATING_HEADERS = [
    "1 Very Good SUM",
    "2 Good SUM",
    "3 Neither Good nor Poor SUM",
    "4 Poor SUM",
    "5 Very Poor SUM",
    "6 Dont Know SUM",
]
MODE_HEADERS = ["Mode SMS", "Mode Paper", "Mode Telephone", "Mode Online", "Mode Other"]
HEADERS = [
    "Yearnumber",
    "Periodname",
    "Parent org code",
    "Parent name",
    "Org code",
    "Org name",
    *RATING_HEADERS,
    "Total Responses",
    "Total Eligible SUM",
    "Prop_Pos",
    "Prop_Neg",
    *MODE_HEADERS,
]
#: The tidy ``fft_published`` column each header feeds (a source's ``columns`` mapping).
COLUMNS = {
    "org_code": "Org code",
    "org_name": "Org name",
    "very_good": "1 Very Good SUM",
    "good": "2 Good SUM",
    "neither": "3 Neither Good nor Poor SUM",
    "poor": "4 Poor SUM",
    "very_poor": "5 Very Poor SUM",
    "dont_know": "6 Dont Know SUM",
    "total_responses": "Total Responses",
    "total_eligible": "Total Eligible SUM",
}


@dataclass(frozen=True)
class Collection:
    """One NHS England FFT collection and how its synthetic providers are drawn."""

    setting: str  # the published setting (fft_published.setting)
    file_stem: str  # FFT_<stem>_<YYYY-MM>.csv
    providers: int
    positive: float  # national share Very good or Good
    spread: float  # sd of providers' positive share on the logit scale
    median_responses: float  # a provider's responses a month (log-normal median)
    rate: float  # median response rate


COLLECTIONS = (
    Collection("Mental Health", "MentalHealth", 240, 0.87, 0.45, 120, 0.03),
    Collection("Community", "Community", 320, 0.94, 0.55, 450, 0.04),
)
REGIONS = [("Y56", "London"), ("Y58", "South West"), ("Y59", "South East"), ("Y60", "Midlands")]
REGIONS += [("Y61", "East of England"), ("Y62", "North West"), ("Y63", "North East and Yorkshire")]
#: Shares of the non-positive responses: neither, poor, very poor, don't know.
REST = np.array([0.40, 0.22, 0.18, 0.20])


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _providers(c: Collection, rng: np.random.Generator) -> pd.DataFrame:
    n = c.providers
    level = _logit(c.positive) + rng.normal(0, c.spread, n)
    level[rng.random(n) < 0.03] -= 0.9  # a few providers well below the rest
    region = rng.integers(0, len(REGIONS), n)
    prefix = "R" if c.setting == "Mental Health" else "N"
    return pd.DataFrame(
        {
            "org_code": [f"{prefix}{i:03d}" for i in range(n)],
            "org_name": [f"Synthetic {c.setting} Provider {i + 1}" for i in range(n)],
            "parent_code": [REGIONS[r][0] for r in region],
            "parent_name": [f"NHS England {REGIONS[r][1]}" for r in region],
            "level": level,
            "size": c.median_responses * rng.lognormal(0, 1.0, n),
            "rate": c.rate * rng.lognormal(0, 0.5, n),
        }
    )


def _month_rows(c: Collection, prov: pd.DataFrame, m: pd.Period, rng) -> pd.DataFrame:
    n = len(prov)
    season = 1 + 0.08 * np.cos(2 * np.pi * (m.month - 1) / 12)
    responses = np.maximum(rng.poisson(prov["size"].to_numpy() * season), 5)
    p = 1 / (1 + np.exp(-(prov["level"].to_numpy() + rng.normal(0, 0.08, n))))
    counts = np.zeros((n, 6), dtype=np.int64)
    counts[:, 0] = rng.binomial(responses, p * 0.8)
    counts[:, 1] = rng.binomial(responses - counts[:, 0], np.clip(p * 0.2 / (1 - p * 0.8), 0, 1))
    rest = responses - counts[:, 0] - counts[:, 1]
    for i in range(n):
        counts[i, 2:] = rng.multinomial(rest[i], REST)
    eligible = np.ceil(responses / np.clip(prov["rate"].to_numpy(), 0.002, 0.6)).astype(np.int64)
    modes = np.array([rng.multinomial(r, [0.55, 0.15, 0.05, 0.2, 0.05]) for r in responses])
    fy = m.year if m.month >= 4 else m.year - 1
    df = pd.DataFrame(counts, columns=RATING_HEADERS)
    df.insert(0, "Org name", prov["org_name"].to_numpy())
    df.insert(0, "Org code", prov["org_code"].to_numpy())
    df.insert(0, "Parent name", prov["parent_name"].to_numpy())
    df.insert(0, "Parent org code", prov["parent_code"].to_numpy())
    df.insert(0, "Periodname", m.strftime("%B").upper())
    df.insert(0, "Yearnumber", f"{fy}_{(fy + 1) % 100:02d}")
    df["Total Responses"] = responses
    df["Total Eligible SUM"] = eligible
    for j, h in enumerate(MODE_HEADERS):
        df[h] = modes[:, j]
    england = df[[*RATING_HEADERS, "Total Responses", "Total Eligible SUM", *MODE_HEADERS]].sum()
    top = {h: "" for h in HEADERS} | england.to_dict()
    top |= {"Yearnumber": df["Yearnumber"].iloc[0], "Periodname": df["Periodname"].iloc[0]}
    top["Org name"] = "ENGLAND"
    df = pd.concat([pd.DataFrame([top]), df], ignore_index=True)
    pos = df["1 Very Good SUM"].astype(int) + df["2 Good SUM"].astype(int)
    neg = df["4 Poor SUM"].astype(int) + df["5 Very Poor SUM"].astype(int)
    total = df["Total Responses"].astype(int)
    df["Prop_Pos"] = (pos / total).round(4)
    df["Prop_Neg"] = (neg / total).round(4)
    return df[HEADERS]


def generate_national(
    months: list[pd.Period], rng: np.random.Generator
) -> dict[tuple[str, pd.Period], pd.DataFrame]:
    """One published-layout table per collection and month: ``{(file_stem, month): table}``."""
    out = {}
    for c in COLLECTIONS:
        prov = _providers(c, rng)
        for m in months:
            out[(c.file_stem, m)] = _month_rows(c, prov, m, rng)
    return out


def source_entry(c: Collection) -> dict:
    """The ``sources:`` entry that reads a collection's files into ``fft_published``."""
    return {
        "table": "fft_published",
        # National figures are a comparator: without them the local reports still run.
        "on_error": "continue",
        "files": f"nhse_fft/FFT_{c.file_stem}_*.csv",
        "format": "csv",
        "encoding": "utf-8",
        "constants": {"setting": c.setting},
        "level_by": {
            "header": "Org name",
            "values": {"ENGLAND": "england"},
            "otherwise": "organisation",
        },
        "columns": dict(COLUMNS),
    }
