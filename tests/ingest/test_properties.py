"""Property: for any export, rows read = kept + quarantined + duplicates, and nothing else is lost."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.config import load_config
from analysis.ingest.clean import clean
from tests.ingest.conftest import FFT, SERVICES

IDS = st.sampled_from(["R1", "R2", "R3", "R4", "", "R 5"])
CODES = st.sampled_from(["A1", "B1", "B2", "a1 ", "ZZ", ""])
DATES = st.one_of(
    st.dates(
        min_value=pd.Timestamp("2024-02-25").date(), max_value=pd.Timestamp("2024-04-05").date()
    ).flatmap(
        lambda d: st.sampled_from([d.strftime("%d/%m/%Y"), d.strftime("%m/%d/%Y"), d.isoformat()])
    ),
    st.sampled_from(["", "31/02/2024", "soon", "13/13/2024"]),
)
RATINGS = st.sampled_from(
    ["Very good", "Poor", "Dont Know", "1", "6", "7", "", "Extremely likely", "meh"]
)
# Any text but NUL (a NUL byte makes the file binary, which stops the source: tested elsewhere)
# and lone surrogates (no encoding can write them).
TEXT = st.one_of(
    st.just(""),
    st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from(["Dr Smith, 07700 900123", 'a "quote"\nline']),
)
ROW = st.tuples(IDS, CODES, DATES, RATINGS, TEXT, TEXT)


def write_csv(rows, extra_fields) -> bytes:
    out = io.StringIO()
    # CRLF terminators make the writer quote fields holding a bare CR, as spreadsheet exports do.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["ID", "Ward", "Date", "Rating", "Good", "Better"])
    for i, row in enumerate(rows):
        writer.writerow(list(row) + (["surplus"] if i in extra_fields else []))
    return out.getvalue().encode("utf-8")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=st.lists(st.lists(ROW, max_size=12), min_size=1, max_size=3),
    extra=st.sets(st.integers(0, 11), max_size=2),
    repeat=st.booleans(),
)
def test_rows_read_equal_kept_plus_quarantined_plus_duplicates(files, extra, repeat):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        written = 0
        for month, rows in zip(["2024-02", "2024-03", "2024-04"], files, strict=False):
            rows = rows + rows[:2] if repeat else rows  # exact duplicates within the file
            path = root / "raw" / "fft" / f"fft_{month}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(write_csv(rows, extra))
            written += len(rows)
        config = {
            "partnership": "P",
            "nation": "england",
            "raw_dir": str(root / "raw"),
            "processed_dir": str(root / "processed"),
            "reports_dir": str(root / "reports"),
            "allowed_roots": [str(root)],
            "services": SERVICES,
            "sources": {"fft": FFT},
        }
        (root / "p.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        manifest = clean(load_config(root / "p.yaml"))
        c = manifest["counts"]["fft"]
        assert c["read"] == written
        assert c["read"] == c["kept"] + c["quarantined"] + c["duplicates"]
        assert manifest["tables"]["fft_responses"] == c["kept"]
        assert manifest["tables"]["quarantine"] == c["quarantined"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, max_size=12), repeat=st.booleans())
def test_one_files_known_repeated_keys_give_the_same_result_as_comparing_every_row(rows, repeat):
    # A single file's repeated keys are found while it is converted and reused when its rows
    # are de-duplicated; the general path (several files) looks for repeated keys again.
    from dataclasses import replace

    from analysis.ingest.convert import KEY_REPEATS, Context, convert_file
    from analysis.ingest.dedup import combine
    from analysis.ingest.readers import read_file
    from analysis.ingest.sources import SourceSpec

    rows = rows + rows[:3] if repeat else rows
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fft_2024-03.csv"
        path.write_bytes(write_csv(rows, set()))
        spec = SourceSpec.from_config("fft", FFT)
        raw = read_file(path, spec.expected_headers)
        codes = pd.DataFrame(
            [
                {"source": "all", "code": c["code"], "service_id": s["service_id"]}
                | {k: pd.Timestamp(c[k]) if k in c else pd.NaT for k in ("valid_from", "valid_to")}
                for s in SERVICES
                for c in s["codes"]
            ]
        )
        result = convert_file(raw, spec, Context(codes, {"S1", "S2"}), path.name)
    known = combine([result], spec)
    assert KEY_REPEATS in result.rows or not len(result.rows)
    general = combine([replace(result, rows=result.rows.drop(columns=[KEY_REPEATS]))], spec)
    assert known.duplicates == general.duplicates
    pd.testing.assert_frame_equal(known.rows, general.rows)
