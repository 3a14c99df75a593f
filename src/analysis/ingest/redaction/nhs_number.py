"""NHS numbers: ten digits, written with any separators, carrying a valid Modulus 11 check digit.

People write them as ``943 476 5919``, ``943-476-5919``, ``943.476.5919``, ``943/476/5919``,
``943_476_5919``, ``943 - 476 - 5919``, ``9434 765 919`` or one digit at a time
(``9 4 3 4 7 6 5 9 1 9``). A run of digits joined by short separators (up to three of space,
hyphen, dot, slash or underscore) is a candidate when it holds exactly ten digits, is not
shaped like a date (``12/03/2022 10``) and its check digit is valid.

>>> [(m.start(), m.end()) for m in find("ref 943.476.5919, not 943 476 5918")]
[(4, 16)]
"""

from __future__ import annotations

import re

#: Separators allowed between the digits of one number.
_SEP = r"[ \t\-./_–—]{0,3}"
#: A maximal run of digits joined by short separators (not inside a longer run of digits).
CHAIN = re.compile(r"(?<![\d])\d(?:" + _SEP + r"\d)*")
#: Shapes that are dates, not numbers: d/m/y or y-m-d (optionally with a time after it).
_DATE_SHAPE = re.compile(
    r"^(?:\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,2})"
    r"(?:\D|$)"
)
#: Quick test (RE2 syntax) every text holding a candidate passes.
PREFILTER = r"\d(?:[ \t\-./_–—]{0,3}\d){9}"


def nhs_number_is_valid(number: str) -> bool:
    """Whether ten digits carry a valid NHS number check digit (Modulus 11).

    NHS Digital data dictionary: multiply the first nine digits by 10, 9 … 2, sum,
    take the remainder on dividing by 11 and subtract it from 11; 11 means a
    check digit of 0, and 10 means the number is not valid.

    >>> nhs_number_is_valid("943 476 5919"), nhs_number_is_valid("943 476 5918")
    (True, False)
    """
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 10:
        return False
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == digits[9]


def find(text: str) -> list[re.Match]:
    """Every NHS number in ``text`` (the matches of :data:`CHAIN` that are one)."""
    return [
        m
        for m in CHAIN.finditer(text)
        if sum(c.isdigit() for c in m.group()) == 10
        and not _DATE_SHAPE.match(m.group())
        and nhs_number_is_valid(m.group())
    ]
