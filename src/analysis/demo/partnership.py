"""What the generator needs to know about the configured partnership.

Services with their demonstration parameters, the export code each used in a month,
the months of the period (with the months when FFT collection was paused) and the
nation's working-day calendar (bank holidays from the ``holidays`` package).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import holidays
import numpy as np
import pandas as pd

from analysis.config import Config, ConfigError

#: ``holidays`` subdivision of the United Kingdom for each nation.
SUBDIVISIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern_ireland": "NIR"}


def month(value: Any) -> pd.Period:
    """A month from ``YYYY-MM`` (YAML may hand over a date or a string)."""
    return pd.Period(str(value)[:7], "M")


@dataclass(frozen=True)
class DemoService:
    """One service and the parameters its synthetic data is drawn with."""

    service_id: str
    name: str
    setting: str
    codes: list[dict]
    responses: float
    rate: float
    positive: float
    complaints: float
    what_matters: bool

    def code_on(self, day: pd.Timestamp) -> str:
        """The export code valid on ``day`` (the last listed if none claims it)."""
        for c in self.codes:
            start = pd.Timestamp(c["valid_from"]) if c.get("valid_from") else pd.Timestamp.min
            end = pd.Timestamp(c["valid_to"]) if c.get("valid_to") else pd.Timestamp.max
            if start <= day <= end:
                return str(c["code"])
        return str(self.codes[-1]["code"])


@dataclass(frozen=True)
class Partnership:
    """The configured partnership, its period and calendar, as the generator sees it."""

    cfg: Config
    services: list[DemoService]
    months: pd.PeriodIndex
    paused: tuple[pd.Period, pd.Period] | None
    six_point_from: pd.Period
    bank_holidays: np.ndarray

    @property
    def fft_months(self) -> list[pd.Period]:
        """Months in which FFT responses were collected."""
        if self.paused is None:
            return list(self.months)
        lo, hi = self.paused
        return [m for m in self.months if not lo <= m <= hi]

    def service(self, service_id: str) -> DemoService:
        return next(s for s in self.services if s.service_id == service_id)

    def working_day_deadline(self, received: np.ndarray, days: int) -> np.ndarray:
        """The last day meeting "within ``days`` working days after the day received".

        The day of receipt does not count; a complaint received at a weekend or on a bank
        holiday counts from that day, so Saturday + 3 working days is Wednesday.
        """
        return np.busday_offset(
            received.astype("datetime64[D]"), days, roll="backward", holidays=self.bank_holidays
        )


def load_partnership(cfg: Config, start: str, end: str) -> Partnership:
    """The generator's view of ``cfg`` for the months ``start`` to ``end``."""
    opts = cfg.demo
    if opts is None:
        raise ConfigError(f"{cfg.path}: no `demo:` section describes the demonstration data")
    # Every service has parameters: the configuration is checked for that when loaded.
    params = opts.services
    services = [
        DemoService(
            service_id=s["service_id"],
            name=s["service_name"],
            setting=s["setting"],
            codes=list(s["codes"]),
            responses=params[s["service_id"]].responses,
            rate=params[s["service_id"]].rate,
            positive=params[s["service_id"]].positive,
            complaints=params[s["service_id"]].complaints,
            what_matters=params[s["service_id"]].what_matters,
        )
        for s in cfg.services
    ]
    months = pd.period_range(month(start), month(end), freq="M")
    if len(months) == 0:
        raise ValueError(f"demonstration period is empty: start {start} is after end {end}")
    paused = tuple(month(m) for m in opts.paused) if opts.paused else None
    years = range(months[0].year - 1, months[-1].year + 2)
    calendar = holidays.country_holidays("GB", subdiv=SUBDIVISIONS[cfg.nation], years=years)
    return Partnership(
        cfg=cfg,
        services=services,
        months=months,
        paused=paused,
        six_point_from=month(opts.six_point_from),
        bank_holidays=np.array(sorted(calendar), dtype="datetime64[D]"),
    )
