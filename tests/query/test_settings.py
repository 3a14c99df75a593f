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
