"""Value rules: ratings on both FFT scales and as codes; numbers, flags and choices."""

from __future__ import annotations

import pyarrow as pa

from analysis.ingest.values import (
    parse_choices,
    parse_flags,
    parse_floats,
    parse_integers,
    parse_ratings,
)


def test_six_point_labels_with_spelling_variants():
    labels, scales, problems = parse_ratings(
        pa.array(
            [
                "Very good",
                "VERY GOOD ",
                "Neither good nor poor",
                "Dont Know",
                "Don’t know",
                "don't know",
            ]
        )
    )
    assert (
        labels.to_pylist()
        == ["Very good", "Very good", "Neither good nor poor"] + ["Don't know"] * 3
    )
    assert set(scales.to_pylist()) == {"six_point"} and set(problems) == {None}


def test_pre_2020_scale_maps_by_position():
    # NHS England's pre-April-2020 FFT answers, extremely likely … extremely unlikely.
    old = [
        "Extremely likely",
        "Likely",
        "Neither likely nor unlikely",
        "Unlikely",
        "Extremely unlikely",
    ]
    labels, scales, _ = parse_ratings(pa.array(old))
    assert labels.to_pylist() == ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor"]
    assert set(scales.to_pylist()) == {"pre_2020"}


def test_numeric_codes_follow_nhs_englands_order_and_unknown_codes_are_quarantined():
    labels, _, problems = parse_ratings(pa.array(["1", "2", "3", "4", "5", "6", "7", "0", ""]))
    assert labels.to_pylist()[:6] == [
        "Very good",
        "Good",
        "Neither good nor poor",
        "Poor",
        "Very poor",
        "Don't know",
    ]
    assert problems.tolist()[6:] == ["unknown_rating", "unknown_rating", "missing_value"]


def test_configured_codes_replace_the_defaults():
    labels, _, problems = parse_ratings(pa.array(["1", "6"]), codes={"1": "Very good"})
    assert labels.to_pylist()[0] == "Very good" and problems.tolist() == [None, "unknown_rating"]


def test_integers_floats_flags_and_choices():
    values, problems = parse_integers(pa.array(["1,234", "12.0", "-3", "1.5", "x", ""]))
    assert values[:3].tolist() == [1234, 12, -3]
    assert problems.tolist() == [
        None,
        None,
        "negative_count",
        "not_a_whole_number",
        "not_a_whole_number",
        None,
    ]
    values, problems = parse_floats(pa.array(["12.5%", ".5", "n/a"]))
    assert values[:2].tolist() == [12.5, 0.5] and problems.tolist() == [None, None, "not_a_number"]
    values, problems = parse_flags(pa.array(["Y", "no", "TRUE", "maybe", ""]), nullable=False)
    assert values[:3].tolist() == [True, False, True]
    assert problems.tolist() == [None, None, None, "not_a_flag", "missing_value"]
    values, problems = parse_choices(
        pa.array(["Upheld", "Partially Upheld", "lost"]),
        ["upheld", "partly upheld"],
        {"Partially Upheld": "partly upheld"},
    )
    assert (
        values.to_pylist()[:2] == ["upheld", "partly upheld"]
        and problems.tolist()[2] == "unknown_value"
    )


def test_large_columns_looked_up_once_per_distinct_value_give_the_same_result():
    import numpy as np

    values = ["Very good", "very GOOD", "Dont Know", "7", "", "4"] * 2000
    labels, scales, problems = parse_ratings(pa.array(values))
    small = [parse_ratings(pa.array(values[i : i + 6])) for i in range(0, 12, 6)]
    assert labels.to_pylist()[:12] == [x for s in small for x in s[0].to_pylist()]
    assert problems.tolist()[:12] == np.concatenate([s[2] for s in small]).tolist()
    assert labels.to_pylist()[-6:] == labels.to_pylist()[:6]
