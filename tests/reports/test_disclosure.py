"""The suppression pattern over a period family, by hand-worked small cases."""

from __future__ import annotations

import pandas as pd

from analysis.config import load_config
from analysis.context import Context
from analysis.publish.disclosure import Disclosure
from analysis.publish.periods import Period
from analysis.publish.sections import complaints

Q4 = Period.of("quarter", pd.Period("2025-03", "M"))
JAN = Period.of("month", pd.Period("2025-01", "M"))


def received(counts: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = [
        {
            "complaint_id": f"{sid}-{month}-{i}",
            "service_id": sid,
            "received_date": pd.Timestamp(f"{month}-10"),
        }
        for (sid, month), n in counts.items()
        for i in range(n)
    ]
    return pd.DataFrame(rows)


def test_a_quarter_is_hidden_when_one_of_its_months_is():
    # January's 3 complaints are hidden; 3 + 10 + 12 = 25 for the quarter would give them away.
    services = pd.DataFrame({"service_id": ["A"], "setting": ["ward"]})
    c = received({("A", "2025-01"): 3, ("A", "2025-02"): 10, ("A", "2025-03"): 12})
    d = Disclosure.of_events(c, "received_date", services, 5)
    assert not d.published(["A"], JAN.months)
    assert d.published(["A"], [pd.Period("2025-02", "M")])
    assert not d.published(["A"], Q4.months)


def test_complaint_headlines_do_not_state_a_quarter_that_gives_a_month_away():
    cfg = load_config()
    c = received({("A", "2025-01"): 3, ("A", "2025-02"): 10, ("A", "2025-03"): 12})
    for col in ("acknowledged_date", "responded_date", "closed_date"):
        c[col] = pd.NaT
    c["stage"], c["subject"], c["outcome"] = None, "Staff attitude", None
    c["reopened"], c["ombudsman_referral"] = False, False
    subjects = pd.DataFrame({"complaint_id": c["complaint_id"], "subject": "Communication"})
    services = pd.DataFrame({"service_id": ["A"], "service_name": ["Ward A"], "setting": ["ward"]})

    def line(kind: str) -> str:
        ctx = Context.of_tables(
            cfg, "2025-03" if kind == "quarter" else "2025-01", kind,
            services=services, complaints=c, complaint_subjects=subjects,
        )  # fmt: skip
        section = complaints.compute(ctx)
        if kind == "quarter":  # a hidden total takes the tables that add up to it away
            assert not {"complaints-by_subject", "complaints-flags"} & {
                t.name for t in section.tables
            }
        return section.sentences[0]

    month_line, quarter_line = line("month"), line("quarter")
    assert month_line.startswith("Fewer than 5 complaints were received in January 2025")
    assert quarter_line.startswith("An undisclosed number of complaints")  # not 3 + 10 + 12


def test_a_single_service_setting_hides_its_total_and_a_sibling_setting_with_a_part():
    # Setting "team" has one service (2 responses): its total is the service's count, so
    # another setting's total and one of that setting's services are hidden with it.
    services = pd.DataFrame({"service_id": ["A", "B", "C"], "setting": ["ward", "ward", "team"]})
    summary = pd.DataFrame(
        {
            "service_id": ["A", "B", "C"],
            "month": pd.Timestamp("2025-01-01"),
            "responses": [20, 30, 2],
            "positive": [15, 25, 1],
        }
    )
    hidden = Disclosure(summary, services, 5).hidden(pd.Period("2025-01", "M"))
    assert hidden == {
        ("service", "C"),
        ("setting", "team"),
        ("setting", "ward"),
        ("service", "A"),
    }


def _wards(may_a: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The module docstring's example: two wards and a team over April to June 2024."""
    services = pd.DataFrame({"service_id": ["A", "B", "C"], "setting": ["ward", "ward", "team"]})
    months = pd.to_datetime(["2024-04-01", "2024-05-01", "2024-06-01"])
    summary = pd.DataFrame(
        {
            "service_id": [s for s in "ABC" for _ in months],
            "month": list(months) * 3,
            "responses": [20, may_a, 25, 30, 12, 28, 40, 41, 39],
            "positive": [18, 2, 20, 27, 10, 25, 35, 36, 30],
        }
    )
    return summary, services


def test_a_months_pattern_kept_on_disk_is_reused_and_refreshed_when_its_counts_change(
    tmp_path, monkeypatch
):
    may = pd.Period("2024-05", "M")
    summary, services = _wards(3)
    first = Disclosure(summary, services, 5, cache_dir=tmp_path).hidden(may)
    # by hand (module docstring): A's 3 is hidden, and B with it (their setting is published)
    assert first == {("service", "A"), ("service", "B")}
    assert len(list(tmp_path.glob("*.json"))) == 1

    def audited_again(self, month):
        raise AssertionError(f"{month} audited again")

    monkeypatch.setattr(Disclosure, "_hidden", audited_again)
    assert Disclosure(summary, services, 5, cache_dir=tmp_path).hidden(may) == first
    monkeypatch.undo()

    # a revised export: A now has 30 responses in May, so nothing is hidden
    summary, services = _wards(30)
    assert Disclosure(summary, services, 5, cache_dir=tmp_path).hidden(may) == frozenset()
    assert Disclosure(summary, services, 3, cache_dir=tmp_path).hidden(may) == frozenset()
    assert len(list(tmp_path.glob("*.json"))) == 3
