"""A file read in many chunks converts exactly as the same file read in one."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from analysis.ingest.convert import Context, convert_file
from analysis.ingest.dedup import combine
from analysis.ingest.readers import read_file
from analysis.ingest.sources import source_specs
from analysis.ingest.tables import service_codes_table
from tests.ingest.conftest import fft_csv

RATINGS = ["Very good", "Good", "poor", "7", "Dont Know", ""]
WARDS = ["A1", "B1", "B2", "ZZ9", " a1 ", ""]
DATES = ["15/03/2024", "3/4/2024", "31/02/2024", "", "2024-03-09", "13/13/2024"]


def _rows(n: int) -> list[str]:
    """``n`` rows (enough for the paths that look up each distinct value once) with every kind
    of problem, some ids repeated (exact copies and conflicting ones) and some comments."""
    rows = []
    for i in range(n):
        rid = f"R{i % (n - 40):05d}"  # the last 40 rows repeat earlier ids
        good = f"Kind staff {i % 7}" if i % 3 == 0 else ""
        better = "Call 07700 900123" if i % 50 == 0 else ""
        rating = RATINGS[i % len(RATINGS)] if i % 40 else RATINGS[(i // 40) % len(RATINGS)]
        rows.append(
            f"{rid},{WARDS[i % len(WARDS)]},{DATES[i % len(DATES)]},{rating},{good},{better}"
        )
    return rows


def test_conversion_does_not_depend_on_how_the_file_is_chunked(partnership):
    cfg = partnership({"fft/fft_2024-03.csv": fft_csv(*_rows(12_000))})
    spec = source_specs(cfg.sources)["fft"]
    ctx = Context(service_codes_table(cfg), {"S1", "S2"})
    path = cfg.raw_dir / "fft/fft_2024-03.csv"

    whole = read_file(path, spec.expected_headers)
    whole.table = whole.table.combine_chunks()
    chunked = read_file(path, spec.expected_headers)
    chunked.table = pa.Table.from_batches(chunked.table.to_batches(max_chunksize=997))
    assert chunked.table.column(0).num_chunks > 10

    one, many = (convert_file(raw, spec, ctx, "fft/fft_2024-03.csv") for raw in (whole, chunked))
    pd.testing.assert_frame_equal(many.rows, one.rows)
    pd.testing.assert_frame_equal(many.quarantine, one.quarantine)
    assert many.redactions == one.redactions and many.date_evidence == one.date_evidence
    assert len(one.quarantine) and len(one.rows)  # the file exercises both
    kept_one, kept_many = combine([one], spec), combine([many], spec)
    pd.testing.assert_frame_equal(kept_many.rows, kept_one.rows)
    assert kept_many.duplicates == kept_one.duplicates


def test_comments_redacted_in_parts_on_threads_convert_as_in_one(partnership, monkeypatch):
    """A large export's comment columns are redacted in parts of rows, some on the threads
    and some on the converting thread; the rows, redactions and counts equal one pass."""
    from concurrent.futures import ThreadPoolExecutor

    from analysis.ingest import wide_comments

    rows = _rows(3_000)
    rows[1233] = rows[1233].replace("Kind staff", "NHS number 943 476 5919 and thanks Dr Patel:")
    cfg = partnership({"fft/fft_2024-03.csv": fft_csv(*rows)})
    spec = source_specs(cfg.sources)["fft"]
    ctx = Context(service_codes_table(cfg), {"S1", "S2"})
    raw = read_file(cfg.raw_dir / "fft/fft_2024-03.csv", spec.expected_headers)
    one = convert_file(raw, spec, ctx, "fft/fft_2024-03.csv")
    monkeypatch.setattr(wide_comments, "REDACT_ROWS", 211)
    with ThreadPoolExecutor(max_workers=2) as executor:
        many = convert_file(raw, spec, ctx, "fft/fft_2024-03.csv", executor)
    pd.testing.assert_frame_equal(many.rows, one.rows)
    pd.testing.assert_frame_equal(many.quarantine, one.quarantine)
    assert many.redactions == one.redactions
    assert one.redactions["phone"] >= 60 and one.redactions["nhs_number"] == 1


def test_counts_of_parts_sum_as_concatenations_added():
    """The counts of the columns' parts are summed by adding only rows with a count; the
    reference is ``np.concatenate`` of each column's parts, added: counts here and there,
    none, all, empty parts, several per row."""
    import numpy as np

    from analysis.ingest.redaction import KINDS, redact_rows
    from analysis.ingest.wide_comments import summed_counts

    rng = np.random.default_rng(7)
    sizes = [(5, 0, 3), (40, 0, 17), (4, 6), (1000,) * 5, (3, 2)]
    for split in sizes:
        n = sum(split)
        columns = []
        for _ in range(3):
            kinds = {
                "none": [np.zeros(k, np.int64) for k in split],
                "sparse": [np.where(rng.random(k) < 0.01, rng.integers(1, 4, k), 0) for k in split],
                "all": [np.full(k, 5, np.int64) for k in split],
            }
            columns.append([{kind: v[i] for kind, v in kinds.items()} for i in range(len(split))])
        got = summed_counts(columns, n)
        for kind in ("none", "sparse", "all"):
            expected = sum(np.concatenate([part[kind] for part in c]) for c in columns)
            np.testing.assert_array_equal(got.get(kind, np.zeros(n, np.int64)), expected)
        assert "none" not in got  # only the kinds found
    texts = [
        "Thanks to Dr\u00a0Patel\tand Nurse Jo",
        None,
        "call 07700 900123\u2028or jo@example.org",
        "Zoë O’Neill, <b>=SUM(A1)</b>",
        "",
        "NHS no. 943 476 5919\nthanks Kerry & Sam",
    ]
    parts = [redact_rows(pa.array(texts[a:b], pa.string())) for a, b in [(0, 2), (2, 2), (2, 6)]]
    counts = summed_counts([[p[1] for p in parts]] * 2, len(texts))  # the same column twice
    _, whole = redact_rows(pa.array(texts, pa.string()))
    for kind in KINDS:
        np.testing.assert_array_equal(counts.get(kind, np.zeros(len(texts))), 2 * whole[kind])
    assert sum(int(v.sum()) for v in whole.values()) >= 6
