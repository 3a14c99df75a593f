"""Headless Chromium (Debian's), driven by Playwright: print-ready PDFs of the reports.

The same browser the end-to-end tests use. It is started with the network off, so a
page that tried to load anything from elsewhere would show it. Each PDF's text passes
the publish gate (:func:`analysis.publish.gate.check_file`); a refused PDF is removed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def available() -> bool:
    """Whether the browser is installed (``make browser`` installs it)."""
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def launch(playwright):
    """A headless Chromium from ``playwright`` (a started ``sync_playwright()``)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def write_pdfs(
    pages: list[Path], min_count: int = 5, refused: dict[Path, str] | None = None
) -> list[Path]:
    """Print each HTML page to a PDF beside it (A4, backgrounds kept); returns the PDFs.

    A PDF whose text fails the publish gate is removed; then, with a ``refused`` dict,
    the page and the reason are recorded there and the other pages go on printing;
    without one, :class:`~analysis.publish.gate.PublishRefused` is raised.
    """
    from playwright.sync_api import sync_playwright

    from analysis.publish.gate import PublishRefused, check_file

    written = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            context = browser.new_context(offline=True)
            for page_path in pages:
                page = context.new_page()
                page.goto(page_path.resolve().as_uri())
                # Folded detail (per-service tables, methods, provenance) prints in full.
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                pdf = page_path.with_suffix(".pdf")
                page.pdf(
                    path=str(pdf),
                    format="A4",
                    print_background=True,
                    margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
                )
                page.close()
                problems = check_file(pdf, min_count)
                if problems:
                    pdf.unlink()
                    listed = "\n".join(f"  - {pdf.name} {p}" for p in problems[:30])
                    reason = f"refusing to write {pdf.name}:\n{listed}"
                    if refused is None:
                        raise PublishRefused(reason)
                    refused[page_path] = reason
                    continue
                written.append(pdf)
        finally:
            browser.close()
    return written
