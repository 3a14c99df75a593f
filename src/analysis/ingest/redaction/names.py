"""People's names: after a cue (kind ``name``) and, without one, from the name model (``listed_name``).

Cues, each in any case:

* a title, with or without a full stop: ``Dr``, ``Mr.``, ``MRS``, ``Ms``, ``Miss``, ``Mx``,
  ``Prof.``, ``Rev``, ``Cllr``, ``Sir``, ``Dame``; after these even a lower-case word is a
  name unless it is an ordinary word ("dr smith", not "dr said");
* a role: ``Nurse``, ``Sister``, ``Matron``, ``staff nurse``, ``HCA``, ``physio``,
  ``social worker``, ``key worker``, ``consultant``, ``doctor``, ``midwife`` … ("a nurse called
  Jo", "my social worker, Sam,");
* naming: ``called``, ``named``, ``name is``;
* thanks: ``thanks to Kerry and Sam``, ``thank you Sam``, ``shout out to Jo, Ann & Bea``.

After a cue, a word written with a capital is a name unless it is an ordinary word that is not
a name ("thank you All"), and ``de la``, ``van der``, ``Ó`` or ``bin`` may join it to the next
(``Dr de la Cruz``, ``Nurse Ó Súilleabháin``, ``D'Souza``, ``Okafor-Lee``, ``Żaneta``).

Without a cue, a capitalised first name that is not also an ordinary word ("Kerry", "Priya";
see :mod:`analysis.ingest.redaction.name_model`) is a name, with the surname after it; an
ambiguous one ("Will", "Grace") only when a surname follows ("Grace Okafor").

The title or role stays and only the name is replaced: ``Dr [name]``.

>>> text = "Thanks to Kerry and SAM, and Dr. de la Cruz"
>>> [text[a:b] for a, b in find_cued(text)]
['Kerry', 'SAM', 'de la Cruz']
"""

from __future__ import annotations

import re

from analysis.ingest.redaction import name_model
from analysis.ingest.redaction.lexicon import words

_UPPER = "".join(chr(c) for c in range(0x41, 0x250) if chr(c).isupper() and chr(c).isalpha())
_LETTER = "".join(chr(c) for c in range(0x41, 0x250) if chr(c).isalpha())
_EXTRA = "Ḁ-ỿ"  # Latin Extended Additional (Vietnamese, Welsh ŵ ŷ …)
#: A word of a name: letters, with an apostrophe or hyphen inside (O'Neill, Okafor-Lee).
WORD = re.compile(rf"[{_LETTER}{_EXTRA}]+(?:['’\-][{_LETTER}{_EXTRA}]+)*")
_STRONG_TITLES = r"dr|mr|mrs|ms|miss|mx|prof|professor|rev|revd|reverend|cllr|sir|dame|lord|lady"
_ROLES = (
    r"staff\s+nurse|charge\s+nurse|student\s+nurse|nurse|sister|sr|matron|hca|health\s*care\s+"
    r"assistant|physio(?:therapist)?|social\s+worker|key\s*worker|support\s+worker|care\s*worker"
    r"|carer|consultant|doctor|registrar|surgeon|gp|midwife|paramedic|therapist|ot|psychiatrist"
    r"|psychologist|receptionist|care\s+co-?ordinator|health\s+visitor|counsellor|volunteer"
    r"|porter|pharmacist|dentist|advocate|practitioner"
)
_THANKS = (
    r"thanks|thank\s*(?:you|u)|thankyou|ty|cheers|grateful\s+to|shout\s*-?\s*outs?\s+to"
    r"|well\s+done|kudos\s+to|praise\s+(?:to|for)|special\s+(?:mention|thanks)\s+(?:to|for)"
    r"|hats?\s+off\s+to|big\s+up"
)
_FILLER = r"(?:\s+(?:so|very|much|again|to|also|especially|particularly|in\s+particular|all))*"
_CUES = re.compile(
    rf"\b(?P<title>{_STRONG_TITLES})\b(?:\.[ \t]*|[ \t]+)"
    rf"|\b(?P<role>(?:{_ROLES})s?)\b(?:[ \t]*[,:(\-–][ \t]*|[ \t]+)(?:(?:called|named)[ \t]+)?"
    r"|\b(?P<naming>called|named|name\s+(?:is|was)|names?\s*(?:is|was|:))[ \t]+"
    rf"|\b(?P<thanks>{_THANKS})\b{_FILLER}[ \t,:\-–]+",
    re.IGNORECASE,
)
#: The same cues matched in ASCII text written in lower case: the same spans as
#: :data:`_CUES` (every letter of its pattern is lower case), found three times faster.
_CUES_LOWER = re.compile(_CUES.pattern)
assert _CUES.pattern.replace("(?P<", "") == _CUES.pattern.replace("(?P<", "").lower()
_JOIN = re.compile(r"[ \t]*(?:,|&|\+|/|\band\b)[ \t]*(?:\band\b[ \t]*)?", re.IGNORECASE)
#: Words after a cue that are never names (places, groups, pronouns), whatever the lists say.
NOT_NAMES = words("""
    the a an and or but to of in on at for with from by was is were are be been has had have
    said says who's ward wards team teams unit units staff service services department dept clinic
    hospital hospitals centre center house practice surgery home room bay station desk nhs trust
    everyone everybody all you your yours my our his her their them him me us i it its this that
    these those there here who which what when where why how not no yes ok okay nurse nurses
    doctor doctors sister matron consultant carer carers team's reception lovely great very so
    dr mr mrs ms miss mx prof professor rev revd reverend cllr sir dame lord lady sr hca physio
    gp midwife paramedic registrar surgeon therapist receptionist porter volunteer
    """)
