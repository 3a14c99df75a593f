"""On the demonstration partnership: classification end to end, and the planted truth is found.

The demonstration data (``analysis.demo``) plants a theme whose share of "what could
be better" comments rises month by month and an ethnic group that responds at a
fraction of its share of service users; ``truth.json`` records both. The rising theme
is looked for in a partnership generated over its whole ramp (six months before it
starts to the month it is complete), not only in the shared six-month fixture.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis import demo
from analysis.cli import main
from analysis.config import load_config, write_config
from analysis.demo import read_truth
from analysis.ingest.clean import clean
from analysis.ingest.store import read_table
from analysis.methods import theme_trends, voices
from analysis.textmodels.classify import classify, read_corrections

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def classified(demo_config_path):
    assert main(["--config", str(demo_config_path), "themes"]) == 0
    cfg = load_config(demo_config_path)
    names = [
        "fft_comments",
        "fft_responses",
        "comment_themes",
        "comment_sentiment",
        "service_population",
    ]
    return cfg, {n: read_table(n, cfg.processed_dir) for n in names}


@pytest.fixture(scope="module")
def ramp(tmp_path_factory):
    """A demonstration partnership over the planted theme's whole ramp, cleaned and classified."""
    base = load_config()
    planted = base.section("demo")["planted"]["rising_theme"]
    start = pd.Period(str(planted["start"]), "M")
    period = {"start": str(start - 6), "end": str(start + planted["months"] - 1)}
    root = tmp_path_factory.mktemp("ramp")
    path = write_config(
        base,
        root / "partnership.yaml",
        raw_dir=root / "raw",
        processed_dir=root / "processed",
        reports_dir=root / "reports",
        demo={**base.section("demo"), **period},
    )
    cfg = load_config(path)
    demo.generate(cfg.raw_dir, seed=cfg.section("demo")["seed"], config=cfg, **period)
    clean(cfg)
    classify(cfg)
    return cfg


def test_every_comment_is_classified_or_recognised_as_no_answer(classified):
    _, t = classified
    comments, themes, sentiment = t["fft_comments"], t["comment_themes"], t["comment_sentiment"]
    assert set(themes["comment_id"]) == set(comments["comment_id"])
    no_text = set(themes.loc[themes["subcategory"] == "Labelling not possible", "comment_id"])
    assert set(sentiment["comment_id"]) == set(comments["comment_id"]) - no_text


def test_the_planted_rising_theme_is_found(ramp):
    truth = read_truth(ramp.raw_dir)["rising_theme"]
    comments = read_table("fft_comments", ramp.processed_dir)
    themes = read_table("comment_themes", ramp.processed_dir)
    shares = theme_trends.monthly_theme_shares(comments, themes, question=truth["question"])
    for month in (truth["full_month"], str(pd.Period(truth["full_month"], "M") - 3)):
        rising = theme_trends.rising_themes(shares, month)
        # It is found, and it is the strongest signal of the month.
        assert rising["subcategory"].iloc[0] == truth["subcategory"], month
    # Before the ramp starts, it is not rising.
    before = theme_trends.rising_themes(shares, str(pd.Period(truth["start_month"], "M") - 1))
    assert truth["subcategory"] not in set(before["subcategory"])


def test_the_planted_under_represented_group_is_found(classified):
    cfg, t = classified
    truth = read_truth(cfg.raw_dir)["under_represented"]
    table = voices.representation(t["fft_responses"], t["service_population"], truth["group_type"])
    row = table.set_index("group").loc[truth["group"]]
    assert bool(row["under_represented"])
    assert row["population_share"] == pytest.approx(truth["expected_share"], abs=0.005)
    assert row["response_share"] == pytest.approx(truth["actual_share"], abs=0.01)


def test_recorded_corrections_override_the_model_and_join_the_next_training(classified, tmp_path):
    cfg, t = classified
    target = t["comment_sentiment"]["comment_id"].iloc[0]
    corrections = tmp_path / "corrections.csv"
    pd.DataFrame(
        {
            "comment_id": [target],
            "subcategories": ["Parking; Service location"],
            "sentiment": ["very negative"],
        }
    ).to_csv(corrections, index=False)
    shutil.copytree(
        cfg.processed_dir, tmp_path / "processed", ignore=shutil.ignore_patterns("models")
    )
    path = write_config(
        cfg,
        tmp_path / "p.yaml",
        processed_dir=tmp_path / "processed",
        themes={"corrections": str(corrections)},
        allowed_roots=[*cfg.data.get("allowed_roots", []), str(tmp_path)],
    )
    summary = classify(load_config(path))
    assert summary["corrections"] == 1
    themes = read_table("comment_themes", tmp_path / "processed")
    mine = themes.loc[themes["comment_id"] == target]
    assert sorted(mine["subcategory"]) == ["Parking", "Service location"]
    assert set(mine["origin"]) == {"correction"}
    sentiment = read_table("comment_sentiment", tmp_path / "processed").set_index("comment_id")
    assert sentiment.loc[target, "sentiment"] == "very negative"
    # The corrected comment changed the training data: a new model was trained and cached.
    models = list((tmp_path / "processed" / "models").glob("text-models-*.joblib"))
    assert len(models) == 1 and summary["model_key"][:20] in models[0].name


def test_bad_corrections_say_where(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_text(
        "comment_id,subcategories,sentiment\nC1,Parking,\nC2,Parkng,\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"line 3: unknown sub-categories \['Parkng'\]"):
        read_corrections(path)
    path.write_text("comment_id,subcategories,sentiment\nC1,,cross\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: sentiment 'cross'"):
        read_corrections(path)
    path.write_text("comment_id,themes\nC1,Parking\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        read_corrections(path)
    assert read_corrections(tmp_path / "none.csv").empty


def test_unchanged_inputs_are_not_classified_again(classified, monkeypatch):
    cfg, _ = classified
    from analysis.textmodels import classify as classify_module

    def no_model(*args, **kwargs):
        raise AssertionError("reclassified although nothing changed")

    monkeypatch.setattr(classify_module, "load_or_train", no_model)
    summary = classify(cfg)
    assert summary["comments"] == len(read_table("fft_comments", cfg.processed_dir))
    with pytest.raises(AssertionError, match="reclassified"):
        classify(cfg, force=True)


def test_a_comment_table_written_again_is_classified_again(demo_config, tmp_path):
    """The quick key (the tables' size and time as written) still sees a changed comment."""
    from analysis.config import relocate
    from analysis.ingest.store import write_table

    cfg = relocate(load_config(demo_config.path), tmp_path)
    shutil.copytree(demo_config.processed_dir, cfg.processed_dir)
    assert classify(cfg)["comments"] > 0  # current: nothing to do
    comments = read_table("fft_comments", cfg.processed_dir)
    target = comments["comment_id"].iloc[0]
    comments.loc[0, "text"] = (
        "Nowhere to park: the car park was full and the parking machine broken."
    )
    write_table(comments, "fft_comments", cfg.processed_dir)
    classify(cfg)
    themes = read_table("comment_themes", cfg.processed_dir)
    assert "Parking" in set(themes.loc[themes["comment_id"] == target, "subcategory"])
