"""The publish gate: the last check before any output of a period counts as written.

One function, :func:`check_folder`, scans every file of a period's (staging) folder:
stakeholder and analyst pages, PDFs (their extracted text), every CSV and Excel table,
the PNG charts' text (the alt text they carry), ``run.json`` and the executed
notebooks, and raises :class:`PublishRefused` naming each file, the place in it (line,
sheet/row/column cell, page, key) and the kind of problem, never the identifier
itself in full. It refuses

* an **identifier** (NHS number, phone, e-mail, postcode, date of birth, a name after
  a title, a listed staff name) found by the same detector the clean step redacts with
  (:func:`analysis.ingest.redaction.find_identifiers`);
* a **machine path** (``/home/…``, ``/tmp/…``, ``C:\\…``, the project's own folder):
  reports name files relative to the project;
* an **unsuppressed small count** in a page's count cells (``class="count"``) and in
  the same columns of that table's CSV and Excel downloads;
* a **formula** in a download: an Excel formula cell, or a text cell starting with
  ``=``, ``+``, ``-``, ``@``, tab or carriage return (OWASP CSV injection);
* in pages, anything that **runs or loads**: a ``<script>``, an external stylesheet, an
  ``src``/``href`` fetching from the network (download links beside the page are fine).

:func:`check_page` and :func:`ensure_publishable` check one page before it is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from analysis.config import PROJECT_ROOT
from analysis.ingest.redaction import find_identifiers
from analysis.publish import gate_files
from analysis.publish.spreadsheet import TRIGGERS, safe_cell

NETWORK = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
_ROOTS = "home|Users|tmp|work|root|var|mnt|opt|srv|private|Volumes|scratch|usr|etc|media|run"
_OWN = "|".join(re.escape(str(p)) for p in {PROJECT_ROOT, Path.home()} if len(Path(p).parts) > 1)
#: An absolute path on a machine: Unix folders, Windows drives and shares, file URIs.
MACHINE_PATH = re.compile(
    rf"(?<![\w.:/~-])(?:/(?:{_ROOTS})/[^\s\"'<>]*|{_OWN}"
    r"|\b[A-Za-z]:\\[^\s\"'<>]+|\\\\[\w.-]+\\[^\s\"'<>]+|file:///[^\s\"'<>]+)"
)


class PublishRefused(RuntimeError):
    """An output failed the publish gate; nothing of it counts as written."""


@dataclass(frozen=True)
class Problem:
    """One thing the gate found: its kind, where it is, and a shortened view of it."""

    kind: str
    detail: str
    where: str = ""

    def __str__(self) -> str:
        return (
            f"{self.where}: {self.kind}: {self.detail}"
            if self.where
            else (f"{self.kind}: {self.detail}")
        )


def mask(text: str) -> str:
    """A hint of ``text`` that does not give it away: its ends and its length.

    >>> mask("07700 900123"), mask("Smith")
    ("'07…23' (12 characters)", "'S…' (5 characters)")
    """
    hint = f"{text[:2]}…{text[-2:]}" if len(text) > 6 else f"{text[:1]}…"
    return f"{hint!r} ({len(text)} characters)"


def _findings(text: str) -> list[tuple[Problem, int]]:
    """Identifiers and machine paths in ``text``, each with where it starts (-1 if unknown)."""
    found = []
    for kind, match in find_identifiers(text):
        problem = Problem("identifier", f"{kind.replace('_', ' ')} {mask(match)}")
        found.append((problem, text.find(match)))
    for m in MACHINE_PATH.finditer(text):
        found.append((Problem("machine path", f"an absolute path {mask(m.group())}"), m.start()))
    return found


def check_text(text: str, where: str = "") -> list[Problem]:
    """Identifiers and machine paths in one piece of published text."""
    return [Problem(p.kind, p.detail, where) for p, _ in _findings(text)]


def _small(value, min_count: int) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return 0 < value < min_count
    number = str(value).replace(",", "").strip()
    return number.isdigit() and 0 < int(number) < min_count


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[tuple[int, str]] = []
        self.counts: list[tuple[int, str]] = []
        self.count_columns: dict[str, set[int]] = {}
        self.problems: list[Problem] = []
        self._skip = 0
        self._in_count = 0
        self._count_text: list[str] = []
        self._table = ""
        self._column = -1

    def _where(self) -> str:
        return f"line {self.getpos()[0]}"

    def handle_starttag(self, tag, attrs):  # noqa: C901
        a = dict(attrs)
        where = self._where()
        if tag == "script":
            self.problems.append(Problem("script", "a <script> element", where))
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "link" and "stylesheet" in (a.get("rel") or "") and a.get("href"):
            self.problems.append(Problem("external stylesheet", a["href"], where))
        for attr in ("src", "href"):
            value = a.get(attr) or ""
            if NETWORK.match(value) and not (tag == "a" and attr == "href"):
                self.problems.append(
                    Problem("external resource", f"<{tag} {attr}={value[:60]!r}>", where)
                )
        for attr in ("alt", "title", "aria-label"):
            if a.get(attr):
                self.text.append((self.getpos()[0], a[attr]))
        if tag == "table":
            self._table = (a.get("id") or "").removeprefix("table-")
        if tag == "tr":
            self._column = -1
        if tag in ("td", "th"):
            self._column += 1
        if tag == "td" and "count" in (a.get("class") or "").split():
            self._in_count += 1
            self._count_text = []
            if self._table:
                self.count_columns.setdefault(self._table, set()).add(self._column)

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1
        if tag == "td" and self._in_count:
            self._in_count -= 1
            self.counts.append((self.getpos()[0], "".join(self._count_text).strip()))
        if tag == "table":
            self._table = ""

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append((self.getpos()[0], data))
        if self._in_count:
            self._count_text.append(data)


def _scan_page(page: str, min_count: int) -> tuple[list[Problem], dict[str, set[int]]]:
    scanner = _Scanner()
    scanner.feed(page)
    scanner.close()
    problems = list(scanner.problems)
    # Text is checked joined (an identifier may span elements), then placed by its line.
    joined, starts, offset = [], [], 0
    for line, data in scanner.text:
        joined.append(data)
        starts.append((offset, line))
        offset += len(data) + 1
    text = "\n".join(joined)
    for problem, at in _findings(text):
        line = next((ln for off, ln in reversed(starts) if off <= at), None) if at >= 0 else None
        problems.append(Problem(problem.kind, problem.detail, f"line {line}" if line else "text"))
    for line, value in scanner.counts:
        if _small(value, min_count):
            problems.append(
                Problem("small count", "a count below the threshold, unsuppressed", f"line {line}")
            )
    return problems, scanner.count_columns


def check_page(page: str, min_count: int = 5) -> list[Problem]:
    """Every reason the HTML ``page`` must not be published (empty if it is safe)."""
    return _scan_page(page, min_count)[0]


def _refusal(what: str, problems: list[Problem]) -> PublishRefused:
    listed = "\n".join(f"  - {p}" for p in problems[:30])
    more = f"\n  … and {len(problems) - 30} more" if len(problems) > 30 else ""
    return PublishRefused(
        f"refusing to write {what}: not safe to publish:\n{listed}{more}\n"
        "Redact or suppress the data behind it, then run the report again."
    )


def ensure_publishable(page: str, destination: str, min_count: int = 5) -> None:
    """Raise :class:`PublishRefused` naming every problem if ``page`` is not safe to publish."""
    problems = check_page(page, min_count)
    if problems:
        raise _refusal(destination, problems)


def _runs(value) -> bool:
    """Text a spreadsheet may run: starts with a trigger and is not just a number."""
    return (
        isinstance(value, str)
        and value.startswith(TRIGGERS)
        and safe_cell(value) != value
        and (isinstance(safe_cell(value), str))
    )


def _check_piece(piece: gate_files.Piece, counted: set[int], min_count: int) -> list[Problem]:
    problems = check_text(piece.text, piece.where)
    if piece.column is None:
        return problems
    if piece.formula:
        problems.append(Problem("formula", "an Excel formula cell", piece.where))
    elif _runs(piece.value):
        problems.append(Problem("formula", "a text cell a spreadsheet may run", piece.where))
    if piece.column[1] in counted and not piece.header and _small(piece.value, min_count):
        problems.append(
            Problem("small count", "a count below the threshold, unsuppressed", piece.where)
        )
    return problems


def check_file(path: Path, min_count: int = 5, count_columns: dict | None = None) -> list[Problem]:
    """Every problem in one output file (see the module's list), placed within the file."""
    count_columns = count_columns or {}
    if path.suffix == ".html":
        return _scan_page(path.read_text(encoding="utf-8"), min_count)[0]
    reader = gate_files.READERS.get(path.suffix.lower(), gate_files.text_pieces)
    try:
        pieces = list(reader(path))
    except (UnicodeDecodeError, ValueError, OSError) as exc:
        return [Problem("unreadable", f"the gate cannot read it ({type(exc).__name__})")]
    counted = count_columns.get(path.stem, set())
    problems = [p for piece in pieces for p in _check_piece(piece, counted, min_count)]
    if path.suffix.lower() == ".pdf":
        # A PDF is printed from its page, which the gate reads with its table cells apart;
        # in a PDF's extracted text the numbers of neighbouring cells run together into
        # digit strings that can pass the NHS number check, so those are judged on the page.
        problems = [p for p in problems if not p.detail.startswith("nhs number")]
    return problems


def check_folder(folder: str | Path, min_count: int = 5) -> None:
    """Scan every file under a period's ``folder``; raise :class:`PublishRefused` if any fails.

    The message lists each problem as ``file: place: kind: hint`` (the hint shows only
    the ends and length of what was found). Pages are read first so the count columns
    they mark are checked in the matching CSV and Excel downloads too.
    """
    folder = Path(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    count_columns: dict[str, set[int]] = {}
    problems: list[Problem] = []
    for page in (p for p in files if p.suffix == ".html"):
        found, columns = _scan_page(page.read_text(encoding="utf-8"), min_count)
        problems += [_in(page, folder, p) for p in found]
        for stem, cols in columns.items():
            count_columns.setdefault(stem, set()).update(cols)
    for path in (p for p in files if p.suffix != ".html"):
        problems += [_in(path, folder, p) for p in check_file(path, min_count, count_columns)]
    if problems:
        raise _refusal(f"the outputs in {folder.name}", problems)


def _in(path: Path, folder: Path, problem: Problem) -> Problem:
    name = path.relative_to(folder).as_posix()
    return Problem(problem.kind, problem.detail, f"{name} {problem.where}".strip())
