"""England as a comparator: NHS England's published FFT counts beside the partnership's.

Hand-worked figures: England 2,600 positive of 3,000 responses = 86.67% positive and
3,000 of 100,000 eligible = 3.0% response rate. A local setting with 90 of 100 positive
has Wilson 95% limits 82.56% to 94.48% (z = 1.959964; see test_benchmark.py): wholly
above 80% (Better), while 88 of 100 (80.19% to 93.00% at 95%, 74.54% to 94.84% at
99.8%) is Better at 95% and Similar at 99.8% against 80%.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from analysis.config import load_config, write_config
from analysis.demo import generate, read_truth
from analysis.demo.national import COLLECTIONS, source_entry
from analysis.ingest.clean import clean
from analysis.ingest.store import read_table, validate
from analysis.methods import indicators as ind
from analysis.methods.national import (
    FFT_COMPARISON_CAVEAT,
    compare_with_england,
    england_values,
    local_fft_by_setting,
    provider_funnel,
)

T = pd.Timestamp


def published(rows) -> pd.DataFrame:
    base = {
        "org_code": None, "org_name": None, "site_code": None, "ward": None,
        "neither": 0, "poor": 0, "very_poor": 0, "dont_know": 0,
        "source_file": "hand", "source_record": None,
    }  # fmt: skip
    return validate(pd.DataFrame([base | r for r in rows]), "fft_published")


ENGLAND = {"month": T("2024-05-01"), "level": "england", "setting": "Mental Health"}
ENGLAND |= {"total_responses": 3000, "total_eligible": 100000, "very_good": 2000, "good": 600}


def test_england_values_from_the_england_row_or_the_organisations():
    orgs = [
        {"month": T("2024-06-01"), "level": "organisation", "setting": "Community",
         "org_code": c, "total_responses": n, "total_eligible": e, "very_good": v, "good": g}
        for c, n, e, v, g in (("A", 100, 2000, 70, 20), ("B", 300, 4000, 200, 70))
    ]  # fmt: skip
    e = england_values(published([ENGLAND, *orgs])).set_index("setting")
    assert e.loc["Mental Health", "percent_positive"] == pytest.approx(2600 / 3000 * 100)
    assert e.loc["Mental Health", "response_rate"] == pytest.approx(3.0)
    assert e.loc["Community", "percent_positive"] == pytest.approx(360 / 400 * 100)
    assert e.loc["Community", "response_rate"] == pytest.approx(400 / 6000 * 100)


def test_compare_with_england_hand_worked():
    pub = published([ENGLAND | {"very_good": 1800, "good": 600}])  # England 80% positive
    local = pd.DataFrame(
        {
            "setting": ["mental health inpatient", "mental health community", "urgent care"],
            "month": [T("2024-05-01")] * 3,
            "responses": [100, 100, 100],
            "positive": [90, 88, 50],
            "eligible": [2000, None, 1000],
        }
    )
    out = compare_with_england(local, pub)
    pos = out[out.indicator == "percent_positive"].set_index("setting")
    assert pos.loc["mental health inpatient", "compared_95"] == "Better"
    assert pos.loc["mental health community", "compared_95"] == "Better"
    assert pos.loc["mental health community", "compared_998"] == "Similar"
    assert pos.loc["mental health inpatient", "colour_95"] == "#92D050"
    assert "urgent care" not in pos.index  # no NHS England collection
    rr = out[out.indicator == "response_rate"].set_index("setting")
    # 100 of 2,000 = 5% against England's 3%: Wilson 4.13% to 6.04%, Better.
    assert rr.loc["mental health inpatient", "value"] == pytest.approx(5.0)
    assert rr.loc["mental health inpatient", "compared_95"] == "Better"
    assert "mental health community" not in rr.index  # no eligible count
    assert out["period"].iloc[0] == pd.Period("2024-05", "M")


def test_compare_with_england_by_financial_quarter():
    may = ENGLAND | {"very_good": 1800, "good": 600}  # 2,400 of 3,000
    june = may | {"month": T("2024-06-01"), "very_good": 2000, "good": 700}  # 2,700 of 3,000
    local = pd.DataFrame(
        {
            "setting": ["mental health inpatient"] * 2,
            "month": [T("2024-05-01"), T("2024-06-01")],
            "responses": [50, 50],
            "positive": [45, 45],
            "eligible": [1000, 1000],
        }
    )
    out = compare_with_england(local, published([may, june]), frequency="Q-MAR")
    pos = out[out.indicator == "percent_positive"].iloc[0]
    assert pos.period == pd.Period("2024-06", "M").asfreq("Q-MAR")  # 2024/25 Q1
    assert pos.england == pytest.approx(5100 / 6000 * 100) and pos.value == pytest.approx(90.0)
    # 90 of 100: Wilson 82.56% to 94.48% contains 85%: Similar.
    assert pos.compared_95 == "Similar"


@pytest.fixture(scope="module")
def demo_national(tmp_path_factory):
    """The demonstration's national files, read through its declared sources."""
    tmp = tmp_path_factory.mktemp("national")
    cfg = load_config()
    generate(tmp / "raw", seed=3, start="2024-01", end="2024-02", config=cfg, scale=300)
    nhse = {k: v for k, v in cfg.sources.items() if v.get("table") == "fft_published"}
    path = write_config(
        cfg,
        tmp / "p.yaml",
        raw_dir=str(tmp / "raw"),
        processed_dir=str(tmp / "processed"),
        sources=nhse,
        allowed_roots=[str(tmp)],
    )
    clean(load_config(path))
    return read_table("fft_published", tmp / "processed"), read_truth(tmp / "raw"), cfg


