"""Export an executed report notebook as HTML: the stakeholder page and the analyst page.

The stakeholder page has no code and no prompts, and extends JupyterLab's nbconvert
template with every external script removed (require.js, MathJax, Mermaid, widgets),
so it opens offline and loads nothing from elsewhere; charts are embedded as data
URIs. The analyst page is the same notebook with its code shown, for review; its
parameters show the configuration file relative to the project (never a machine path).
Both pass the publish gate (:mod:`analysis.publish.gate`) before they are written.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config as TraitletsConfig

from analysis.publish.gate import ensure_publishable
from analysis.publish.provenance import PATH_PARAMETERS, display_path

TEMPLATES = Path(__file__).parent / "templates"


def render_html(notebook: str | os.PathLike, title: str, include_code: bool = False) -> str:
    """The HTML of an executed ``notebook``; code and prompts only if ``include_code``."""
    c = TraitletsConfig()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = (
        set() if include_code else {"remove", "parameters", "injected-parameters"}
    )
    exporter = HTMLExporter(
        config=c,
        template_name="offline",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=not include_code,
        exclude_input_prompt=not include_code,
        exclude_output_prompt=not include_code,
    )
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata["title"] = title
    for cell in nb.cells:
        if {"parameters", "injected-parameters"} & set(cell.metadata.get("tags", [])):
            cell.source = _public_parameters(cell.source)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def _public_parameters(source: str) -> str:
    """A parameters cell with each path parameter shown relative to the project."""

    def one(m: re.Match) -> str:
        return f"{m.group(1)}{m.group(2)}{display_path(m.group(3))}{m.group(2)}"

    for name in PATH_PARAMETERS:
        source = re.sub(rf"^({name}\s*=\s*)([\"'])(.*?)\2", one, source, flags=re.MULTILINE)
    return source


def export_html(
    notebook: str | os.PathLike,
    destination: str | os.PathLike,
    title: str,
    include_code: bool = False,
    min_count: int = 5,
) -> Path:
    """Write ``notebook`` as HTML once it passes the publish gate (stakeholder and analyst pages)."""
    body = render_html(notebook, title, include_code)
    ensure_publishable(body, Path(destination).name, min_count)
    out = Path(destination)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out
