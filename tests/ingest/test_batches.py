"""The first clean of a long history, a batch of exports at a time, gives what one full run gives.

The reference is the same clean step with batches switched off (every export in one full
run), in another folder; the batched run must leave the same tables, counts and revisions,
and read each export once.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.ingest import batches, store
from analysis.ingest import clean as clean_module
from analysis.ingest.clean import clean
from analysis.ingest.store import read_table
from tests.ingest.conftest import fft_csv
from tests.ingest.test_incremental import APRIL, MARCH

MARCH_V2 = fft_csv(  # March exported again: it replaces the first March export whole
    "R1,A1,15/03/2024,Very good,Kind staff,",
    "R2,A1,16/03/2024,Good,,Slow",
    "R3,B1,20/03/2024,Good,,",
)
MAY = fft_csv(
    "R8,B2,02/05/2024,Poor,,Call me on 07700 900123",
    "R5,B2,02/04/2024,Good,Quicker,",  # April's R5 exported again, changed
    "R9,B2,40/05/2024,Good,,",  # quarantined: no such date
)
FILES = {
    "fft/fft_2024-03.csv": MARCH,
    "fft/fft_2024-03_v2.csv": MARCH_V2,
    "fft/fft_2024-04.csv": APRIL,
    "fft/fft_2024-05.csv": MAY,
}
TABLES = ["fft_responses", "fft_comments", "quarantine"]


@pytest.fixture(autouse=True)
def small_partitions(monkeypatch):
    monkeypatch.setattr(store, "PARTITION_ROWS", 1)


def _tables(cfg) -> dict[str, pd.DataFrame]:
    return {t: read_table(t, cfg.processed_dir, check="rows") for t in TABLES}


def _without_timing(manifest: dict) -> dict:
    drop = {"run_at", "run_seconds", "stage_seconds", "batches", "inputs", "config"}
    return {k: v for k, v in manifest.items() if k not in drop}


def test_batches_keep_an_export_with_its_revisions(tmp_path):
    for name, text in FILES.items():
        (tmp_path / name.split("/")[1]).write_text(text, encoding="utf-8")
    files = [(tmp_path / n.split("/")[1], n, "") for n in sorted(FILES)]
    runs = [[rel for _, rel, _ in run] for run in batches.split(files, 1)]
    assert runs == [
        ["fft/fft_2024-03.csv", "fft/fft_2024-03_v2.csv"],
        ["fft/fft_2024-04.csv"],
        ["fft/fft_2024-05.csv"],
    ]
    assert len(batches.split(files, 10**9)) == 1


def test_a_batch_stays_within_its_bytes_unless_one_file_is_larger(tmp_path):
    """Sizes 150, 150, 150, 250, 40, 40 with a limit of 200: no batch of two files passes 200
    (the memory a batch takes follows its bytes); the file of 250 is a batch alone."""
    sizes = [150, 150, 150, 250, 40, 40]
    files = []
    for i, n in enumerate(sizes):
        path = tmp_path / f"fft_2024-{i + 1:02d}.csv"
        path.write_bytes(b"x" * n)
        files.append((path, f"fft/{path.name}", ""))
    runs = [[path.stat().st_size for path, _, _ in run] for run in batches.split(files, 200)]
    assert runs == [[150], [150], [150], [250], [40, 40]]


def test_a_history_cleaned_in_batches_equals_one_full_run(tmp_path, partnership, monkeypatch):
    monkeypatch.setattr(batches, "BATCH_BYTES", 10**9)
    cfg = partnership(FILES)
    reference = clean(cfg)
    assert "batches" not in reference
    expected = _tables(cfg)

    monkeypatch.setattr(batches, "BATCH_BYTES", 1)  # every export (with its revisions) a batch
    read = []
    original = clean_module.read_file

    def recording(path, *args, **kwargs):
        read.append(path.name)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(clean_module, "read_file", recording)
    manifest = clean(cfg, force=True)
    assert manifest["batches"] == 3
    assert "incremental" not in manifest
    assert sorted(read) == sorted(n.split("/")[1] for n in FILES)  # each export read once
    got = _tables(cfg)
    for t in TABLES:
        pd.testing.assert_frame_equal(got[t], expected[t], obj=t)
    assert _without_timing(manifest) == _without_timing(reference)
    key = ["source", "file"]
    assert sorted(manifest["inputs"], key=lambda i: [i[k] for k in key]) == sorted(
        reference["inputs"], key=lambda i: [i[k] for k in key]
    )
    c = manifest["counts"]["fft"]
    assert c["files_processed"] == 4
    assert c["duplicates_by_kind"]["revision"] == 4  # the first March export, whole
    assert c["read"] == c["kept"] + c["quarantined"] + c["duplicates"]
    assert clean(cfg)["status"] == "unchanged"
    (cfg.raw_dir / "fft" / "fft_2024-06.csv").write_text(
        fft_csv("R10,A1,03/06/2024,Good,,"), encoding="utf-8"
    )
    later = clean(cfg)
    assert "incremental" in later and "batches" not in later


def test_the_split_tables_are_written_by_month_from_the_first_batch(partnership, monkeypatch):
    monkeypatch.setattr(store, "PARTITION_ROWS", 10**9)  # a full run would write one file
    monkeypatch.setattr(batches, "BATCH_BYTES", 1)
    cfg = partnership(FILES)
    manifest = clean(cfg)
    assert manifest["batches"] == 3
    assert (cfg.processed_dir / "fft_responses" / "month=2024-05").is_dir()
    assert (cfg.processed_dir / "fft_comments").is_dir()
