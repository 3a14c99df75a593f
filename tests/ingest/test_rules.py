"""Row rules of the generic tables: counts, months, percentages, services given by id."""

from __future__ import annotations

from analysis.ingest.clean import clean
from analysis.ingest.store import read_table

ELIGIBLE = {
    "table": "fft_eligible",
    "files": "eligible/*.csv",
    "columns": {"service_code": "Code", "month": "Month", "eligible": "Eligible"},
}


def test_counts_and_months(partnership):
    text = (
        "Code,Month,Eligible\n"
        'A1,Mar-24,"1,200"\n'  # thousands separator, month name: kept
        "A1,2024-04,-5\n"  # negative count
        "A1,2024-05,12.5\n"  # not a whole number
        "A1,2024-13,10\n"  # no such month
        "A1,2024-06,\n"
    )  # missing count
    cfg = partnership({"eligible/e.csv": text}, sources={"eligible": ELIGIBLE})
    clean(cfg)
    kept = read_table("fft_eligible", cfg.processed_dir)
    assert kept[["month", "eligible"]].astype(str).values.tolist() == [["2024-03-01", "1200"]]
    q = read_table("quarantine", cfg.processed_dir).sort_values("source_line")
    assert q["rule"].tolist() == [
        "negative_count",
        "not_a_whole_number",
        "invalid_date",
        "missing_value",
    ]
    assert q["source_line"].tolist() == [3, 4, 5, 6]


def test_same_service_and_month_twice_in_one_file_is_a_conflict(partnership):
    text = "Code,Month,Eligible\nA1,2024-03,100\nA1,2024-03,120\nA1,2024-03,100\n"
    cfg = partnership({"eligible/e.csv": text}, sources={"eligible": ELIGIBLE})
    c = clean(cfg)["counts"]["eligible"]
    q = read_table("quarantine", cfg.processed_dir)
    # Row 2 disagrees with row 1 (quarantined); row 3 repeats row 1 exactly (a duplicate).
    assert q["rule"].tolist() == ["conflicting_duplicate_id"]
    assert (c["kept"], c["quarantined"], c["duplicates_by_kind"]["exact"]) == (1, 1, 1)


def test_measures_with_service_ids_and_percentages(partnership):
    spec = {
        "table": "measures",
        "files": "m/*.csv",
        "columns": {
            "measure_id": "ID",
            "label": "Label",
            "period_start": "From",
            "period_end": "To",
            "service_id": "Service",
            "value": "Value",
            "unit": "Unit",
        },
    }
    text = (
        "ID,Label,From,To,Service,Value,Unit\n"
        "M1,Reports published,01/04/2024,30/06/2024,S1,75%,percent\n"
        "M2,Plans,01/04/2024,30/06/2024,NOPE,3,count\n"
        "M3,Plans,01/04/2024,31/03/2024,,3,count\n"
        "M4,Plans,01/04/2024,30/06/2024,,lots,count\n"
    )
    cfg = partnership({"m/m.csv": text}, sources={"measures": spec})
    clean(cfg)
    kept = read_table("measures", cfg.processed_dir)
    assert kept[["measure_id", "value"]].values.tolist() == [["M1", 75.0]]
    q = read_table("quarantine", cfg.processed_dir).set_index("source_record")["rule"]
    assert q.to_dict() == {2: "unknown_service_id", 3: "date_before", 4: "not_a_number"}


def test_survey_percentages_outside_0_to_100(partnership):
    spec = {
        "table": "surveys",
        "files": "s/*.csv",
        "columns": {
            "survey": "Survey",
            "respondent_group": "Group",
            "year": "Year",
            "question_id": "QID",
            "question": "Q",
            "percent_positive": "Pct",
        },
    }
    text = "Survey,Group,Year,QID,Q,Pct\nS,staff,2024,Q1,q,80\nS,staff,2024,Q2,q,180\nS,pets,2024,Q3,q,5\n"
    cfg = partnership({"s/s.csv": text}, sources={"surveys": spec})
    clean(cfg)
    q = read_table("quarantine", cfg.processed_dir).set_index("source_record")["rule"]
    assert q.to_dict() == {2: "percent_out_of_range", 3: "unknown_value"}


