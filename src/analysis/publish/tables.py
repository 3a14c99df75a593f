"""Tables as accessible HTML: a caption, header cells, and every value escaped."""

from __future__ import annotations

import html

import pandas as pd


def table_html(df: pd.DataFrame, caption: str) -> str:
    """Render ``df`` as a captioned HTML table; cell text is escaped, never interpreted."""
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in df.columns)
    rows = []
    for values in df.itertuples(index=False):
        cells = "".join(f"<td>{'' if pd.isna(v) else html.escape(str(v))}</td>" for v in values)
        rows.append(f"<tr>{cells}</tr>")
    return (
        f"<table><caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
