"""The clean step's file cache survives what a killed run leaves: part of an entry is a miss."""

from __future__ import annotations

import pandas as pd

from analysis.ingest.convert import FileResult
from analysis.ingest.manifest import FileCache


def result() -> FileResult:
    rows = pd.DataFrame({"response_id": ["r1", "r2"], "rating": ["very good", "poor"]})
    return FileResult("fft/a.csv", "abc", "utf-8", 2, rows, pd.DataFrame({"reason": []}), {}, {})


def test_an_entry_missing_its_rows_is_converted_again_not_a_crash(tmp_path):
    cache = FileCache(tmp_path)
    cache.put("k1", result())
    assert cache.get("k1").rows["response_id"].tolist() == ["r1", "r2"]
    (tmp_path / ".cache" / "k1.rows.arrow").unlink()  # a prune killed half-way
    assert FileCache(tmp_path).get("k1") is None


def test_pruning_leaves_folders_and_removes_an_entrys_marker_first(tmp_path):
    cache = FileCache(tmp_path)
    cache.put("old", result())
    (tmp_path / ".cache" / "elsewhere").mkdir()  # not the cache's: left alone
    fresh = FileCache(tmp_path)
    fresh.put("new", result())
    fresh.prune()
    names = sorted(p.name for p in (tmp_path / ".cache").iterdir())
    assert names == ["elsewhere", "new.json", "new.quarantine.arrow", "new.rows.arrow"]
