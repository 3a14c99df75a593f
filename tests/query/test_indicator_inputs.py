"""Logic-model indicators read FFT counts from the query layer, never the response rows.

For the small demonstration partnership, on both store layouts and both engines, every
FFT indicator's numerator and denominator in every period equals the figure computed
here with pandas from the response rows (``read_table``), as the indicators computed it
before they read aggregates: responses (``size`` of the rows) ÷ people eligible, and
Very good + Good ÷ all responses, per financial month, quarter and year. Then each whole
evaluation (every indicator, every period, status, interval, trend) equals the one built
from the rows.
"""

from __future__ import annotations

from itertools import product
from pathlib import Path

import pandas as pd
import pytest

from analysis.context import load_context
from analysis.ingest.store import read_table
from analysis.logic_models import evaluate_model, load_logic_model, read_tables, small_tables
from analysis.methods import indicators as ind
from analysis.methods.fft import monthly_summary
from analysis.query.engine import spark_available

MONTH = "2024-06"
MODELS = ("leicestershire", "midlothian")


@pytest.fixture(scope="module")
def rows(demo_config):
    d = demo_config.processed_dir
    return {n: read_table(n, d) for n in ("services", "fft_responses", "fft_eligible")}


def _by_hand(rows, indicator, frequency):
    """The indicator's numerator and denominator per period, from the response rows."""
    r, e, s = rows["fft_responses"], rows["fft_eligible"], rows["services"]
    params = indicator.params
    ids = params.get("services") or (
        s.loc[s["setting"].isin(params["settings"]), "service_id"].tolist()
        if params.get("settings")
        else s["service_id"].tolist()
    )
    r, e = r[r["service_id"].isin(ids)], e[e["service_id"].isin(ids)]
    freq = ind.FREQUENCIES[frequency]
    period = r["response_date"].dt.to_period(freq)
    if indicator.computation == "fft_percent_positive":
        num = r["rating"].isin(["Very good", "Good"]).groupby(period).sum()
        den = r.groupby(period).size()
    else:
        num = r.groupby(period).size()
        den = e.groupby(e["month"].dt.to_period(freq))["eligible"].sum()
        num = num.reindex(den.index, fill_value=0)
    return pd.DataFrame({"numerator": num, "denominator": den}).astype(float)


def _fft_indicators():
    return [
        (name, i)
        for name in MODELS
        for i in load_logic_model(name).indicators
        if i.computation in ("fft_response_rate", "fft_percent_positive")
    ]


def test_the_demonstration_has_fft_indicators():
    found = {i.computation for _, i in _fft_indicators()}
    assert found == {"fft_response_rate", "fft_percent_positive"}


@pytest.fixture(scope="module")
def from_rows(demo_config, rows):
    """The tables as the pandas path gives them: FFT counts made from the rows."""
    tables = small_tables(demo_config.processed_dir)
    tables[ind.FFT_MONTHLY] = monthly_summary(rows["fft_responses"])
    tables["fft_eligible"] = rows["fft_eligible"]
    return tables


def test_fft_indicators_equal_pandas_from_rows(queries, rows, demo_config):
    tables = read_tables(demo_config.processed_dir, queries)
    assert "fft_responses" not in tables  # the rows are not read
    context = ind.Context(as_of=pd.Timestamp("2024-06-30"))
    for (_, indicator), frequency in product(_fft_indicators(), ind.FREQUENCIES):
        series = ind.evaluate(
            tables, indicator.computation, indicator.params, "proportion", frequency, [], context
        )
        got = series.set_index("period")[["numerator", "denominator"]].astype(float)
        want = _by_hand(rows, indicator, frequency)
        want = want[want.index.map(lambda p: p.end_time.normalize() <= context.as_of)]
        assert len(want) > 0
        pd.testing.assert_frame_equal(got, want.rename_axis("period"), obj=indicator.id)


@pytest.mark.parametrize("name", MODELS)
def test_whole_evaluation_equals_the_pandas_path(queries, from_rows, demo_config, name):
    model = load_logic_model(name)
    got = evaluate_model(model, read_tables(demo_config.processed_dir, queries), MONTH)
    want = evaluate_model(model, from_rows, MONTH)
    pd.testing.assert_frame_equal(got.latest, want.latest)
    assert got.history.keys() == want.history.keys()
    for key in want.history:
        pd.testing.assert_frame_equal(got.history[key], want.history[key], obj=key)


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
@pytest.mark.skipif(spark_available() is not None, reason=str(spark_available()))
def test_a_spark_configured_context_gives_the_same_evaluations_and_voices(
    demo_config_path, tmp_path
):
    """A partnership configured with ``query: {engine: spark}`` evaluates its logic models and
    counts who answered on Spark: the same figures as on DuckDB."""
    import yaml

    data = yaml.safe_load(Path(demo_config_path).read_text(encoding="utf-8"))
    data["query"] = {"engine": "spark"}
    spark_path = tmp_path / "spark.yaml"
    spark_path.write_text(yaml.safe_dump(data), encoding="utf-8")
    on_spark = load_context(spark_path, MONTH)
    on_duckdb = load_context(demo_config_path, MONTH)
    assert on_spark.queries.engine.name == "spark" and on_duckdb.queries.engine.name == "duckdb"
    assert on_spark.evaluations.keys() == on_duckdb.evaluations.keys()
    for name, evaluation in on_duckdb.evaluations.items():
        pd.testing.assert_frame_equal(on_spark.evaluations[name].latest, evaluation.latest)
    for g in ("age_band", "ethnicity"):
        a, b = on_spark.voice_counts(g), on_duckdb.voice_counts(g)
        pd.testing.assert_frame_equal(a.fillna("-"), b.fillna("-"), check_dtype=False)
