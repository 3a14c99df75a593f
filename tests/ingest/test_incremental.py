"""A new month's export is added without reading the history, with the result a full run gives.

The reference in each test is the full clean step run on all the files at once in
another folder: the incremental run must leave the same tables and the same counts.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis.ingest import clean as clean_module
from analysis.ingest import incremental, store
from analysis.ingest.clean import clean
from analysis.ingest.store import read_table
from tests.ingest.conftest import fft_csv

MARCH = fft_csv(
    "R1,A1,15/03/2024,Very good,Kind staff,",
    "R2,A1,16/03/2024,Poor,,Slow",
    "R3,B1,20/03/2024,Good,,",
    "R4,B1,21/03/2024,Brilliant,,",  # quarantined: not a rating
)
APRIL = fft_csv(
    "R5,B2,02/04/2024,Good,Quick,",
    "R1,A1,15/03/2024,Very good,Kind staff,",  # exported again, the same: an exact duplicate
    "R2,A1,16/03/2024,Neither good nor poor,,Slow",  # exported again, changed: the later kept
    "R6,A1,31/03/2024,Good,,Late to the export",  # a March response first exported in April
    "R7,A1,03/04/2024,Good,,",
    "R7,A1,03/04/2024,Good,,",  # twice in the new file
)
TABLES = ["fft_responses", "fft_comments", "quarantine"]


@pytest.fixture(autouse=True)
def partitioned(monkeypatch):
    monkeypatch.setattr(store, "PARTITION_ROWS", 1)


def _tables(cfg) -> dict[str, pd.DataFrame]:
    return {t: read_table(t, cfg.processed_dir, check="rows") for t in TABLES}


def _full_and_incremental(tmp_path, partnership, monkeypatch, march=MARCH, april=APRIL):
    full = partnership({"fft/fft_2024-03.csv": march, "fft/fft_2024-04.csv": april})
    reference = clean(full)
    expected = _tables(full)
    # Again from March alone (the same folders), April's file arriving a month later.
    cfg = partnership({"fft/fft_2024-03.csv": march})
    (cfg.raw_dir / "fft" / "fft_2024-04.csv").unlink()
    shutil.rmtree(cfg.processed_dir)
    first = clean(cfg)
    assert "incremental" not in first
    (cfg.raw_dir / "fft" / "fft_2024-04.csv").write_text(april, encoding="utf-8")
    return reference, expected, cfg


def test_a_new_month_gives_what_a_full_run_gives(tmp_path, partnership, monkeypatch):
    reference, expected, cfg = _full_and_incremental(tmp_path, partnership, monkeypatch)
    manifest = clean(cfg)
    assert manifest["incremental"] == {"appended": {"fft": ["fft/fft_2024-04.csv"]}, "rebuilt": []}
    got = _tables(cfg)
    for t in TABLES:
        pd.testing.assert_frame_equal(got[t], expected[t], obj=t)
    assert manifest["counts"]["fft"].pop("files_processed") == 1  # the new file only
    reference["counts"]["fft"].pop("files_processed")
    assert manifest["counts"] == reference["counts"]
    assert manifest["tables"] == reference["tables"]
    c = manifest["counts"]["fft"]
    assert c["duplicates_by_kind"] == {"revision": 0, "exact": 2, "re_exported": 1, "respondent": 0}
    assert c["read"] == c["kept"] + c["quarantined"] + c["duplicates"] == 10
    # R2's April export replaced the March one in the March partition; R6 joined March.
    march = pd.read_parquet(
        cfg.processed_dir / "fft_responses" / "month=2024-03" / store.PART_FILE
    ).set_index("response_id")
    assert march.loc["R2", "rating"] == "Neither good nor poor"
    assert march.loc["R2", "source_file"] == "fft/fft_2024-04.csv"
    assert "R6" in march.index
    assert clean(cfg)["status"] == "unchanged"


def test_the_history_is_not_read_again(tmp_path, partnership, monkeypatch):
    _, _, cfg = _full_and_incremental(tmp_path, partnership, monkeypatch)
    read = []
    original = clean_module.read_file

    def recording(path, *args, **kwargs):
        read.append(path.name)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(clean_module, "read_file", recording)
    clean(cfg)
    assert read == ["fft_2024-04.csv"]


def test_a_month_untouched_by_the_new_file_is_not_rewritten(tmp_path, partnership, monkeypatch):
    april_only = fft_csv("R5,B2,02/04/2024,Good,Quick,")
    _, expected, cfg = _full_and_incremental(tmp_path, partnership, monkeypatch, april=april_only)
    march = cfg.processed_dir / "fft_responses" / "month=2024-03" / store.PART_FILE
    before = march.stat().st_mtime_ns
    assert "incremental" in clean(cfg)
    assert march.stat().st_mtime_ns == before
    pd.testing.assert_frame_equal(_tables(cfg)["fft_responses"], expected["fft_responses"])


def test_a_revised_export_of_an_earlier_month_reads_the_source_again(partnership):
    cfg = partnership({"fft/fft_2024-03.csv": MARCH})
    clean(cfg)
    (cfg.raw_dir / "fft" / "fft_2024-03_v2.csv").write_text(
        fft_csv("R1,A1,15/03/2024,Good,,"), encoding="utf-8"
    )
    manifest = clean(cfg)
    assert manifest["incremental"]["rebuilt"] == ["fft"]
    assert read_table("fft_responses", cfg.processed_dir)["response_id"].tolist() == ["R1"]
    assert manifest["counts"]["fft"]["duplicates_by_kind"]["revision"] == 4
    assert [r["file"] for r in manifest["revisions"]] == ["fft/fft_2024-03_v2.csv"]


def test_an_unfinished_incremental_run_makes_the_next_one_full(partnership):
    cfg = partnership({"fft/fft_2024-03.csv": MARCH})
    clean(cfg)
    (cfg.processed_dir / incremental.PENDING).write_text("[]")
    (cfg.raw_dir / "fft" / "fft_2024-04.csv").write_text(APRIL, encoding="utf-8")
    assert "incremental" not in clean(cfg)


def test_unchanged_files_are_not_hashed_again(tmp_path, partnership, monkeypatch):
    from analysis.ingest import manifest as manifest_module

    _, _, cfg = _full_and_incremental(tmp_path, partnership, monkeypatch)
    hashed = []
    original = manifest_module.sha256_file

    def recording(path):
        hashed.append(path.name)
        return original(path)

    monkeypatch.setattr(manifest_module, "sha256_file", recording)
    clean(cfg)
    assert hashed == ["fft_2024-04.csv"]
    # an export replaced by another of a different size is read again
    (cfg.raw_dir / "fft" / "fft_2024-03.csv").write_text(
        fft_csv("R1,A1,15/03/2024,Good,,"), encoding="utf-8"
    )
    manifest = clean(cfg)
    assert manifest["incremental"]["rebuilt"] == ["fft"]
    assert manifest["counts"]["fft"]["read"] == 7


def test_a_source_exported_whole_again_is_rebuilt_beside_the_new_month(partnership):
    from tests.ingest.conftest import FFT

    eligible = {
        "table": "fft_eligible",
        "files": "eligible/eligible.csv",
        "columns": {"service_code": "Ward", "month": "Month", "eligible": "Eligible"},
    }
    sources = {"fft": FFT, "eligible": eligible}
    before = "Ward,Month,Eligible\nA1,01/03/2024,100\n"
    after = before + "A1,01/04/2024,120\nB2,01/04/2024,80\n"
    final = {
        "fft/fft_2024-03.csv": MARCH,
        "fft/fft_2024-04.csv": APRIL,
        "eligible/eligible.csv": after,
    }
    full = partnership(final, sources=sources)
    reference = clean(full)
    expected = {t: _tables(full)[t] for t in TABLES} | {
        "fft_eligible": read_table("fft_eligible", full.processed_dir)
    }
    shutil.rmtree(full.processed_dir)
    (full.raw_dir / "fft" / "fft_2024-04.csv").unlink()
    (full.raw_dir / "eligible" / "eligible.csv").write_text(before, encoding="utf-8")
    clean(full)
    (full.raw_dir / "fft" / "fft_2024-04.csv").write_text(APRIL, encoding="utf-8")
    (full.raw_dir / "eligible" / "eligible.csv").write_text(after, encoding="utf-8")
    manifest = clean(full)
    assert manifest["incremental"] == {
        "appended": {"fft": ["fft/fft_2024-04.csv"]},
        "rebuilt": ["eligible"],
    }
    got = _tables(full) | {"fft_eligible": read_table("fft_eligible", full.processed_dir)}
    for t, frame in expected.items():
        pd.testing.assert_frame_equal(got[t], frame, obj=t)
    for source in ("fft", "eligible"):
        for c in (manifest["counts"][source], reference["counts"][source]):
            c.pop("files_processed")
    assert manifest["counts"] == reference["counts"]
    assert manifest["tables"] == reference["tables"]


def test_a_new_month_keeps_the_revisions_recorded_before(partnership):
    cfg = partnership({"fft/fft_2024-03.csv": MARCH, "fft/fft_2024-03_v2.csv": MARCH})
    before = clean(cfg)["revisions"]
    assert [r["file"] for r in before] == ["fft/fft_2024-03_v2.csv"]
    (cfg.raw_dir / "fft" / "fft_2024-04.csv").write_text(APRIL, encoding="utf-8")
    manifest = clean(cfg)
    assert manifest["incremental"]["appended"] == {"fft": ["fft/fft_2024-04.csv"]}
    assert manifest["revisions"] == before


NEW_KEYS_ONLY = fft_csv(
    "R8,B2,02/04/2024,Good,Thanks to Dr\u00a0Patel\tand Nurse Jo,",
    "R9,A1,03/04/2024,Poor,,'=SUM(A1:A9) <b>Zoë</b>\u2028line",
    "R9,A1,03/04/2024,Poor,,'=SUM(A1:A9) <b>Zoë</b>\u2028line",  # twice in the new file
)


@pytest.mark.parametrize("april", [APRIL, NEW_KEYS_ONLY], ids=["keys-stored", "new-keys-only"])
def test_keys_looked_up_on_a_thread_give_what_the_lookup_in_turn_gives(
    tmp_path, partnership, monkeypatch, april
):
    """The reference is add_source without an executor: the stored keys looked up first.
    The clean step looks them up as the file is read (``stored``), or, without that, on a
    thread while the new rows are de-duplicated: each gives what the reference gives."""
    _, expected, cfg = _full_and_incremental(tmp_path, partnership, monkeypatch, april=april)
    original = incremental.add_source
    seen = []

    def both(*args):
        *args, executor, stored = args
        assert executor is not None and stored.started  # looked up as the file was read
        reference = original(*args)
        for got in (original(*args, executor), original(*args, executor, stored)):
            for name in ("removed", "rows", "quarantine"):
                pd.testing.assert_frame_equal(
                    getattr(got, name).reset_index(drop=True),
                    getattr(reference, name).reset_index(drop=True),
                    check_exact=True,
                )
            assert (got.duplicates, got.months, got.revisions) == (
                reference.duplicates,
                reference.months,
                reference.revisions,
            )
        seen.append(len(reference.removed))
        return got

    monkeypatch.setattr(incremental, "add_source", lambda *a, **k: both(*a, **k))
    clean(cfg)
    assert seen == ([1] if april is APRIL else [0])  # R2's March row replaced, or none
    got = _tables(cfg)
    for t in TABLES:
        pd.testing.assert_frame_equal(got[t], expected[t], obj=t)


def test_a_new_row_quarantined_leaves_the_stored_row_sharing_its_key(
    tmp_path, partnership, monkeypatch
):
    """Keys are looked up as they are read, before R3's new row is found wrong (not a
    rating) and quarantined: March's R3 stays, as in the full run."""
    april = fft_csv("R3,B1,20/03/2024,Brilliant,,", "R5,B2,02/04/2024,Good,Quick,")
    reference, expected, cfg = _full_and_incremental(
        tmp_path, partnership, monkeypatch, april=april
    )
    manifest = clean(cfg)
    assert manifest["incremental"]["appended"] == {"fft": ["fft/fft_2024-04.csv"]}
    got = _tables(cfg)
    for t in TABLES:
        pd.testing.assert_frame_equal(got[t], expected[t], obj=t)
    assert got["fft_responses"].set_index("response_id").loc["R3", "rating"] == "Good"
    assert manifest["counts"]["fft"]["kept"] == reference["counts"]["fft"]["kept"]
