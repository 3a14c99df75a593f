"""An attacker tries to recover suppressed FFT counts from everything a partnership publishes.

The demonstration partnership's ten services (six settings, three of them with one
service) get a financial year of monthly FFT counts with small counts planted in it.
Every table and headline the reports publish is built for every month, quarter and
year, for the whole partnership and for each setting and service on its own (the
``--scope`` reports): per service the responses and % positive, per scope the total
and its % positive. The attacker reads only what is published, writes each published
figure as a linear equation over the unknown monthly counts per service (responses
``r`` and positive ratings ``p``, integers with ``0 <= p <= r``; a ``*`` means at
least 1; a percentage shown to d decimals bounds ``p`` to its rounding interval), and
for every suppressed cell asks an integer program (scipy's HiGHS ``milp``) for the
least and greatest value it can take. A cell whose least and greatest agree has been
recovered. None may be.
"""

from __future__ import annotations

import html
import re
from functools import cache

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import lil_matrix

from analysis.config import load_config
from analysis.publish.disclosure import Disclosure
from analysis.publish.fft_sections import fft_table, in_scope, setting_chart
from analysis.publish.headlines import fft_headlines
from analysis.publish.periods import Period

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
    r"^([\d,]+) people answered the Friends and Family Test in .*?; (\d+)% rated"
    r"(?:.*\((\d+)% in the previous)?"
)


def published(summary, services, disclosure):
    """Every published figure: (services, months) → list of (responses or "*", pct text)."""
    facts: dict[tuple, list] = {}
    scopes = ["", *services["setting"].unique(), *services["service_id"]]
    names = dict(zip(services["service_name"], services["service_id"], strict=True))
    for scope in scopes:
        svc = in_scope(services, scope)
        part = summary[summary["service_id"].isin(svc["service_id"])]
        ids = frozenset(svc["service_id"])
        for kind, step in (("month", 1), ("quarter", 3), ("year", 12)):
            for last in FY[step - 1 :: step]:
                period = Period.of(kind, last)
                months = tuple(str(m) for m in period.months)
                table = fft_table(part, svc, period, K, disclosure=disclosure)
                for row in table.itertuples(index=False):
                    key = (frozenset([names[row[0]]]), months)
                    facts.setdefault(key, []).append((row[2], row[3]))
                line = fft_headlines(part, period, K, disclosure=disclosure)[0]
                m = HEADLINE.match(line)
                if m:
                    facts.setdefault((ids, months), []).append((m.group(1), f"{m.group(2)}%"))
                    if m.group(3):
                        before = tuple(str(x) for x in period.previous)
                        facts.setdefault((ids, before), []).append((None, f"{m.group(3)}%"))
                else:
                    facts.setdefault((ids, months), []).append(("*", "*"))
    return facts


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


# --- compliments: the same attack on the counts of the "Good news" section ------------------

COMPLIMENT_ROW = re.compile(r"<tr><td>([^<]*)</td><td class='count'>([^<]*)</td></tr>")
COMPLIMENT_LINE = re.compile(r"^([\d,]+) compliments were received")


def compliments_published(services, compliments, disclosure, folder):
    from analysis.publish.report import ReportBuilder
    from analysis.publish.sections import compliments_section

    facts: dict[tuple, list] = {}
    names = dict(zip(services["service_name"], services["service_id"], strict=True))
    for scope in ["", *services["setting"].unique(), *services["service_id"]]:
        svc = in_scope(services, scope)
        part = compliments[compliments["service_id"].isin(svc["service_id"])]
        for kind, step in (("month", 1), ("quarter", 3), ("year", 12)):
            for last in FY[step - 1 :: step]:
                period = Period.of(kind, last)
                months = tuple(str(m) for m in period.months)
                page, lines = compliments_section(
                    ReportBuilder(folder), part, svc, period, disclosure=disclosure
                )
                for name, value in COMPLIMENT_ROW.findall(page):
                    key = (frozenset([names[html.unescape(name)]]), months)
                    facts.setdefault(key, []).append((value, None))
                m = COMPLIMENT_LINE.match(lines[0])
                value = m.group(1) if m else "*"
                facts.setdefault((frozenset(svc["service_id"]), months), []).append((value, None))
    return facts


@pytest.mark.slow
def test_no_hidden_compliment_count_can_be_recovered(tmp_path):
    services = demo_services()
    rng = np.random.default_rng(5)
    rows = []
    for sid in services["service_id"]:
        for month in MONTHS:
            n = PLANTED.get((sid, str(month)), (int(rng.integers(0, 12)),))[0]
            day = month.to_timestamp()
            rows += [{"service_id": sid, "received_date": day, "text": None}] * n
    compliments = pd.DataFrame(rows)
    compliments["compliment_id"] = [f"K{i}" for i in range(len(compliments))]
    disclosure = Disclosure.of_events(compliments, "received_date", services, K)
    facts = compliments_published(services, compliments, disclosure, tmp_path)
    attacker = Attacker(list(services["service_id"]), facts)
    assert len(attacker.hidden) >= len([v for v in PLANTED.values() if v[0]])
    assert [r for r in attacker.recovered() if r[2] == "responses"] == []
