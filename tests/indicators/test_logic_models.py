"""Loading and validating logic models; both seed models load and evaluate on the demonstration data."""

import copy

import pandas as pd
import pytest
import yaml

from analysis.logic_models import (
    LogicModelError,
    available_logic_models,
    evaluate_configured,
    load_logic_model,
    parse_logic_model,
)
from analysis.methods import indicators as ind

MINIMAL = {
    "title": "T", "partnership": "P", "goal": "G", "inputs": ["staff"], "activities": ["listen"],
    "outputs": [{"id": "O1", "text": "Complaints answered on time", "indicators": [{
        "id": "I1", "label": "Acknowledged in time", "kind": "key performance target",
        "measure_type": "proportion", "computation": "complaints_acknowledged_in_time",
        "frequency": "monthly", "polarity": "higher is better", "data_source": "complaints",
        "targets": [{"operator": ">=", "value": 100, "by": "2020-03-31"}],
    }]}],
    "outcomes": {"short": [{"id": "S1", "text": "People are heard"}]},
}  # fmt: skip


def broken(**changes):
    data = copy.deepcopy(MINIMAL)
    data["outputs"][0]["indicators"][0].update(changes)
    return data


def test_minimal_model_parses():
    model = parse_logic_model(MINIMAL, "t")
    assert model.indicator("I1").targets == [ind.Target(">=", 100.0, pd.Timestamp("2020-03-31"))]
    assert model.indicator("I1").level == "output"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"computation": "complaints_magic"}, "unknown computation 'complaints_magic'"),
        ({"targets": [{"operator": ">=", "value": 70}]}, "target >= 70 has no date"),
        ({"targets": [{"operator": "=>", "value": 70, "by": "2020-01-01"}]}, "'=>' is not one of"),
        (
            {"targets": [{"operator": ">=", "value": 70, "ongoing": True}]},
            "ongoing target needs from",
        ),
        ({"targets": [{"operator": ">=", "value": 70, "by": "not a date"}]}, "is not a date"),
        ({"kind": "aspiration"}, "'aspiration' is not one of: key performance target"),
        ({"measure_type": "ratio"}, "'ratio' is not one of"),
        ({"frequency": "weekly"}, "'weekly' is not one of"),
        ({"params": {"measure_id": "x"}}, "takes no param(s) ['measure_id']"),
        ({"computation": "measure"}, "computation 'measure' needs params measure_id"),
        ({"colour": "red"}, "unknown key(s) ['colour']"),
        ({"comparator": {"source": "fingertips", "statistic": "x"}}, "'fingertips' is not one of"),
    ],
)
def test_invalid_indicators_are_clear_errors(changes, message):
    with pytest.raises(LogicModelError) as exc:
        parse_logic_model(broken(**changes), "t")
    assert message in str(exc.value)
    assert "outputs[0].indicators[0] (I1)" in str(exc.value)  # says where


def test_duplicate_ids_and_missing_sections():
    data = copy.deepcopy(MINIMAL)
    data["outcomes"]["short"][0]["indicators"] = copy.deepcopy(data["outputs"][0]["indicators"])
    with pytest.raises(LogicModelError, match="used more than once: I1"):
        parse_logic_model(data, "t")
    with pytest.raises(LogicModelError, match="missing goal"):
        parse_logic_model({k: v for k, v in MINIMAL.items() if k != "goal"}, "t")
    with pytest.raises(LogicModelError, match="not found"):
        load_logic_model("no-such-model")


