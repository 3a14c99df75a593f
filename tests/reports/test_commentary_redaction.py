"""Report commentary and approval are redacted as they are read, by the one detector."""

from __future__ import annotations

from analysis.publish.commentary import load_commentary


def test_commentary_and_approval_lose_their_identifiers(tmp_path):
    (tmp_path / "commentary").mkdir()
    (tmp_path / "commentary" / "2025-03.yaml").write_text(
        "sections:\n"
        '  fft: "Mrs O\'Neill (DOB 12/03/1956, 07700 900123) praised Willow Ward."\n'
        "  complaints: 'Two complaints about discharge; thanks to Kerry and Sam.'\n"
        "approval:\n  approved_by: Priya Mistry\n  approved_on: 2025-04-09\n",
        encoding="utf-8",
    )
    c = load_commentary(tmp_path, "2025-03")
    assert c.sections["fft"] == ("Mrs [name] (DOB [date of birth], [phone]) praised Willow Ward.")
    assert (
        c.sections["complaints"] == "Two complaints about discharge; thanks to [name] and [name]."
    )
    assert c.approved_by == "[name]"
    assert "Priya" not in c.status_html() and c.approved
