"""UK telephone numbers, mobile and landline, in the forms people write them.

National (``07700 900123``, ``0113 496 0123``), bracketed area code (``(0113) 496 0123``),
international (``+44 7700 900123``, ``0044 20 7946 0123``) with or without the trunk ``(0)``
(``+44 (0)20 7946 0123``); digits grouped by spaces, dots or hyphens. After the prefix (``0``,
``+44`` or ``0044``) come nine or ten digits, as in Ofcom's numbering plan; a run shaped like a
date (``01.02.2020 12``) is not a number.

>>> [m.group() for m in find("ring (0113) 496-0123 or +44 (0) 7700 900 123")]
['(0113) 496-0123', '+44 (0) 7700 900 123']
"""

from __future__ import annotations

import re

_GAP = r"[ \t.\-()]{0,3}"
PATTERN = re.compile(
    r"(?<![\w+])"
    r"(?:(?:\+|\b00)[ \t]*44[ \t]*(?:\([ \t]*0[ \t]*\)[ \t]*)?[ \t.\-]*|\([ \t]*0|\b0)"
    r"(?:" + _GAP + r"\d){9,10}(?![ \t.\-]?\d)"
)
_DATE_SHAPE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*\d{2,4}")


def _looks_like_date(text: str) -> bool:
    """Whether a day and a month (either order) start a date inside ``text``."""
    for m in _DATE_SHAPE.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31):
            return True
    return False


#: Quick test (RE2 syntax) every text holding a number passes.
PREFILTER = r"(?:\+|00)[ \t]*44|(?:^|[^\d])0(?:[ \t.\-()]{0,3}\d){9}"


def find(text: str) -> list[re.Match]:
    """Every UK telephone number in ``text``."""
    return [m for m in PATTERN.finditer(text) if not _looks_like_date(m.group())]
