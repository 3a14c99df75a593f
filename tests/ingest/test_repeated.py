"""Repeated keys are found exactly as pandas finds them, whatever the order of the export."""

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from analysis.ingest.frames import repeated_values

keys = st.lists(st.one_of(st.none(), st.sampled_from(["R1", "R2", "R3", "R10", "R9", ""])))


def _reference(values: list) -> np.ndarray:
    return pd.Series(values, dtype=object).duplicated(keep=False).to_numpy()


@given(keys)
def test_repeated_values_match_pandas_duplicated(values):
    found = repeated_values(pa.array(values, pa.large_string()))
    assert found.tolist() == _reference(values).tolist()


@given(st.integers(0, 50), st.lists(st.integers(0, 60), max_size=10))
def test_an_ordered_export_with_rows_exported_again_after_it(n, again):
    values = [f"R{i:03d}" for i in range(n)] + [f"R{i:03d}" for i in again]
    found = repeated_values(pa.array(values, pa.large_string()))
    assert found.tolist() == _reference(values).tolist()


@given(keys, st.integers(1, 4))
def test_repeated_values_of_a_chunked_array_match_pandas_duplicated(values, size):
    chunked = pa.chunked_array(
        [pa.array(values[i : i + size], pa.large_string()) for i in range(0, len(values), size)]
        or [pa.array([], pa.large_string())]
    )
    assert repeated_values(chunked).tolist() == _reference(values).tolist()
