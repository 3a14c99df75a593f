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
    text = ("Code,Month,Eligible\n"
            "A1,Mar-24,\"1,200\"\n"     # thousands separator, month name: kept
            "A1,2024-04,-5\n"           # negative count
            "A1,2024-05,12.5\n"         # not a whole number
            "A1,2024-13,10\n"           # no such month
            "A1,2024-06,\n")            # missing count
    cfg = partnership({"eligible/e.csv": text}, sources={"eligible": ELIGIBLE})
    clean(cfg)
    kept = read_table("fft_eligible", cfg.processed_dir)
    assert kept[["month", "eligible"]].astype(str).values.tolist() == [["2024-03-01", "1200"]]
    q = read_table("quarantine", cfg.processed_dir).sort_values("source_line")
    assert q["rule"].tolist() == ["negative_count", "not_a_whole_number", "invalid_date", "missing_value"]
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
    spec = {"table": "measures", "files": "m/*.csv",
            "columns": {"measure_id": "ID", "label": "Label", "period_start": "From", "period_end": "To",
                        "service_id": "Service", "value": "Value", "unit": "Unit"}}
    text = ("ID,Label,From,To,Service,Value,Unit\n"
            "M1,Reports published,01/04/2024,30/06/2024,S1,75%,percent\n"
            "M2,Plans,01/04/2024,30/06/2024,NOPE,3,count\n"
            "M3,Plans,01/04/2024,31/03/2024,,3,count\n"
            "M4,Plans,01/04/2024,30/06/2024,,lots,count\n")
    cfg = partnership({"m/m.csv": text}, sources={"measures": spec})
    clean(cfg)
    kept = read_table("measures", cfg.processed_dir)
    assert kept[["measure_id", "value"]].values.tolist() == [["M1", 75.0]]
    q = read_table("quarantine", cfg.processed_dir).set_index("source_record")["rule"]
    assert q.to_dict() == {2: "unknown_service_id", 3: "date_before", 4: "not_a_number"}


def test_survey_percentages_outside_0_to_100(partnership):
    spec = {"table": "surveys", "files": "s/*.csv",
            "columns": {"survey": "Survey", "respondent_group": "Group", "year": "Year",
                        "question_id": "QID", "question": "Q", "percent_positive": "Pct"}}
    text = "Survey,Group,Year,QID,Q,Pct\nS,staff,2024,Q1,q,80\nS,staff,2024,Q2,q,180\nS,pets,2024,Q3,q,5\n"
    cfg = partnership({"s/s.csv": text}, sources={"surveys": spec})
    clean(cfg)
    q = read_table("quarantine", cfg.processed_dir).set_index("source_record")["rule"]
    assert q.to_dict() == {2: "percent_out_of_range", 3: "unknown_value"}
