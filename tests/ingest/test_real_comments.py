"""The real labelled FFT comments (pxtextmining, NHS England, MIT licence) read with every row accounted for.

The file mixes date orders (dd/mm/yyyy and m/d/yyyy), has several rows per respondent (one per
question), rating codes 6 and 7, empty and "Did not answer" comments and manual redaction markers.
The expected outcome of every row is worked out here independently, with Python's ``csv`` and
``datetime`` modules, from the rules the clean step documents:

* dates are day-first unless a row of the same trust and service proves month-first; in a group
  with such proof, dates both orders could read (both parts 12 or less, different) are
  quarantined as ``ambiguous_date_order``;
* a blank service is ``missing_service_code``, "Unknown" is ``unknown_service_code``; codes
  compare without case and with any run of spaces as one (the export writes "PTS\\xa0 - Patient
  Transport" with a non-breaking space);
* rating codes 1-6 are NHS England's six answers; 7 is ``unknown_rating``;
* the rows of one respondent must agree on service, date and rating (``conflicting_response``).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict

import pytest
import yaml

from analysis.config import PROJECT_ROOT, load_config
from analysis.ingest.clean import clean
from analysis.ingest.store import read_table

DATA = PROJECT_ROOT.parent / "shared" / "data"
FILE = "feedback-text/fft_comments_labelled_v6_train.csv"
SERVICES = {
    "NEAS-PTS": "PTS  - Patient Transport",
    "NEAS-SC": "See and Convey",
    "NEAS-111": "111",
    "NHFT-MH": "Local partnerships- MH",
    "NHFT-CH": "Community health services",
    "NHFT-FOR": "Forensic",
    "NHFT-CYP": "Specialist Services and CYP",
}
QUESTIONS = {
    "FFT Why?": "other",
    "What was good?": "what_was_good",
    "How could we improve?": "what_could_be_better",
    "What could we do better?": "what_could_be_better",
    "Please describe any things about the 111 service that you were particularly satisfied "
    "and/or dissatisfied with": "other",
}
SOURCE = {
    "table": "fft_responses",
    "files": FILE,
    "columns": {
        "response_id": "Respondent ID",
        "service_code": "Service type 1",
        "response_date": "Date",
        "rating": "FFT categorical answer",
    },
    "date_order_by": ["Trust", "Service type 1"],
    "comment_rows": {
        "question": "FFT question",
        "text": "FFT answer",
        "comment_id": "Comment ID",
        "no_answer": ["Did not answer"],
        "questions": QUESTIONS,
    },
}

CODES = {" ".join(code.split()).casefold() for code in SERVICES.values()}
pytestmark = pytest.mark.skipif(not (DATA / FILE).exists(), reason=f"{DATA / FILE} not present")


def expected_outcomes(rows: list[dict]) -> dict[str, str | None]:
    """Comment ID → the rule that quarantines it (None: kept), by the documented rules."""
    month_first_groups = set()
    for r in rows:
        d, m, _ = (int(x) for x in r["Date"].split("/"))
        if m > 12 and d <= 12:
            month_first_groups.add((r["Trust"], r["Service type 1"]))
    outcome, fields = {}, {}
    for r in rows:
        a, b, y = (int(x) for x in r["Date"].split("/"))
        group_month_first = (r["Trust"], r["Service type 1"]) in month_first_groups
        rule = None
        if group_month_first and a <= 12 and b <= 12 and a != b:
            rule = "ambiguous_date_order"
        elif r["Service type 1"].strip() == "":
            rule = "missing_service_code"
        elif " ".join(r["Service type 1"].split()).casefold() not in CODES:
            rule = "unknown_service_code"
        elif r["FFT categorical answer"] not in {"1", "2", "3", "4", "5", "6"}:
            rule = "unknown_rating"
        outcome[r["Comment ID"]] = rule
        if rule is None:
            day, month = (b, a) if (group_month_first and b > 12) else (a, b)
            fields[r["Comment ID"]] = (
                r["Service type 1"],
                dt.date(y, month, day),
                r["FFT categorical answer"],
            )
    by_respondent = defaultdict(set)
    for r in rows:
        if r["Comment ID"] in fields:
            by_respondent[r["Respondent ID"]].add(fields[r["Comment ID"]])
    for r in rows:
        if r["Comment ID"] in fields and len(by_respondent[r["Respondent ID"]]) > 1:
            outcome[r["Comment ID"]] = "conflicting_response"
    return outcome


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("real")
    services = [
        {"service_id": k, "service_name": k, "setting": "other", "codes": [{"code": v}]}
        for k, v in SERVICES.items()
    ]
    config = {
        "partnership": "pxtextmining trusts",
        "nation": "england",
        "raw_dir": str(DATA),
        "processed_dir": str(tmp / "processed"),
        "reports_dir": str(tmp / "reports"),
        "allowed_roots": [str(tmp), str(DATA)],
        "services": services,
        "sources": {"comments": SOURCE},
    }
    path = tmp / "real.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    cfg = load_config(path)
    with open(DATA / FILE, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return cfg, clean(cfg), rows


def test_every_row_is_accounted_for(real):
    cfg, manifest, rows = real
    c = manifest["counts"]["comments"]
    assert c["read"] == len(rows) == 6378
    assert c["read"] == c["kept"] + c["quarantined"] + c["duplicates"]
    assert c["duplicates"] == 0  # every Comment ID is distinct and no row repeats


def test_each_row_meets_the_outcome_the_rules_give(real):
    cfg, manifest, rows = real
    expected = expected_outcomes(rows)
    q = read_table("quarantine", cfg.processed_dir)
    record_to_id = {i + 1: r["Comment ID"] for i, r in enumerate(rows)}
    got = {record_to_id[rec]: rule for rec, rule in zip(q["source_record"], q["rule"], strict=True)}
    assert got == {k: v for k, v in expected.items() if v is not None}
    assert (
        Counter(got.values())["unknown_rating"] > 0
        and Counter(got.values())["ambiguous_date_order"] > 0
    )
    kept_ids = {k for k, v in expected.items() if v is None}
    kept_rows = [r for r in rows if r["Comment ID"] in kept_ids]
    responses = read_table("fft_responses", cfg.processed_dir)
    assert sorted(responses["response_id"]) == sorted({r["Respondent ID"] for r in kept_rows})
    # Code 6 is NHS England's sixth answer, "Don't know".
    sixes = {r["Respondent ID"] for r in kept_rows if r["FFT categorical answer"] == "6"}
    assert set(responses.loc[responses["rating"] == "Don't know", "response_id"]) == sixes


def test_comments_exclude_blanks_and_did_not_answer_and_keep_redaction_markers(real):
    cfg, manifest, rows = real
    expected = expected_outcomes(rows)
    kept = [r for r in rows if expected[r["Comment ID"]] is None]
    answered = [r for r in kept if r["FFT answer"].strip() not in ("", "Did not answer")]
    comments = read_table("fft_comments", cfg.processed_dir)
    assert sorted(comments["comment_id"]) == sorted(r["Comment ID"] for r in answered)
    markers = sum("[name redacted]" in r["FFT answer"].lower() for r in answered)
    assert markers > 0
    assert (
        comments["text"].str.lower().str.contains("[name redacted]", regex=False).sum() == markers
    )


def test_multiline_question_text_is_matched(real):
    cfg, manifest, rows = real
    comments = read_table("fft_comments", cfg.processed_dir)
    nhs111 = [r for r in rows if r["FFT question"].startswith("Please describe")]
    assert any("\n" in r["FFT question"] for r in nhs111)
    assert (comments["question"] == "other").sum() > 0
