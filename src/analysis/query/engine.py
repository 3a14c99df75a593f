"""The engines that run the query layer: DuckDB (embedded, out of core) or a local Spark session.

Each tidy table is opened where it lies in ``data/processed/``: a partitioned table
(``fft_responses/month=YYYY-MM/…``) as a Hive-partitioned Parquet dataset, whose
``month`` column (text, ``YYYY-MM``) lets a filter skip whole months unread; a small
table as its one Parquet file. Nothing is read until a query runs, and then only the
columns and partitions it needs.

The Spark session is started once per process and reused (starting it takes seconds).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import ibis
import pandas as pd

from analysis.ingest.store import table_path
from analysis.query.settings import QuerySettings, SparkSettings

_spark_lock = threading.Lock()
_spark_session = None


def spark_session(settings: SparkSettings | None = None):
    """The process's local Spark session (started on first use with ``settings``)."""
    global _spark_session
    with _spark_lock:
        if _spark_session is None:
            from pyspark.sql import SparkSession

            s = settings or SparkSettings()
            _spark_session = (
                SparkSession.builder.master(s.master)
                .appName("feedback-analysis")
                .config("spark.driver.memory", s.driver_memory)
                .config("spark.sql.shuffle.partitions", str(s.shuffle_partitions))
                .config("spark.sql.session.timeZone", "UTC")
                # month=2024-03 stays text, as DuckDB reads it
                .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .getOrCreate()
            )
            _spark_session.sparkContext.setLogLevel("ERROR")
        return _spark_session


def spark_available() -> str | None:
    """Why the Spark engine cannot run here (``None`` when it can): pyspark and Java are needed."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -r requirements.txt)"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "Java is not installed (Debian: apt-get install default-jre-headless)"
    return None


#: Where DuckDB writes what does not fit in ``query.memory_limit``, in the processed data's
#: folder (its files are removed as each connection closes).
SPILL_DIR = ".spill"


class Engine:
    """An Ibis connection to one engine over one ``data/processed/`` folder."""

    def __init__(self, processed_dir: str | os.PathLike, settings: QuerySettings | None = None):
        self.processed_dir = Path(processed_dir)
        self.settings = settings or QuerySettings()
        self.name = self.settings.engine
        self._tables: dict[str, ibis.Table] = {}
        self.con = self._connect()

    def _connect(self):
        if self.name == "spark":
            problem = spark_available()
            if problem:
                raise RuntimeError(f"query engine spark: {problem}; or set query.engine: duckdb")
            return ibis.pyspark.connect(spark_session(self.settings.spark))
        con = ibis.duckdb.connect()
        con.raw_sql(f"SET memory_limit = '{self.settings.memory_limit}'")
        # What does not fit spills beside the data (DuckDB's default is a folder in the
        # working directory: the notebooks' folder, for a report's kernels).
        spill = str(self.processed_dir.resolve() / SPILL_DIR).replace("'", "''")
        con.raw_sql(f"SET temp_directory = '{spill}'")
        if self.settings.threads:
            con.raw_sql(f"SET threads = {int(self.settings.threads)}")
        return con

    def partitioned(self, name: str) -> bool:
        """Whether table ``name`` is a partitioned folder (so has a ``month`` column to prune on)."""
        return table_path(name, self.processed_dir).is_dir()

    def table(self, name: str) -> ibis.Table:
        """Table ``name`` as an Ibis table (opened once; read only when a query runs)."""
        if name not in self._tables:
            path = table_path(name, self.processed_dir)
            if not path.exists():
                raise FileNotFoundError(
                    f"{path} does not exist: run the clean step first (python -m analysis clean)."
                )
            if self.name == "spark":
                t = self.con.read_parquet(str(path))
            elif path.is_dir():
                t = self.con.read_parquet(
                    str(path / "**" / "*.parquet"),
                    hive_partitioning=True,
                    hive_types_autocast=False,  # month=2024-03 stays text
                )
            else:
                t = self.con.read_parquet(str(path))
            self._tables[name] = t
        return self._tables[name]

    def execute(self, expr) -> pd.DataFrame:
        """Run ``expr`` and return its (small) result as a pandas frame."""
        return self.con.to_pandas(expr)
