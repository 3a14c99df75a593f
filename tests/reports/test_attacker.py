"""An attacker tries to recover suppressed FFT counts from everything a partnership publishes.

The demonstration partnership's ten services (six settings, three of them with one
service) get a financial year of monthly FFT counts with small counts planted in it.
Every table and headline the reports publish is built by the report engine's sections
(:mod:`analysis.publish.sections`, from a :class:`~analysis.context.Context`) for every
month, quarter and year, for the whole partnership and for each setting and service on
its own (the ``--scope`` reports); the tables are read back from the CSV downloads the
pages link to: per service the responses and % positive, per scope the total and its
% positive (the headline). The attacker reads only what is published, writes each published
figure as a linear equation over the unknown monthly counts per service (responses
``r`` and positive ratings ``p``, integers with ``0 <= p <= r``; a ``*`` means at
least 1; a percentage shown to d decimals bounds ``p`` to its rounding interval), and
for every suppressed cell asks an integer program (scipy's HiGHS ``milp``) for the
least and greatest value it can take. A cell whose least and greatest agree has been
recovered. None may be.
"""

from __future__ import annotations

import csv
import re
import tempfile
from functools import cache
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import lil_matrix

from analysis.config import load_config
from analysis.context import Context, in_scope
from analysis.publish.disclosure import Disclosure
from analysis.publish.periods import Period
from analysis.publish.report import ReportBuilder
from analysis.publish.sections import complaints, fft, good_news
from analysis.publish.sections.base import render
from analysis.publish.sections.fft import fft_table, setting_chart
from analysis.publish.sections.page import PREFIX

K = 5  # disclosure.min_count
FY = pd.period_range("2024-04", "2025-03", freq="M")
MONTHS = pd.period_range("2023-04", "2025-03", freq="M")  # with the year before, for "change"
#: (service, month) → (responses, positive): the small counts planted.
PLANTED = {
    ("MH-IP", "2024-05"): (3, 2),
    ("MH-OP", "2024-05"): (2, 2),
    ("CH-POD", "2024-07"): (1, 1),
    ("CH-DN", "2024-07"): (4, 0),
    ("LD-CT", "2024-04"): (2, 1),
    ("LD-CT", "2024-06"): (3, 3),
    ("LD-CT", "2024-10"): (1, 0),
    ("UC-111", "2024-09"): (2, 2),
    ("ASC-REA", "2024-12"): (4, 0),
    ("MH-CRHT", "2025-02"): (1, 1),
    ("MH-CMHT", "2025-02"): (0, 0),
    ("CH-REH", "2025-03"): (3, 1),
}


def demo_services() -> pd.DataFrame:
    cfg = load_config()
    return pd.DataFrame(
        [
            {
                "service_id": s["service_id"],
                "service_name": s["service_name"],
                "setting": s["setting"],
            }
            for s in cfg.services
        ]
    )