def test_demo_declares_the_generator_layout(demo_national):
    _, _, cfg = demo_national
    declared = {v["files"]: v for v in cfg.sources.values() if v.get("table") == "fft_published"}
    for c in COLLECTIONS:
        entry = source_entry(c)
        assert declared[entry["files"]] == entry


def test_demo_national_files_give_englands_figures(demo_national):
    pub, truth, _ = demo_national
    assert truth["national"]["providers"] == {"MentalHealth": 240, "Community": 320}
    assert (pub["level"] == "organisation").sum() == 2 * (240 + 320)
    pos = ind.england_fft(pub, "percent_positive", ["mental health"], "monthly")
    expected = truth["national"]["england_percent_positive"]["MentalHealth"]
    assert [round(v, 2) for v in pos.tolist()] == [expected["2024-01"], expected["2024-02"]]
    spread = pub[pub.level == "organisation"].eval("(very_good + good) / total_responses")
    # A plausible spread: most providers between 70% and 98% positive, none at nought.
    low, mid, high = spread.astype(float).quantile([0.05, 0.5, 0.95])
    assert 0.65 < low < mid < high <= 1 and 0.8 < mid < 0.97 and spread.min() > 0.3


def test_provider_funnel_places_local_services_among_providers(demo_national):
    pub, _, _ = demo_national
    local = pd.DataFrame(
        {"unit": ["Willow Ward", "Cedar Ward"], "numerator": [20, 45], "denominator": [40, 50]}
    )
    f = provider_funnel(pub, local, "mental health", "2024-02")
    assert f.caveat == FFT_COMPARISON_CAVEAT and "not designed" in f.caveat
    mine = f.points[f.points["local"]].set_index("unit")
    # 20 of 40 = 50% is far below England's ~86%: beyond the 99.8% lower line.
    assert mine.loc["Willow Ward", "significance"] == "Low (0.001)"
    assert mine.loc["Cedar Ward", "significance"] == "Not significant"  # 90%
    assert (~f.points["local"]).sum() == 240
    assert len(f.limits) == 100 and f.limits["baseline"].iloc[0] == pytest.approx(f.england)
    with pytest.raises(ValueError, match="no published FFT figures"):
        provider_funnel(pub, local, "maternity", "2024-02")


def test_provider_funnel_over_a_quarter_sums_the_months(demo_national):
    pub, truth, _ = demo_national
    local = pd.DataFrame({"unit": ["Willow Ward"], "numerator": [40], "denominator": [80]})
    q = provider_funnel(pub, local, "Community", pd.Period("2024Q4", "Q-MAR"))  # Jan–Mar 2024
    jan = provider_funnel(pub, local, "Community", "2024-01")
    feb = provider_funnel(pub, local, "Community", "2024-02")
    providers = q.points[~q.points["local"]].set_index("unit")
    one = jan.points[~jan.points["local"]].set_index("unit")
    two = feb.points[~feb.points["local"]].set_index("unit")
    assert (providers["denominator"] == one["denominator"] + two["denominator"]).all()
    e = pub[(pub.level == "england") & (pub.setting == "Community")]
    assert q.england == pytest.approx(100 * (e.very_good + e.good).sum() / e.total_responses.sum())


