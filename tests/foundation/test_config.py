"""The partnership configuration: typed, and every mistake refused with the file, key and fix."""

import subprocess
import sys

import pytest
import yaml

from analysis.config import PROJECT_ROOT, ConfigError, load_config, relocate, write_config
from analysis.logic_models import configured_logic_models


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


# ---------------------------------------------------------------- typed configuration
SCOTLAND = "config/partnerships/scotland_demo.yaml"


def _written(tmp_path, **overrides):
    """The demonstration configuration with ``overrides``, written into ``tmp_path``."""
    return write_config(load_config(), tmp_path / "c.yaml", **overrides)


def _error(path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return str(info.value)


@pytest.mark.parametrize(
    ("overrides", "key", "nearest"),
    [
        ({"raw_dri": "data/raw"}, "raw_dri", "raw_dir"),
        ({"disclosur": {"min_count": 5}}, "disclosur", "disclosure"),
        ({"disclosure": {"min_cout": 10}}, "disclosure.min_cout", "min_count"),
        ({"complaints": {"respnd": 20}}, "complaints.respnd", "respond"),
        ({"redaction": {"staff_name": "staff.txt"}}, "redaction.staff_name", "staff_names"),
        ({"themes": {"correction": "c.csv"}}, "themes.correction", "corrections"),
        ({"complaint_subjects": {"mapp": {}}}, "complaint_subjects.mapp", "map"),
        ({"logic_model": ["midlothian"]}, "logic_model", "logic_models"),
    ],
)
def test_an_unknown_key_is_named_with_the_nearest_valid_one(tmp_path, overrides, key, nearest):
    message = _error(_written(tmp_path, **overrides))
    assert str(tmp_path / "c.yaml") in message
    assert f"{key}: unknown key; did you mean `{nearest}`?" in message


def test_unknown_keys_inside_services_sources_and_demo_are_named(tmp_path):
    cfg = load_config()
    services = [dict(s) for s in cfg.services]
    services[4] = {**services[4], "codes": [{**services[4]["codes"][0], "vaild_to": "2022-03-31"}]}
    sources = {**cfg.sources, "fft": {**cfg.sources["fft"], "date_ordr": "mdy"}}
    demo = dict(cfg.section("demo"))
    demo["defects"] = {**demo["defects"], "blank_rating": 0.1}
    demo["planted"] = {**demo["planted"], "step": {**demo["planted"]["step"], "drop_p": -3}}
    message = _error(_written(tmp_path, services=services, sources=sources, demo=demo))
    assert "services[4].codes[0].vaild_to: unknown key; did you mean `valid_to`?" in message
    assert "demo.defects.blank_rating: unknown key; did you mean `blank_ratings`?" in message
    assert "demo.planted.step.drop_p: unknown key; did you mean `drop_pp`?" in message
    # Sources are checked once the rest of the file is right.
    demo["defects"].pop("blank_rating"), demo["planted"]["step"].pop("drop_p")
    message = _error(_written(tmp_path, sources=sources, demo=demo))
    assert "sources.fft.date_ordr: unknown key; did you mean `date_order`?" in message


def test_a_value_of_the_wrong_type_says_what_to_write(tmp_path):
    message = _error(_written(tmp_path, disclosure={"min_count": "five"}))
    assert str(tmp_path / "c.yaml") in message
    assert "disclosure.min_count" in message and "'five'" in message
    assert "a whole number of people, e.g. min_count: 5" in message


def test_a_demonstration_share_outside_0_to_1_is_refused(tmp_path):
    demo = load_config().section("demo")
    services = {**demo["services"], "MH-IP": {**demo["services"]["MH-IP"], "rate": 7}}
    message = _error(_written(tmp_path, demo={**demo, "services": services}))
    assert "demo.services.MH-IP.rate" in message and "a share between 0 and 1" in message


def test_min_count_below_nhs_englands_5_needs_an_explicit_override(tmp_path):
    message = _error(_written(tmp_path, disclosure={"min_count": 3}))
    assert "disclosure.min_count: 3 is below NHS England's threshold of 5" in message
    assert "allow_min_count_below_5: true" in message
    cfg = load_config(
        _written(tmp_path, disclosure={"min_count": 3, "allow_min_count_below_5": True})
    )
    assert cfg.disclosure.min_count == 3
    assert load_config().disclosure.min_count == 5


def test_both_shipped_configurations_load_with_typed_settings():
    english, scottish = load_config(), load_config(SCOTLAND)
    assert (english.nation, scottish.nation) == ("england", "scotland")
    assert english.demo.seed == 20190401 and scottish.demo.seed == 20220401
    assert english.demo.planted.step.service_id == "MH-CMHT"
    assert english.complaint_subjects.map["Staff attitude"] == "Values and behaviours (staff)"
    assert scottish.complaint_subjects is None
    assert english.disclosure.min_count == scottish.disclosure.min_count == 5


def test_each_partnership_reports_only_the_logic_models_it_names(tmp_path):
    # The seed documents: Midlothian is a Scottish HSCP, Leicestershire an English trust.
    assert configured_logic_models(load_config(SCOTLAND)) == ["midlothian"]
    assert configured_logic_models(load_config()) == ["leicestershire"]
    assert configured_logic_models(load_config(_written(tmp_path, logic_models=[]))) == []


def test_an_unknown_logic_model_is_refused_listing_the_available_ones(tmp_path):
    message = _error(_written(tmp_path, logic_models=["leicestershire", "midlotian"]))
    assert "logic_models[1]: no logic model 'midlotian'" in message
    assert "leicestershire, midlothian" in message


@pytest.mark.parametrize("key", ["raw_dir", "processed_dir", "reports_dir"])
def test_a_folder_outside_the_project_must_be_allowed_explicitly(tmp_path, key):
    outside = tmp_path / "elsewhere"
    path = tmp_path / "c.yaml"
    data = {**load_config().data, key: str(outside)}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    message = _error(path)
    assert f"{key}: {outside} is outside the project" in message and "allowed_roots" in message
    data["allowed_roots"] = [str(tmp_path)]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert getattr(load_config(path), key) == outside


def test_a_relative_folder_cannot_climb_out_of_the_project(tmp_path):
    message = _error(_written(tmp_path, processed_dir="../../../tmp/processed"))
    assert "processed_dir:" in message and "is outside the project" in message


def test_a_relative_allowed_root_is_refused(tmp_path):
    message = _error(_written(tmp_path, allowed_roots=["data"]))
    assert "allowed_roots[0]: 'data' is not an absolute path" in message


def test_files_kept_with_the_raw_data_cannot_point_outside_it(tmp_path):
    message = _error(_written(tmp_path, redaction={"staff_names": "../../../etc/passwd"}))
    assert "redaction.staff_names:" in message and "is outside the project" in message
    message = _error(_written(tmp_path, themes={"corrections": "/etc/corrections.csv"}))
    assert "themes.corrections: /etc/corrections.csv is outside the project" in message


def test_a_source_pattern_cannot_leave_raw_dir(tmp_path):
    fft = {**load_config().sources["fft"], "files": "../../secrets/*.csv"}
    message = _error(_written(tmp_path, sources={**load_config().sources, "fft": fft}))
    assert "sources.fft.files" in message and "without `..`" in message


def test_relocate_names_its_root_so_temporary_folders_are_allowed(tmp_path):
    cfg = relocate(load_config(), tmp_path / "run")
    assert cfg.raw_dir == tmp_path / "run" / "raw"
    assert str(tmp_path / "run") in cfg.data["allowed_roots"]
    again = relocate(cfg, tmp_path / "again")  # a relocated configuration relocates again
    assert again.processed_dir == tmp_path / "again" / "processed"


def test_the_deprecated_section_accessor_still_returns_plain_mappings():
    cfg = load_config()
    assert cfg.section("disclosure", {}).get("min_count", 5) == 5
    assert cfg.section("nothing", {}) == {}
    assert isinstance(cfg.section("demo")["planted"], dict)


def test_a_bad_configuration_on_the_command_line_exits_2_naming_the_key(tmp_path):
    path = _written(tmp_path, disclosure={"min_cout": 3})
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "--config", str(path), "clean"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert "disclosure.min_cout: unknown key; did you mean `min_count`?" in done.stderr
    assert "Traceback" not in done.stderr


def test_demo_data_for_a_partnership_without_a_demo_section_is_a_configuration_error(
    tmp_path, capsys
):
    from analysis.cli import main

    path = _written(tmp_path, demo=None)
    assert main(["--config", str(path), "demo-data", "--out", str(tmp_path / "raw")]) == 2
    assert "has no `demo:` section" in capsys.readouterr().err
    assert not (tmp_path / "raw").exists()
