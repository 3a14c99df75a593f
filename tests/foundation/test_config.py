import pytest

from analysis.config import PROJECT_ROOT, ConfigError, load_config, write_config


def test_demo_config_paths_are_anchored_on_the_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load_config()
    assert cfg.raw_dir == PROJECT_ROOT / "data" / "raw"
    assert cfg.reports_dir == PROJECT_ROOT / "reports"
    assert cfg.nation == "england"


def test_missing_config_file_says_what_to_do(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nowhere.yaml")


def test_unknown_nation_is_rejected(tmp_path):
    path = write_config(load_config(), tmp_path / "c.yaml", nation="atlantis")
    with pytest.raises(ConfigError, match="atlantis"):
        load_config(path)


def test_duplicate_service_ids_are_rejected(tmp_path):
    cfg = load_config()
    path = write_config(cfg, tmp_path / "c.yaml", services=cfg.services + cfg.services[:1])
    with pytest.raises(ConfigError, match="distinct service_id"):
        load_config(path)


def test_invalid_yaml_is_reported(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("partnership: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(path)
