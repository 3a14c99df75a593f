"""The demonstration exports: deterministic, complete, valid, and written as partnerships export."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from demo_exports import code_map, read_export, uk_dates

from analysis import demo
from analysis.cli import main
from analysis.config import ConfigError, load_config, write_config
from analysis.ingest.schemas import SCHEMAS
from analysis.reference import training_comments

SHORT = {"start": "2024-01", "end": "2024-03"}


def _files(root):
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path):
    cfg = load_config()
    for name, seed in [("a", 7), ("b", 7), ("c", 8)]:
        demo.generate(tmp_path / name, seed=seed, config=cfg, **SHORT)
    a, b, c = (_files(tmp_path / n) for n in "abc")
    assert list(a) == list(b)
    assert [k for k in a if a[k] != b[k]] == []
    assert "surveys/survey_results.xlsx" in a  # the workbook too (its zip time stamps are fixed)
    assert a["fft/fft_responses_2024-01.csv"] != c["fft/fft_responses_2024-01.csv"]


def test_every_source_has_its_files_and_every_written_file_belongs_to_a_source(full_demo):
    cfg, raw, truth = full_demo
    claimed = set()
    for name, spec in cfg.sources.items():
        files = sorted(raw.glob(spec["files"]))
        assert files, f"source {name} has no file matching {spec['files']}"
        claimed |= {p.relative_to(raw).as_posix() for p in files}
    written = {p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file()}
    assert written - claimed == {"truth.json"}
    assert set(truth["files"]) == written - {"truth.json"}


def _tidy(cfg, raw, source: str) -> pd.DataFrame:
    """A reference conversion of one source's export into its tidy table (defective rows dropped)."""
    spec = cfg.sources[source]
    table = spec["table"]
    schema = SCHEMAS[table]
    df = read_export(cfg, raw, source, include_copies=False)
    for col, mapping in spec.get("values", {}).items():
        df[col] = df[col].map(lambda v, m=mapping: m.get(v, v) if v != "" else None)
    if "service_code" in df:
        df["service_id"] = df["service_code"].map(code_map(cfg))
        known = df["service_id"].notna() | (df["service_code"] == "")
        df = df.loc[known]
    for col, column in schema.columns.items():
        if col in df and str(column.dtype).startswith("datetime"):
            df[col] = uk_dates(df[col].where(df[col] != ""))
    if table == "fft_responses":
        old = set(spec["values"]["rating"])
        raw_rating = read_export(cfg, raw, source, include_copies=False)["rating"]
        df["rating_scale"] = np.where(raw_rating.loc[df.index].isin(old), "pre_2020", "six_point")
        df = df.loc[df["response_date"].notna() & df["rating"].notna()]
        df = df.drop_duplicates("response_id")
        for c in ("age_band", "sex", "ethnicity"):
            df[c] = df[c].replace("", None)
    df = df.assign(source_file=df.pop("file"), source_record=range(1, len(df) + 1))
    for col in ("service_id", "outcome", "published_date", "action_date"):
        if col in df:
            df[col] = df[col].replace("", None)
    for col in ("responses", "positive", "people", "eligible"):
        if col in df:
            df[col] = pd.to_numeric(df[col])
    keep = [c for c in schema.columns if c in df]
    return schema.validate(df[keep], lazy=True)


@pytest.mark.parametrize(
    "source",
    [
        "fft",
        "fft_eligible",
        "service_population",
        "complaints",
        "compliments",
        "actions",
        "surveys",
        "measures",
    ],
)
def test_every_source_converts_to_a_valid_tidy_table(full_demo, source):
    cfg, raw, _ = full_demo
    tidy = _tidy(cfg, raw, source)
    assert len(tidy) > 0


def test_fft_pauses_in_2020_and_changes_scale_in_april_2020(full_demo):
    cfg, raw, truth = full_demo
    months = sorted(p.name[14:21] for p in raw.glob("fft/fft_responses_*.csv"))
    assert not [m for m in months if "2020-04" <= m <= "2020-11"]
    assert truth["fft"]["paused"] == ["2020-04", "2020-11"]
    fft = read_export(cfg, raw, "fft")
    month = fft["file"].str[14:21]
    old_labels = set(cfg.sources["fft"]["values"]["rating"]) - {"Don't know"}
    new_labels = set(cfg.sources["fft"]["values"]["rating"].values()) - {"Don't know"}
    before = set(fft.loc[month < "2020-04", "rating"]) - {"", "Don't know"}
    after = set(fft.loc[month >= "2020-12", "rating"]) - {"", "Don't know"}
    assert before == old_labels
    assert after == new_labels


def test_response_rates_lie_between_1_and_8_percent(full_demo):
    cfg, raw, _ = full_demo
    fft = read_export(cfg, raw, "fft", include_copies=False).drop_duplicates("response_id")
    fft["service_id"] = fft["service_code"].map(code_map(cfg))
    eligible = read_export(cfg, raw, "fft_eligible")
    eligible["service_id"] = eligible["service_code"].map(code_map(cfg))
    rate = fft.groupby("service_id").size() / eligible.groupby("service_id")["eligible"].apply(
        lambda s: s.astype(int).sum()
    )
    assert rate.between(0.01, 0.08).all(), rate


