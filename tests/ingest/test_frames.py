"""Row selection in Arrow matches pandas' own boolean selection, dtypes included."""

import numpy as np
import pandas as pd
import pytest

from analysis.ingest.frames import keep_rows


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": pd.array(["a", "b", None, "d"], dtype="string[pyarrow]"),
            "text": pd.Series(["x", None, "z", "w"], dtype="str"),
            "when": pd.to_datetime(["2024-03-01", None, "2024-03-03", "2024-03-04"]),
            "record": pd.array([1, None, 3, 4], dtype="Int64"),
            "count": np.array([0, 1, 2, 3], dtype=np.int32),
        }
    )


@pytest.mark.parametrize("keep", [[True, False, True, False], [False] * 4, [True] * 4])
def test_keep_rows_matches_pandas_boolean_selection(keep):
    df = _frame()
    expected = df[np.array(keep)].reset_index(drop=True)  # the reference: pandas itself
    pd.testing.assert_frame_equal(keep_rows(df, np.array(keep)), expected)


def test_keep_rows_rejects_a_mask_of_the_wrong_length():
    with pytest.raises(ValueError, match="a mask of 3 values for 4 rows"):
        keep_rows(_frame(), np.array([True, True, False]))
