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
#: A run of hexadecimal characters long enough to be a checksum or key (e.g. a SHA-256).
_HEX_TOKEN = re.compile(r"[0-9A-Fa-f]{16,}")
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


def _inside_checksum(text: str, m: re.Match) -> bool:
    """Whether the digits of ``m`` lie inside a long hexadecimal token holding letters.

    A file's SHA-256 (``…b743dd4114270922d783…``) holds runs of digits, some with a valid
    check digit by chance; a number written by a person is not glued to hex letters.

    >>> s = "94aa05240f384d9c81323b7a22abb63b18b743dd4114270922d783698b7efcd0"
    >>> find(s), [m.group() for m in find("nhs9434765919")]
    ([], ['9434765919'])
    """
    for token in _HEX_TOKEN.finditer(text, max(0, m.start() - 64), m.end() + 64):
        if token.start() <= m.start() and m.end() <= token.end():
            return any(c.isalpha() for c in token.group())
    return False


def find(text: str) -> list[re.Match]:
    """Every NHS number in ``text`` (the matches of :data:`CHAIN` that are one)."""
    return [
        m
        for m in CHAIN.finditer(text)
        if sum(c.isdigit() for c in m.group()) == 10
        and not _DATE_SHAPE.match(m.group())
        and nhs_number_is_valid(m.group())
        and not _inside_checksum(text, m)
    ]
