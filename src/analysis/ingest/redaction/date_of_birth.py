"""Dates of birth: a date after "DOB", "D.O.B", "date of birth", "birth date" or "born (on)".

Any usual date form follows the cue: ``12/03/1956``, ``12.3.56``, ``12-03-1956``,
``1956-03-12``, ``12th March 1956``, ``12 of March, 1956``, ``March 12th 1956``, ``Mar 1956``.
Only the date is replaced; the cue stays, so a reader sees what was there.

>>> [m.group("date") for m in find("D.O.B: 12th March 1956; born on 1956-03-12")]
['12th March 1956', '1956-03-12']
"""

from __future__ import annotations

import re

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    r"\d{4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,2}"
    r"|\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}"
    rf"|{_DAY}[\s\-]+(?:of\s+)?{_MONTH},?[\s\-]+\d{{2,4}}"
    rf"|{_MONTH}\s+{_DAY},?\s+\d{{2,4}}"
    rf"|{_MONTH},?\s+\d{{4}}"
)
_CUE = (
    r"\b(?:d\s?\.?\s?o\s?\.?\s?b(?![a-z])\.?|date\s+of\s+birth|birth\s*date|birthday"
    r"|born(?:\s+(?:on|in))?)"
)
PATTERN = re.compile(
    rf"{_CUE}\s*(?:(?:[:\-–=]|is|was)\s*)?(?:the\s+)?(?P<date>{_DATE})\b",
    re.IGNORECASE,
)
#: Quick test (RE2 syntax) every text holding a date of birth passes.
PREFILTER = r"(?i:d\s?\.?\s?o\s?\.?\s?b|birth|born)"


def find(text: str) -> list[re.Match]:
    """Every date of birth in ``text`` (the ``date`` group of each match is what goes)."""
    return list(PATTERN.finditer(text))