#: Words that start a sentence or a list and are not names even after thanks ("Thanks Again").
_CUE_WORDS = frozenset({"again", "also", "both", "each", "every", "lot", "lots", "many", "much"})
_LOWER_OK_TITLES = words("dr mr mrs ms mx prof professor cllr")
_RE2_UPPER = "A-ZÀ-ÖØ-ÞĀ-ſ"
#: Quick test (RE2 syntax): a title and a word, or another cue, a few little words
#: ("thank you so much to") and a capitalised word.
CUE_PREFILTER = (
    rf"(?i:\b(?:{_STRONG_TITLES})\b)(?:\.[ \t]*|[ \t]+)\S"
    rf"|(?i:\b(?:{_ROLES}|called|named|names?|{_THANKS})s?\b)[ \t,:\-–(]+"
    r"(?:(?i:to|you|u|so|very|much|again|also|all|called|named|is|was|the|my|our|a|in"
    r"|particular|especially|particularly)[ \t,]+){0,4}"
    rf"[{_RE2_UPPER}]\pL"
)


_FUNCTION = words(
    "the a an and or but to of in on at for with from by was is were are be been has had have "
    "i it he she we they you me him her us them my his our your their this that i've i'm i'd "
    "i'll i’ve i’m i’d i’ll as if so than"
)
_STRONG = frozenset(_STRONG_TITLES.split("|")) | {"title"}


def _mixed(word: str) -> bool:
    """Whether ``word`` is written in mixed case (``McAllister``), not all lower or all upper."""
    return not (word.islower() or word.isupper())


def _is_name(word: str, cue: str) -> bool:
    """Whether ``word`` is a name after a cue: a title (``"dr"`` …), ``"cue"`` (a role, thanks,
    naming), ``"surname"`` (the next word of a name) or ``"list"`` (no cue)."""
    lower = word.lower()
    if lower in _FUNCTION:
        return False
    if len(word) < 2:
        return False
    capital = word[0].isupper()
    ordinary = name_model.ordinary_words()
    titled = name_model.fold(word if _mixed(word) else word.title())
    listed = titled in name_model.first_names() or titled in name_model.surnames()
    if cue in _STRONG and capital:
        return listed or lower not in ordinary  # "Dr Ward" is a person; "a dr. However" is not
    if cue in _LOWER_OK_TITLES:
        return lower not in ordinary and lower not in NOT_NAMES  # "dr smith", not "dr said"
    if lower in NOT_NAMES or lower in _CUE_WORDS:
        return False
    if capital:  # after a cue, a name that is also a word is a name: "my carer Precious"
        return listed or lower in name_model.WORD_NAMES or lower not in ordinary
    return listed and lower not in ordinary


#: Words that, written with a capital after a name, make it the name of a place or service.
PLACES = words(
    """
    ward wards unit house lodge centre center court clinic surgery practice medical hospital
    hospice team service services road street lane avenue way drive close crescent suite wing
    group health care trust school college university station hall park view place building
    village gardens ward's unit's suite's infirmary university
    """
)
_NEXT_WORD = re.compile(rf"[ \t]+([{_UPPER}][{_LETTER}'’]*)")


_NUMBER_NEXT = re.compile(r"[ \t]+\d")


def _place_follows(text: str, end: int, numbers: bool = True) -> bool:
    """Whether a place word or (with ``numbers``) a number follows: "Rose Ward", "Rowan 1".

    After a title, a number is a score or a time, not a ward: "Dr Patel 10/10".
    """
    nxt = _NEXT_WORD.match(text, end)
    if bool(nxt) and nxt.group(1).lower() in PLACES:
        return True
    return numbers and bool(_NUMBER_NEXT.match(text, end))


def _casing_hides_names(text: str, word: str) -> bool:
    """Whether ``word`` is in capitals in a text that is not: an acronym ("TIA", "ASAP")."""
    if not word.isupper():
        return False
    letters = "".join(filter(str.isalpha, text))
    return sum(map(str.islower, letters)) > 0.3 * len(letters)


