"""The planted truth is in the raw files, before any model looks for it.

Every expected figure comes from ``truth.json``'s planted values (the configuration's
``demo.planted``), recomputed here from the exports with plain pandas; tolerances are
about three binomial standard errors for the counts involved.
"""

from __future__ import annotations

import re

import holidays
import numpy as np
import pandas as pd
import pytest
from demo_exports import code_map, read_export, uk_dates

from analysis import demo
from analysis.config import load_config
from analysis.reference import training_comments

POSITIVE = {"Very good", "Good", "Extremely likely", "Likely"}


@pytest.fixture(scope="module")
def fft(full_demo):
    cfg, raw, _ = full_demo
    df = read_export(cfg, raw, "fft", include_copies=False).drop_duplicates()
    df["service_id"] = df["service_code"].map(code_map(cfg))
    df["month"] = df["file"].str[14:21]
    df["positive"] = df["rating"].isin(POSITIVE)
    return df.loc[df["service_id"].notna() & (df["rating"] != "")]


def _share(df, first, last):
    rows = df.loc[(df["month"] >= first) & (df["month"] <= last)]
    return rows["positive"].mean(), len(rows)


def test_step_drop_and_recovery_of_the_positive_share(fft, full_demo):
    _, _, truth = full_demo
    step = truth["step"]
    service = fft.loc[fft["service_id"] == step["service_id"]]
    # Six months either side of each change; none of them December to February except
    # where both sides share the winter dip (2022-12..2023-02 lies inside the drop).
    before, _ = _share(service, "2022-04", "2022-09")
    during, n = _share(service, "2022-10", "2023-03")
    after, _ = _share(service, "2023-04", "2023-09")
    tolerance = 3 * np.sqrt(0.8 * 0.2 / n) * np.sqrt(2) * 100  # two independent shares
    winter = 0.025 * 3 / 6 * 100  # three winter months of six during the drop
    assert 100 * (during - before) == pytest.approx(step["drop_pp"] - winter, abs=tolerance)
    assert 100 * (after - during) == pytest.approx(step["recovery_pp"] + winter, abs=tolerance)


def test_the_we_did_action_behind_the_recovery_is_in_the_actions_export(full_demo):
    cfg, raw, truth = full_demo
    actions = read_export(cfg, raw, "actions")
    row = actions.loc[actions["action_id"] == truth["step"]["action_id"]].iloc[0]
    assert code_map(cfg)[row["service_code"]] == truth["step"]["service_id"]
    assert (
        uk_dates(pd.Series([row["action_date"]]))[0].date().isoformat()
        == truth["step"]["action_date"]
    )
    assert (
        truth["step"]["drop_date"] < truth["step"]["action_date"] < truth["step"]["recovery_date"]
    )
    assert row["status"] == "Complete" and row["published"] == "Y"


def test_the_rising_theme_share_of_comments_rises_as_planted(fft, full_demo):
    _, _, truth = full_demo
    theme = truth["rising_theme"]
    ref = training_comments()
    themed = set(
        ref.loc[ref["subcategories"].map(lambda s: theme["subcategory"] in s), "text"].str.strip()
    )
    other = set(
        ref.loc[
            ref["subcategories"].map(lambda s: theme["subcategory"] not in s), "text"
        ].str.strip()
    )
    comments = fft.loc[fft[theme["question"]] != "", ["month", theme["question"]]]
    text = comments[theme["question"]]
    comments = comments.assign(themed=text.isin(themed), known=text.isin(themed ^ other))
    comments = comments.loc[comments["known"]]  # a text labelled both ways is left out
    before = comments.loc[comments["month"] < theme["start_month"], "themed"]
    late = comments.loc[comments["month"] > theme["full_month"], "themed"]
    assert before.mean() == pytest.approx(
        theme["from_share"], abs=3 * np.sqrt(0.1 * 0.9 / len(before)) + 0.01
    )
    assert late.mean() == pytest.approx(
        theme["to_share"], abs=3 * np.sqrt(0.3 * 0.7 / len(late)) + 0.01
    )
    assert theme["subcategory"] == "Timeliness of care" and theme["size_pp"] == 22.0


