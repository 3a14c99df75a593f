"""Provenance for every report: period, parameters, inputs and their checksums, code version,
when it ran, and the data-quality summary from the clean step's manifest."""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

import pandas as pd

import analysis


def load_manifest(processed_dir: Path) -> dict:
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
        "Parameters": ", ".join(f"{k} = {v!r}" for k, v in parameters.items()),
        "Code version": f"analysis {analysis.__version__}",
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
