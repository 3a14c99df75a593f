"""The query layer: aggregates of the tidy tables, by month, on DuckDB (default) or Spark.

Reports and analyses ask here for small frames of aggregates rather than reading whole
response-level tables into pandas. The aggregates are written once, as Ibis expressions
(:mod:`analysis.query.aggregates`), and run by the engine the configuration's ``query``
section names (:mod:`analysis.query.settings`): DuckDB, embedded and out of core, or a
local Spark session for national scale. Period and scope filters reach the Parquet
reader, so a month's figures read that month's partition only.

Public entry point: :class:`analysis.query.queries.Queries` (``Queries.for_config(cfg)``).
"""

from analysis.query.queries import Queries, month_span, scope_services
from analysis.query.settings import QuerySettings, query_settings

__all__ = ["Queries", "QuerySettings", "month_span", "query_settings", "scope_services"]
