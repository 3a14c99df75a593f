"""The trends notebook runs end to end on the demonstration partnership's FFT data.

Processed tables are written from the in-memory demonstration responses (fixture
``demo_fft``), so the notebook meets the 2020 collection pause, the planted step and the
outlier service, at every scope.
"""

from __future__ import annotations

import json

import pandas as pd
import papermill
import pytest

from analysis.config import NOTEBOOKS_DIR, relocate, write_config
from analysis.ingest.schemas import MODES, RATINGS
from analysis.ingest.store import write_table

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def processed_config(demo_fft, demo_complaints, tmp_path_factory):
    from analysis.demo.fft import OLD_RATINGS

    cfg, fft, _ = demo_fft
    root = tmp_path_factory.mktemp("trends")
    path = relocate(cfg, root).path
    r = fft.responses
    old = r["rating"].isin(OLD_RATINGS)
    responses = pd.DataFrame(
        {
            "response_id": r["response_id"],
            "service_id": r["service_id"],
            "response_date": r["response_date"],
            "rating": r["rating"].replace(dict(zip(OLD_RATINGS, RATINGS, strict=True))),
            "rating_scale": old.map({True: "pre_2020", False: "six_point"}),
            "mode": r["mode"].where(r["mode"].isin(MODES), "other"),
            "age_band": r["age_band"],
            "sex": r["sex"],
            "ethnicity": r["ethnicity"],
            "source_file": "demo",
            "source_record": range(1, len(r) + 1),
        }
    )
    codes = {c["code"]: s["service_id"] for s in cfg.services for c in s["codes"]}
    e = fft.eligible
    eligible = pd.DataFrame(
        {"service_id": e["service_code"].map(codes), "month": e["month"], "eligible": e["eligible"],
         "source_file": "demo", "source_record": range(1, len(e) + 1)}
    )  # fmt: skip
    eligible = eligible.groupby(["service_id", "month"], as_index=False).agg(
        eligible=("eligible", "sum"), source_file=("source_file", "first"), source_record=("source_record", "first")
    )  # fmt: skip
    services = pd.DataFrame(
        [{k: s[k] for k in ("service_id", "service_name", "setting", "directorate")} | {"partnership": cfg.name}
         for s in cfg.services]
    )  # fmt: skip
    complaints = demo_complaints
    for name, df in (
        ("fft_responses", responses),
        ("fft_eligible", eligible),
        ("services", services),
        ("complaints", complaints),
    ):
        write_table(df, name, root / "processed")
    # A second partnership holding only the last six months (the shared fixture's length).
    short = write_config(cfg, root / "short.yaml", raw_dir=root / "raw", processed_dir=root / "short",
                         reports_dir=root / "reports")  # fmt: skip
    recent = responses["response_date"] >= "2023-10-01"
    write_table(responses[recent], "fft_responses", root / "short")
    write_table(eligible[eligible["month"] >= "2023-10-01"], "fft_eligible", root / "short")
    write_table(services, "services", root / "short")
    return path, short


@pytest.mark.parametrize(
    ("scope", "chart_by"),
    [("", "partnership"), ("", "service"), ("mental health inpatient", "service")],
)
def test_trends_notebook_runs_and_reads_the_charts(
    processed_config, demo_fft, tmp_path, scope, chart_by
):
    out = tmp_path / "02_trends.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / "02_trends.ipynb"), str(out), kernel_name="python3", progress_bar=False,
        parameters={"config_path": str(processed_config[0]), "month": "2024-03", "scope": scope, "chart_by": chart_by},
        cwd=str(NOTEBOOKS_DIR),
    )  # fmt: skip
    outputs = [
        "".join(o.get("data", {}).get("text/markdown", ""))
        for c in json.load(out.open())["cells"]
        for o in c.get("outputs", [])
    ]
    readings = [
        t for t in outputs if t.startswith("**") and ("Common cause" in t or "Special cause" in t)
    ]
    # A reading for each chart of the three measures (percentage positive, response rate,
    # complaints received); every demonstration service has FFT data and complaints.
    services = [s for s in demo_fft[0].services if scope in ("", s["setting"], s["service_id"])]
    assert len(readings) == 3 * (1 if chart_by == "partnership" else len(services))
    complaint_trends = [t for t in outputs if "complaints received" in t and "a year" in t]
    assert len(complaint_trends) == (1 if chart_by == "partnership" else len(services))
    if scope == "":
        # The funnel names the demonstration partnership's outlier service (CH-POD, truth.json).
        funnel = next(t for t in outputs if t.startswith("Overdispersion"))
        assert funnel.endswith("Outside the 99.8% limits: CH-POD.")


def test_trends_command_prints_each_reading(processed_config, demo_fft, capsys):
    from analysis.cli import main

    args = ["--config", str(processed_config[0]), "trends", "--month", "2024-03", "--by", "service"]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "FFT percentage positive, months to March 2024, by service:"
    assert len(lines) == 1 + len(demo_fft[0].services)
    assert all("cause" in line or "Too few points" in line for line in lines[1:])


def test_trends_notebook_on_six_months(processed_config, tmp_path):
    # Six months: charts with short-group warnings, no trend model, no seasonality.
    out = tmp_path / "02_trends.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / "02_trends.ipynb"), str(out), kernel_name="python3", progress_bar=False,
        parameters={"config_path": str(processed_config[1]), "month": "2024-03", "chart_by": "setting"},
        cwd=str(NOTEBOOKS_DIR),
    )  # fmt: skip
    text = json.dumps(json.load(out.open()))
    assert "too few for a trend model (8 needed)" in text
    assert "Fewer than 25 months: no seasonal decomposition." in text
