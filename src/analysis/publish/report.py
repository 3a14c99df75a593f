"""Building a report page: tables and charts that are safe to publish and downloadable.

A :class:`ReportBuilder` belongs to one report folder (``reports/<period>/``). Each
table it renders is also saved as CSV and Excel under ``tables/``, each chart as PNG
under ``figures/`` (for board papers), and the HTML links to them. Downloads cannot
run as spreadsheet formulas (:mod:`analysis.publish.spreadsheet`). Count columns are
checked for unsuppressed small numbers *before* anything is written, and marked in the
HTML (``class="count"``) so the publish gate can check the finished page again.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.publish.figures import figure_html
from analysis.publish.spreadsheet import write_downloads
from analysis.publish.suppression import MARK, is_small


class DisclosureError(ValueError):
    """A table about to be published holds a small count that was not suppressed."""


def slug(text: str) -> str:
    """A file-name-safe version of ``text``: ``"% positive, by service"`` → ``positive-by-service``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def title_html(partnership: str, report: str, period_label: str, status_html: str) -> str:
    """The page's one ``<h1>`` and its approval status (DRAFT until approved)."""
    return (
        f"<h1>{html.escape(partnership)}: {html.escape(report)}, {html.escape(period_label)}</h1>"
        + status_html
    )


@dataclass
class ReportBuilder:
    """Renders a report's tables and figures into ``folder`` with downloads beside them."""

    folder: Path
    min_count: int = 5
    prefix: str = ""
    written: list[Path] = field(default_factory=list)

    def _name(self, name: str) -> str:
        return slug(f"{self.prefix}-{name}" if self.prefix else name)

    def table(
        self,
        df: pd.DataFrame,
        name: str,
        caption: str,
        counts: tuple[str, ...] = (),
        note: str = "",
        collapsed: bool = False,
    ) -> str:
        """HTML for ``df`` (already suppressed) with a caption and CSV/Excel downloads.

        ``counts`` names the columns holding counts of people; a value from 1 to
        ``min_count`` - 1 in any of them raises :class:`DisclosureError`. A ``collapsed``
        table sits in a ``<details>`` element, folded until the reader opens it.
        """
        for col in counts:
            small = is_small(df[col].where(df[col] != MARK), self.min_count)
            if small.any():
                raise DisclosureError(
                    f"table {caption!r}: column {col!r} shows a count below {self.min_count} "
                    f"(row {int(small.idxmax())}); suppress it before publishing."
                )
        stem = self._name(name)
        self.written += write_downloads(df, self.folder / "tables", stem)

        head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in df.columns)
        rows = []
        for values in df.itertuples(index=False):
            cells = "".join(
                ("<td class='count'>" if col in counts else "<td>")
                + ("" if pd.isna(v) else html.escape(str(v)))
                + "</td>"
                for col, v in zip(df.columns, values, strict=True)
            )
            rows.append(f"<tr>{cells}</tr>")
        body = (
            "".join(rows)
            or f'<tr><td colspan="{len(df.columns)}">No data for this period.</td></tr>'
        )
        links = (
            f'<p class="downloads">Download this table: <a href="tables/{stem}.csv">CSV</a> · '
            f'<a href="tables/{stem}.xlsx">Excel</a></p>'
        )
        extra = f'<p class="note">{html.escape(note)}</p>' if note else ""
        table = (
            f'<table id="table-{stem}"><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{extra}{links}"
        )
        if collapsed:
            return f"<details><summary>{html.escape(caption)}</summary>{table}</details>"
        return table

    def figure(self, fig, name: str, alt: str, caption: str) -> str:
        """HTML for a chart (embedded PNG with alt text) and the PNG saved for download."""
        stem = self._name(name)
        path = self.folder / "figures" / f"{stem}.png"
        self.written.append(path)
        return figure_html(fig, alt, caption, save_as=path) + (
            f'<p class="downloads">Download this chart: <a href="figures/{stem}.png">PNG</a></p>'
        )
