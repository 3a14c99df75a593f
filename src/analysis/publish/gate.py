"""The publish gate: the last check before a stakeholder page is written.

It refuses a page that
* runs or loads anything: any ``<script>``, an external stylesheet, or an ``src`` /
  ``href`` that fetches from the network (download links to files beside the page
  are fine);
* still contains an identifier in its visible text or alt text, found by the same
  detector the clean step redacts with (:func:`analysis.ingest.redaction.find_identifiers`);
* shows an unsuppressed small count in a cell marked as a count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from analysis.ingest.redaction import find_identifiers

NETWORK = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


class PublishRefused(RuntimeError):
    """A stakeholder export failed the publish gate; nothing was written."""


@dataclass(frozen=True)
class Problem:
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.counts: list[str] = []
        self.problems: list[Problem] = []
        self._skip = 0
        self._in_count = 0
        self._count_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.problems.append(Problem("script", "the page contains a <script> element"))
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "link" and "stylesheet" in (a.get("rel") or "") and a.get("href"):
            self.problems.append(Problem("external stylesheet", a["href"]))
        for attr in ("src", "href"):
            value = a.get(attr) or ""
            if NETWORK.match(value) and not (tag == "a" and attr == "href"):
                self.problems.append(Problem("external resource", f"<{tag} {attr}={value!r}>"))
        for attr in ("alt", "title", "aria-label"):
            if a.get(attr):
                self.text.append(a[attr])
        if tag == "td" and "count" in (a.get("class") or "").split():
            self._in_count += 1
            self._count_text = []

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1
        if tag == "td" and self._in_count:
            self._in_count -= 1
            self.counts.append("".join(self._count_text).strip())

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._in_count:
            self._count_text.append(data)


def check_page(page: str, min_count: int = 5) -> list[Problem]:
    """Every reason the HTML ``page`` must not be published (empty if it is safe)."""
    scanner = _Scanner()
    scanner.feed(page)
    problems = list(scanner.problems)
    for kind, match in find_identifiers("\n".join(scanner.text)):
        problems.append(Problem("identifier", f"{kind} {match!r}"))
    for value in scanner.counts:
        number = value.replace(",", "")
        if number.isdigit() and 0 < int(number) < min_count:
            problems.append(Problem("small count", f"a count of {number} is shown unsuppressed"))
    return problems


def ensure_publishable(page: str, destination: str, min_count: int = 5) -> None:
    """Raise :class:`PublishRefused` naming every problem if ``page`` is not safe to publish."""
    problems = check_page(page, min_count)
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise PublishRefused(
            f"refusing to write {destination}: the stakeholder page is not safe to publish:\n"
            f"{listed}{more}\nRedact or suppress the data behind it (the analyst version was written)."
        )