_PARTICLES = (
    r"(?i:de|da|di|del|della|der|den|van|von|la|le|du|dos|das|bin|ibn|al|el|ben|ap|ó|ní|nic)"
)
#: Particles before a capitalised word ("de la Cruz"), and the gap between two words of a name.
_LEAD = re.compile(rf"(?:{_PARTICLES}[ \t]+){{1,2}}(?=[{_UPPER}])")
_GAP = re.compile(rf"[ \t]+(?:(?:{_PARTICLES}|O|Ó)[ \t]+){{0,2}}")


def _take_name(text: str, pos: int, cue: str) -> tuple[int, int] | None:
    """The span of the name starting at ``pos`` (words and particles), or ``None``."""
    lead = _LEAD.match(text, pos)
    m = WORD.match(text, lead.end() if lead else pos)
    if not m or not _is_name(m.group(), "title" if lead else cue):
        return None
    listed = name_model.fold(m.group().title()) in name_model.first_names()
    if cue not in _STRONG and not listed and _casing_hides_names(text, m.group()):
        return None  # "see a dentist ASAP"
    end = m.end()
    while gap := _GAP.match(text, end):  # more words of the name: "Mary Smith", "Ana de Sousa"
        nxt = WORD.match(text, gap.end())
        if nxt and nxt.group().lower() in PLACES and nxt.group()[0].isupper():
            return None  # "Arnold Lodge", "Rose Ward": a place, not a person
        if not (nxt and nxt.group()[0].isupper() and _is_name(nxt.group(), "surname")):
            break
        if nxt.group().isupper() != m.group().isupper():
            break  # a change of case ends the name: "KERRY Was", "Kerry NHS"
        end = nxt.end()
    if _place_follows(text, end, numbers=cue not in _STRONG):
        return None  # "Parkway Medical" (after "called"): a place, not a person
    if text[end - 2 : end] in ("'s", "’s", "'S", "’S"):
        end -= 2  # the possessive stays: "Dr [name]'s team"
    return (pos, end)


def find_cued(text: str) -> list[tuple[int, int]]:
    """Spans of names after a cue."""
    spans: list[tuple[int, int]] = []
    cues = _CUES_LOWER.finditer(text.lower()) if text.isascii() else _CUES.finditer(text)
    for cue in cues:
        kind = cue.lastgroup or "title"
        title = cue.group("title")
        span = _take_name(text, cue.end(), title.lower() if title else "cue")
        if span is None:
            continue
        spans.append(span)
        if kind != "thanks":
            continue
        pos = span[1]
        while (join := _JOIN.match(text, pos)) and join.end() > pos:  # "Kerry, Sam and Jo"
            more = _take_name(text, join.end(), "cue")
            if more is None:
                break
            spans.append(more)
            pos = more[1]
    return spans


_CAPITALISED = re.compile(rf"(?<![\w\-])(?<!\w['’])[{_UPPER}][{_LETTER}{_EXTRA}'’\-]*")


def find_listed(text: str) -> list[tuple[int, int]]:
    """Spans of names found by the name model without a cue."""
    unambiguous = name_model.unambiguous_first_names()
    first = name_model.first_names()
    surnames = name_model.unambiguous_surnames()
    spans = []
    pos = 0
    for m in _CAPITALISED.finditer(text):
        if m.start() < pos:
            continue
        word = m.group().rstrip("'’-")
        caps = word.isupper()
        if caps and (len(word) < 3 or _casing_hides_names(text, word)):
            continue
        titled = name_model.fold(word.title() if caps else word)
        if titled in unambiguous:
            span = _take_name(text, m.start(), "list")
        elif titled in first:  # "Grace Okafor", not "Grace and kindness"
            nxt = re.match(r"[ \t]+([^\W\d_][\w'’\-]*)", text[m.start() + len(word) :])
            if not nxt or name_model.fold(nxt.group(1)) not in surnames:
                continue
            span = (m.start(), m.start() + len(word) + nxt.end())
            if _place_follows(text, span[1]):
                continue
        else:
            continue
        if span:
            spans.append(span)
            pos = span[1]
    return _with_companions(text, spans)


_BEFORE = re.compile(rf"(?<![\w'’\-])({WORD.pattern})[ \t]*(?:,|&|\band\b)[ \t]*$")
_AFTER = re.compile(rf"[ \t]*(?:,|&|\band\b)[ \t]*({WORD.pattern})")


def _with_companions(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Add the first names joined to a found one by "and", "&" or a comma: "Will and Kerry"."""
    found = list(spans)
    queue = list(spans)
    while queue:
        start, end = queue.pop()
        before = _BEFORE.search(text[max(0, start - 60) : start])
        after = _AFTER.match(text, end)
        for m, offset in ((before, max(0, start - 60)), (after, 0)):
            if not m or name_model.fold(m.group(1).title()) not in name_model.first_names():
                continue
            if not _is_name(m.group(1), "cue") or _casing_hides_names(text, m.group(1)):
                continue
            span = (offset + m.start(1), offset + m.end(1))
            if not any(a < span[1] and span[0] < b for a, b in found):
                found.append(span)
                queue.append(span)
    return sorted(found)