def test_local_counts_by_setting():
    services = pd.DataFrame({"service_id": ["A", "B"], "setting": ["community health"] * 2})
    responses = pd.DataFrame(
        {
            "service_id": ["A", "A", "B"],
            "response_date": pd.to_datetime(["2024-05-02", "2024-05-09", "2024-05-20"]),
            "rating": ["Very good", "Poor", "Good"],
        }
    )
    eligible = pd.DataFrame(
        {
            "service_id": ["A", "B"],
            "month": pd.to_datetime(["2024-05-01"] * 2),
            "eligible": [30, 20],
        }
    )
    out = local_fft_by_setting(responses, services, eligible).iloc[0]
    assert (out.responses, out.positive, out.eligible) == (3, 2, 50)


def test_config_yaml_round_trip_keeps_sources():
    # write_config must keep the national sources readable (no YAML anchors needed).
    cfg = load_config()
    text = yaml.safe_dump(cfg.sources["nhse_fft_community"])
    assert "&" not in text


def test_england_funnel_figure(demo_national):
    import matplotlib.pyplot as plt

    from analysis.publish.funnel_plot import england_funnel_chart

    pub, _, _ = demo_national
    local = pd.DataFrame({"unit": ["Willow Ward"], "numerator": [20], "denominator": [40]})
    fig, alt = england_funnel_chart(provider_funnel(pub, local, "Mental Health", "2024-01"), "MH")
    assert "240 Mental Health providers in England, January 2024" in alt
    assert "Willow Ward below the 99.8% limit" in alt and alt.endswith(FFT_COMPARISON_CAVEAT)
    assert len(fig.axes[0].collections) == 2  # providers, our services
    plt.close(fig)


def test_every_fft_indicator_gets_an_england_comparator():
    from analysis.methods.national import england_comparator

    services = pd.DataFrame(
        {"service_id": ["MH", "UC"], "setting": ["mental health inpatient", "urgent care"]}
    )
    assert england_comparator("fft_percent_positive", {}, services) == {
        "source": "fft_published", "statistic": "percent_positive", "settings": ["Mental Health"],
    }  # fmt: skip
    rr = england_comparator("fft_response_rate", {"settings": ["community health"]}, None)
    assert rr["settings"] == ["Community"] and rr["statistic"] == "response_rate"
    assert england_comparator("fft_percent_positive", {"services": ["UC"]}, services) is None
    assert england_comparator("complaints_received", {}, services) is None


def test_site_level_sheet_reads_with_a_constant_level(tmp_path):
    # NHS England's site sheets carry `Site Code` and `Site Name MAX` beside the trust;
    # a source gives the level as a constant (no ENGLAND row on that sheet).
    raw = tmp_path / "raw" / "nhse_sites"
    raw.mkdir(parents=True)
    head = "Org code,Org name,Site Code,Site Name MAX,1 Very Good SUM,2 Good SUM,"
    head += "3 Neither Good nor Poor SUM,4 Poor SUM,5 Very Poor SUM,6 Dont Know SUM,"
    head += "Total Responses,Total Eligible SUM\n"
    rows = "RX1,Trust One,RX1AA,Main Site,60,20,5,5,5,5,100,900\n"
    rows += "RX1,Trust One,RX1AB,Other Site,30,10,0,0,0,0,40,400\n"
    (raw / "FFT_Inpatient_Sites_2024-05.csv").write_text(head + rows, encoding="utf-8")
    columns = {k: v for k, v in source_entry(COLLECTIONS[0])["columns"].items()}
    spec = {
        "table": "fft_published",
        "files": "nhse_sites/*.csv",
        "constants": {"setting": "Inpatient", "level": "site"},
        "columns": columns | {"site_code": "Site Code"},
    }
    cfg = load_config()
    path = write_config(
        cfg, tmp_path / "p.yaml", raw_dir=str(tmp_path / "raw"),
        processed_dir=str(tmp_path / "processed"), sources={"sites": spec},
        allowed_roots=[str(tmp_path)],
    )  # fmt: skip
    clean(load_config(path))
    pub = read_table("fft_published", tmp_path / "processed")
    assert pub["level"].tolist() == ["site", "site"]
    assert pub["site_code"].tolist() == ["RX1AA", "RX1AB"]
    e = england_values(pub)  # no England or organisation rows: nothing to give
    assert e.empty
