"""Row selection and repeated values for frames whose text columns are held in Arrow.

Pandas selects rows of an Arrow-backed column by turning the mask into
positions and taking each one; Arrow's own ``filter`` reads the mask directly
and, on a million rows of text, takes a third to a half of the time. Columns
keep their exact dtype (pandas' ``str`` and ``string[pyarrow]`` alike).

Example
-------
>>> import pandas as pd, numpy as np
>>> df = pd.DataFrame({"id": pd.array(["a", "b", None], dtype="string[pyarrow]"),
...                    "text": pd.Series(["x", "y", "z"], dtype="str"), "n": [1, 2, 3]})
>>> kept = keep_rows(df, np.array([True, False, True]))
>>> kept["id"].tolist(), kept["text"].tolist(), kept["n"].tolist()
(['a', <NA>], ['x', 'z'], [1, 3])
>>> (kept.dtypes == df.dtypes).all()
np.True_
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _in_arrow(dtype) -> bool:
    return isinstance(dtype, pd.ArrowDtype) or getattr(dtype, "storage", None) == "pyarrow"


#: Up to how many runs of kept rows an Arrow column is sliced rather than filtered.
MAX_SLICED_RUNS = 16
#: From how many rows the columns are filtered on several threads (:func:`threads`).
PARALLEL_ROWS = 100_000


@lru_cache(maxsize=1)
def threads() -> ThreadPoolExecutor:
    """Threads for Arrow's work on a large frame, one per core (created once): filtering its
    columns (:func:`keep_rows`), encoding a large partition's files (:mod:`.store`).
    Arrow does that work without holding the interpreter, so the threads run at once.
    Their tasks never wait for one another."""
    return ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="keep_rows")


def row_parts(n: int, size: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of the parts of ``n`` rows, of nearly equal size, none over ``size``.

    >>> row_parts(5, 2), row_parts(0, 2), row_parts(4, 4)
    ([(0, 2), (2, 3), (3, 5)], [(0, 0)], [(0, 4)])
    """
    k = max(1, -(-n // size))
    bounds = [round(i * n / k) for i in range(k + 1)]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def _runs(keep: np.ndarray, most: int) -> list[tuple[int, int]] | None:
    """The (start, stop) of each run of ``True`` in ``keep``, or ``None`` if there are
    more than ``most`` runs (counted without listing them: rows dropped here and there
    make hundreds of thousands).

    >>> _runs(np.array([True, True, False, True]), 2), _runs(np.array([True, False, True]), 1)
    ([(0, 2), (3, 4)], None)
    """
    edges = np.flatnonzero(np.diff(np.concatenate(([0], keep.view(np.int8), [0]))))
    if len(edges) // 2 > most:
        return None
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True))


def _sliced(column: pa.ChunkedArray, runs: list[tuple[int, int]]) -> pa.ChunkedArray:
    """The rows of ``runs`` as slices of ``column``'s own buffers (nothing copied)."""
    parts = [chunk for a, b in runs for chunk in column.slice(a, b - a).chunks]
    return pa.chunked_array(parts, type=column.type)


def keep_rows(df: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """``df[keep]`` with a fresh ``RangeIndex``; Arrow-backed columns are filtered in Arrow.

    Rows removed are often few and together (a file's re-exported rows at its end):
    when the rows kept form at most :data:`MAX_SLICED_RUNS` runs, Arrow columns keep
    slices of their buffers instead of copying every value.
    """
    keep = np.asarray(keep, dtype=bool)
    if len(keep) != len(df):
        raise ValueError(f"a mask of {len(keep)} values for {len(df)} rows")
    runs = _runs(keep, MAX_SLICED_RUNS)
    mask = None if runs is not None else pa.array(keep)

    def select(name: str) -> pd.Series:
        column = df[name]
        if _in_arrow(column.dtype):
            arrow = pa.chunked_array(pa.array(column))
            chosen = _sliced(arrow, runs) if mask is None else arrow.filter(mask)
            values = column.dtype.__from_arrow__(chosen)
        else:
            values = column.array[keep]
        return pd.Series(values, name=name, copy=False)

    names = list(df.columns)
    if mask is not None and len(df) >= PARALLEL_ROWS and len(names) > 1:
        # Arrow copies the kept values without holding the interpreter: columns in parallel.
        columns = dict(zip(names, threads().map(select, names), strict=True))
    else:
        columns = {name: select(name) for name in names}
    # The columns are already new (or slices of immutable Arrow buffers): not copied again.
    kept = pd.DataFrame(columns, columns=df.columns, copy=False)
    kept.attrs = dict(df.attrs)
    return kept


def dictionary_array(values: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    """``values`` dictionary-encoded as one array, whether or not they come in chunks.

    The chunks of an encoded chunked array share one dictionary, so joining them
    copies the indices only, never the text.

    >>> d = dictionary_array(pa.chunked_array([["a", "b"], ["a"]]))
    >>> d.dictionary.to_pylist(), d.indices.to_pylist()
    (['a', 'b'], [0, 1, 0])
    """
    encoded = pc.dictionary_encode(values)
    return encoded.combine_chunks() if isinstance(encoded, pa.ChunkedArray) else encoded


def repeated_values(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Which values occur more than once (two nulls are the same value).

    Exports usually list their keys in order, with any re-exported rows after them.
    The leading run of values each greater than the one before is distinct (one
    pass); when it holds most of the values, only the values after it go into a hash
    table and the run is looked up in that small table, rather than hashing every
    value into a table of a million. Values in order but for some equal to the one
    before (rows exported twice in place) are repeated exactly where they equal a
    neighbour (a second pass). Otherwise every value goes into one table.

    >>> repeated_values(pa.array(["R1", "R2", "R3", "R2", None, None])).tolist()
    [False, True, False, True, True, True]
    >>> repeated_values(pa.array(["R1", "R2", "R2", "R2", "R3"])).tolist()
    [False, True, True, True, False]
    """
    n = len(values)
    run = 0
    if n and values[0].is_valid:
        breaks = pc.fill_null(pc.less_equal(values[1:], values[:-1]), True)
        breaks = breaks.to_numpy(zero_copy_only=False)
        first = np.flatnonzero(breaks)
        run = int(first[0]) + 1 if len(first) else n
    dup = np.zeros(n, dtype=bool)
    if run == n:
        return dup
    if run and values.null_count == 0:
        # In order but for values equal to the one before (a row exported twice, in place):
        # equal values are then neighbours, and no value need be hashed.
        same = pc.equal(values[1:], values[:-1]).to_numpy(zero_copy_only=False)
        if np.array_equal(same, breaks):
            dup[1:] = same
            dup[:-1] |= same
            return dup
    if run < n - run:  # mostly out of order: one table of every value is cheaper
        run = 0
    rest = dictionary_array(values[run:])
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
