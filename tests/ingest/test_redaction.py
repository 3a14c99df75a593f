"""Redaction: each kind of identifier found and replaced by its marker; ordinary text left alone."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from analysis.ingest.redaction import find_identifiers, nhs_number_is_valid, redact, redact_text

# NHS numbers worked by hand with the Modulus 11 rule (NHS Digital data dictionary):
# 943 476 5919: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 mod 11 = 2; 11-2 = 9 = last digit.
# 999 000 0018 (test range): 9*10+9*9+9*8+1*2 = 245; 245 mod 11 = 3; 11-3 = 8 = last digit.
# 999 000 0050: 243+5*2 = 253 = 23*11, remainder 0; 11-0 = 11, which means check digit 0.
# 999 000 0000 would need 11-(243 mod 11) = 10: no valid check digit exists, so never a number.
VALID = ["943 476 5919", "9434765919", "943-476-5919", "999 000 0018", "999 000 0050"]
INVALID = ["943 476 5918", "999 000 0000", "999 000 0019", "12345 67890"]


@pytest.mark.parametrize("number", VALID)
def test_valid_nhs_numbers_are_redacted(number):
    assert nhs_number_is_valid(number)
    assert redact([f"my number is {number}."])[0] == ["my number is [NHS number]."]


@pytest.mark.parametrize("number", INVALID)
def test_ten_digits_without_a_valid_check_digit_are_not_nhs_numbers(number):
    assert not nhs_number_is_valid(number)
    text, counts = redact([f"ref {number}"])
    assert counts["nhs_number"] == 0


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        ("call 07700 900123 please", "call [phone] please", "phone"),
        ("ring 0116 225 6000", "ring [phone]", "phone"),
        ("on +44 7700 900123", "on [phone]", "phone"),
        ("tel 020-7946-0958.", "tel [phone].", "phone"),
        ("email jo.bloggs@nhs.net today", "email [email] today", "email"),
        ("I live at LE1 5WW now", "I live at [postcode] now", "postcode"),
        ("postcode NE11AB", "postcode [postcode]", "postcode"),
        ("DOB: 01/02/1960", "DOB: [date of birth]", "date_of_birth"),
        ("date of birth 1st March 1950", "date of birth [date of birth]", "date_of_birth"),
        ("she was born on 3/4/45", "she was born on [date of birth]", "date_of_birth"),
        ("Dr Patel was kind", "Dr [name] was kind", "name"),
        ("Nurse Mary-Jane Smith helped", "Nurse [name] helped", "name"),
        ("thanks to Mrs. O'Neill", "thanks to Mrs. [name]", "name"),
        ("Dr McDonald came", "Dr [name] came", "name"),
    ],
)
def test_each_kind_is_replaced_by_its_marker(text, expected, kind):
    redacted, counts = redact([text])
    assert redacted == [expected]
    assert counts[kind] == 1
    assert sum(counts.values()) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Staff were lovely [name redacted] and [Date Redacted]",  # existing markers kept
        "Seen on 12/03/2022 at 10:30, waited 2 hours",  # dates that are not birth dates
        "The nurse was kind and the doctor listened",  # titles without names
        "Room 101, ward 12, bay 3",
        "I am 85 years old",
    ],
)
def test_ordinary_text_and_existing_markers_are_left_alone(text):
    redacted, counts = redact([text])
    assert redacted == [text]
    assert sum(counts.values()) == 0


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Dr Patel 10/10", "Dr [name] 10/10"),
        ("Thanks Dr Patel 12 out of 10", "Thanks Dr [name] 12 out of 10"),
        ("Mrs Kerry Smith 5 stars", "Mrs [name] 5 stars"),
        ("We stayed on Rowan 1 for a week", "We stayed on Rowan 1 for a week"),
    ],
)
def test_a_number_after_a_titled_name_does_not_make_it_a_ward(text, expected):
    """A titled name then a score is a person ("Dr Patel 10/10"); a ward is "Rowan 1"."""
    assert redact([text])[0] == [expected]
    assert redact_text(text) == expected


def test_staff_names_from_the_list_are_redacted_as_whole_words():
    redacted, counts = redact(
        ["Thanks Jo Bloggs and Oakes", "Oakeshott and jo bloggs"],
        staff_names=["Jo Bloggs", "Oakes"],
    )
    assert redacted == ["Thanks [name] and [name]", "Oakeshott and jo bloggs"]
    assert counts["staff_name"] == 2


def test_types_are_preserved_and_nulls_pass_through():
    series = pd.Series(["Dr Okafor", None], index=[10, 11])
    out, _ = redact(series)
    assert out.index.tolist() == [10, 11] and out.tolist() == ["Dr [name]", None]
    arr, _ = redact(pa.array(["Mr Smith"]))
    assert isinstance(arr, pa.Array) and arr.to_pylist() == ["Mr [name]"]


def test_find_identifiers_lists_kind_and_match_for_a_page():
    page = "<p>Contact Dr Jones on 07700 900123 or jones@example.org; NHS no 943 476 5919</p>"
    assert find_identifiers(page) == [
        ("email", "jones@example.org"),
        ("nhs_number", "943 476 5919"),
        ("phone", "07700 900123"),
        ("name", "Jones"),
    ]


def test_vectorised_redaction_agrees_with_the_single_document_scan():
    texts = ["Dr Patel rang 07700 900123 about 943 476 5919", "LE1 5WW jo@x.org", "DOB 1/2/60"]
    redacted, counts = redact(texts)
    found = [k for t in texts for k, _ in find_identifiers(t)]
    assert sum(counts.values()) == len(found)
    assert all(find_identifiers(t) == [] for t in redacted)


@pytest.mark.parametrize(
    "title",
    ["Dr", "Doctor", "Mr", "Mrs", "Ms", "Miss", "Mx", "Nurse", "Sister", "Matron", "Prof"]
    + ["Professor", "Dr.", "Mrs."],
)
def test_every_title_is_redacted_by_the_columns_as_by_the_single_document_scan(title):
    # The columnar path only tries the name pattern on texts passing a quick test first;
    # that test must let every title through ("Doctor" holds no "dr").
    text = f"Thanks to {title} Okafor-Lee on the ward"
    assert find_identifiers(text) == [("name", "Okafor-Lee")]
    assert redact([text])[0] == [f"Thanks to {title} [name] on the ward"]


def test_phone_numbers_in_international_form_pass_the_quick_test():
    assert redact(["ring +44 7700 900123 or +44 (0)116 496 0000"])[0] == ["ring [phone] or [phone]"]


def test_a_function_word_after_a_cue_is_not_a_name():
    # A survey table's row as a PDF's text runs it together: "Carers" then "As a carer ...".
    # "As" is a surname in the lists, but here (and after any cue) it is a function word.
    assert find_identifiers("Carers survey Carers As a carer I feel listened to 59.8%") == []
    assert find_identifiers("my carer Precious helped") == [("name", "Precious")]
