"""Similarity of two canonical name tokens (step 1 of the score: ``compliance/matcher.py``)."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from onramp.compliance.matching.keys import LOOSE, loose_keys
from onramp.compliance.matching.slavic import other_family
from onramp.compliance.normalise import consonants, vowel_key

SHORT = 3
NEAR = 85.0
_VOWELS_ONLY = 92.0
# A pair this near is a spelling of one name (vowels, a sound key), not another name.
SPELLING = _VOWELS_ONLY
_SHORT_VOWELS_ONLY = 90.0
_QAF = re.compile("g")
_VOWEL = re.compile("[aeiou]")
# Persian and Arabic given names "X-ollah" (of God), which people shorten to X ("Hedayatollah" /
# "Hedayat", "Nasrollah" / "Nasr"); canonical tokens write the doubled l once. X of four letters
# or more: "Abdollah" is not "Abd".
_OF_GOD = ("olah", "ulah", "alah")
_OF_GOD_MIN_STEM = 4
_OF_GOD_PAIR = 90.0
# A word that is another word with two letters or more added at its end is another name, not a
# spelling of it: "Mahmoud" / "Mahmoudian", "Karim" / "Karimov" (a family suffix makes a surname
# of its own). The shorter of five letters or more, and not a final eh: Persian final he
# ("Fakhrzade" / "Fakhrzadeh", whose silent final e the canonical token drops). One letter is
# a spelling as often ("Hamane" / "Hamani", "Usama" / "Usamah").
_SUFFIXED_MIN = 5
_SUFFIX_MIN = 2
_SILENT_ENDINGS = ("eh",)
# A word that is another with one consonant put before it is another name, not a spelling:
# "Hamidi" / "Amidi". Not when the consonant is the y of a Russian initial ye ("Yevgeny" /
# "Evgeny") or the l of al- ("Lakhdar" / "Al-Akhdar"). The shorter of four letters or more.
_PREFIXED_MIN = 4
_PREFIX_SPELLINGS = ("y", "l")
# ... nor when it starts a cluster that writes one sound: "Dzadran" / "Zadran", "Djanko".
_CLUSTER_SECONDS = "hjsz"


@lru_cache(maxsize=1 << 18)
def pair(token: str, candidate: str, cutoff: float) -> float:
    """Similarity of two tokens, 0 below ``cutoff``. Cached: names are made of a few thousand
    common words, so a batch meets the same pairs again and again."""
    if token == candidate:
        return 100.0
    short, long = sorted((token, candidate), key=len)
    if (
        long.endswith(_OF_GOD)
        and not short.endswith(_OF_GOD)
        and len(long) - len(_OF_GOD[0]) >= _OF_GOD_MIN_STEM
    ):
        stem = long[: -len(_OF_GOD[0])]
        if stem == short or (len(short) >= _OF_GOD_MIN_STEM and pair(stem, short, NEAR) >= NEAR):
            return _OF_GOD_PAIR
    if _suffixed(short, long) or _prefixed(short, long) or other_family(short, long):
        return 0.0  # another name ("Mahmoudian", "Amidi", "Pavlenko"), not a spelling
    if _turkish_c(token, candidate) or _turkish_c(candidate, token):
        return LOOSE  # Turkish c is the j of other spellings: "Canko" / "Janko" / "Djanko"
    if len(token) == len(candidate) > 1 and vowel_key(token) == vowel_key(candidate):
        # Only the vowels differ ("Hamid"/"Hamed", "Ali"/"Eli"): how transliterations differ.
        return _SHORT_VOWELS_ONLY if len(token) <= SHORT else _VOWELS_ONLY
    if max(len(token), len(candidate)) <= SHORT:
        # One letter is a third of "ali" or "han": short tokens otherwise pair only when equal,
        # or when a Persian or Arabic q is written gh ("Aqa"/"Agha": skeleton k and g).
        same_qaf = len(token) == len(candidate) and _QAF.sub("k", token) == _QAF.sub("k", candidate)
        return NEAR if same_qaf else 0.0
    vowels_alike = _vowels_alike(token, candidate)
    if vowel_key(token) == vowel_key(candidate) and vowels_alike:
        return _VOWELS_ONLY  # "Baazaoui"/"Baazeoui": a vowel run of another length
    similarity = fuzz.ratio(token, candidate)
    if similarity < LOOSE and vowels_alike and loose_keys(token) & loose_keys(candidate):
        # One sound in another language's letters ("Kusnezow"/"Kuznetsov", "Cherif"/"Sharif").
        return LOOSE
    if similarity >= NEAR:
        return similarity
    # A one-letter typo or swap in a four- or five-letter word ("Reza"/"eRza", "Tian"/"Tain")
    # scores 75 by ratio; so does a changed vowel ("Wang"/"Weng"). Both count as near matches.
    if abs(len(token) - len(candidate)) <= 1 and (
        consonants(token) == consonants(candidate)
        or OSA.distance(token, candidate) <= 1
        # Persian and Arabic q is written gh as often ("Sadegh"/"Sadiq"; skeleton: g and k).
        or (
            len(token) == len(candidate)
            and _QAF.sub("k", consonants(token)) == _QAF.sub("k", consonants(candidate))
        )
    ):
        return NEAR
    return similarity if similarity >= cutoff else 0.0


def _suffixed(short: str, long: str) -> bool:
    """Whether ``long`` is ``short`` with letters added at its end (see ``_SUFFIXED_MIN``)."""
    return (
        len(short) >= _SUFFIXED_MIN
        and len(long) - len(short) >= _SUFFIX_MIN
        and long.startswith(short)
        and long[len(short) :] not in _SILENT_ENDINGS
    )


def _turkish_c(token: str, candidate: str) -> bool:
    """Whether ``token`` starts with c where ``candidate`` starts with j or dj, the rest alike."""
    if not token.startswith("c") or len(token) <= SHORT:
        return False
    rest = token[1:]
    return candidate in (f"j{rest}", f"dj{rest}")


def _prefixed(short: str, long: str) -> bool:
    """Whether ``long`` is ``short`` with one consonant added at its start (``_PREFIXED_MIN``)."""
    return (
        len(short) >= _PREFIXED_MIN
        and len(long) == len(short) + 1
        and long[1:] == short
        and not _VOWEL.match(long)
        and not long.startswith(_PREFIX_SPELLINGS)
        and long[1] not in _CLUSTER_SECONDS
    )


def _vowels_alike(token: str, candidate: str) -> bool:
    """Whether the two words have about as many vowels (one more at most): a run of vowels of
    another length is a spelling ("Baazaoui" / "Baazeoui"), but two vowels more are a syllable
    more, as skeleton y is i: "Cankaya" ("cankaia") is not "Canko"."""
    return abs(len(_VOWEL.findall(token)) - len(_VOWEL.findall(candidate))) <= 1
