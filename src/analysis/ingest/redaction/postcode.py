"""UK postcodes in any case and spacing: ``LE1 7RH``, ``le17rh``, ``Le1  7rh``.

The outward code must start with one of the 124 postcode areas (Royal Mail's list), and the
inward code is a digit and two letters other than C, I, K, M, O and V (Royal Mail's format), so
"a1 2nd" or "10 am" is not a postcode.

>>> [m.group() for m in find("moved from le17rh to Le1  7rh, ward 12 at 10am")]
['le17rh', 'Le1  7rh']
"""

from __future__ import annotations

import re

from analysis.ingest.redaction.lexicon import words

#: Royal Mail's postcode areas (the letters that start a postcode).
AREAS = tuple(
    words(
        "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT "
        "DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA "
        "LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG "
        "SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE"
    )
)
_AREA = "(?:" + "|".join(sorted(AREAS, key=len, reverse=True)) + ")"
PATTERN = re.compile(
    r"\b" + _AREA + r"\d[A-Z\d]?[ \t]*\d[ABD-HJLNP-UW-Z]{2}\b",
    re.IGNORECASE,
)
#: Quick test (RE2 syntax) every text holding a postcode passes.
PREFILTER = r"(?i:[a-z]\d[a-z\d]?[ \t]*\d[a-z][a-z])"


def find(text: str) -> list[re.Match]:
    """Every postcode in ``text``."""
    return list(PATTERN.finditer(text))
