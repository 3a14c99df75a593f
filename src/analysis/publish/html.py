"""Export an executed notebook as a stakeholder HTML page: no code, no prompts, offline.

The page extends JupyterLab's nbconvert template with every external script removed
(require.js, MathJax, Mermaid, widgets), so it opens without a network and loads
nothing from elsewhere; charts are embedded as data URIs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config as TraitletsConfig

TEMPLATES = Path(__file__).parent / "templates"
EXTERNAL = re.compile(
    r"<script[^>]+src=|<link[^>]+rel=[\"']?stylesheet[^>]*href=[\"']?(?:https?:)?//|@import\s+url\(",
    re.IGNORECASE,
)


def export_html(notebook: str | os.PathLike, destination: str | os.PathLike, title: str) -> Path:
    """Write ``notebook`` (already executed) as a self-contained, code-free HTML page."""
    c = TraitletsConfig()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = {"remove", "parameters", "injected-parameters"}
    exporter = HTMLExporter(
        config=c,
        template_name="offline",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    found = EXTERNAL.search(body)
    if found:
        raise RuntimeError(
            f"refusing to write {destination}: the page would load an external resource "
            f"({found.group(0)!r}); stakeholder exports must be self-contained."
        )
    out = Path(destination)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out
