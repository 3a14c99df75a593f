"""A month's notebooks run the longest first (the report page, then the analyses, the clean
step's audit last) and the report's pages are exported while the other notebooks still run."""

from __future__ import annotations

import threading
import time

import nbformat

from analysis import pipeline
from analysis.config import load_config, relocate

#: Seconds each fake notebook takes (in proportion to the demonstration's).
SECONDS = {"10_report": 0.8, "02_trends": 0.9, "04_indicators": 0.7, "03_themes": 0.6}


class TwoKernels:
    """Kernels that run nothing: each notebook sleeps its time and writes an empty notebook."""

    kernels = [None, None]

    def __init__(self):
        self.events: list[tuple[str, str, float]] = []
        self.lock = threading.Lock()

    def execute(self, notebook, output, parameters, env):
        with self.lock:
            self.events.append(("start", notebook.stem, time.monotonic()))
        time.sleep(SECONDS.get(notebook.stem, 0.3))
        output.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbformat.v4.new_notebook(), output)
        with self.lock:
            self.events.append(("end", notebook.stem, time.monotonic()))
        return output


def test_the_longest_run_first_and_pages_are_exported_meanwhile(tmp_path, monkeypatch):
    cfg = relocate(load_config(), tmp_path / "p")
    pool = TwoKernels()
    exported = []

    def export_html(notebook, output, **kwargs):
        output.write_text("<html><body>page</body></html>", encoding="utf-8")
        exported.append((output.name, time.monotonic()))
        return output

    monkeypatch.setattr(pipeline, "export_html", export_html)
    staging = tmp_path / "staging"
    staging.mkdir()
    options = pipeline.MonthOptions(pdf=False, clean_audit=True)
    run = pipeline.build_month(str(cfg.path), "2024-05", staging, options, pool=pool)

    started = [name for kind, name, _ in pool.events if kind == "start"]
    assert started == ["10_report", "02_trends", "04_indicators", "03_themes", "01_clean"]
    last_end = max(t for kind, _, t in pool.events if kind == "end")
    assert sorted(name for name, _ in exported) == ["analyst.html", "index.html"]
    assert all(t < last_end for _, t in exported), "the pages waited for every notebook"
    assert run["pages"] == ["index.html"] and (staging / "run.json").exists()
