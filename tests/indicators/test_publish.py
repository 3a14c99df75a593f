"""The indicator table, the logic model diagram, trend charts, the notebook and the command."""

import pandas as pd
import papermill

from analysis.cli import main
from analysis.config import NOTEBOOKS_DIR
from analysis.logic_models import evaluate_configured, load_logic_model
from analysis.methods import indicators as ind
from analysis.publish.indicator_charts import trend_chart
from analysis.publish.indicator_table import STATUS_TEXT, format_value, indicator_table
from analysis.publish.logic_model_diagram import draw


def test_every_status_has_a_symbol_and_words():
    assert set(STATUS_TEXT) == set(ind.STATUSES)
    symbols = [text.split(" ", 1)[0] for text in STATUS_TEXT.values()]
    assert len(set(symbols)) == len(symbols)  # distinguishable without colour
    assert all(text.split(" ", 1)[1][0].isalpha() for text in STATUS_TEXT.values())


def test_values_in_their_units():
    assert format_value("proportion", 3.04, 2.51, 3.67) == "3.0% (2.5 to 3.7)"
    assert format_value("count", 5, 1.623, 11.668) == "5 (1.6 to 11.7)"
    assert format_value("rate", 2.5) == "2.5 per 1,000"
    assert format_value("milestone", 1) == "Done" and format_value("milestone", 0) == "Not done"


def test_small_counts_suppressed_and_small_denominators_flagged():
    latest = pd.DataFrame(
        [
            {"id": "A", "indicator": "A", "kind": "monitoring indicator", "measure_type": "proportion",
             "period_label": "2024-05", "numerator": 3, "denominator": 4, "value": 75.0, "lower": 30.1,
             "upper": 95.4, "status": "no target", "small_denominator": True, "note": ""},
            {"id": "B", "indicator": "B", "kind": "monitoring indicator", "measure_type": "proportion",
             "period_label": "2024-05", "numerator": 12, "denominator": 20, "value": 60.0, "lower": 38.7,
             "upper": 78.1, "status": "no target", "small_denominator": True, "note": ""},
        ]
    )  # fmt: skip
    table = indicator_table(latest, min_count=5)
    assert table.loc[0, "Value (95% CI)"] == "*"
    assert table.loc[1, "Value (95% CI)"] == "60.0% (38.7 to 78.1)"
    assert "small denominator (20)" in table.loc[1, "Notes"]


def test_diagram_and_charts_on_demonstration_data(demo_config):
    evaluation = evaluate_configured(demo_config, "leicestershire", "2024-06")
    fig, alt = draw(evaluation.model, evaluation.latest)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "LPT-FFT-RR-MH" in texts and "Inputs" in texts
    assert "Indicator status:" in alt
    history = evaluation.history["LPT-FFT-RR-MH"]
    fig, alt = trend_chart(evaluation.model.indicator("LPT-FFT-RR-MH"), history)
    assert "FFT response rate, mental health services" in alt
    assert len(fig.axes[0].lines) >= 2  # value and target


def test_diagram_without_evaluation_lists_every_indicator():
    model = load_logic_model("midlothian")
    fig, alt = draw(model)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert all(i.id in texts for i in model.indicators)
    assert "not evaluated" in alt


def test_indicators_command(demo_config_path, capsys):
    assert (
        main(
            [
                "--config",
                str(demo_config_path),
                "indicators",
                "--model",
                "leicestershire",
                "--month",
                "2024-06",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "FFT response rate, mental health services" in out and "No data" in out
    assert main(["--config", str(demo_config_path), "indicators", "--model", "nope"]) == 2
    assert "logic model 'nope' not found" in capsys.readouterr().err


def test_indicators_notebook_runs(demo_config_path, tmp_path):
    out = tmp_path / "04_indicators.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / "04_indicators.ipynb"), str(out), kernel_name="python3", progress_bar=False,
        parameters={"config_path": str(demo_config_path), "month": "2024-06", "logic_model": "leicestershire"},
        cwd=str(NOTEBOOKS_DIR),
    )  # fmt: skip
    assert "FFT response rate" in out.read_text(encoding="utf-8")


def test_counts_of_actions_are_not_suppressed():
    row = {
        "id": "A", "indicator": "Survey actions delivered", "kind": "key performance target",
        "measure_type": "proportion", "period_label": "2024/25 Q4", "numerator": 4,
        "denominator": 4, "value": 100.0, "lower": 51.0, "upper": 100.0, "status": "met",
        "small_denominator": True, "note": "",
    }  # fmt: skip
    shown = indicator_table(pd.DataFrame([{**row, "counts_people": False}]), min_count=5)
    hidden = indicator_table(pd.DataFrame([{**row, "counts_people": True}]), min_count=5)
    assert shown.loc[0, "Value (95% CI)"] == "100.0% (51.0 to 100.0)"
    assert hidden.loc[0, "Value (95% CI)"] == "*"
