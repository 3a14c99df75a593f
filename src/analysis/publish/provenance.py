"""Provenance for every report: period, parameters, inputs and their checksums, code version,
when it ran, and the data-quality summary from the clean step's manifest.

Nothing here names a folder of the machine it ran on: the configuration file is shown
relative to the project root (or by its file name when it lives elsewhere), and the
code version is the git commit (``git describe``-style short hash, ``+dirty`` when the
checkout has uncommitted changes), or the package version outside a git checkout.

>>> from analysis.config import PROJECT_ROOT
>>> display_path(PROJECT_ROOT / "config" / "partnerships" / "demo.yaml")
'config/partnerships/demo.yaml'
>>> display_path("/somewhere/else/mine.yaml"), display_path("")
('mine.yaml', '')
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import os
import subprocess
from pathlib import Path

import pandas as pd

import analysis
from analysis.config import PROJECT_ROOT

#: Parameters whose values are paths, shown by :func:`display_path`.
PATH_PARAMETERS = ("config_path",)


def display_path(path: str | os.PathLike) -> str:
    """``path`` relative to the project root, or only its file name if it lies outside."""
    if not str(path):
        return ""
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    try:
        return p.resolve().relative_to(PROJECT_ROOT.resolve()).as_posix()
    except ValueError:
        return p.name


def public_parameters(parameters: dict) -> dict:
    """``parameters`` with every path shown by :func:`display_path` (for pages and run.json)."""
    return {k: display_path(v) if k in PATH_PARAMETERS and v else v for k, v in parameters.items()}


@functools.cache
def code_version() -> str:
    """The git commit of the code (short hash, ``+dirty`` if modified), else the package version."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return f"analysis {analysis.__version__}"
    return f"{commit}{'+dirty' if dirty else ''}"


def load_manifest(processed_dir: Path) -> dict:
    """The clean step's manifest (inputs, checksums, counts), or an empty one before a clean."""
    path = Path(processed_dir) / "manifest.json"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: run the clean step first (python -m analysis clean)."
        )
    return json.loads(path.read_text(encoding="utf-8"))


def inputs_table(manifest: dict) -> pd.DataFrame:
    """One row per input file: source, file, rows, sha256."""
    rows = manifest.get("inputs", [])
    df = pd.DataFrame(rows)
    keep = [c for c in ("source", "file", "rows", "sha256") if c in df.columns]
    return df[keep] if keep else pd.DataFrame(columns=["source", "file", "rows", "sha256"])


QUALITY_COLUMNS = {
    "read": "Rows read",
    "kept": "Kept",
    "quarantined": "Set aside (quarantine)",
    "duplicates": "Duplicates removed",
    "status": "Status",
}


def quality_table(manifest: dict) -> pd.DataFrame:
    """Rows read, kept, quarantined and removed as duplicates, per source (they add up)."""
    rows = [
        {"Source": source, **{label: counts.get(key, "") for key, label in QUALITY_COLUMNS.items()}}
        for source, counts in manifest.get("counts", {}).items()
    ]
    return pd.DataFrame(rows, columns=["Source", *QUALITY_COLUMNS.values()])


def redaction_table(manifest: dict) -> pd.DataFrame:
    """How many identifiers of each kind the clean step redacted from free text."""
    found = manifest.get("redactions", {})
    return pd.DataFrame(
        {"Identifier": [k.replace("_", " ") for k in found], "Redacted": list(found.values())}
    )


def provenance_html(
    period, parameters: dict, manifest: dict, ran_at: dt.datetime | None = None
) -> str:
    """A short definition list: the facts a reader needs to trust and reproduce the report."""
    ran_at = ran_at or dt.datetime.now(dt.UTC)
    items = {
        "Period": str(period),
        "Parameters": ", ".join(f"{k} = {v!r}" for k, v in public_parameters(parameters).items()),
        "Code version": code_version(),
        "Data processed": str(manifest.get("run_at", "unknown")),
        "Report produced": ran_at.strftime("%Y-%m-%d %H:%M UTC"),
    }
    rows = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in items.items())
    return f'<dl class="provenance">{rows}</dl>'


def provenance_section(report, period_label: str, parameters: dict, manifest: dict) -> str:
    """The whole provenance section: facts, data quality, redactions, and the input files."""
    return (
        provenance_html(period_label, parameters, manifest)
        + report.table(
            quality_table(manifest),
            "data-quality",
            caption="Rows read, kept and set aside by the clean step, per source",
        )
        + report.table(
            redaction_table(manifest),
            "redactions",
            caption="Identifiers removed from comments before analysis",
        )
        + report.table(
            inputs_table(manifest),
            "inputs",
            caption="Input files and their SHA-256 checksums",
            collapsed=True,
        )
    )
