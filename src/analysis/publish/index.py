"""``reports/index.html``: one offline page listing every period's reports."""

from __future__ import annotations

import html
from pathlib import Path


def write_index(reports_dir: Path, partnership: str) -> Path:
    """List every ``reports/<YYYY-MM>/`` folder, newest first, with links to its HTML pages."""
    periods = sorted(
        (p for p in reports_dir.iterdir() if p.is_dir() and p.name[:4].isdigit()), reverse=True
    )
    items = []
    for period in periods:
        pages = sorted(period.glob("*.html"))
        links = ", ".join(
            f'<a href="{html.escape(period.name)}/{html.escape(p.name)}">'
            f"{'Monthly report' if p.name == 'index.html' else html.escape(p.stem.replace('_', ' '))}</a>"
            for p in pages
        )
        items.append(f"<li><strong>{html.escape(period.name)}</strong>: {links}</li>")
    title = f"{html.escape(partnership)}: feedback reports"
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        "<style>body{font-family:Arial,sans-serif;max-width:50rem;margin:2rem auto;color:#212b32}"
        "h1{color:#005eb8}li{margin:.3rem 0}</style></head>"
        f"<body><main><h1>{title}</h1><ul>{''.join(items) or '<li>No reports yet.</li>'}</ul>"
        "</main></body></html>"
    )
    out = reports_dir / "index.html"
    out.write_text(page, encoding="utf-8")
    return out
