"""Word lists written as text: one helper, so the lists read as prose in the modules."""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """The distinct words of ``text``.

    >>> sorted(words("de la  de"))
    ['de', 'la']
    """
    return frozenset(text.split())
