"""The query section of the configuration: one engine switch, unknown keys refused."""

from __future__ import annotations

import pytest

from analysis.config import ConfigError, load_config, relocate
from analysis.query import Queries, query_settings


def test_the_default_engine_is_duckdb(tmp_path):
    cfg = relocate(load_config(), tmp_path)
    assert query_settings(cfg).engine == "duckdb"


def test_the_engine_is_read_from_the_query_section(tmp_path):
    cfg = relocate(
        load_config(), tmp_path, query={"engine": "spark", "spark": {"master": "local[1]"}}
    )
    s = query_settings(cfg)
    assert (s.engine, s.spark.master) == ("spark", "local[1]")


@pytest.mark.parametrize(
    "section, words",
    [
        ({"engine": "postgres"}, ["query.engine", "duckdb", "spark"]),
        ({"engin": "spark"}, ["query.engin", "engine"]),
        ({"spark": {"cores": 4}}, ["query.spark.cores"]),
        ({"memory_limit": "lots"}, ["query.memory_limit"]),
    ],
)
def test_bad_settings_name_the_key_and_the_file(tmp_path, section, words):
    """Refused when the configuration is loaded, naming the file and the key."""
    with pytest.raises(ConfigError) as err:
        relocate(load_config(), tmp_path, query=section)
    assert str(tmp_path / "partnership.yaml") in str(err.value)
    for w in words:
        assert w in str(err.value)


def test_queries_for_a_config_use_its_engine(demo_config):
    assert Queries.for_config(demo_config).engine.name == "duckdb"


def test_duckdb_spills_beside_the_processed_data_not_in_the_working_folder(tmp_path, monkeypatch):
    """A report's kernels run in the notebooks' folder: DuckDB's default spill folder
    (``.tmp`` in the working directory) put gigabytes there at national scale."""
    from analysis.query.engine import SPILL_DIR, Engine
    from analysis.query.settings import QuerySettings

    work, processed = tmp_path / "notebooks", tmp_path / "processed"
    work.mkdir()
    processed.mkdir()
    monkeypatch.chdir(work)
    engine = Engine(processed, QuerySettings(memory_limit="40MB", threads=1))
    setting = engine.con.raw_sql("SELECT current_setting('temp_directory')").fetchone()[0]
    assert setting == str(processed.resolve() / SPILL_DIR)
    rows = engine.con.raw_sql(
        "SELECT count(*) FROM (SELECT md5(i::VARCHAR) AS h FROM range(3000000) t(i) ORDER BY h)"
    ).fetchone()[0]
    assert rows == 3_000_000
    assert not (work / ".tmp").exists()
