"""The clean step as a whole: nothing lost, raw files untouched, atomic, incremental, redacted."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import openpyxl
import pytest

from analysis.ingest.clean import CleanError, clean
from analysis.ingest.store import read_table
from tests.ingest.conftest import FFT, fft_csv

MARCH = "fft/fft_2024-03.csv"
APRIL = "fft/fft_2024-04.csv"
ROWS_MARCH = [
    "R1,A1,15/03/2024,Very good,Dr Patel was kind,",
    "R2,B1,16/03/2024,Poor,,Call me on 07700 900123",
    "R3,ZZ9,17/03/2024,Good,,",
]
ROWS_APRIL = ["R4,B2,02/04/2024,Good,Seen quickly,", "R5,A1,03/04/2024,7,,"]


def checksums(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def two_months(partnership):
    return partnership({MARCH: fft_csv(*ROWS_MARCH), APRIL: fft_csv(*ROWS_APRIL)})


def test_every_row_is_kept_quarantined_or_a_duplicate_and_the_manifest_adds_up(two_months):
    manifest = clean(two_months)
    c = manifest["counts"]["fft"]
    assert (c["read"], c["kept"], c["quarantined"], c["duplicates"]) == (5, 3, 2, 0)
    assert manifest["tables"]["fft_responses"] == 3
    q = read_table("quarantine", two_months.processed_dir)
    assert sorted(q["rule"]) == ["unknown_rating", "unknown_service_code"]
    assert {i["file"] for i in manifest["inputs"]} == {MARCH, APRIL}
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])


def test_renamed_service_keeps_its_history(two_months):
    clean(two_months)
    responses = read_table("fft_responses", two_months.processed_dir).set_index("response_id")
    # B1 until 31 March 2024 and B2 from 1 April are the same service.
    assert responses.loc[["R2", "R4"], "service_id"].tolist() == ["S2", "S2"]


def test_free_text_is_redacted_before_it_is_stored(two_months):
    manifest = clean(two_months)
    comments = read_table("fft_comments", two_months.processed_dir)
    assert sorted(comments["text"]) == ["Call me on [phone]", "Dr [name] was kind", "Seen quickly"]
    assert manifest["redactions"]["phone"] == 1 and manifest["redactions"]["name"] == 1
    stored = b"".join(p.read_bytes() for p in two_months.processed_dir.rglob("*.parquet"))
    assert b"07700" not in stored and b"Patel" not in stored


def test_quarantined_values_are_redacted_too(partnership):
    cfg = partnership({MARCH: fft_csv("R1,A1,call 07700 900123,Good,,")})
    clean(cfg)
    q = read_table("quarantine", cfg.processed_dir)
    assert q["value"].tolist() == ["call [phone]"]


def test_raw_files_are_never_modified(two_months):
    before = checksums(two_months.raw_dir)
    clean(two_months)
    clean(two_months, force=True)
    assert checksums(two_months.raw_dir) == before


def test_rerun_with_unchanged_inputs_does_nothing(two_months):
    first = clean(two_months)
    before = {p.name: p.stat().st_mtime_ns for p in two_months.processed_dir.glob("*")}
    again = clean(two_months)
    assert again["status"] == "unchanged" and again["run_at"] == first["run_at"]
    assert {p.name: p.stat().st_mtime_ns for p in two_months.processed_dir.glob("*")} == before


def test_a_new_month_is_the_only_file_processed(partnership):
    cfg = partnership({MARCH: fft_csv(*ROWS_MARCH)})
    clean(cfg)
    (cfg.raw_dir / APRIL).write_text(fft_csv(*ROWS_APRIL), encoding="utf-8")
    manifest = clean(cfg)
    processed = {i["file"]: i["processed"] for i in manifest["inputs"]}
    assert processed == {MARCH: False, APRIL: True}
    assert manifest["counts"]["fft"]["read"] == 5


def test_a_failed_run_leaves_the_previous_processed_data_intact(two_months):
    clean(two_months)
    before = checksums(two_months.processed_dir)
    (two_months.raw_dir / "fft/fft_2024-05.csv").write_bytes(b"\x00\x01binary")
    with pytest.raises(CleanError, match="fft_2024-05.csv: is a binary file"):
        clean(two_months)
    after = checksums(two_months.processed_dir)
    assert {k: v for k, v in after.items() if not k.startswith(".cache")} == {
        k: v for k, v in before.items() if not k.startswith(".cache")
    }
    assert not list(two_months.processed_dir.glob(".staging-*"))


def test_continue_on_error_writes_the_other_sources(partnership):
    broken = {**FFT, "files": "broken/*.csv", "on_error": "continue"}
    cfg = partnership(
        {MARCH: fft_csv(*ROWS_MARCH), "broken/x.csv": b""}, sources={"fft": FFT, "broken": broken}
    )
    manifest = clean(cfg)
    assert manifest["counts"]["fft"]["kept"] == 2
    assert manifest["errors"] == [
        {
            "source": "broken",
            "file": str(cfg.raw_dir / "broken/x.csv"),
            "problem": "is empty",
            "advice": "Export the data again; an empty file has no rows",
        }
    ]


def test_cli_clean_reports_counts_and_fails_with_a_clear_message(two_months, tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "--config", str(two_months.path), "clean"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "fft: 5 read, 3 kept, 2 quarantined, 0 duplicates" in run.stdout
    (two_months.raw_dir / "fft/fft_2024-05.csv").write_bytes(b"")
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "--config", str(two_months.path), "clean"],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "fft_2024-05.csv: is empty" in run.stderr


def test_a_month_exported_again_replaces_the_earlier_export_and_is_recorded(partnership):
    cfg = partnership(
        {
            MARCH: fft_csv(*ROWS_MARCH),
            "fft/fft_2024-03_asat_2024-05-02.csv": fft_csv(
                ROWS_MARCH[0], "R6,A1,20/03/2024,Good,,"
            ),
        }
    )
    manifest = clean(cfg)
    assert manifest["revisions"] == [
        {
            "source": "fft",
            "export": MARCH,
            "file": "fft/fft_2024-03_asat_2024-05-02.csv",
            "as_at": "2024-05-02",
            "replaces": [MARCH],
        }
    ]
    c = manifest["counts"]["fft"]
    assert (c["read"], c["kept"], c["duplicates_by_kind"]["revision"]) == (5, 2, 3)
    ids = read_table("fft_responses", cfg.processed_dir)["response_id"]
    assert sorted(ids) == ["R1", "R6"]


def test_respondent_rule_is_configurable(partnership):
    spec = {**FFT, "dedup": {"respondent": {"keys": ["service_id", "response_date", "rating"]}}}
    cfg = partnership(
        {
            MARCH: fft_csv(
                "R1,A1,15/03/2024,Good,,", "R2,A1,15/03/2024,Good,,", "R3,A1,15/03/2024,Poor,,"
            )
        },
        sources={"fft": spec},
    )
    c = clean(cfg)["counts"]["fft"]
    assert (c["kept"], c["duplicates_by_kind"]["respondent"]) == (2, 1)


def test_comments_in_rows_several_per_response(partnership):
    spec = {
        "table": "fft_responses",
        "files": "fft/*.csv",
        "columns": {
            "response_id": "Respondent",
            "service_code": "Ward",
            "response_date": "Date",
            "rating": "Score",
        },
        "comment_rows": {
            "question": "Question",
            "text": "Answer",
            "no_answer": ["Did not answer"],
            "questions": {
                "What was good?": "what_was_good",
                "How could we improve?": "what_could_be_better",
            },
        },
    }
    text = (
        "Respondent,Ward,Date,Score,Question,Answer\n"
        "P1,A1,15/03/2024,1,What was good?,Kind\n"
        "P1,A1,15/03/2024,1,How could we improve?,Did not answer\n"
        "P2,A1,16/03/2024,2,What was good?,Quick\n"
        "P2,A1,17/03/2024,2,How could we improve?,Parking\n"
        "P3,A1,16/03/2024,1,Anything else?,Hello\n"
    )
    cfg = partnership({MARCH: text}, sources={"fft": spec})
    c = clean(cfg)["counts"]["fft"]
    q = read_table("quarantine", cfg.processed_dir)
    # P2's rows disagree on the date: both quarantined; P3's question is not configured.
    assert sorted(q["rule"]) == ["conflicting_response", "conflicting_response", "unknown_question"]
    assert (c["read"], c["kept"], c["quarantined"]) == (5, 2, 3)
    assert read_table("fft_responses", cfg.processed_dir)["response_id"].tolist() == ["P1"]
    assert read_table("fft_comments", cfg.processed_dir)["text"].tolist() == ["Kind"]


def test_complaints_with_date_rules_flags_and_subjects(partnership):
    spec = {
        "table": "complaints",
        "files": "complaints/*.csv",
        "list_sep": ";",
        "columns": {
            "complaint_id": "Ref",
            "service_code": "Site",
            "received_date": "Received",
            "acknowledged_date": "Acknowledged",
            "subject": "Subjects",
            "outcome": "Outcome",
            "reopened": "Reopened",
            "ombudsman_referral": "PHSO",
        },
        "values": {"outcome": {"Partially Upheld": "partly upheld"}},
        "defaults": {"reopened": "N", "ombudsman_referral": "N"},
        "period_end": "2024-03-31",
    }
    text = (
        "Ref,Site,Received,Acknowledged,Subjects,Outcome,Reopened,PHSO\n"
        "C1,A1,01/03/2024,04/03/2024,Communication; Waiting,Partially Upheld,N,\n"
        "C2,A1,05/03/2024,04/03/2024,Care,Upheld,Y,N\n"
        "C3,A1,06/03/2024,,Care,Lost in post,N,N\n"
    )
    cfg = partnership({"complaints/export.csv": text}, sources={"complaints": spec})
    clean(cfg)
    q = read_table("quarantine", cfg.processed_dir).set_index("source_record")
    assert q.loc[2, "rule"] == "date_before" and q.loc[3, "rule"] == "unknown_value"
    complaints = read_table("complaints", cfg.processed_dir)
    assert complaints[
        ["complaint_id", "outcome", "reopened", "ombudsman_referral"]
    ].values.tolist() == [["C1", "partly upheld", False, False]]
    subjects = read_table("complaint_subjects", cfg.processed_dir)
    assert subjects["subject"].tolist() == ["Communication", "Waiting"]


def test_excel_source_with_title_rows(partnership, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Results"
    ws.append(["Staff survey 2024"])
    ws.append([])
    ws.append(["Survey", "Group", "Year", "QID", "Question", "N", "Positive"])
    ws.append(["Staff survey", "staff", 2024, "Q1", "Feedback is used", 120, 80])
    ws.append(["Staff survey", "staff", 2024, "Q2", "My views count", 100, 130])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    spec = {
        "table": "surveys",
        "files": "surveys/*.xlsx",
        "format": "xlsx",
        "sheet": "Results",
        "columns": {
            "survey": "Survey",
            "respondent_group": "Group",
            "year": "Year",
            "question_id": "QID",
            "question": "Question",
            "responses": "N",
            "positive": "Positive",
        },
    }
    cfg = partnership({"surveys/results.xlsx": path.read_bytes()}, sources={"surveys": spec})
    clean(cfg)
    surveys = read_table("surveys", cfg.processed_dir)
    assert surveys["question_id"].tolist() == ["Q1"]
    q = read_table("quarantine", cfg.processed_dir)
    assert q[["source_line", "rule"]].values.tolist() == [[5, "positive_exceeds_responses"]]


def test_staff_name_list_kept_with_the_raw_data(partnership):
    cfg = partnership(
        {
            MARCH: fft_csv("R1,A1,15/03/2024,Good,Thanks to Priya and Tom,"),
            "staff_names.txt": "# never committed\nPriya\n",
        }
    )
    manifest = clean(cfg)
    assert read_table("fft_comments", cfg.processed_dir)["text"].tolist() == [
        "Thanks to [name] and [name]"
    ]
    # Priya from the staff list; Tom as a name after thanks
    assert manifest["redactions"]["staff_name"] == 1
    assert manifest["redactions"]["name"] == 1


def test_every_written_table_validates_against_its_schema(two_months):
    manifest = clean(two_months)
    for table, rows in manifest["tables"].items():
        assert len(read_table(table, two_months.processed_dir)) == rows


def test_rows_kept_from_several_files_name_their_own_file_and_record(partnership):
    # R1 is exported again in April with a correction: April's row replaces March's.
    cfg = partnership(
        {
            MARCH: fft_csv("R1,A1,15/03/2024,Good,,", "R2,A1,16/03/2024,Poor,,"),
            APRIL: fft_csv("R1,A1,15/03/2024,Very good,,", "R3,B2,02/04/2024,Good,,"),
        }
    )
    assert clean(cfg)["counts"]["fft"]["duplicates_by_kind"]["re_exported"] == 1
    rows = read_table("fft_responses", cfg.processed_dir).set_index("response_id")
    assert rows.loc[["R1", "R2", "R3"], "source_file"].tolist() == [APRIL, MARCH, APRIL]
    assert rows.loc[["R1", "R2", "R3"], "source_record"].tolist() == [1, 2, 2]
    assert rows.loc["R1", "rating"] == "Very good"


def test_a_rerun_with_the_same_missing_optional_source_does_nothing(partnership):
    """A comparator source whose files are absent (``on_error: continue``) is recorded as an
    error; the same inputs with the same error are unchanged, so nothing is converted again."""
    national = {**FFT, "files": "national/*.csv", "on_error": "continue"}
    cfg = partnership({MARCH: fft_csv(*ROWS_MARCH)}, sources={"fft": FFT, "national": national})
    first = clean(cfg)
    assert [e["source"] for e in first["errors"]] == ["national"]
    again = clean(cfg)
    assert again["status"] == "unchanged" and again["run_at"] == first["run_at"]


def test_the_step_asks_numpy_for_small_pages_and_restores_the_setting_after(
    partnership, monkeypatch
):
    """NumPy's huge pages are off while the step runs (see ``allocation.small_pages``), and the
    setting is as it was once the step ends, whether or not it was on."""
    from numpy._core.multiarray import _set_madvise_hugepage as huge_pages

    from analysis.ingest import clean as clean_module

    seen = []
    convert = clean_module.convert_file

    def spy(*args, **kwargs):
        seen.append(huge_pages(False))  # the setting while a file is converted (kept off)
        return convert(*args, **kwargs)

    monkeypatch.setattr(clean_module, "convert_file", spy)
    cfg = partnership({MARCH: fft_csv(*ROWS_MARCH)})
    original = huge_pages(True)
    try:
        for setting in (True, False):
            huge_pages(setting)
            clean(cfg, force=True)
            assert huge_pages(setting) is setting  # restored
        assert len(seen) == 2 and not any(seen)
    finally:
        huge_pages(original)


def test_the_step_limits_the_c_librarys_arenas_and_sets_the_default_back_after(
    partnership, monkeypatch
):
    """While files are converted, glibc's threads share two arenas (see
    ``allocation.few_arenas``); after the step, glibc's default limit (eight per core)."""
    from analysis.ingest import allocation
    from analysis.ingest import clean as clean_module

    calls, during = [], []
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.setattr(allocation, "_mallopt", lambda: lambda *args: calls.append(args))
    convert = clean_module.convert_file

    def spy(*args, **kwargs):
        during.append(list(calls))
        return convert(*args, **kwargs)

    monkeypatch.setattr(clean_module, "convert_file", spy)
    clean(partnership({MARCH: fft_csv(*ROWS_MARCH)}), force=True)
    default = 8 * (os.cpu_count() or 1)
    assert during == [[(allocation.M_ARENA_MAX, 2)]]
    assert calls == [(allocation.M_ARENA_MAX, 2), (allocation.M_ARENA_MAX, default)]


def test_without_glibc_the_arenas_are_left_alone(monkeypatch):
    from analysis.ingest import allocation

    monkeypatch.setattr(allocation.ctypes, "CDLL", lambda name: (_ for _ in ()).throw(OSError))
    assert allocation._mallopt() is None
    with allocation.few_arenas():
        pass


def test_an_arena_limit_set_in_the_environment_is_left_alone(monkeypatch):
    from analysis.ingest import allocation

    calls = []
    monkeypatch.setattr(allocation, "_mallopt", lambda: lambda *args: calls.append(args))
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    with allocation.few_arenas():
        pass
    assert calls == []
