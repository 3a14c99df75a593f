"""The tidy tables a source's rows make: built at once or table by table (on threads), the same.

The reference is :func:`build_tables` as it was before the tables could be made one at a
time (kept here), run on rows with awkward text: odd white space, accents, titles and names,
markup and formulas, missing answers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analysis.config import load_config
from analysis.ingest import tables
from analysis.ingest.convert import TEXT
from analysis.ingest.sources import source_specs
from analysis.ingest.tables import _comments, _select, _subjects, build_tables, table_builders

AWKWARD = [
    "Thanks to Dr\u00a0Patel\tand Nurse Jo",
    None,
    "",
    "line one\u2028line two\nline three",
    "Zoë O’Neill — très bien",
    "<b>great</b> &amp; =SUM(A1:A9)",
    '\'=HYPERLINK("x")',
    "   ",
]


def reference_comments(spec, rows: pd.DataFrame) -> pd.DataFrame:
    """_comments of a wide export before it selected the rows in Arrow (pandas' ``loc``)."""
    if spec.comment_rows:
        return _comments(spec, rows)
    base = ["response_id", "service_id", "response_date", "source_file", "source_record"]
    frames = []
    for question in spec.comments:
        col = f"comment:{question}"
        c = rows.loc[rows[col].notna(), base]
        frames.append(
            c.assign(
                question=question,
                text=rows.loc[c.index, col],
                comment_id=c["response_id"] + "-" + question,
            )
        )
    return pd.concat(frames, ignore_index=True)[tables.COMMENT_COLUMNS]


def reference_build_tables(spec, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """build_tables before the tables could be made one at a time."""
    if spec.table == "fft_responses":
        responses = rows.drop_duplicates("response_id") if spec.comment_rows else rows
        return {
            "fft_responses": _select(responses, "fft_responses"),
            "fft_comments": reference_comments(spec, rows),
        }
    table = _select(rows, spec.table)
    if spec.table == "complaints":
        return {"complaints": table, "complaint_subjects": _subjects(spec, table)}
    return {spec.table: table}


def _text(values) -> pd.Series:
    return pd.Series(values, dtype=TEXT)


def _fft_rows() -> pd.DataFrame:
    n = len(AWKWARD)
    return pd.DataFrame(
        {
            "response_id": _text([f"R{i}" for i in range(n)]),
            "service_id": _text(["S1", "S2"] * (n // 2)),
            "response_date": pd.to_datetime(["2024-03-01"] * n),
            "rating": _text(["Good"] * n),
            "comment:what_was_good": _text(AWKWARD),
            "comment:what_could_be_better": _text(AWKWARD[::-1]),
            "source_file": _text(["fft/fft_2024-03.csv"] * n),
            "source_record": pd.array(range(1, n + 1), dtype="Int64"),
        }
    )


@pytest.fixture
def specs(partnership):
    cfg = partnership({"fft/fft_2024-03.csv": "ID,Ward,Date,Rating,Good,Better\n"})
    return source_specs(load_config(cfg.path).sources)


def _same(got: dict, expected: dict) -> None:
    assert list(got) == list(expected)
    for table, frame in expected.items():
        pd.testing.assert_frame_equal(got[table], frame, check_exact=True)


def test_fft_tables_made_one_at_a_time_are_the_tables_made_at_once(specs):
    spec, rows = specs["fft"], _fft_rows()
    expected = reference_build_tables(spec, rows)
    assert len(expected["fft_comments"]) == 2 * sum(t is not None for t in AWKWARD)
    _same(build_tables(spec, rows), expected)
    made = {table: make() for table, make in table_builders(spec, rows).items()}
    _same(made, expected)
    # in the other order (the comments first, as write_months makes them on this thread)
    builders = table_builders(spec, rows)
    later = {t: builders[t]() for t in reversed(builders)}
    _same({t: later[t] for t in builders}, expected)


def test_tables_of_other_sources_are_the_same():
    demo = load_config(Path(__file__).parents[2] / "config" / "partnerships" / "demo.yaml")
    specs = source_specs(demo.sources)
    assert "complaints" in {s.table for s in specs.values()}
    for spec in specs.values():
        if spec.table == "fft_responses":
            continue
        columns = [c for c in tables.SCHEMAS[spec.table].columns]
        rows = pd.DataFrame({c: _text(AWKWARD) for c in columns})
        if spec.table == "complaints":
            rows["subject"] = _text(["a; b", None, "", " c ;", "Zoë", "d;d", "e", " "])
        _same(build_tables(spec, rows), reference_build_tables(spec, rows))
        made = {t: make() for t, make in table_builders(spec, rows).items()}
        _same(made, reference_build_tables(spec, rows))


def test_the_rows_are_not_changed(specs):
    spec, rows = specs["fft"], _fft_rows()
    before = rows.copy()
    for make in table_builders(spec, rows).values():
        make()
    pd.testing.assert_frame_equal(rows, before)
    assert np.array_equal(rows.index, np.arange(len(rows)))


@pytest.mark.parametrize("n", [0, 1, 5_000])
def test_comments_of_many_rows_match_pandas_selection(specs, n):
    """Comments of rows answered here and there (thousands of runs of rows, so Arrow filters
    rather than slices), in columns of several chunks, from a frame with its own index."""
    spec, rng = specs["fft"], np.random.default_rng(7)
    texts = np.array(AWKWARD, dtype=object)[rng.integers(0, len(AWKWARD), n)]
    chunked = pa.chunked_array([texts[: n // 3], texts[n // 3 :]], type=pa.large_string())
    rows = pd.DataFrame(
        {
            "response_id": _text([f"R{i:05d}" for i in range(n)]),
            "service_id": _text(rng.choice(["S1", "S2", None], n)),
            "response_date": pd.to_datetime("2024-03-01")
            + pd.to_timedelta(rng.integers(0, 30, n), "D"),
            "comment:what_was_good": pd.Series(pd.arrays.ArrowStringArray(chunked)).astype(TEXT),
            "comment:what_could_be_better": _text(texts[::-1]),
            "source_file": _text(["fft/fft_2024-03.csv"] * n),
            "source_record": pd.array(range(1, n + 1), dtype="Int64"),
        }
    ).set_axis(pd.RangeIndex(n) * 2 + 10)
    expected = reference_comments(spec, rows)
    assert len(expected) == 2 * sum(t is not None for t in texts)
    pd.testing.assert_frame_equal(_comments(spec, rows), expected, check_exact=True)


def test_the_complaints_table_is_made_once_for_both_its_tables(monkeypatch):
    """The subjects come from the complaints table: made once, whichever is made first."""
    demo = load_config(Path(__file__).parents[2] / "config" / "partnerships" / "demo.yaml")
    spec = next(s for s in source_specs(demo.sources).values() if s.table == "complaints")
    rows = pd.DataFrame({c: _text(AWKWARD) for c in tables.SCHEMAS["complaints"].columns})
    rows["subject"] = _text(["a; b", None, "", " c ;", "Zoë", "d;d", "e", " "])
    made = []
    select = tables._select
    monkeypatch.setattr(tables, "_select", lambda *a: made.append(a[1]) or select(*a))
    for order in (1, -1):
        builders = table_builders(spec, rows)
        got = {t: builders[t]() for t in list(builders)[::order]}
        _same({t: got[t] for t in builders}, reference_build_tables(spec, rows))
    assert made == ["complaints", "complaints"]  # once per set of builders
