"""``reports/index.html``: one offline page listing every period and its reports.

A page is linked only if it exists and the period's ``run.json`` (written once every
output of the period passed the publish gate) lists it: a refused or missing page is
never linked, and a period without ``run.json`` is not listed.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

#: Stakeholder pages in the order they are listed, with their labels.
PAGES = {
    "index.html": "Monthly report",
    "quarterly.html": "Quarterly report",
    "annual.html": "Annual report",
}


def _published(period: Path) -> set[str]:
    """The pages the period's ``run.json`` lists as passed by the gate (none without it)."""
    try:
        run = json.loads((period / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {
        p for p in [*run.get("pages", []), *run.get("analyst_pages", [])] if (period / p).exists()
    }


def _links(period: Path) -> str:
    parts = []
    published = _published(period)
    for page, label in PAGES.items():
        if page not in published:
            continue
        href = f"{html.escape(period.name)}/{page}"
        extra = []
        pdf = (period / page).with_suffix(".pdf")
        if pdf.exists():
            extra.append(f'<a href="{html.escape(period.name)}/{pdf.name}">PDF</a>')
        analyst = "analyst.html" if page == "index.html" else page.replace(".html", "-analyst.html")
        if analyst in published:
            extra.append(f'<a href="{html.escape(period.name)}/{analyst}">analyst version</a>')
        parts.append(f'<a href="{href}">{label}</a>' + (f" ({', '.join(extra)})" if extra else ""))
    return "; ".join(parts)


def write_index(reports_dir: Path, partnership: str) -> Path:
    """List every ``reports/<YYYY-MM>/`` folder, newest first, with links to its pages."""
    periods = sorted(
        (
            p
            for p in reports_dir.iterdir()
            if p.is_dir() and p.name[:4].isdigit() and "index.html" in _published(p)
        ),
        reverse=True,
    )
    items = "".join(
        f"<li><strong>{html.escape(p.name)}</strong>: {_links(p)}</li>" for p in periods
    )
    title = f"{html.escape(partnership)}: feedback reports"
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        "<style>body{font-family:Arial,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#212b32}"
        "h1{color:#005eb8}li{margin:.4rem 0}a{color:#005eb8}</style></head>"
        f"<body><main><h1>{title}</h1><p>Every period's reports, newest first.</p>"
        f"<ul>{items or '<li>No reports yet.</li>'}</ul></main></body></html>"
    )
    out = reports_dir / "index.html"
    tmp = out.with_name(f".index-{os.getpid()}.html")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, out)  # readers see the old index or the new one, never half of one
    return out
