"""E-mail addresses, plain or written to dodge a filter, in any case.

``jo.bloggs@example.com``, ``jo @ example.com``, ``jo[at]example[dot]com``,
``jo (at) example (dot) co (dot) uk``, ``jo{at}example.com``, ``jo at example dot com``.
With a bare word ``at`` the address must also spell out ``dot`` and end in a common top-level
domain, so "arrived at home" is never an address.

>>> [m.group() for m in find("write to Jo.Bloggs [AT] Example [dot] com today")]
['Jo.Bloggs [AT] Example [dot] com']
"""

from __future__ import annotations

import re

_LOCAL = r"[\w.%+'\-]*\w"
_LABEL = r"[\w\-]+"
_AT = r"(?:\s*@\s*|\s*[\[({<]\s*at\s*[\])}>]\s*)"
_DOT = r"(?:\s*\.\s*|\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*|\s+dot\s+)"
_TLD = r"(?:com|org|net|uk|co|gov|nhs|ac|edu|info|io|me|biz|scot|wales|ie|eu|email)\b"
PATTERN = re.compile(
    r"(?<![\w.%+\-])(?:"
    # user@domain.tld or user[at]domain[dot]tld: spaces and spelt-out dots allowed
    rf"{_LOCAL}{_AT}{_LABEL}(?:{_DOT}{_LABEL})+"
    # user at domain dot tld, or user at domain.tld: the last part a common top-level domain
    rf"|{_LOCAL}\s+at\s+{_LABEL}(?:(?:\s+dot\s+|\.){_LABEL})*(?:\s+dot\s+|\.){_TLD}"
    r")",
    re.IGNORECASE,
)
#: Quick test (RE2 syntax) every text holding an address passes.
PREFILTER = r"@|(?i:[\[({<]\s*at\s*[\])}>]|\sat\s.*(?:\sdot\s|\.[a-z]))"


def find(text: str) -> list[re.Match]:
    """Every e-mail address in ``text``."""
    return [m for m in PATTERN.finditer(text) if "." in m.group() or "dot" in m.group().lower()]
