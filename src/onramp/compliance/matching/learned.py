"""Name-word equivalences learned from the list itself.

An entry's aliases are other spellings of the same person: "NAUMAU, Uladzimir Uladzimiravich"
a.k.a. "NAUMOV, Vladimir Vladimirovich" says that Uladzimir is a way to write Vladimir. The
words of an entry's names that have as many words are paired in written order, and each pair
that differs but is still alike (``fuzz.ratio`` at least ``_ALIKE``: not a nickname or another
name, as "Abu Ahmad" beside "Muhammad" would be) becomes an equivalence, built once when the
list is loaded. Only individuals' names teach, and two families the normaliser already knows
(Muhammad, Ahmad, ...: ``normalise.KNOWN_FAMILIES``) are never made one. The matcher then pairs a
screened word with every list word its table names, at ``LEARNED``, in any entry: what one
entry's aliases teach holds for the same word in another's name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz

from onramp.compliance.normalise import KNOWN_FAMILIES, NameForm

LEARNED = 92.0
_ALIKE = 70.0
_MIN_LETTERS = 4


def learn_equivalents(entries: Iterable[list[NameForm]]) -> dict[str, frozenset[str]]:
    """Each word and the words the lists spell it with elsewhere (``entries``: the names of one
    entry each, primary first)."""
    table: dict[str, set[str]] = defaultdict(set)
    for forms in entries:
        for i, first in enumerate(forms):
            for other in forms[i + 1 :]:
                if len(first.tokens) != len(other.tokens):
                    continue
                for a, b in zip(first.tokens, other.tokens, strict=True):
                    if a != b and _alike(a, b):
                        table[a].add(b)
                        table[b].add(a)
    return {word: frozenset(others) for word, others in table.items()}


def _alike(a: str, b: str) -> bool:
    if a in KNOWN_FAMILIES and b in KNOWN_FAMILIES:
        return False  # two families ("Abu Ahmad" beside "Muhammad"): the table knows better
    return min(len(a), len(b)) >= _MIN_LETTERS and fuzz.ratio(a, b) >= _ALIKE


__all__ = ["LEARNED", "learn_equivalents"]
