"""Every documented command on the months, scopes and partnerships a user would pick.

Expected headline figures come from the cleaned responses read with pandas alone,
counted in the test, not from the report code.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pandas as pd
import pytest

from analysis.config import PROJECT_ROOT
from tests.journeys.conftest import assert_published, page_text

pytestmark = [pytest.mark.journey, pytest.mark.slow, pytest.mark.xdist_group("journeys")]

#: Financial year 2019/20: every month, its quarter ends and its year end.
YEAR = [str(p) for p in pd.period_range("2019-04", "2020-03", freq="M")]


def pages_due(month: str) -> list[str]:
    """The stakeholder pages a month's folder holds: quarterly at a financial quarter's end,
    annual at the financial year's end (March)."""
    m = pd.Period(month, "M").month
    return (
        ["index.html"]
        + (["quarterly.html"] if m % 3 == 0 else [])
        + (["annual.html"] if m == 3 else [])
    )


def month_count(partnership, month: str, services=None) -> int:
    r = partnership.responses()
    in_month = r["response_date"].dt.to_period("M") == pd.Period(month, "M")
    if services is not None:
        in_month &= r["service_id"].isin(services)
    return int(in_month.sum())


def test_backfill_every_month_of_a_financial_year(england):
    result = england.cli("backfill", "--from", YEAR[0], "--to", YEAR[-1], "--no-pdf")
    assert result.code == 0, result
    assert f"{len(YEAR)} of {len(YEAR)} months reported" in result.out
    index = (england.cfg.reports_dir / "index.html").read_text(encoding="utf-8")
    for month in YEAR:
        folder = england.cfg.reports_dir / month
        assert_published(folder, pages_due(month))
        assert f'href="{month}/index.html"' in index
        text = page_text(folder / "index.html")
        label = f"{pd.Period(month, 'M'):%B %Y}"
        assert label in text
        assert f"{month_count(england, month):,}" in text, (month, "responses missing")


def test_backfill_with_analyses_over_a_quarter_leaving_the_pause(england):
    result = england.cli(
        "backfill", "--from", "2020-10", "--to", "2020-12", "--with-analyses", "--no-pdf"
    )
    assert result.code == 0, result
    for month in ("2020-10", "2020-11", "2020-12"):
        folder = england.cfg.reports_dir / month
        assert_published(folder, pages_due(month))
        for notebook in ("02_trends", "03_themes", "04_indicators"):
            assert (folder / f"{notebook}.ipynb").exists(), (month, notebook)


@pytest.mark.parametrize(
    "month, why",
    [("2019-04", "the first month with data"), ("2020-05", "inside the 2020 pause")],
)
def test_report_on_a_month(england, month, why):
    result = england.cli("report", "--month", month, "--no-pdf")
    assert result.code == 0, f"{why}: {result}"
    folder = england.cfg.reports_dir / month
    assert_published(folder, pages_due(month))
    text = page_text(folder / "index.html")
    assert f"{pd.Period(month, 'M'):%B %Y}" in text
    if month_count(england, month):
        assert f"{month_count(england, month):,}" in text
    assert "published in" in result.err  # the one-line summary
    assert "without encryption" not in result.err
    assert "unknown parameter" not in result.err


@pytest.mark.parametrize(
    "scope, folder, services",
    [
        ("urgent care", "urgent-care", ["UC-111"]),
        ("UC-111", "uc-111", ["UC-111"]),
        ("mental health community", "mental-health-community", ["MH-CMHT", "MH-CRHT"]),
    ],
)
def test_report_on_a_scope(england, scope, folder, services):
    result = england.cli("report", "--month", "2021-03", "--scope", scope, "--no-pdf")
    assert result.code == 0, result
    out = england.cfg.reports_dir / "2021-03" / folder
    assert_published(out, pages_due("2021-03"))
    text = page_text(out / "index.html")
    assert f"{month_count(england, '2021-03', services):,}" in text


@pytest.mark.parametrize(
    "month, says",
    [
        ("2030-01", "has no complete data"),
        ("2019-01", "is before the data"),
        ("2021-13", "is not a month"),
        ("March", "is not a month"),
    ],
)
def test_a_bad_month_exits_2_naming_the_months_available(england, month, says):
    result = england.cli("report", "--month", month, "--no-pdf")
    assert result.code == 2, result
    assert says in result.err
    assert "April 2019 to March 2021" in result.err
    assert "Traceback" not in result.err


def test_a_bad_scope_exits_2_listing_settings_and_services(england):
    result = england.cli("report", "--scope", "urgent", "--no-pdf")
    assert result.code == 2, result
    assert "urgent care" in result.err and "UC-111" in result.err


def test_the_scottish_partnership_reports_its_own_logic_model_only(scotland):
    result = scotland.cli("report", "--month", "2025-03", "--no-pdf")
    assert result.code == 0, result
    folder = scotland.cfg.reports_dir / "2025-03"
    assert_published(folder, pages_due("2025-03"))
    for page in pages_due("2025-03"):
        text = page_text(folder / page)
        assert "Leicestershire" not in text and "Delivery Plan" not in text, page
        assert f"{month_count(scotland, '2025-03'):,}" in text or page != "index.html"


@pytest.mark.skipif(
    not (PROJECT_ROOT / ".venv" / "bin" / "python").exists() or not shutil.which("make"),
    reason="make report runs the project's .venv",
)
def test_make_report_with_config_and_month(england):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    proc = subprocess.run(
        ["make", "-s", "report", f"CONFIG={england.config}", "MONTH=2021-02"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert_published(england.cfg.reports_dir / "2021-02", pages_due("2021-02"))
    assert "report:" in proc.stdout


def test_help_lists_every_command():
    from tests.journeys.conftest import run_cli

    result = run_cli("--help")
    assert result.code == 0
    for command in ("demo-data", "clean", "themes", "indicators", "report", "trends", "backfill"):
        assert command in result.out
        sub = run_cli(command, "--help")
        assert sub.code == 0 and "--config" in sub.out, command


@pytest.mark.parametrize("by", ["partnership", "setting", "service"])
def test_trends_reads_every_chart(england, by):
    result = england.cli("trends", "--by", by, "--month", "2021-03")
    assert result.code == 0, result
    assert "March 2021" in result.out


def test_trends_in_a_scope(england):
    result = england.cli("trends", "--scope", "urgent care", "--month", "2020-02")
    assert result.code == 0, result


@pytest.mark.parametrize("month", ["2019-04", "2020-06", "2021-03"])
def test_indicators_for_a_month(england, month):
    result = england.cli("indicators", "--month", month)
    assert result.code == 0, result
    assert f"{pd.Period(month, 'M'):%B %Y}" in result.out


def test_indicators_for_a_month_the_data_does_not_cover(england):
    result = england.cli("indicators", "--month", "2031-01")
    assert result.code == 2, result
    assert "April 2019 to March 2021" in result.err
