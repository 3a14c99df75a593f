"""The ``query`` section of a partnership's configuration: which engine runs the aggregates.

.. code-block:: yaml

    query:
      engine: duckdb        # duckdb (embedded, the default) | spark (a local PySpark session)
      memory_limit: 600MB   # DuckDB: spill to disk beyond this, per process (a report runs three)
      spark: {master: "local[2]", driver_memory: 2g}

Read in one place, :func:`query_settings`; unknown keys and bad values are refused
with the key, the file and the fix.

>>> QuerySettings().engine
'duckdb'
"""

from __future__ import annotations

from pydantic import ValidationError

from analysis.config import Config, ConfigError
from analysis.config_models import QuerySettings, SparkSettings

__all__ = ["QuerySettings", "SparkSettings", "query_settings"]


def query_settings(cfg: Config | None) -> QuerySettings:
    """The configuration's ``query`` section, checked (the defaults when it has none)."""
    if cfg is None:
        return QuerySettings()
    section = cfg.section("query", {}) or {}
    try:
        return QuerySettings.model_validate(section)
    except ValidationError as exc:
        problems = "; ".join(
            f"query.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(
            f"{cfg.path}: {problems}. The query section takes engine (duckdb or spark), "
            "memory_limit (e.g. 3GB), threads and spark (master, driver_memory, "
            "shuffle_partitions)."
        ) from None