def test_comments_answer_up_to_three_questions_and_what_matters_only_where_asked(full_demo):
    cfg, raw, _ = full_demo
    fft = read_export(cfg, raw, "fft", include_copies=False)
    fft["service_id"] = fft["service_code"].map(code_map(cfg))
    asks = {k for k, v in cfg.section("demo")["services"].items() if v.get("what_matters")}
    matters = fft.loc[fft["what_matters"] != "", "service_id"].dropna()
    assert set(matters) == asks
    for q in ("what_was_good", "what_could_be_better"):
        assert 0.3 < (fft[q] != "").mean() < 0.6


def test_cp1252_exports_hold_characters_utf8_would_reject(full_demo):
    _, raw, truth = full_demo
    data = (raw / "complaints" / "complaints_export.csv").read_bytes()
    assert truth["files"]["complaints/complaints_export.csv"]["encoding"] == "cp1252"
    compliments = b"".join(p.read_bytes() for p in raw.glob("compliments/*.csv"))
    with pytest.raises(UnicodeDecodeError):
        compliments.decode("utf-8")
    assert data.decode("cp1252").startswith("Complaint Ref,")


def test_survey_workbook_has_a_title_row_above_its_header(full_demo):
    cfg, raw, _ = full_demo
    spec = cfg.sources["surveys"]
    sheet = pd.read_excel(raw / spec["files"], sheet_name=spec["sheet"], header=None)
    assert sheet.iat[0, 0].startswith("Staff, service user and carer survey")
    assert sheet.iloc[spec["header_row"] - 1].tolist()[:3] == ["Survey", "Respondents", "Year"]
    surveys = read_export(cfg, raw, "surveys")
    staff = surveys.loc[surveys["question_id"] == "feedback_used_for_decisions"]
    assert sorted(staff["year"].astype(int)) == list(range(2019, 2025))


def test_scale_writes_exactly_n_responses_with_nine_in_ten_comments_distinct(tmp_path):
    cfg = load_config()
    demo.generate(tmp_path, seed=3, config=cfg, scale=6000, **SHORT)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    fft = read_export(cfg, tmp_path, "fft", include_copies=False)
    assert truth["fft"]["responses"] == 6000
    assert len(fft) - truth["defects"]["duplicate_rows"] == 6000
    comments = pd.concat(
        [fft[q] for q in ("what_was_good", "what_could_be_better", "what_matters")]
    )
    comments = comments.loc[comments != ""]
    assert comments.nunique() / len(comments) >= 0.9


def test_cli_writes_the_demonstration_data_at_a_scale(tmp_path, capsys):
    code = main(
        [
            "demo-data",
            "--out",
            str(tmp_path),
            "--start",
            "2024-02",
            "--end",
            "2024-02",
            "--scale",
            "300",
        ]
    )
    assert code == 0
    assert "demonstration files" in capsys.readouterr().out
    assert json.loads((tmp_path / "truth.json").read_text())["fft"]["responses"] == 300


def test_an_empty_period_is_refused_with_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="start 2024-05 is after end 2024-01"):
        demo.generate(tmp_path, config=load_config(), start="2024-05", end="2024-01")


def test_a_period_wholly_within_the_fft_pause_is_refused(tmp_path):
    with pytest.raises(ValueError, match="wholly within the FFT collection pause"):
        demo.generate(tmp_path, config=load_config(), start="2020-05", end="2020-09")


def test_a_service_without_demonstration_parameters_is_named(tmp_path):
    cfg = load_config()
    services = cfg.section("demo")["services"]
    demo_section = {
        **cfg.section("demo"),
        "services": {k: v for k, v in services.items() if k != "LD-CT"},
    }
    path = write_config(cfg, tmp_path / "p.yaml", demo=demo_section)
    with pytest.raises(ConfigError, match="demo.services has no parameters for LD-CT"):
        load_config(path)


def test_services_get_comments_from_the_trust_that_runs_services_like_them(full_demo):
    cfg, raw, _ = full_demo
    ref = training_comments()
    by_trust = {t: set(g["text"].str.strip()) for t, g in ref.groupby("trust")}
    fft = read_export(cfg, raw, "fft", include_copies=False)
    fft["service_id"] = fft["service_code"].map(code_map(cfg))
    for service_id, trust in [("UC-111", "NEAS"), ("MH-CMHT", "NHFT"), ("CH-DN", "NHFT")]:
        text = fft.loc[fft["service_id"] == service_id, "what_could_be_better"]
        text = text.loc[text != ""]
        assert text.isin(by_trust[trust]).mean() > 0.9, service_id


def test_at_a_scale_the_people_eligible_grow_with_the_responses(tmp_path):
    """At 40 times the usual volume the response rate is still the configured one.

    Expected: every service's configured rate, weighted as the generator weights volumes
    (mean responses ÷ rate = people eligible), e.g. MH-IP 35 a month at 7% → 500 eligible.
    """
    cfg = load_config()
    services = cfg.demo.services
    usual = sum(s.responses for s in services.values()) * 3  # three months, before seasons
    demo.generate(tmp_path, seed=5, config=cfg, scale=40 * usual, **SHORT)
    eligible = read_export(cfg, tmp_path, "fft_eligible")
    total = pd.to_numeric(eligible["eligible"]).sum()
    expected = sum(s.responses for s in services.values()) / sum(
        s.responses / s.rate for s in services.values()
    )
    assert 40 * usual / total == pytest.approx(expected, rel=0.1)
