"""The tidy-table contract: schemas reject what they must and round-trip what they accept."""

import pandas as pd
import pytest

from analysis.ingest.schemas import SCHEMAS, empty
from analysis.ingest.store import SchemaError, read_table, validate, write_table


def _response(**overrides):
    row = {
        "response_id": "R1",
        "service_id": "S1",
        "response_date": pd.Timestamp("2024-05-02"),
        "rating": "Good",
        "rating_scale": "six_point",
        "mode": "SMS",
        "age_band": None,
        "sex": None,
        "ethnicity": None,
        "source_file": "fft/a.csv",
        "source_record": 1,
    }
    row.update(overrides)
    return pd.DataFrame([row])


def test_every_design_table_has_a_schema():
    design_tables = {
        "services",
        "service_codes",
        "service_population",
        "fft_responses",
        "fft_comments",
        "fft_eligible",
        "fft_published",
        "complaints",
        "compliments",
        "actions",
        "surveys",
        "measures",
        "quarantine",
    }
    assert design_tables <= set(SCHEMAS)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_empty_tables_are_valid(name, tmp_path):
    write_table(empty(name), name, tmp_path)
    assert list(read_table(name, tmp_path).columns) == list(SCHEMAS[name].columns)


def test_valid_response_round_trips(tmp_path):
    write_table(_response(), "fft_responses", tmp_path)
    back = read_table("fft_responses", tmp_path)
    assert back.loc[0, "response_date"] == pd.Timestamp("2024-05-02")
    assert back.loc[0, "rating"] == "Good"


def test_unknown_rating_is_rejected_with_column_and_value():
    with pytest.raises(SchemaError) as err:
        validate(_response(rating="Brilliant"), "fft_responses")
    assert "'rating'" in str(err.value) and "Brilliant" in str(err.value)


def test_unexpected_column_is_rejected():
    with pytest.raises(SchemaError, match="surname"):
        validate(_response().assign(surname="Smith"), "fft_responses")


def test_missing_column_is_rejected():
    with pytest.raises(SchemaError, match="mode"):
        validate(_response().drop(columns="mode"), "fft_responses")


def test_duplicate_response_ids_are_rejected():
    with pytest.raises(SchemaError, match="response_id"):
        validate(pd.concat([_response(), _response()]), "fft_responses")


def test_complaint_acknowledged_before_received_is_rejected():
    complaint = pd.DataFrame(
        [
            {
                "complaint_id": "C1",
                "service_id": "S1",
                "received_date": pd.Timestamp("2024-05-10"),
                "acknowledged_date": pd.Timestamp("2024-05-09"),
                "responded_date": None,
                "closed_date": None,
                "stage": "1",
                "subject": "Communication",
                "outcome": None,
                "reopened": False,
                "ombudsman_referral": False,
                "source_file": "complaints.csv",
                "source_record": 1,
            }
        ]
    )
    with pytest.raises(SchemaError, match="acknowledged_date must not be before received_date"):
        validate(complaint, "complaints")


def test_eligible_month_must_be_first_of_month():
    bad = pd.DataFrame(
        {
            "service_id": ["S1"],
            "month": [pd.Timestamp("2024-05-02")],
            "eligible": [10],
            "source_file": ["e.csv"],
            "source_record": [1],
        }
    )
    with pytest.raises(SchemaError, match="1st of the month"):
        validate(bad, "fft_eligible")


def test_failed_write_leaves_previous_table(tmp_path):
    write_table(_response(), "fft_responses", tmp_path)
    with pytest.raises(SchemaError):
        write_table(_response(rating="nope"), "fft_responses", tmp_path)
    assert read_table("fft_responses", tmp_path)["rating"].tolist() == ["Good"]
    assert not list(tmp_path.glob("*.tmp"))


def test_reading_a_missing_table_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="run the clean step"):
        read_table("complaints", tmp_path)
