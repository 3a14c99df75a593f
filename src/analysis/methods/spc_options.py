"""The ``spc:`` section of a partnership's configuration: which SPC rules, per measure.

A partnership chooses its rule set once and may override it, with rebase points and a
fixed baseline, per measure::

    spc:
      rules: nhsr                 # nhsr (NHSRplotthedots, the default) or mdc_tool
      run_length: 7               # optional: shifts and trends of 6 or 7 points
      measures:
        fft_positive:
          rules: mdc_tool         # Making Data Count's Single Chart Tool
          run_length: 6
          rebase: [2022-04]       # recalculate limits from these months
          fix_after_n_points: 12  # limits from the first 12 points of each period

:func:`spc_settings` reads the section from a loaded configuration (the one place that
does); :meth:`SpcSettings.arguments` gives the keyword arguments of
:func:`analysis.methods.spc.ptd_spc` for a measure. Unknown keys and bad values are
refused with the key and the fix (pydantic, ``extra="forbid"``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from analysis.config import ConfigError
from analysis.methods.spc_rules import RULES, SpcRules

RuleName = Literal["nhsr", "ptd", "mdc_tool"]


def _month(value: Any) -> pd.Timestamp:
    if isinstance(value, dt.date):
        return pd.Timestamp(value).to_period("M").to_timestamp()
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise ValueError(f"{value!r} is not a month: write it as YYYY-MM (e.g. 2022-04)")
    return pd.Period(text, freq="M").to_timestamp()


class MeasureSpc(BaseModel):
    """One measure's SPC options; anything left out follows the partnership's."""

    rules: RuleName | None = None
    run_length: Literal[6, 7] | None = None
    rebase: list[pd.Timestamp] = Field(default_factory=list)
    fix_after_n_points: int | None = Field(default=None, ge=12)
    #: The measure's target in its own units (percent for a percentage), drawn on its chart
    #: and judged by the assurance icon where no logic model sets one for the scope.
    target: float | None = None
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    @field_validator("rebase", mode="before")
    @classmethod
    def _months(cls, value: Any) -> list[pd.Timestamp]:
        if value is None:
            return []
        items = value if isinstance(value, list | tuple) else [value]
        return sorted(_month(v) for v in items)


class SpcSettings(BaseModel):
    """The partnership's SPC rules and each measure's overrides."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    rules: RuleName = "nhsr"
    run_length: Literal[6, 7] | None = None
    measures: dict[str, MeasureSpc] = Field(default_factory=dict)

    def rules_for(self, measure: str | None = None) -> SpcRules:
        """The rule set in force for ``measure`` (the partnership's when not overridden)."""
        m = self.measures.get(measure) if measure else None
        name = (m.rules if m and m.rules else None) or self.rules
        length = (m.run_length if m and m.run_length else None) or self.run_length
        return RULES[name].with_run_length(length)

    @model_validator(mode="after")
    def _baselines_fit_their_rules(self) -> SpcSettings:
        for name, m in self.measures.items():
            limit = self.rules_for(name).max_baseline
            if m.fix_after_n_points is not None and limit and m.fix_after_n_points > limit:
                raise ValueError(
                    f"measures.{name}.fix_after_n_points is {m.fix_after_n_points}; Making Data "
                    f"Count's tool fixes a baseline of 12 to {limit} points"
                )
        return self

    def arguments(self, measure: str | None = None) -> dict[str, Any]:
        """Keyword arguments of ``ptd_spc`` for ``measure``: ``rules``, ``rebase``, ``fix_after_n_points``."""
        m = self.measures.get(measure) if measure else None
        return {
            "rules": self.rules_for(measure),
            "rebase": list(m.rebase) if m and m.rebase else None,
            "fix_after_n_points": m.fix_after_n_points if m else None,
        }

    def target_for(self, measure: str) -> float | None:
        """The target configured for ``measure``, if any."""
        m = self.measures.get(measure)
        return m.target if m else None


class SpcConfigError(ConfigError):
    """The ``spc:`` section says something impossible (the message names the key and the fix)."""


def parse_spc(section: Any, where: str = "spc") -> SpcSettings:
    """Check a raw ``spc:`` mapping; errors name the key, e.g. ``spc.measures.x.rules``."""
    if section is None:
        section = {}
    try:
        return SpcSettings.model_validate(section)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in (where, *err["loc"]))
            fix = {
                "extra_forbidden": "remove it (known keys: rules, run_length, measures; per "
                "measure: rules, run_length, rebase, fix_after_n_points)",
                "literal_error": "use one of the values listed",
            }.get(err["type"], "correct it")
            problems.append(f"{key}: {err['msg']}; {fix}")
        raise SpcConfigError("; ".join(problems)) from None


def rebase_within(
    rebase: list | None, data: pd.DataFrame, date_field: str, facet_field: str | None = None
) -> list | dict | None:
    """The configured ``rebase`` months that fall within each facet's dates (after its
    first), as ``ptd_spc``'s mapping facet → dates: a partnership configures its rebase
    months once, while a report or a scope may chart a shorter span.

    >>> d = pd.DataFrame({"month": pd.date_range("2023-10-01", periods=6, freq="MS")})
    >>> rebase_within([pd.Timestamp("2022-04-01"), pd.Timestamp("2024-01-01")], d, "month")
    [Timestamp('2024-01-01 00:00:00')]
    """
    if not rebase or data.empty:
        return None
    dates = pd.to_datetime(data[date_field])

    def inside(d: pd.Series) -> list:
        return [r for r in rebase if d.min() < r <= d.max()]

    if facet_field is None:
        return inside(dates) or None
    out = {f: inside(d) for f, d in dates.groupby(data[facet_field], sort=False)}
    return {f: v for f, v in out.items() if v} or None


def spc_settings(cfg) -> SpcSettings:
    """The SPC settings of a loaded configuration (its ``spc:`` section; NHSRplotthedots' rules without one)."""
    return parse_spc(cfg.section("spc", {}), where=f"{getattr(cfg, 'path', 'configuration')}: spc")