def test_the_under_represented_group_answers_less_than_its_population_share(fft, full_demo):
    cfg, raw, truth = full_demo
    ur = truth["under_represented"]
    pop = read_export(cfg, raw, "service_population")
    pop = pop.loc[pop["group_type"] == ur["group_type"]].assign(
        people=lambda d: d["people"].astype(int)
    )
    expected = pop.groupby("group")["people"].sum() / pop["people"].sum()
    answered = fft.loc[fft[ur["group_type"]] != "", ur["group_type"]]
    actual = answered.value_counts(normalize=True)
    assert expected[ur["group"]] == pytest.approx(ur["expected_share"], abs=0.001)
    assert actual[ur["group"]] == pytest.approx(ur["actual_share"], abs=0.005)
    ratio = actual / expected
    # Planted: the group answers at 0.35 the rate of others, so its share falls to
    # 0.15 * 0.35 / (0.85 + 0.15 * 0.35) = 0.058; every other group rises by 1 / 0.9025.
    assert ratio[ur["group"]] == pytest.approx(0.35 / 0.9025, abs=0.03)
    assert (ratio.drop(ur["group"]) > 1.0).all()


def _late(received: pd.Series, acknowledged: pd.Series, nation_subdiv: str) -> pd.Series:
    """Acknowledged later than 3 working days after the day received (days after receipt counted)."""
    years = range(received.dt.year.min() - 1, received.dt.year.max() + 2)
    hols = np.array(
        sorted(holidays.country_holidays("GB", subdiv=nation_subdiv, years=years)),
        dtype="datetime64[D]",
    )
    start = received.to_numpy().astype("datetime64[D]") + 1
    end = acknowledged.to_numpy().astype("datetime64[D]") + 1
    return pd.Series(np.busday_count(start, end, holidays=hols) > 3, index=received.index)


def test_the_run_of_late_acknowledgements_is_there_and_nowhere_else(full_demo):
    cfg, raw, truth = full_demo
    run = truth["late_acknowledgements"]
    c = read_export(cfg, raw, "complaints")
    c["service_id"] = c["service_code"].map(code_map(cfg))
    received, acknowledged = uk_dates(c["received_date"]), uk_dates(c["acknowledged_date"])
    late = _late(received, acknowledged, "ENG")
    in_run = (c["service_id"] == run["service_id"]) & received.between(run["start"], run["end"])
    assert late.sum() == truth["complaints"]["late_acknowledgements"]
    assert (late & in_run).sum() == run["late"]
    assert (late & ~in_run).sum() == run["late_elsewhere"]
    assert late[in_run].mean() > 0.6
    assert late[~in_run].mean() < 0.1


def test_complaints_before_a_bank_holiday_are_on_time_though_a_week_passes(full_demo):
    cfg, raw, truth = full_demo
    c = read_export(cfg, raw, "complaints")
    received, acknowledged = uk_dates(c["received_date"]), uk_dates(c["acknowledged_date"])
    # Hand-worked: received Thursday 28 March 2024; Good Friday and Easter Monday are bank
    # holidays, so the working days after it are Tuesday 2, Wednesday 3 and Thursday 4 April:
    # acknowledged on 4 April it is on time, 7 calendar days later.
    easter = received == pd.Timestamp("2024-03-28")
    assert (acknowledged[easter] == pd.Timestamp("2024-04-04")).any()
    assert not _late(received[easter], acknowledged[easter], "ENG")[
        acknowledged == pd.Timestamp("2024-04-04")
    ].any()
    assert truth["complaints"]["acknowledged_on_deadline_across_bank_holiday"] > 20


def test_the_outlier_service_is_well_below_every_peer(fft, full_demo):
    _, _, truth = full_demo
    six_point = fft.loc[fft["month"] >= "2020-12"]
    share = six_point.groupby("service_id")["positive"].mean()
    outlier = truth["outlier"]["service_id"]
    assert share.drop(outlier).min() - share[outlier] > 0.08
    assert share[outlier] == pytest.approx(truth["outlier"]["positive_share"] - 0.025 / 4, abs=0.02)


