"""The demonstration partnership's planted defects (recorded in its truth.json) are all caught.

The exports are generated over three months spanning the District Nursing code change (DNS03 until
31 March 2022, DN003 after), with the defect rates raised so that every kind is planted several
times, and one month exported twice.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import demo
from analysis.config import load_config, relocate
from analysis.ingest.clean import clean
from analysis.ingest.store import read_table

PERIOD = {"start": "2022-03", "end": "2022-05"}
RATES = {
    "blank_ratings": 0.01,
    "unknown_service_codes": {"rate": 0.01, "codes": ["ZZ001", "WIL1"]},
    "unparseable_dates": 0.005,
    "ambiguous_dates": 0.01,
    "duplicate_rows": 0.01,
    "month_exported_twice": "2022-04",
    "personal_details": 0.02,
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    root = tmp_path_factory.mktemp("defects")
    base = load_config()
    demo_section = {**base.section("demo", {}), **PERIOD, "defects": RATES}
    cfg = relocate(base, root, demo=demo_section)
    demo.generate(cfg.raw_dir, seed=7, config=cfg, **PERIOD)
    manifest = clean(cfg)
    truth = json.loads((cfg.raw_dir / "truth.json").read_text(encoding="utf-8"))["defects"]
    frames = []
    for p in sorted((cfg.raw_dir / "fft").glob("*.csv")):
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        frames.append(df.assign(source_file=f"fft/{p.name}", source_record=range(1, len(df) + 1)))
    raw = pd.concat(frames, ignore_index=True)
    replaced = {f for r in manifest["revisions"] for f in r["replaces"]}
    live = raw[~raw["source_file"].isin(replaced)]
    quarantine = read_table("quarantine", cfg.processed_dir)
    quarantine = quarantine[quarantine["source"] == "fft"]
    caught = live.merge(quarantine, on=["source_file", "source_record"], how="left")
    return cfg, manifest, truth, live, caught


def test_every_fft_row_is_accounted_for(planted):
    cfg, manifest, truth, live, caught = planted
    c = manifest["counts"]["fft"]
    assert c["read"] == c["kept"] + c["quarantined"] + c["duplicates"]
    assert all(
        c["read"] == c["kept"] + c["quarantined"] + c["duplicates"]
        for c in manifest["counts"].values()
    )


def test_blank_ratings_are_quarantined(planted):
    cfg, manifest, truth, live, caught = planted
    blank = caught[caught["Overall Rating"].str.strip() == ""]
    assert truth["blank_ratings"] > 0
    assert blank["Response ID"].nunique() == truth["blank_ratings"]
    assert blank["rule"].notna().all()  # each quarantined (by its first broken rule)
    assert set(blank["rule"]) <= {
        "missing_value",
        "missing_date",
        "unparseable_date",
        "invalid_date",
        "unknown_service_code",
        "ambiguous_date_order",
    }


def test_unknown_service_codes_are_quarantined(planted):
    cfg, manifest, truth, live, caught = planted
    for code, n in truth["unknown_service_codes"].items():
        rows = caught[caught["Service Code"] == code]
        assert rows["Response ID"].nunique() == n > 0
        assert rows["rule"].notna().all()


def test_unparseable_dates_are_quarantined(planted):
    cfg, manifest, truth, live, caught = planted
    date_rules = {"unparseable_date", "invalid_date", "missing_date"}
    assert (caught["rule"].isin(date_rules)).sum() == truth["unparseable_dates"] > 0


def test_month_first_dates_are_quarantined_as_ambiguous_never_swapped(planted):
    cfg, manifest, truth, live, caught = planted
    ids = truth["ambiguous_dates"]["response_ids"]
    assert len(ids) == truth["ambiguous_dates"]["count"] > 0
    rules = caught.loc[caught["Response ID"].isin(ids)].drop_duplicates("Response ID")["rule"]
    assert set(rules) <= {"ambiguous_date_order", "date_after_period_end"} and rules.notna().all()
    assert not read_table("fft_responses", cfg.processed_dir)["response_id"].isin(ids).any()


def test_duplicate_rows_and_the_month_exported_twice(planted):
    cfg, manifest, truth, live, caught = planted
    c = manifest["counts"]["fft"]
    assert c["duplicates_by_kind"]["exact"] == truth["duplicate_rows"] > 0
    twice = truth["month_exported_twice"]
    assert c["duplicates_by_kind"]["revision"] == twice["rows"]
    [revision] = manifest["revisions"]
    assert revision["export"] == f"fft/{twice['files'][0]}"
    assert revision["file"] == f"fft/{twice['files'][1]}"


def test_personal_details_are_redacted_and_counted(planted):
    cfg, manifest, truth, live, caught = planted
    found = manifest["counts"]["fft"]["redactions"]
    planted_details = truth["personal_details"]
    # Planted in rows that may also carry another defect (and then sit in quarantine, redacted
    # there): the kept rows hold at most what was planted, and nearly all of it.
    for kind, ours in (
        ("nhs_number", "nhs_number"),
        ("phone", "phone"),
        ("email", "email"),
        ("titled_name", "name"),
    ):
        assert 0.8 * planted_details[kind] <= found[ours] <= planted_details[kind], kind
    comments = read_table("fft_comments", cfg.processed_dir)["text"]
    from analysis.ingest.redaction import find_identifiers

    assert not any(find_identifiers(t) for t in comments)


def test_renamed_service_code_keeps_the_service_history(planted):
    cfg, manifest, truth, live, caught = planted
    [change] = truth["service_code_change"]
    responses = read_table("fft_responses", cfg.processed_dir)
    dn = responses[responses["service_id"] == change["service_id"]]
    cut = pd.Timestamp(change["from"])
    assert (dn["response_date"] < cut).any() and (dn["response_date"] >= cut).any()
    assert not caught["rule"].eq("service_code_not_in_effect").any()