def test_model_file_with_bad_yaml(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(LogicModelError, match="not valid YAML"):
        load_logic_model(path)
    path.write_text(
        yaml.safe_dump(broken(targets=[{"operator": ">=", "value": 1}])), encoding="utf-8"
    )
    with pytest.raises(LogicModelError, match=str(path)):
        load_logic_model(path)


def test_seed_models_are_complete():
    assert set(available_logic_models()) >= {"midlothian", "leicestershire"}
    mid = load_logic_model("midlothian")
    # the five output indicators the seed lists, plus its staff training output
    assert [i.id for i in mid.indicators if i.level == "output"] == [
        "MID-1",
        "MID-2",
        "MID-3",
        "MID-4",
        "MID-5",
        "MID-6",
    ]
    assert "reduction in number of complaints" in mid.indicator("MID-5").label.lower()
    lpt = load_logic_model("leicestershire")
    assert [t.value for t in lpt.indicator("LPT-CCP").targets] == [40, 70, 100]
    assert [t.value for t in lpt.indicator("LPT-EBE").targets] == [30, 70]
    assert [(t.value, t.by) for t in lpt.indicator("LPT-COMP-RESP").targets] == [
        (70, pd.Timestamp("2019-12-31")), (90, pd.Timestamp("2020-03-31")),
    ]  # fmt: skip
    assert lpt.indicator("LPT-FFT-RR-MH").targets[0].value == 3
    assert lpt.indicator("LPT-FFT-RR-CH").targets[0].value == 4
    scores = [i.baseline[1] for i in lpt.indicators if i.id.startswith("LPT-SA-")]
    assert scores == [2.6, 2.8, 2.2, 2.0, 2.0, 2.0]  # the plan's 2019 self-assessment
    assert lpt.indicator("LPT-STAFF-FEEDBACK").computation == "survey_positive"


@pytest.mark.parametrize("name", ["midlothian", "leicestershire"])
def test_seed_models_evaluate_on_demonstration_data(demo_config, name):
    evaluation = evaluate_configured(demo_config, name, "2024-06")
    latest = evaluation.latest
    model = load_logic_model(name)
    assert latest["id"].tolist() == [i.id for i in model.indicators]
    assert set(latest["status"]) <= set(ind.STATUSES)
    no_data = latest[latest["status"] == ind.NO_DATA]
    assert no_data["note"].str.startswith("needs ").all()  # says what data it needs
    if name == "leicestershire":  # the demonstration data has FFT responses and eligible counts
        rr = latest.set_index("id").loc["LPT-FFT-RR-MH"]
        assert rr["status"] in (ind.MET, ind.NOT_MET) and 0 < rr["value"] < 100
        assert rr["lower"] < rr["value"] < rr["upper"]


def _truth(demo_config):
    import json

    path = demo_config.raw_dir / "truth.json"
    if not path.exists():
        pytest.skip("this demonstration generator writes no truth.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_late_acknowledgements_match_the_planted_truth(demo_config):
    """The demonstration generator plants a run of late acknowledgements and records in
    truth.json how many complaints were acknowledged late under England's rule (3 working
    days after the day received, bank holidays excluded). The computation must find them."""
    from analysis.logic_models import read_tables
    from analysis.methods.complaints import timeliness

    truth = _truth(demo_config)
    complaints = read_tables(demo_config.processed_dir)["complaints"]
    as_of = complaints["received_date"].max() + pd.Timedelta(days=60)
    late = timeliness(complaints, "england", as_of=as_of)["acknowledged_within"] == False  # noqa: E712
    assert len(complaints) == truth["complaints"]["received"]
    assert int(late.sum()) == truth["complaints"]["late_acknowledgements"]
    run = truth["late_acknowledgements"]
    in_run = (
        complaints["service_id"].eq(run["service_id"])
        & complaints["received_date"].between(run["start"], run["end"])
    ).to_numpy()
    assert int(late[in_run].sum()) == run["late"]
    assert int(late[~in_run].sum()) == run["late_elsewhere"]


def test_measures_read_as_the_generator_wrote_them(demo_config):
    truth = _truth(demo_config)
    evaluation = evaluate_configured(demo_config, "leicestershire", "2024-06")
    for indicator_id, measure_id in [
        ("LPT-CCP", "collaborative_care_planning"),
        ("LPT-EBE", "experts_by_experience_recruited"),
    ]:
        history = evaluation.history[indicator_id].set_index("period_end")["value"]
        for day, value in truth["measures"][measure_id].items():
            assert history[pd.Timestamp(day)] == pytest.approx(value)
