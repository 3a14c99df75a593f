"""Row selection in Arrow matches pandas' own boolean selection, dtypes included."""

import itertools
from unittest.mock import patch

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.ingest import frames
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


@pytest.mark.parametrize("sliced_runs", [0, 10_000])  # always filtered, always sliced
@given(keep=st.lists(st.booleans(), min_size=8, max_size=8).map(lambda k: np.repeat(k, 5)))
@settings(max_examples=40, deadline=None)
def test_keep_rows_sliced_or_filtered_matches_pandas_on_columns_of_several_chunks(
    sliced_runs, keep
):
    chunked = pa.chunked_array([[f"v{i}" for i in range(s, s + 10)] for s in range(0, 40, 10)])
    df = pd.DataFrame(
        {
            "text": pd.Series(pd.arrays.ArrowStringArray(chunked.cast(pa.large_string()))),
            "n": np.arange(40),
        }
    )
    with patch.object(frames, "MAX_SLICED_RUNS", sliced_runs):
        kept = keep_rows(df, keep)
    pd.testing.assert_frame_equal(kept, df[keep].reset_index(drop=True))


@given(keep=st.lists(st.booleans(), max_size=30), most=st.integers(0, 8))
@settings(max_examples=200, deadline=None)
def test_runs_are_listed_up_to_the_limit_and_only_counted_beyond_it(keep, most):
    """Each run of kept rows as (start, stop), found by hand with ``itertools.groupby``;
    ``None`` when there are more than ``most`` of them."""
    expected, at = [], 0
    for kept, group in itertools.groupby(keep):
        n = len(list(group))
        if kept:
            expected.append((at, at + n))
        at += n
    runs = frames._runs(np.array(keep, dtype=bool), most)
    assert runs == (expected if len(expected) <= most else None)


AWKWARD = ["Dr\u00a0Patel\tand Jo", None, "line\u2028two\nthree", "Zoë O’Neill", "=SUM(A1)", ""]


@pytest.mark.parametrize("parallel_rows", [0, 10**9])  # columns on threads, or here
@pytest.mark.parametrize("sliced_runs", [0, 10_000])
def test_rows_kept_are_their_own_and_match_pandas_on_awkward_text(sliced_runs, parallel_rows):
    """The frame of the rows kept is made without copying its new columns again; it
    matches pandas' selection and changing it leaves the frame it came from as it was."""
    n = len(AWKWARD)
    df = pd.DataFrame(
        {
            "text": pd.Series(AWKWARD, dtype="str"),
            "count": np.arange(n, dtype=np.int32),
            "other": np.arange(n, dtype=np.int32) * 2,
            "line": np.arange(n, dtype=np.int64),
            "record": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
            "when": pd.to_datetime(["2024-03-01", None, "2024-03-03", "2024-03-04"] * 2)[:n],
            "flag": np.array([True, False] * 3),
        }
    )
    before = df.copy(deep=True)
    keep = np.array([True, False, True, True, False, True])
    with (
        patch.object(frames, "MAX_SLICED_RUNS", sliced_runs),
        patch.object(frames, "PARALLEL_ROWS", parallel_rows),
    ):
        kept = keep_rows(df, keep)
    pd.testing.assert_frame_equal(kept, df[keep].reset_index(drop=True))
    kept.loc[0, "count"] = 99
    kept.loc[0, "record"] = 99
    kept.loc[0, "flag"] = False
    pd.testing.assert_frame_equal(df, before)


def reference_repeated_values(values) -> np.ndarray:
    """repeated_values before values in order with neighbours equal were found without hashing."""
    n = len(values)
    run = 0
    if n and values[0].is_valid:
        breaks = pc.fill_null(pc.less_equal(values[1:], values[:-1]), True)
        first = np.flatnonzero(breaks.to_numpy(zero_copy_only=False))
        run = int(first[0]) + 1 if len(first) else n
    dup = np.zeros(n, dtype=bool)
    if run == n:
        return dup
    if run < n - run:
        run = 0
    rest = frames.dictionary_array(values[run:])
    size = max(len(rest.dictionary), 1)
    codes = pc.fill_null(rest.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    counts = np.bincount(codes[codes >= 0], minlength=size)
    if run:
        hits = pc.fill_null(pc.index_in(values[:run], value_set=rest.dictionary), -1)
        hits = hits.to_numpy(zero_copy_only=False).astype(np.int64)
        counts += np.bincount(hits[hits >= 0], minlength=size)
        dup[:run] = hits >= 0
    dup[run:] = np.where(codes >= 0, counts[np.maximum(codes, 0)] > 1, (codes < 0).sum() > 1)
    return dup


#: Keys that look alike: white space of every kind, accents, case, markup, formulas.
KEYS = ["R1", "R1 ", " R1", "R1\t", "R1\u00a0", "R1\u2028", "R1\n", "r1", "Ŕ1", "<b>R1", "=R1", ""]


def _chunked(values: list, cut: int):
    return pa.chunked_array([values[:cut], values[cut:]], type=pa.large_string())


@given(
    keys=st.lists(st.sampled_from(KEYS) | st.text(max_size=3), min_size=1, max_size=30),
    order=st.sampled_from(["sorted", "as drawn", "sorted, one moved"]),
    nulls=st.booleans(),
    cut=st.integers(0, 30),
)
@settings(max_examples=300, deadline=None)
def test_repeated_values_match_the_hashing_reference(keys, order, nulls, cut):
    if order != "as drawn":
        keys = sorted(keys)
    if order == "sorted, one moved" and len(keys) > 2:
        keys.insert(1, keys.pop())
    values = [None if nulls and i % 7 == 3 else k for i, k in enumerate(keys)]
    for arr in (pa.array(values, pa.string()), _chunked(values, min(cut, len(values)))):
        np.testing.assert_array_equal(
            frames.repeated_values(arr), reference_repeated_values(arr), err_msg=str(values)
        )


@pytest.mark.parametrize(
    "values",
    [
        ["R1", "R1", "R2", "R3", "R3", "R3", "R4"],  # in order, rows exported twice in place
        ["R1", "R2", "R2", "R1"],  # equal neighbours, then out of order
        ["R1 ", "R1", "R1\u00a0", "R1\u00a0", "R1\t"],
        ["", "", "a"],
    ],
)
def test_repeated_values_in_order_with_equal_neighbours(values):
    np.testing.assert_array_equal(
        frames.repeated_values(pa.array(values)), reference_repeated_values(pa.array(values))
    )
