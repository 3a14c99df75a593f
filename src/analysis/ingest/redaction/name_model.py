"""The name model: which words are people's names, and which are ordinary words as well.

First names and surnames come from the person-name lists of Faker (MIT licence), for the
locales whose names are common among people in the UK: British, Irish (English and Irish
spellings), American, Indian, Pakistani, Nigerian (Yoruba, Igbo, Hausa), Polish, Romanian,
Lithuanian, Portuguese, Italian, Spanish, French, German and Turkish. Only names written in
Latin letters are kept.

Many names are also ordinary English words ("Will", "Hope", "Grace", "Rose", "May", "Mark",
"Bill"). A name is *ambiguous* when its lower-case form is an ordinary word, which is any of:

* a word people write in lower case in real FFT comments: those of the shipped labelled
  comments (:mod:`analysis.reference`) whose respondent falls in the vocabulary half
  (:func:`in_vocabulary_half`; the other half is kept to measure how often ordinary comments
  are changed, ``benchmarks/bench_redaction.py``);
* one of Faker's common English words (its ``lorem`` word list), a month or a day of the week;
* one of :data:`WORD_NAMES`, English words that are also given names.

An ambiguous name is redacted only with a cue (a title, a role, thanks, "called"), or when a
surname follows it ("Will Baker"); an unambiguous one ("Kerry", "Priya") is redacted anywhere
it is written with a capital.
"""

from __future__ import annotations

import csv
import gzip
import importlib
import re
import unicodedata
import zlib
from functools import lru_cache

from analysis.ingest.redaction.lexicon import words

LOCALES = tuple(
    words(
        "en_GB en_IE ga_IE en_US en_IN en_PK en_NG yo_NG ig_NG ha_NG pl_PL ro_RO lt_LT pt_PT "
        "it_IT es_ES fr_FR de_DE tr_TR"
    )
)
#: Words that join the parts of a name ("de la Cruz", "van der Berg", "Ó Muilcín").
PARTICLES = words(
    "de da di del della der den van von la le du dos das bin ibn al el ben ap ó ní nic mac mc o y e"
)
#: English words that are also given names, beyond those the word lists catch.
WORD_NAMES = words("""
    will hope grace rose may mark bill dawn amber joy faith holly ivy iris daisy ruby pearl jade
    crystal hazel heather violet lily poppy jasmine willow autumn summer sunny sky frank pat sue
    rob bob jack ray gene chase miles dean drew carol victor art rich guy sandy rusty penny
    patience charity prudence honor honour constance chance earl duke king prince royal sterling
    august june april christian precious destiny harmony melody star storm river ocean ginger
    candy cherry ebony comfort blessing gift mercy goodness favour peace wisdom justice marvel
    happiness glory norman trinity angel sonny page hunter carter mason cliff dale glen heath
    lance neil nick bud buck hilary ken lou max mo rocky sid ted tom val wade wood eve ale amor
    ante canal coral corona diamond don edit forum german grant hardy marine mad nail pastor raid
    server sever sol tan toy urban wolf brandy misty olive robin raven lore loot peer pier mar grit
    sonata nurser ester africa america asia europe india china jordan
    """)
#: Short forms of English given names that the lists lack ("thanks Will", "ask for Bev").
SHORT_FORMS = words(
    """
    Will Bill Bob Rob Tom Jim Jo Liz Kate Kath Sue Pat Mike Dave Steve Chris Nick Andy Tony Pete
    Ben Dan Joe Jen Jenny Beth Becky Vicky Nicky Alex Charlie Jack Harry Ted Ed Al Ali Di Meg Mel
    Viv Val Bev Jan Pam Gill Jill Les Ron Reg Sid Stu Phil Rich Rick Ros Sal Sam Tash Trish Wendy
    Abi Bex Cath Dot Fran Gaz Jas Jay Kez Lou Maz Mo Nat Nev Ollie Ray Tez Zoe Zoë
    """
)
CALENDAR = words(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)
_LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ'’\-]+$")


def fold(word: str) -> str:
    """``word`` without accents, as name lists often write it.

    >>> fold("Siobhán Ó Súilleabháin"), fold("Żaneta")
    ('Siobhan O Suilleabhain', 'Zaneta')
    """
    if word.isascii():  # nothing to take off
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _latin_words(names) -> set[str]:
    words = set()
    for name in names:
        for part in str(name).split():
            if len(part) >= 2 and _LATIN.match(part) and part.lower() not in PARTICLES:
                words |= {part, fold(part)}
    return words


@lru_cache(maxsize=1)
def _lists() -> tuple[frozenset[str], frozenset[str]]:
    first: set[str] = set()
    last: set[str] = set()
    for locale in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female"):
            first |= _latin_words(getattr(provider, attr, ()))
        last |= _latin_words(getattr(provider, "last_names", ()))
    first |= _latin_words(SHORT_FORMS)
    return frozenset(first), frozenset(last)


def first_names() -> frozenset[str]:
    """Every first name of the lists, as written there and without accents (``"Żaneta"``,
    ``"Zaneta"``): look a word up by its :func:`fold`."""
    return _lists()[0]


def surnames() -> frozenset[str]:
    """Every surname of the lists, as written there and without accents."""
    return _lists()[1]


def in_vocabulary_half(respondent: str) -> bool:
    """Whether a shipped comment's respondent is in the half used for the ordinary vocabulary.

    >>> in_vocabulary_half("NEAS PTS 528") in (True, False)
    True
    """
    return zlib.crc32(str(respondent).encode("utf-8")) % 2 == 0


_WORD = re.compile(r"(?<![\w'’])[a-z][a-z'’\-]*[a-z](?![\w])")


@lru_cache(maxsize=1)
def ordinary_words() -> frozenset[str]:
    """Lower-case words that are ordinary English words (see the module's docstring)."""
    from faker.providers.lorem.en_US import Provider as Lorem

    from analysis.reference import LABELLED_COMMENTS, TEXT_COLUMN

    words = set()
    # The csv module, not pandas: the redaction's process reads this without loading pandas.
    with gzip.open(LABELLED_COMMENTS, "rt", encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            if in_vocabulary_half(row["Respondent ID"]):
                words.update(_WORD.findall(row[TEXT_COLUMN]))
    words |= {w.lower() for w in Lorem.word_list}
    return frozenset(words | WORD_NAMES | CALENDAR)


@lru_cache(maxsize=1)
def unambiguous_first_names() -> frozenset[str]:
    """First names that are not ordinary words: redacted wherever written with a capital."""
    ordinary = ordinary_words()
    return frozenset(n for n in first_names() if n.lower() not in ordinary)


@lru_cache(maxsize=1)
def unambiguous_surnames() -> frozenset[str]:
    """Surnames that are not ordinary words ("Patel", not "Ward" or "Baker")."""
    ordinary = ordinary_words()
    return frozenset(n for n in surnames() if n.lower() not in ordinary)
