"""The publish gate over a whole period folder: every file, every place, nothing echoed."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from analysis.publish.gate import PublishRefused, check_folder
from analysis.publish.index import write_index
from analysis.publish.report import ReportBuilder

PHONE = "07700 900123"
NHS_NUMBER = "943 476 5919"


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` in Helvetica (objects and offsets written by hand)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def png(path, description: str) -> None:
    info = PngInfo()
    info.add_text("Description", description)
    Image.new("RGB", (4, 4)).save(path, pnginfo=info)


@pytest.fixture
def period(tmp_path):
    """A clean period folder as the pipeline writes it: pages, tables, a chart, a PDF, run.json."""
    folder = tmp_path / "2024-06"
    report = ReportBuilder(folder)
    table = report.table(
        pd.DataFrame({"Service": ["Ward One", "Team Two"], "Responses": [12, "*"]}),
        "fft-by-service",
        "FFT by service",
        counts=("Responses",),
    )
    page = f"<html><body><h1>Report</h1>{table}</body></html>"
    (folder / "index.html").write_text(page, encoding="utf-8")
    (folder / "analyst.html").write_text(page, encoding="utf-8")
    (folder / "figures").mkdir()
    png(folder / "figures" / "chart.png", "Line chart of 12 responses")
    (folder / "index.pdf").write_bytes(minimal_pdf("Monthly report: 12 responses"))
    run = {"period": "2024-06", "parameters": {"config_path": "config/partnerships/demo.yaml"}}
    (folder / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return folder


def refusal(folder) -> str:
    with pytest.raises(PublishRefused) as caught:
        check_folder(folder, 5)
    return str(caught.value)


def test_a_clean_period_passes(period):
    check_folder(period, 5)


def test_an_identifier_in_a_csv_cell_is_placed_and_not_echoed(period):
    csv = period / "tables" / "fft-by-service.csv"
    csv.write_text(f"Service,Responses\nWard One,12\nCall {PHONE},*\n", encoding="utf-8")
    message = refusal(period)
    assert "tables/fft-by-service.csv row 3, column A: identifier: phone" in message
    assert PHONE not in message and "900123" not in message


def test_an_excel_cell_with_an_identifier_or_a_formula_is_placed(period):
    path = period / "tables" / "fft-by-service.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet["A2"] = f"NHS number {NHS_NUMBER}"
    sheet["B3"] = '=HYPERLINK("http://evil.example","x")'
    book.save(path)
    message = refusal(period)
    assert f"sheet '{sheet.title}', row 2, column A: identifier: nhs number" in message
    assert f"sheet '{sheet.title}', row 3, column B: formula" in message
    assert NHS_NUMBER not in message


def test_a_text_cell_a_spreadsheet_would_run_is_refused(period):
    csv = period / "tables" / "fft-by-service.csv"
    csv.write_text("Service,Responses\n@SUM(1+1),12\nWard,-3\n", encoding="utf-8")
    message = refusal(period)
    assert "row 2, column A: formula" in message
    assert "row 3" not in message  # a negative number is not a formula


def test_an_unsuppressed_small_count_in_a_download_is_refused(period):
    csv = period / "tables" / "fft-by-service.csv"
    csv.write_text("Service,Responses\nWard One,12\nTeam Two,3\n", encoding="utf-8")
    assert "tables/fft-by-service.csv row 3, column B: small count" in refusal(period)


def test_pdf_text_is_read(period):
    (period / "index.pdf").write_bytes(minimal_pdf(f"Ring {PHONE}"))
    message = refusal(period)
    assert "index.pdf page 1, line 1: identifier: phone" in message
    assert PHONE not in message


def test_a_chart_description_is_read(period):
    png(period / "figures" / "chart.png", "Mrs Smith's ward")
    assert "figures/chart.png PNG text 'Description': identifier: name" in refusal(period)


@pytest.mark.parametrize(
    "path", ["/home/analyst/config.yaml", "/tmp/pytest-1/partnership.yaml", "C:\\Users\\me\\x.yaml"]
)
def test_a_machine_path_in_run_json_or_a_page_is_refused(period, path):
    run = {"parameters": {"config_path": path}}
    (period / "run.json").write_text(json.dumps(run), encoding="utf-8")
    assert "run.json key /parameters/config_path: machine path" in refusal(period)
    page = period / "analyst.html"
    page.write_text(f"<html><body><pre>config_path = {path!r}</pre></body></html>")
    assert "analyst.html line 1: machine path" in refusal(period)


def test_an_identifier_in_the_analyst_page_is_refused(period):
    (period / "analyst.html").write_text(
        "<html><body>\n<p>ok</p>\n<pre>Mrs Smith</pre></body></html>", encoding="utf-8"
    )
    message = refusal(period)
    assert "analyst.html line 3: identifier: name" in message
    assert "Smith" not in message


def test_the_index_links_only_pages_the_gate_passed(period):
    reports = period.parent
    (period / "quarterly.html").write_text("<html></html>", encoding="utf-8")  # not in run.json
    run = {"pages": ["index.html"], "analyst_pages": ["analyst.html", "quarterly-analyst.html"]}
    (period / "run.json").write_text(json.dumps(run), encoding="utf-8")
    refused = reports / "2024-07"
    refused.mkdir()
    (refused / "index.html").write_text("<html></html>", encoding="utf-8")  # no run.json
    index = write_index(reports, "Demo").read_text(encoding="utf-8")
    assert 'href="2024-06/index.html"' in index and 'href="2024-06/analyst.html"' in index
    assert "quarterly" not in index
    assert "2024-07" not in index


def test_the_monthly_run_refuses_a_period_with_an_identifier_in_any_file(tmp_path, monkeypatch):
    """produce_month puts the whole staging folder through the gate: a name left in a
    download refuses the period, the staging folder is discarded, and the previous
    complete report (and the index's link to it) stays as it was."""
    import nbformat

    from analysis import pipeline
    from analysis.config import load_config, relocate

    cfg = relocate(load_config(), tmp_path / "p")
    out = cfg.reports_dir / "2024-05"
    out.mkdir(parents=True)
    (out / "index.html").write_text("<html>the previous report</html>", encoding="utf-8")
    (out / "run.json").write_text(json.dumps({"pages": ["index.html"]}), encoding="utf-8")

    def fake_notebook(name, output, parameters):
        output.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbformat.v4.new_notebook(), output)
        if name.startswith("10"):
            (output.parent / "tables").mkdir(exist_ok=True)
            (output.parent / "tables" / "monthly-quotes.csv").write_text(
                "Quote\nThanks to Mrs Smith on the ward\n", encoding="utf-8"
            )
        return output

    class Pool:
        """Kernels that run nothing: each notebook is the fake above."""

        kernels = [None]

        def __init__(self, *args):
            pass

        def execute(self, notebook, output, parameters, env):
            return fake_notebook(notebook.stem, output, parameters)

        def close(self):
            pass

    monkeypatch.setattr(pipeline.kernels, "KernelPool", Pool)
    with pytest.raises(PublishRefused) as caught:
        pipeline.produce_month(str(cfg.path), "2024-05", pdf=False, analyses=False)
    assert "tables/monthly-quotes.csv row 2, column A: identifier: name" in str(caught.value)
    assert "Smith" not in str(caught.value)
    assert sorted(p.name for p in cfg.reports_dir.iterdir()) == ["2024-05"]  # no staging left
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "run.json"]
    assert (out / "index.html").read_text(encoding="utf-8") == "<html>the previous report</html>"
    assert "2024-05/index.html" in write_index(cfg.reports_dir, "Demo").read_text(encoding="utf-8")


def test_numbers_of_neighbouring_table_cells_in_a_pdf_are_not_an_nhs_number(period):
    """pypdf gives a table row as one line: counts of adjacent cells run together (here
    943, 476 and 5919, which together pass the Modulus 11 check). The page the PDF is
    printed from is gated with its cells apart, so the PDF's text is not refused for it."""
    (period / "index.pdf").write_bytes(minimal_pdf("Podiatry 943 476 5919"))
    check_folder(period, 5)