def demo_summary(services: pd.DataFrame, seed: int = 11) -> pd.DataFrame:
    """Monthly responses and positive ratings per service, with the small counts planted."""
    rng = np.random.default_rng(seed)
    rows = []
    for sid in services["service_id"]:
        size = rng.integers(6, 40)
        for month in MONTHS:
            r, p = PLANTED.get((sid, str(month)), (None, None))
            if r is None:
                r = int(rng.integers(size // 2 + K, size + K))
                p = int(rng.binomial(r, 0.85))
            rows.append(
                {
                    "service_id": sid,
                    "month": month.to_timestamp(),
                    "responses": r,
                    "positive": p,
                    "eligible": 10 * r + 7,
                }
            )
    s = pd.DataFrame(rows)
    s["pct_positive"] = 100 * s["positive"] / s["responses"].where(s["responses"] > 0)
    s["response_rate"] = 100 * s["responses"] / s["eligible"]
    return s


# --- what is published -------------------------------------------------------------------

HEADLINE = re.compile(
    r"^([\d,]+) people answered the Friends and Family Test in .*?; ([\d.]+)% rated"
    r"(?:.*\(([\d.]+)% in the previous)?"
)


def pages(services, tables: dict, disclosures: dict, compute):
    """The section ``compute`` makes on every page: each scope (whole partnership, each setting, each
    service) and each month, quarter and year of the financial year. Yields the scope's
    services, the period, the section and its tables as read back from their CSV downloads."""
    cfg = load_config()
    folder = Path(tempfile.mkdtemp(prefix="attacker-"))
    for scope in ["", *services["setting"].unique(), *services["service_id"]]:
        svc = in_scope(services, scope)
        part = {
            k: v[v["service_id"].isin(svc["service_id"])] if "service_id" in v else v
            for k, v in tables.items()
        }
        for kind, step in (("month", 1), ("quarter", 3), ("year", 12)):
            for last in FY[step - 1 :: step]:
                ctx = Context.of_tables(
                    cfg, str(last), kind, scope, services=svc, all_services=services, **part
                )
                ctx.__dict__.update(disclosures)  # built once over every service, as a page does
                if (
                    "summary" in tables
                ):  # the FFT counts the sections read (as the query layer gives)
                    s = part["summary"]
                    ctx.__dict__["fft_monthly"] = s[s["month"] <= last.to_timestamp()]
                section = compute(ctx)
                builder = ReportBuilder(folder, min_count=K, prefix=PREFIX[kind])
                render(section, builder)
                downloads = {
                    t.name: read_csv(folder / "tables" / f"{builder._name(t.name)}.csv")
                    for t in section.tables
                }
                yield svc, ctx.period, section, downloads


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def published(summary, services, disclosure):
    """Every published figure: (services, months) → list of (responses or "*", pct text)."""
    facts: dict[tuple, list] = {}
    names = dict(zip(services["service_name"], services["service_id"], strict=True))
    tables = {"summary": summary}
    for svc, period, section, downloads in pages(
        services, tables, {"disclosure": disclosure}, fft_without_charts
    ):
        ids = frozenset(svc["service_id"])
        months = tuple(str(m) for m in period.months)
        for row in downloads["fft-by-service"]:
            key = (frozenset([names[row["Service"]]]), months)
            count = row["Responses"]
            facts.setdefault(key, []).append(
                (count if count == "*" else int(count.replace(",", "")), row["% positive"])
            )
        m = HEADLINE.match(section.sentences[0])
        if m:
            facts.setdefault((ids, months), []).append((m.group(1), f"{m.group(2)}%"))
            if m.group(3):
                before = tuple(str(x) for x in period.previous)
                facts.setdefault((ids, before), []).append((None, f"{m.group(3)}%"))
        else:
            facts.setdefault((ids, months), []).append(("*", "*"))
    return facts


def fft_without_charts(ctx):
    """The FFT section as a page computes it, without drawing its charts (checked below)."""
    with mock.patch.object(fft, "setting_chart", lambda *a, **k: (None, "")):
        section = fft.compute(ctx)
    section.figures = []
    return section


# --- the attacker --------------------------------------------------------------------------


class Attacker:
    """Integer unknowns r[s, m], p[s, m]; one constraint per published figure."""

    def __init__(self, services: list[str], facts: dict):
        self.index = {
            (s, str(m)): i for i, (s, m) in enumerate((s, m) for s in services for m in MONTHS)
        }
        self.n = len(self.index)
        rows, lo, hi = [], [], []
        self.hidden = []
        for (ids, months), seen in facts.items():
            cells = [self.index[(s, m)] for s in ids for m in months]
            counts = {v for v, _ in seen if v is not None}
            pcts = {p for _, p in seen if p not in (None, "*", "")}
            if counts == {"*"}:
                rows.append(self._row(cells, 0)), lo.append(1), hi.append(np.inf)
                self.hidden.append(((ids, months), cells))
                continue
            numbers = {int(str(v).replace(",", "")) for v in counts if v != "*"}
            assert len(numbers) <= 1, f"{(sorted(ids), months)} published as {numbers}"
            if not numbers:
                continue
            n = numbers.pop()
            rows.append(self._row(cells, 0)), lo.append(n), hi.append(n)
            for pct in pcts:
                decimals = len(pct.rstrip("%").partition(".")[2])
                half = 0.5 * 10**-decimals
                value = float(pct.rstrip("%"))
                rows.append(self._row(cells, self.n)), lo.append((value - half) * n / 100 - 1e-9)
                hi.append((value + half) * n / 100 + 1e-9)
        for i in range(self.n):  # p <= r
            row = lil_matrix((1, 2 * self.n))
            row[0, i], row[0, self.n + i] = -1, 1
            rows.append(row), lo.append(-np.inf), hi.append(0)
        from scipy.sparse import vstack

        self.constraint = LinearConstraint(vstack(rows).tocsr(), lo, hi)

    def _row(self, cells, offset):
        row = lil_matrix((1, 2 * self.n))
        for c in cells:
            row[0, offset + c] = 1
        return row

    def _bound(self, cells, offset, sign) -> float:
        c = np.zeros(2 * self.n)
        c[[offset + i for i in cells]] = sign
        res = milp(
            c,
            integrality=np.ones(2 * self.n),
            bounds=(0, 100_000),
            constraints=self.constraint,
            options={"time_limit": 20},
        )
        assert res.status == 0, res.message
        return sign * res.fun

    def recovered(self) -> list[tuple]:
        """Every hidden cell (responses or positive) whose value the published figures fix."""
        found = []
        for key, cells in self.hidden:
            for what, offset in (("responses", 0), ("positive", self.n)):
                low, high = self._bound(cells, offset, 1), self._bound(cells, offset, -1)
                if round(high) - round(low) < 1:
                    found.append((sorted(key[0]), key[1], what, round(low)))
        return found


@cache
def scenario():
    services = demo_services()
    summary = demo_summary(services)
    disclosure = Disclosure(summary, services, K)
    return services, summary, disclosure, published(summary, services, disclosure)


@pytest.mark.slow
def test_no_suppressed_count_can_be_recovered_from_all_published_figures():
    services, summary, _, facts = scenario()
    attacker = Attacker(list(services["service_id"]), facts)
    assert len(attacker.hidden) >= len([v for v in PLANTED.values() if v[0]])
    assert attacker.recovered() == []


@pytest.mark.slow
def test_every_planted_small_count_is_hidden_wherever_it_is_published():
    services, summary, _, facts = scenario()
    for (sid, month), (r, _) in PLANTED.items():
        shown = facts[(frozenset([sid]), (month,))]
        # a zero is shown as 0 in tables (its headline says "too few to report")
        assert {v for v, _ in shown} <= ({"*"} if r else {0, "*"}), (sid, month, shown)


@pytest.mark.slow
def test_change_on_the_previous_period_is_shown_only_when_that_period_was_published():
    services, summary, disclosure, facts = scenario()
    for month in FY:
        period = Period.of("month", month)
        table = fft_table(summary, services, period, K, disclosure=disclosure)
        change = table.columns[4]
        before = (str(period.previous[0]),)
        for row in table.itertuples(index=False):
            sid = services.loc[services["service_name"] == row[0], "service_id"].item()
            was = {v for v, _ in facts.get((frozenset([sid]), before), [])}
            if row[4] not in ("", "*"):
                assert "*" not in was, (sid, str(month), row[4])
        assert change.startswith("Change")


@pytest.mark.slow
def test_setting_charts_plot_only_the_months_the_tables_publish():
    import matplotlib.pyplot as plt

    services, summary, disclosure, facts = scenario()
    for setting in services["setting"].unique():
        fig, _ = setting_chart(summary, services, setting, FY[-1], K, disclosure=disclosure)
        for line in fig.axes[0].get_lines():
            sid = services.loc[services["service_name"] == line.get_label(), "service_id"].item()
            for x in line.get_xdata():
                month = str(pd.Timestamp(x).to_period("M"))
                assert {v for v, _ in facts.get((frozenset([sid]), (month,)), [])} != {"*"}
        plt.close(fig)


# --- compliments and complaints: the same attack on the counts of their sections ------------

COUNT_LINE = re.compile(r"^([\d,]+) (?:compliments|complaints) were received")


def events_published(services, events, kind: str, disclosure):
    """Every published count of ``events``: the section's sentence per scope and period, and
    its count per service (compliments' table, complaints' table by service, and the
    complaints due an acknowledgement, all received the same month in this data)."""
    module = good_news if kind == "compliments" else complaints
    facts: dict[tuple, list] = {}
    names = dict(zip(services["service_name"], services["service_id"], strict=True))
    tables = {kind: events}
    for svc, period, section, downloads in pages(
        services, tables, {f"{kind}_disclosure": disclosure}, module.compute
    ):
        months = tuple(str(m) for m in period.months)
        ids = frozenset(svc["service_id"])
        rows = downloads.get("compliments", []) + downloads.get("complaints-by_service", [])
        for row in rows:
            value = row.get("Compliments", row.get("Complaints"))
            facts.setdefault((frozenset([names[row["Service"]]]), months), []).append((value, None))
        for row in downloads.get("complaints-timeliness", [])[:1]:
            facts.setdefault((ids, months), []).append((row["Complaints due"], None))
        for row in downloads.get("complaints-flags", []):
            if list(row.values())[0] == "received":
                facts.setdefault((ids, months), []).append((row["Complaints"], None))
        m = COUNT_LINE.match(section.sentences[0])
        facts.setdefault((ids, months), []).append((m.group(1) if m else "*", None))
    return facts


def planted_events(seed: int) -> pd.DataFrame:
    """Events per service and month: the planted small counts, else 0 to 11."""
    rng = np.random.default_rng(seed)
    rows = []
    for sid in demo_services()["service_id"]:
        for month in MONTHS:
            n = PLANTED.get((sid, str(month)), (int(rng.integers(0, 12)),))[0]
            rows += [
                {"service_id": sid, "received_date": month.to_timestamp() + pd.Timedelta(days=9)}
            ] * n
    events = pd.DataFrame(rows)
    events["text"] = None
    return events


@pytest.mark.slow
def test_no_hidden_compliment_count_can_be_recovered():
    services = demo_services()
    compliments = planted_events(5)
    compliments["compliment_id"] = [f"K{i}" for i in range(len(compliments))]
    disclosure = Disclosure.of_events(compliments, "received_date", services, K)
    facts = events_published(services, compliments, "compliments", disclosure)
    attacker = Attacker(list(services["service_id"]), facts)
    assert len(attacker.hidden) >= len([v for v in PLANTED.values() if v[0]])
    assert [r for r in attacker.recovered() if r[2] == "responses"] == []


@pytest.mark.slow
def test_no_hidden_complaint_count_can_be_recovered():
    services = demo_services()
    c = planted_events(7)
    c["complaint_id"] = [f"C{i}" for i in range(len(c))]
    for col in ("acknowledged_date", "responded_date", "closed_date"):
        c[col] = pd.NaT
    c["stage"], c["subject"], c["outcome"] = None, "Staff attitude", None
    c["reopened"], c["ombudsman_referral"] = False, False
    disclosure = Disclosure.of_events(c, "received_date", services, K)
    facts = events_published(services, c, "complaints", disclosure)
    assert any(len(seen) > 1 for seen in facts.values())  # tables and sentences both read
    attacker = Attacker(list(services["service_id"]), facts)
    assert len(attacker.hidden) >= len([v for v in PLANTED.values() if v[0]])
    assert [r for r in attacker.recovered() if r[2] == "responses"] == []
