"""Theme trends and louder and quieter voices on small hand-built tables, checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.methods import theme_trends, triangulation, voices


def test_wilson_interval_by_hand_and_against_published_figures():
    # By hand, 10 of 100 at 95% (z = 1.959964): centre (p + z²/2n)/(1 + z²/n) = 0.1192073/1.0384146,
    # half-width z·√(p(1−p)/n + z²/4n²)/(1 + z²/n) = 1.959964·0.0315600/1.0384146.
    z = 1.959964
    centre = (0.1 + z**2 / 200) / (1 + z**2 / 100)
    half = z * math.sqrt(0.1 * 0.9 / 100 + z**2 / 40000) / (1 + z**2 / 100)
    low, high = voices.wilson_interval(10, 100)
    assert float(low) == pytest.approx(centre - half, abs=1e-6)
    assert float(high) == pytest.approx(centre + half, abs=1e-6)
    assert (round(float(low), 4), round(float(high), 4)) == (0.0552, 0.1744)
    # Newcombe (1998), Statistics in Medicine 17:857, Table I: 81/263 → 0.2553 to 0.3662.
    low, high = voices.wilson_interval(81, 263)
    assert (round(float(low), 4), round(float(high), 4)) == (0.2553, 0.3662)


def test_newcombe_difference_interval_reproduces_the_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 − 48/80,
    # method 10 (hybrid score): 0.0524 to 0.3339.
    responses = pd.DataFrame(
        {
            "sex": ["A"] * 70 + ["B"] * 80,
            "rating": ["Very good"] * 56 + ["Poor"] * 14 + ["Good"] * 48 + ["Very poor"] * 32,
        }
    )
    table = voices.rating_by_group(responses, "sex").set_index("group")
    assert round(table.loc["A", "difference_low"], 4) == 0.0524
    assert round(table.loc["A", "difference_high"], 4) == 0.3339
    assert bool(table.loc["A", "differs"])


def _responses(groups: dict[str, int], service="S1", date="2024-03-15"):
    rows = [g for g, n in groups.items() for _ in range(n)]
    return pd.DataFrame(
        {
            "response_id": [f"R{i}" for i in range(len(rows))],
            "service_id": service,
            "response_date": pd.Timestamp(date),
            "rating": "Good",
            "mode": "SMS",
            "age_band": None,
            "sex": None,
            "ethnicity": rows,
        }
    )


def _population(people: dict[str, int], service="S1"):
    return pd.DataFrame(
        {
            "service_id": service,
            "period_start": pd.Timestamp("2024-01-01"),
            "period_end": pd.Timestamp("2024-12-31"),
            "group_type": "ethnicity",
            "group": list(people),
            "people": list(people.values()),
        }
    )


def test_representation_flags_a_group_whose_interval_is_below_its_population_share():
    responses = _responses({"A": 20, "B": 180})
    population = _population({"A": 300, "B": 700})
    table = voices.representation(responses, population, "ethnicity").set_index("group")
    # A: 20 of 200 responses = 0.10. Wilson 95% by hand: centre (0.1 + 3.841459/400)/(1 + 3.841459/200)
    # = 0.1096036/1.0192073 = 0.107538; half 1.959964·√(0.09/200 + 3.841459/160000)/1.0192073
    # = 1.959964·0.0217717/1.0192073 = 0.041868; upper 0.149406, against 0.30 of service
    # users → under-represented; B: 0.90 against 0.70 → over-represented.
    assert table.loc["A", "response_share"] == pytest.approx(0.10)
    assert table.loc["A", "high"] == pytest.approx(0.149406, abs=1e-5)
    assert table.loc["A", "population_share"] == pytest.approx(0.30)
    assert bool(table.loc["A", "under_represented"]) and not bool(
        table.loc["A", "over_represented"]
    )
    assert bool(table.loc["B", "over_represented"])


def test_representation_counts_only_responses_inside_the_population_period():
    responses = pd.concat(
        [_responses({"A": 10}), _responses({"A": 50}, date="2025-02-01")], ignore_index=True
    )
    population = _population({"A": 10, "B": 10})
    table = voices.representation(responses, population, "ethnicity").set_index("group")
    assert table.loc["A", "responses"] == 10


def test_bad_group_type_is_a_clear_error():
    with pytest.raises(ValueError, match="group_type must be one of"):
        voices.representation(_responses({"A": 1}), _population({"A": 1}), "religion")


def _comments_and_themes(monthly: dict[str, tuple[int, int]]):
    """monthly: month → (comments, of which about Parking)."""
    comments, themes = [], []
    for month, (n, k) in monthly.items():
        for i in range(n):
            cid = f"{month}-{i}"
            comments.append(
                (cid, f"R{cid}", "S1", pd.Timestamp(f"{month}-10"), "what_could_be_better", "text")
            )
            sub = "Parking" if i < k else "Timeliness of care"
            themes.append((cid, "cat", sub, "model", 0.9))
    return (
        pd.DataFrame(
            comments,
            columns=[
                "comment_id",
                "response_id",
                "service_id",
                "response_date",
                "question",
                "text",
            ],
        ),
        pd.DataFrame(themes, columns=["comment_id", "category", "subcategory", "origin", "score"]),
    )


def test_p_chart_limits_by_hand():
    chart = theme_trends.p_chart(pd.Series([10, 20, 30]), pd.Series([100, 100, 100]))
    # p̄ = 60/300 = 0.2; σ = √(0.2·0.8/100) = 0.04; limits 0.2 ± 0.12
    assert chart["centre"].iloc[0] == pytest.approx(0.2)
    assert chart["upper"].tolist() == pytest.approx([0.32] * 3)
    assert chart["lower"].tolist() == pytest.approx([0.08] * 3)
    assert chart["z"].tolist() == pytest.approx([-2.5, 0.0, 2.5])


def test_rising_theme_is_the_one_above_the_upper_limit_of_the_months_before():
    months = {f"2024-{m:02d}": (100, 10) for m in range(1, 7)}
    months["2024-07"] = (100, 25)
    comments, themes = _comments_and_themes(months)
    shares = theme_trends.monthly_theme_shares(comments, themes)
    rising = theme_trends.rising_themes(shares, "2024-07")
    # Parking: baseline 60/600 = 0.10, upper 0.10 + 3·√(0.09/100) = 0.19 < 0.25 → rising.
    assert rising["subcategory"].tolist() == ["Parking"]
    assert rising["upper"].iloc[0] == pytest.approx(0.19)
    assert theme_trends.rising_themes(shares, "2024-06").empty


def test_monthly_shares_leave_out_comments_with_no_usable_text():
    comments, themes = _comments_and_themes({"2024-01": (4, 1)})
    themes.loc[3, "subcategory"] = "Labelling not possible"
    shares = theme_trends.monthly_theme_shares(comments, themes).set_index("subcategory")
    assert shares.loc["Parking", "comments"] == 3
    assert shares.loc["Parking", "share"] == pytest.approx(1 / 3)


def test_representative_quotes_follow_the_stated_rule():
    comments = pd.DataFrame(
        {
            "comment_id": ["a", "b", "c", "d"],
            "response_id": ["1", "2", "3", "4"],
            "service_id": "S1",
            "response_date": pd.Timestamp("2024-01-05"),
            "question": "what_was_good",
            "text": [
                "Plenty of parking spaces, easy.",
                "No parking anywhere near.",
                "Parking was fine really.",
                "short",
            ],
        }
    )
    themes = pd.DataFrame(
        {
            "comment_id": ["a", "b", "c", "d"],
            "category": "cat",
            "subcategory": "Parking",
            "origin": "model",
            "score": [0.9, 0.8, 0.95, 0.99],
        }
    )
    sentiment = pd.DataFrame(
        {
            "comment_id": ["a", "b", "c", "d"],
            "sentiment": ["very positive", "very negative", "positive", "positive"],
            "score": [0.9, -0.9, 0.3, 0.9],
        }
    )
    quotes = theme_trends.representative_quotes(comments, themes, sentiment, per_theme=1)
    # positive: a (0.9·0.9 = 0.81) beats c (0.95·0.3 = 0.285); d is under 20 characters.
    assert quotes.set_index("tone")["comment_id"].to_dict() == {"negative": "b", "positive": "a"}


def _quotes_with_text_on_every_row(comments, themes, sentiment, per_theme, max_chars=300):
    """The rule as first written (each theme row carrying its text): the reference."""
    rows = themes.loc[themes["origin"] == "model", ["comment_id", "subcategory", "score"]]
    rows = rows.merge(sentiment.rename(columns={"score": "polarity"}), on="comment_id")
    rows = rows.merge(
        comments[["comment_id", "service_id", "response_date", "text"]], on="comment_id"
    )
    rows = rows.loc[rows["text"].str.len().between(20, max_chars)]
    tone = np.select(
        [
            rows["sentiment"].isin(["very positive", "positive"]),
            rows["sentiment"].isin(["negative", "very negative"]),
        ],
        ["positive", "negative"],
        "neutral",
    )
    rows = rows.assign(tone=tone)
    rows = rows.loc[rows["tone"] != "neutral"]
    rows["strength"] = rows["score"] * np.where(
        rows["tone"] == "positive", rows["polarity"], -rows["polarity"]
    )
    rows = rows.sort_values(
        ["subcategory", "tone", "strength", "comment_id"], ascending=[True, True, False, True]
    )
    rows = rows.drop_duplicates(["subcategory", "tone", "text"])
    out = rows.groupby(["subcategory", "tone"], sort=True).head(per_theme)
    return out[
        ["subcategory", "tone", "comment_id", "service_id", "response_date", "text", "strength"]
    ].reset_index(drop=True)


@pytest.mark.parametrize("per_theme", [1, 3])
def test_representative_quotes_equal_the_rule_with_text_on_every_row(per_theme):
    """Many comments, repeated texts, missing text, themes without a comment and a comment
    with two sentiment rows (joined as a merge joins them)."""
    rng = np.random.default_rng(7)
    n = 600
    bank = [f"Comment number {k} about the parking and the staff." for k in range(40)]
    comments = pd.DataFrame(
        {
            "comment_id": [f"c{i:04d}" for i in range(n)],
            "service_id": rng.choice(["S1", "S2"], n),
            "response_date": pd.Timestamp("2024-01-05"),
            "text": pd.array(
                [None if i % 50 == 0 else bank[rng.integers(40)] for i in range(n)],
                dtype="string[pyarrow]",
            ),
        }
    )
    theme_rows = rng.integers(0, n + 20, 1500)
    themes = pd.DataFrame(
        {
            "comment_id": [f"c{i:04d}" for i in theme_rows],
            "subcategory": rng.choice(["Parking", "Staff", "Food"], len(theme_rows)),
            "origin": rng.choice(["model", "rule"], len(theme_rows), p=[0.9, 0.1]),
            "score": rng.random(len(theme_rows)).round(3),
        }
    ).drop_duplicates(["comment_id", "subcategory"])
    sentiment = pd.DataFrame(
        {
            "comment_id": comments["comment_id"],
            "sentiment": rng.choice(["very positive", "positive", "neutral", "negative"], n),
            "score": rng.uniform(-1, 1, n).round(3),
        }
    )
    sentiment = pd.concat([sentiment, sentiment.iloc[:5]], ignore_index=True)  # repeated ids
    want = _quotes_with_text_on_every_row(comments, themes, sentiment, per_theme)
    got = theme_trends.representative_quotes(comments, themes, sentiment, per_theme=per_theme)
    assert len(want) == 3 * 2 * per_theme  # three themes, two tones
    pd.testing.assert_frame_equal(got, want)


def test_search_by_text_and_theme():
    comments, themes = _comments_and_themes({"2024-01": (3, 1)})
    comments.loc[1, "text"] = "The Car park (main) was full"
    found = theme_trends.search_comments(comments, themes, text="car park (main)")
    assert found["comment_id"].tolist() == [comments.loc[1, "comment_id"]]
    assert theme_trends.search_comments(comments, themes, subcategory="Parking")[
        "comment_id"
    ].tolist() == [comments.loc[0, "comment_id"]]


def test_thematic_review_puts_sources_side_by_side():
    comments, themes = _comments_and_themes({"2024-01": (3, 2)})
    themes["category"] = np.where(themes["subcategory"] == "Parking", "Service location", "Access")
    sentiment = pd.DataFrame(
        {"comment_id": comments["comment_id"], "sentiment": "negative", "score": -0.5}
    )
    complaints = pd.DataFrame(
        {
            "complaint_id": ["C1", "C2"],
            "service_id": "S1",
            "received_date": pd.Timestamp("2024-02-01"),
        }
    )
    subjects = pd.DataFrame(
        {
            "complaint_id": ["C1", "C2", "C2"],
            "subject": ["Car parking", "Car parking", "Staff attitude"],
        }
    )
    compliments = pd.DataFrame(
        {"compliment_id": ["P1"], "service_id": "S1", "received_date": pd.Timestamp("2024-03-30")}
    )
    review = triangulation.thematic_review(
        triangulation.triangulate(comments, themes, sentiment, complaints, subjects, compliments)
    )
    row = review.iloc[0]
    assert (row["service_id"], str(row["quarter"])) == ("S1", "2024Q1")
    assert row["FFT theme"] == "Service location (2); Access (1)"
    assert row["complaint subject"] == "Car parking (2); Staff attitude (1)"
    assert row["compliments"] == 1


def test_estimated_response_rates_by_group_and_mode_by_hand():
    def rows(service, date, group, mode, n):
        return pd.DataFrame(
            {"service_id": service, "response_date": pd.Timestamp(date), "mode": mode,
             "rating": "Good", "age_band": None, "sex": None, "ethnicity": [group] * n}
        )  # fmt: skip

    responses = pd.concat(
        [
            rows("S1", "2024-01-10", "A", "SMS", 6),
            rows("S1", "2024-02-10", "A", "Paper", 4),
            rows("S1", "2024-02-11", "B", "Paper", 4),
            rows("S1", "2024-01-12", None, "SMS", 2),  # group not answered
            rows("S1", "2024-03-05", "B", "Paper", 7),  # outside S1's population period
            rows("S2", "2024-01-20", "B", "SMS", 6),
            rows("S2", "2024-01-21", "A", "SMS", 3),
            rows("S3", "2024-01-21", "A", "SMS", 9),  # no population supplied for S3
        ],
        ignore_index=True,
    )
    eligible = pd.DataFrame(
        {
            "service_id": ["S1", "S1", "S1", "S2", "S3"],
            "month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-01-01", "2024-01-01"]),
            "eligible": [100, 100, 500, 50, 90],
        }
    )  # fmt: skip
    population = pd.DataFrame(
        {
            "service_id": ["S1", "S1", "S2", "S2"],
            "period_start": pd.Timestamp("2024-01-01"),
            "period_end": pd.to_datetime(["2024-02-29", "2024-02-29", "2024-01-31", "2024-01-31"]),
            "group_type": "ethnicity",
            "group": ["A", "B", "A", "B"],
            "people": [600, 400, 100, 400],
        }
    )  # fmt: skip
    table = voices.estimated_response_rates(responses, eligible, population, "ethnicity")
    rate = table.set_index(["group", "mode"])
    # S1: 200 eligible in January and February, A 600/1000 of its users → 120, B → 80.
    # S2: 50 eligible in January, A 100/500 → 10, B → 40. A: 130, B: 120.
    assert rate.loc[("A", "all"), "estimated_eligible"] == pytest.approx(130)
    assert rate.loc[("B", "all"), "estimated_eligible"] == pytest.approx(120)
    # A: 6 + 4 + 3 = 13 responses → 13/130 = 0.10; B: 4 + 6 = 10 → 10/120.
    assert rate.loc[("A", "all"), "rate"] == pytest.approx(0.10)
    assert rate.loc[("B", "all"), "rate"] == pytest.approx(10 / 120)
    # Modes: A by SMS 6 + 3 = 9 → 9/130, on paper 4/130; B on paper 4/120, by SMS 6/120.
    assert rate.loc[("A", "SMS"), "rate"] == pytest.approx(9 / 130)
    assert rate.loc[("A", "Paper"), "rate"] == pytest.approx(4 / 130)
    assert rate.loc[("B", "Paper"), "rate"] == pytest.approx(4 / 120)
    assert rate.loc[("B", "SMS"), "rate"] == pytest.approx(6 / 120)
    # 2 of the 25 responses in the periods (16 at S1, 9 at S2) did not answer ethnicity.
    assert table["unanswered_share"].tolist() == pytest.approx([2 / 25] * len(table))
    # Wilson 95% for 13 of 130 by hand: centre (0.1 + z²/260)/(1 + z²/130),
    # half-width z·√(0.1·0.9/130 + z²/67600)/(1 + z²/130).
    z = 1.959964
    centre = (0.1 + z**2 / 260) / (1 + z**2 / 130)
    half = z * math.sqrt(0.09 / 130 + z**2 / 67600) / (1 + z**2 / 130)
    assert rate.loc[("A", "all"), "low"] == pytest.approx(centre - half, abs=1e-6)
    assert rate.loc[("A", "all"), "high"] == pytest.approx(centre + half, abs=1e-6)
    assert table["estimate"].all()


def test_concerns_in_positive_responses_of_a_month_without_comments():
    """A month without comments (the 2020 pause) gives an empty table, not a KeyError.

    The frame is the shape ``sentence_scores`` returns for no comments.
    """
    import pandas as pd

    from analysis.methods.theme_trends import concerns_in_positive_responses

    sentences = pd.DataFrame(
        columns=["comment_id", "sentence_no", "sentence", "question", "rating"]
    ).assign(subcategories=[], sentiment=[], polarity=[])
    comments = pd.DataFrame(columns=["comment_id", "response_id", "service_id", "response_date"])
    responses = pd.DataFrame(columns=["response_id", "rating"])
    out = concerns_in_positive_responses(sentences, comments, responses)
    assert out.empty and "rating" in out.columns
