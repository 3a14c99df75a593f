import pandas as pd
import pytest

from analysis.publish.commentary import load_commentary
from analysis.publish.report import DisclosureError, ReportBuilder


def test_table_is_escaped_captioned_and_downloadable(tmp_path):
    rb = ReportBuilder(tmp_path, min_count=5)
    df = pd.DataFrame({"Comment": ["<script>alert('x')</script> & more"], "Responses": [12]})
    page = rb.table(df, "quotes", caption="What people said", counts=("Responses",))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<caption>What people said</caption>" in page
    assert (tmp_path / "tables" / "quotes.csv").read_text().startswith("Comment,Responses")
    assert pd.read_excel(tmp_path / "tables" / "quotes.xlsx")["Responses"].tolist() == [12]


def test_unsuppressed_small_count_is_refused_before_anything_is_written(tmp_path):
    rb = ReportBuilder(tmp_path, min_count=5)
    with pytest.raises(DisclosureError, match="column 'n'"):
        rb.table(pd.DataFrame({"n": [3, 20]}), "t", caption="t", counts=("n",))
    assert not (tmp_path / "tables").exists()


def test_commentary_and_approval(tmp_path):
    assert not load_commentary(tmp_path, "2025-03").approved
    (tmp_path / "commentary").mkdir()
    (tmp_path / "commentary" / "2025-03.yaml").write_text(
        "sections:\n  fft: 'Kiosk <b>broken</b> in March'\n"
        "approval:\n  approved_by: Head of Patient Experience\n  approved_on: 2025-04-09\n"
    )
    c = load_commentary(tmp_path, "2025-03")
    assert c.approved
    assert "Kiosk &lt;b&gt;broken&lt;/b&gt; in March" in c.html("fft")
    assert "09 April 2025" in c.status_html() and "DRAFT" not in c.status_html()
    assert c.html("complaints") == ""


def test_bad_approval_date_is_reported(tmp_path):
    (tmp_path / "commentary").mkdir()
    (tmp_path / "commentary" / "2025-03.yaml").write_text(
        "approval:\n  approved_by: X\n  approved_on: soon\n"
    )
    with pytest.raises(ValueError, match="2025-03.yaml: approved_on 'soon' is not a date"):
        load_commentary(tmp_path, "2025-03")
