"""Analysts' commentary and sign-off for a report, kept beside the raw data (never in code).

``<raw_dir>/commentary/<period>.yaml``, for example ``2025-03.yaml``::

    sections:
      fft: "Response rates fell on Willow Ward while the kiosk was out of use."
      complaints: "Two complaints about discharge are being reviewed together."
    approval:
      approved_by: Head of Patient Experience
      approved_on: 2025-04-09

A report without an approval is marked DRAFT. The text is redacted as it is read, by the
detector that redacts every free-text column (:func:`analysis.ingest.redaction.redact_text`):
an analyst's note that names a patient or a member of staff does not reach a page.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.ingest.redaction import redact_text


@dataclass(frozen=True)
class Commentary:
    """An analyst's commentary per section and the approval of a period's report."""

    sections: dict[str, str] = field(default_factory=dict)
    approved_by: str | None = None
    approved_on: dt.date | None = None
    source: Path | None = None

    @property
    def approved(self) -> bool:
        return bool(self.approved_by and self.approved_on)

    def html(self, section: str) -> str:
        """The commentary for ``section`` as an escaped paragraph ('' if there is none)."""
        text = self.sections.get(section)
        if not text:
            return ""
        return f'<aside class="commentary"><p><strong>Commentary:</strong> {html.escape(str(text))}</p></aside>'

    def status_html(self) -> str:
        if self.approved:
            return (
                f'<p class="approval">Approved by {html.escape(self.approved_by)} '
                f"on {self.approved_on:%d %B %Y}.</p>"
            )
        return (
            '<p class="draft" role="note"><strong>DRAFT</strong>: this report has not been approved '
            "for publication.</p>"
        )


def load_commentary(raw_dir: Path, period: str) -> Commentary:
    """Commentary and approval for ``period`` (an empty, unapproved one if there is no file)."""
    path = Path(raw_dir) / "commentary" / f"{period}.yaml"
    if not path.exists():
        return Commentary()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path} is not valid YAML: {exc}") from None
    approval = data.get("approval") or {}
    approved_on = approval.get("approved_on")
    if approved_on is not None and not isinstance(approved_on, dt.date):
        try:
            approved_on = dt.date.fromisoformat(str(approved_on))
        except ValueError:
            raise ValueError(
                f"{path}: approved_on {approved_on!r} is not a date (YYYY-MM-DD)"
            ) from None
    sections = data.get("sections") or {}
    if not isinstance(sections, dict):
        raise ValueError(f"{path}: 'sections' must map section names to text")
    approved_by = approval.get("approved_by")
    return Commentary(
        sections={str(k): redact_text(str(v)) for k, v in sections.items()},
        approved_by=None if approved_by is None else redact_text(str(approved_by)),
        approved_on=approved_on,
        source=path,
    )