def test_every_planted_defect_is_counted_exactly(full_demo):
    cfg, raw, truth = full_demo
    d = truth["defects"]
    monthly = read_export(cfg, raw, "fft", include_copies=False)
    assert (monthly["rating"] == "").sum() == d["blank_ratings"]
    unknown = monthly.loc[~monthly["service_code"].isin(code_map(cfg)), "service_code"]
    assert unknown.value_counts().sort_index().to_dict() == d["unknown_service_codes"]
    assert monthly.duplicated().sum() == d["duplicate_rows"]
    parsed = uk_dates(monthly["response_date"])
    assert parsed.isna().sum() == d["unparseable_dates"]
    swapped = monthly["response_id"].isin(d["ambiguous_dates"]["response_ids"])
    assert swapped.sum() == d["ambiguous_dates"]["count"] > 0
    assert (parsed[swapped].dt.strftime("%Y-%m") != monthly.loc[swapped, "file"].str[14:21]).all()
    twice = d["month_exported_twice"]
    first, again = (raw / "fft" / f for f in twice["files"])
    assert first.read_bytes() == again.read_bytes()

    once = monthly.loc[~monthly.duplicated()]
    text = pd.concat([once[q] for q in ("what_was_good", "what_could_be_better", "what_matters")])
    nhs = text.str.findall(r"\b999 \d{3} \d{4}\b").explode().dropna()
    assert len(nhs) == d["personal_details"]["nhs_number"]
    for number in nhs:
        digits = [int(x) for x in number.replace(" ", "")]
        assert (
            11 - sum(x * w for x, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
        ) % 11 == digits[9]
    assert (
        text.str.count(r"\b(?:07700 900|01632 960)\d{3}\b").sum() == d["personal_details"]["phone"]
    )
    assert text.str.count(r"@example\.com").sum() == d["personal_details"]["email"]
    titled = r"\b(?:Dr|Nurse|Mrs|Mr|Sister) (?:Hartley|Okafor|Brennan|Kowalski|Mistry|Fairbairn|Adeyemi|Lindqvist)\b"
    assert text.str.count(titled).sum() == d["personal_details"]["titled_name"]
    assert d["service_code_change"] == [
        {"service_id": "CH-DN", "old_code": "DNS03", "new_code": "DN003", "from": "2022-04-01"}
    ]
    codes = monthly.loc[monthly["service_code"].isin(["DNS03", "DN003"])]
    assert set(codes.loc[codes["file"] < "fft_responses_2022-04", "service_code"]) == {"DNS03"}
    assert set(codes.loc[codes["file"] >= "fft_responses_2022-04", "service_code"]) == {"DN003"}


def test_scotland_counts_working_days_on_scottish_bank_holidays(tmp_path):
    cfg = load_config("config/partnerships/scotland_demo.yaml")
    demo.generate(tmp_path, seed=5, config=cfg, start="2024-10", end="2024-12")
    truth = demo.read_truth(tmp_path)
    assert truth["generator"]["nation"] == "scotland"
    c = read_export(cfg, tmp_path, "complaints")
    received, acknowledged = uk_dates(c["received_date"]), uk_dates(c["acknowledged_date"])
    # Hand-worked: St Andrew's Day 2024 fell on a Saturday and Monday 2 December was the
    # Scottish bank holiday in lieu. A complaint received on Friday 29 November is due by
    # Thursday 5 December (3, 4, 5 December); in England it would be due on Wednesday 4th.
    friday = received == pd.Timestamp("2024-11-29")
    assert (acknowledged[friday] == pd.Timestamp("2024-12-05")).any()
    assert set(c["stage"]) <= {
        "Stage 1 frontline",
        "Stage 2 investigation",
    }
    assert re.search("scotland", truth["complaints"]["rule"])
