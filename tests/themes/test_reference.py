"""The shipped reference data: the public labelled comments (names redacted) and the framework."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import reference

PUBLIC = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "feedback-text"


def test_framework_is_the_v7_mvp_workbook():
    fw = reference.framework()
    # The workbook's "MVP framework details" sheet lists 33 sub-categories in 10 categories:
    # General, Staff, Access to medical care & support, Communication & involvement,
    # Mental health specifics, Patient journey & service coordination, Medication & pain,
    # Activities, Environment equipment & catering, Service location travel & transport.
    assert len(fw) == 33
    assert fw["category"].nunique() == 10
    assert fw["subcategory"].is_unique
    assert {"Continuity of care", "Staffing levels & responsiveness", "Not assigned"} <= set(
        fw["subcategory"]
    )


def test_every_v6_column_is_mapped_to_a_v7_subcategory_or_to_nothing():
    raw = reference.labelled_comments()
    mapping = reference.v6_to_v7()
    v6 = list(raw.columns[raw.columns.get_loc(reference.FIRST_LABEL_COLUMN) :])
    assert len(v6) == 50
    assert sorted(mapping["v6_subcategory"]) == sorted(v6)
    targets = set(mapping["v7_subcategory"]) - {""}
    assert targets <= set(reference.framework()["subcategory"])
    assert (mapping["reason"].str.len() > 0).all()


def test_training_comments_are_tidy_with_v7_labels():
    comments = reference.training_comments()
    assert len(comments) == 6378
    known = set(reference.framework()["subcategory"])
    assert all(set(labels) <= known for labels in comments["subcategories"])
    # "Did not answer" is labelled as having no usable text in the public file.
    did_not = comments["text"].str.strip().str.lower() == "did not answer"
    assert comments.loc[did_not, "subcategories"].map(lambda s: reference.NO_USABLE_TEXT in s).all()
    # Staff continuity (v6) merged into Continuity of care (v7): no v6 name survives.
    assert not comments["subcategories"].map(lambda s: "Staff continuity" in s).any()


@pytest.mark.skipif(
    not (PUBLIC / "fft_comments_labelled_v6_train.csv").exists(), reason="public file not here"
)
def test_shipped_rows_equal_the_public_file_except_redacted_names():
    public = pd.read_csv(
        PUBLIC / "fft_comments_labelled_v6_train.csv", dtype=str, keep_default_na=False
    )
    shipped = reference.labelled_comments()
    assert list(shipped.columns) == list(public.columns)
    others = [c for c in public.columns if c != reference.TEXT_COLUMN]
    pd.testing.assert_frame_equal(shipped[others], public[others])
    changed = shipped[reference.TEXT_COLUMN] != public[reference.TEXT_COLUMN]
    assert 0 < changed.sum() <= 20
    for new, old in zip(
        shipped.loc[changed, reference.TEXT_COLUMN],
        public.loc[changed, reference.TEXT_COLUMN],
        strict=True,
    ):
        # Each change replaces one capitalised word (a name) with the marker, nothing else.
        pattern = re.escape(new).replace(re.escape(reference.NAME_MARKER), r"[A-Z][a-z]+")
        assert re.fullmatch(pattern, old), (new, old)
