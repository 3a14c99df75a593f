"""Synthetic demonstration data: raw exports as a partnership would send them.

Deterministic for a seed (same seed and period, byte-identical files) and
independent of today's date. Writes one FFT response file per month and one
file of eligible counts, in the layout ``config/partnerships/demo.yaml`` maps.

Example
-------
>>> import tempfile
>>> paths = generate(tempfile.mkdtemp(), seed=1, start="2024-01", end="2024-02")
>>> sorted(p.name for p in paths)
['fft_eligible.csv', 'fft_responses_2024-01.csv', 'fft_responses_2024-02.csv']
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import Config, load_config

RATING_LABELS = ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know"]
MODES = ["SMS", "paper", "online", "kiosk", "telephone"]
AGE_BANDS = ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]
SEXES = ["Female", "Male"]
ETHNICITIES = ["White", "Asian or Asian British", "Black or Black British", "Mixed", "Other"]
GOOD = [
    "Staff were kind and listened to me.",
    "The nurse explained everything clearly.",
    "Seen quickly and treated with respect.",
    "Very caring team, thank you.",
]
BETTER = [
    "The wait for an appointment was too long.",
    "Nobody called me back when they said they would.",
    "Parking was difficult.",
    "The food could be better.",
]


def _month_range(start: str, end: str) -> pd.PeriodIndex:
    return pd.period_range(pd.Period(start, "M"), pd.Period(end, "M"), freq="M")


def generate(
    raw_dir: str | os.PathLike,
    seed: int = 20190401,
    start: str = "2023-04",
    end: str = "2025-03",
    config: Config | None = None,
) -> list[Path]:
    """Write the demonstration exports under ``raw_dir`` and return the files written."""
    cfg = config or load_config()
    rng = np.random.default_rng(seed)
    raw = Path(raw_dir)
    (raw / "fft").mkdir(parents=True, exist_ok=True)
    (raw / "fft_eligible").mkdir(parents=True, exist_ok=True)
    fft_cols = cfg.sources["fft"]["columns"]
    comment_cols = cfg.sources["fft"]["comments"]
    eligible_cols = cfg.sources["fft_eligible"]["columns"]
    written: list[Path] = []
    eligible_rows = []
    serial = 0
    for month in _month_range(start, end):
        rows = []
        for k, service in enumerate(cfg.services):
            code = service["codes"][0]["code"]
            eligible = int(rng.integers(800, 2500))
            # ~1-8% respond; positive share around 85-92%, with a mild winter dip.
            n = int(rng.binomial(eligible, 0.02 + 0.01 * k))
            p_pos = 0.9 - 0.03 * (month.month in (12, 1, 2)) - 0.02 * k
            probs = np.array([p_pos * 0.6, p_pos * 0.4, 0.04, 0.025, 0.015, 0.0])
            probs[5] = max(0.0, 1 - probs[:5].sum())
            probs = probs / probs.sum()
            ratings = rng.choice(len(RATING_LABELS), size=n, p=probs)
            days = rng.integers(1, month.days_in_month + 1, size=n)
            for i in range(n):
                serial += 1
                rating = RATING_LABELS[ratings[i]]
                rows.append(
                    {
                        fft_cols["response_id"]: f"R{serial:07d}",
                        fft_cols["service_code"]: code,
                        fft_cols["response_date"]: f"{days[i]:02d}/{month.month:02d}/{month.year}",
                        fft_cols["rating"]: rating,
                        fft_cols["mode"]: MODES[int(rng.integers(len(MODES)))],
                        fft_cols["age_band"]: AGE_BANDS[int(rng.integers(len(AGE_BANDS)))],
                        fft_cols["sex"]: SEXES[int(rng.integers(len(SEXES)))],
                        fft_cols["ethnicity"]: ETHNICITIES[int(rng.integers(len(ETHNICITIES)))],
                        comment_cols["what_was_good"]: (
                            GOOD[int(rng.integers(len(GOOD)))] if rng.random() < 0.3 else ""
                        ),
                        comment_cols["what_could_be_better"]: (
                            BETTER[int(rng.integers(len(BETTER)))] if rng.random() < 0.2 else ""
                        ),
                    }
                )
            eligible_rows.append(
                {
                    eligible_cols["service_code"]: code,
                    eligible_cols["month"]: f"01/{month.month:02d}/{month.year}",
                    eligible_cols["eligible"]: eligible,
                }
            )
        path = raw / "fft" / f"fft_responses_{month}.csv"
        pd.DataFrame(rows).to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    path = raw / "fft_eligible" / "fft_eligible.csv"
    pd.DataFrame(eligible_rows).to_csv(path, index=False, lineterminator="\n")
    written.append(path)
    return written