def test_nhs_england_published_monthly_file_with_its_england_row(partnership, tmp_path):
    """NHS England's monthly FFT data: a workbook of counts per organisation, England first."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Trusts"
    ws.append(["Friends and Family Test: Inpatient, March 2024"])
    ws.append([])
    ws.append(
        [
            "Org code",
            "Org name",
            "Total Responses",
            "Total Eligible",
            "Very Good",
            "Good",
            "Neither Good nor Poor",
            "Poor",
            "Very Poor",
            "Dont Know",
        ]
    )
    ws.append([None, "ENGLAND", 250000, 1000000, 180000, 45000, 8000, 6000, 9000, 2000])
    ws.append(["RT5", "Leicestershire Partnership NHS Trust", 410, 3900, 300, 80, 12, 8, 6, 4])
    path = tmp_path / "nhse.xlsx"
    wb.save(path)
    spec = {
        "table": "fft_published",
        "files": "nhse/*.xlsx",
        "format": "xlsx",
        "sheet": "Trusts",
        "constants": {"setting": "inpatient"},
        "level_by": {
            "header": "Org name",
            "values": {"ENGLAND": "england"},
            "otherwise": "organisation",
        },
        "columns": {
            "org_code": "Org code",
            "org_name": "Org name",
            "total_responses": "Total Responses",
            "total_eligible": "Total Eligible",
            "very_good": "Very Good",
            "good": "Good",
            "neither": "Neither Good nor Poor",
            "poor": "Poor",
            "very_poor": "Very Poor",
            "dont_know": "Dont Know",
        },
    }
    cfg = partnership(
        {"nhse/FFT_Inpatients_2024-03.xlsx": path.read_bytes()}, sources={"nhse": spec}
    )
    clean(cfg)
    published = read_table("fft_published", cfg.processed_dir)
    published["org_code"] = published["org_code"].fillna("(none)")
    assert published[["level", "org_code", "total_responses"]].values.tolist() == [
        ["england", "(none)", 250000],
        ["organisation", "RT5", 410],
    ]
    assert published["month"].astype(str).unique().tolist() == ["2024-03-01"]


def test_care_opinion_story_export(partnership):
    spec = {
        "table": "stories",
        "files": "co/*.csv",
        "columns": {
            "story_id": "Story ID",
            "service_code": "Service",
            "published_date": "Published",
            "title": "Title",
            "text": "Story",
            "criticality": "Criticality",
            "author_role": "Author role",
        },
    }
    text = (
        "Story ID,Service,Published,Title,Story,Criticality,Author role\n"
        '1001,A1,05/03/2024,Kind nurses,"Nurse Okafor was kind.\nThank you.",not critical,patient\n'
        "1002,A1,06/03/2024,Long wait,Waited 6 hours,mildly critical,carer\n"
        "1003,A1,07/03/2024,Odd,Text,a bit cross,patient\n"
    )
    cfg = partnership({"co/stories.csv": text}, sources={"careopinion": spec})
    clean(cfg)
    stories = read_table("stories", cfg.processed_dir)
    # Care Opinion's scale: not critical 0, minimally 1, mildly 2 … severely 5.
    assert stories[["story_id", "criticality"]].values.tolist() == [["1001", 0], ["1002", 2]]
    assert stories["text"].iat[0] == "Nurse [name] was kind.\nThank you."
    q = read_table("quarantine", cfg.processed_dir)
    assert q[["source_line", "rule"]].values.tolist() == [[5, "not_a_whole_number"]]


def test_service_codes_take_the_first_entry_in_effect_on_each_rows_date():
    import pandas as pd

    from analysis.ingest.validation import service_ids

    table = pd.DataFrame(
        [
            ("all", "X", "S1", None, "2024-03-31"),  # X meant S1 until March, then S2
            ("all", "X", "S2", None, None),
            ("all", "Y", "S3", None, None),  # Y is S3 always: the later dated entry never applies
            ("all", "Y", "S4", "2024-04-01", None),
            ("all", "Z", "S5", "2024-04-01", None),  # Z starts in April
            ("other", "W", "S6", None, None),  # another source's code
        ],
        columns=["source", "code", "service_id", "valid_from", "valid_to"],
    ).assign(
        valid_from=lambda d: pd.to_datetime(d.valid_from),
        valid_to=lambda d: pd.to_datetime(d.valid_to),
    )
    codes = ["X", " x ", "X", "Y", "Y", "Z", "Z", "", "Q", "W", "X"]
    dates = pd.to_datetime(
        ["2024-03-15", "2024-04-02", None, "2024-03-01", "2024-04-09"]
        + ["2024-03-31", "2024-04-01", "2024-04-01", "2024-04-01", "2024-04-01", "2024-03-31"]
    ).to_numpy()
    ids, problems = service_ids(codes, dates, table, "fft")
    # A row without a date falls in every window, so the first entry for its code applies.
    assert ids.to_pylist() == ["S1", "S2", "S1", "S3", "S3", None, "S5", None, None, None, "S1"]
    assert list(problems) == [None] * 5 + [
        "service_code_not_in_effect",
        None,
        "missing_service_code",
        "unknown_service_code",
        "unknown_service_code",
        None,
    ]
