"""Reference data shipped with the package: labelled comments and the categorisation framework.

Everything here is read by package-relative path, so it works from any working
directory and without a download. See ``README.md`` in this folder for the sources,
their licence and attribution, and the v6 → v7 mapping.

* :func:`framework` — the NHS Patient Experience Qualitative Data Categorisation
  framework (v7 "MVP"): category, sub-category and description.
* :func:`v6_to_v7` — how each v6 sub-category of the labelled comments maps to v7.
* :func:`labelled_comments` — the shipped comments as published (v6 one-hot columns).
* :func:`training_comments` — the same comments, tidy, with v7 sub-categories.
* :func:`ko41a_subjects` — the subject areas of NHS England's KO41a complaints return.

Example
-------
>>> comments = training_comments()
>>> len(comments)
6378
>>> "Timeliness of care" in framework()["subcategory"].tolist()
True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# pandas and numpy are imported by the functions that use them: the redaction's process,
# which reads the labelled comments' words (:mod:`analysis.ingest.redaction.name_model`),
# starts without them.

HERE = Path(__file__).resolve().parent
LABELLED_COMMENTS = HERE / "labelled_comments_v6.csv.gz"
FRAMEWORK = HERE / "framework_v7.csv"
V6_TO_V7 = HERE / "v6_to_v7.csv"
KO41A_SUBJECTS = HERE / "ko41a_subjects.csv"

#: The marker the public file uses for names removed by hand, and that the shipped copy uses too.
NAME_MARKER = "[name redacted]"
#: The column holding the comment text in the public file.
TEXT_COLUMN = "FFT answer"
#: The first of the 50 one-hot v6 sub-category columns (the rest follow it).
FIRST_LABEL_COLUMN = "Not assigned"
#: The v7 sub-category for comments with no usable text ("Did not answer", blank).
NO_USABLE_TEXT = "Labelling not possible"
#: The v7 sub-category for usable comments that no other sub-category describes.
NOT_ASSIGNED = "Not assigned"

#: The public file's questions, mapped onto the ``fft_comments.question`` vocabulary.
QUESTIONS = {
    "What was good?": "what_was_good",
    "How could we improve?": "what_could_be_better",
    "What could we do better?": "what_could_be_better",
}
#: ``FFT categorical answer`` codes → FFT ratings (6 is most likely "don't know"; 7 is undocumented).
RATINGS = {
    "1": "Very good",
    "2": "Good",
    "3": "Neither good nor poor",
    "4": "Poor",
    "5": "Very poor",
    "6": "Don't know",
}
#: ``Comment sentiment`` codes → the ``comment_sentiment.sentiment`` vocabulary.
SENTIMENTS = {
    "1": "very positive",
    "2": "positive",
    "3": "neutral",
    "4": "negative",
    "5": "very negative",
}


def framework() -> pd.DataFrame:
    """The v7 framework: one row per sub-category with its category and description."""
    import pandas as pd

    return pd.read_csv(FRAMEWORK, dtype=str)


def v6_to_v7() -> pd.DataFrame:
    """The v6 → v7 mapping: ``v6_subcategory``, ``v7_subcategory`` (empty: no v7 home), ``reason``."""
    import pandas as pd

    return pd.read_csv(V6_TO_V7, dtype=str, keep_default_na=False)


def ko41a_subjects() -> list[str]:
    """The subject areas of the KO41a return, in the return's order ("Other" last).

    >>> subjects = ko41a_subjects()
    >>> subjects[0], subjects[-1], len(subjects)
    ('Access to treatment or drugs', 'Other', 21)
    """
    import pandas as pd

    return pd.read_csv(KO41A_SUBJECTS, dtype=str)["subject"].tolist()


def labelled_comments() -> pd.DataFrame:
    """The shipped labelled comments exactly as published (all columns as strings, blanks ``""``)."""
    import pandas as pd

    return pd.read_csv(LABELLED_COMMENTS, dtype=str, keep_default_na=False)


def training_comments() -> pd.DataFrame:
    """The labelled comments, tidy, with their v7 sub-categories.

    Columns: ``comment_id``, ``respondent_id``, ``trust``, ``question`` (the
    ``fft_comments`` vocabulary; "other" for the non-specific "why?" questions),
    ``question_text``, ``rating`` (FFT rating or missing), ``text``, ``sentiment``
    (missing where not labelled) and ``subcategories`` (a sorted tuple of v7
    sub-categories). A usable comment whose v6 labels have no v7 home gets
    "Not assigned", as the framework describes; "Labelling not possible" marks the
    comments labelled as having no usable text.
    """
    import numpy as np
    import pandas as pd

    raw = labelled_comments()
    mapping = v6_to_v7().set_index("v6_subcategory")["v7_subcategory"]
    first = raw.columns.get_loc(FIRST_LABEL_COLUMN)
    v6_columns = list(raw.columns[first:])
    unknown = sorted(set(v6_columns) - set(mapping.index))
    if unknown:
        raise ValueError(
            f"{LABELLED_COMMENTS.name}: v6 columns missing from {V6_TO_V7.name}: {unknown}"
        )
    flags = raw[v6_columns].eq("1")
    homes = [mapping[c] for c in v6_columns]
    v7 = [
        tuple(sorted({homes[j] for j in np.flatnonzero(row) if homes[j]}))
        for row in flags.to_numpy()
    ]
    labelled_any = flags.any(axis=1)
    v7 = [
        labels if labels or not had else (NOT_ASSIGNED,)
        for labels, had in zip(v7, labelled_any, strict=True)
    ]
    return pd.DataFrame(
        {
            "comment_id": raw["Comment ID"],
            "respondent_id": raw["Respondent ID"],
            "trust": raw["Trust"],
            "question": raw["FFT question"].map(QUESTIONS).fillna("other"),
            "question_text": raw["FFT question"],
            "rating": raw["FFT categorical answer"].map(RATINGS),
            "text": raw[TEXT_COLUMN],
            "sentiment": raw["Comment sentiment"]
            .str.replace(".0", "", regex=False)
            .map(SENTIMENTS),
            "subcategories": v7,
        }
    )
