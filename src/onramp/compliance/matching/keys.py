"""Transliteration-equivalence keys: one word as the letter groups that writers of different
languages spell one sound with.

A canonical token (``normalise.canonical_token`` has already made kh/h, gh/g, q/k, w/v, y/i,
ou/u, sch/sh, tsch/ch and doubled letters one) is reduced further, to the classes in which
English, French and German transliterations of Arabic, Persian and Russian names differ:

- j between a consonant and a vowel is the German and Polish y ("Artjom", "Pawljuk");
- zh and j are one ("Zhukov" / "Joukov"); sh and French ch are one ("Shamas" / "Chamas");
  ch inside a word is also the German kh ("Michail"), so such a word has both keys;
- ts, tz, z, s and c before e or i are one ("Kuznetsov" / "Kusnezow", "Belgacem" /
  "Belkassem"); any other c, q, g and k are one;
- b and v inside a word are one: Spanish writes one sound with both ("Zavala" / "Sabala",
  "Cordova" / "Cordoba"), and Arabic has no v; a first B or V stays ("Volkov" is not
  "Bolkov"), and so does a b of a word with fewer than three consonants;
- h is dropped after the first letter (kh / h / ch, and the Arabic final -eh / -ah: "Salameh"
  / "Salama"); a first h stays, so "Hamed" is not "Ahmed";
- doubled letters once, and each run of vowels as one "a" (vowels are what transliterations
  vary most; the run structure stays, so "Akad" and "Agada" differ).

Two words of at least ``MIN_WORD`` letters that share a key pair at ``LOOSE`` (``pairs.py``):
at the hit threshold alone, below a spelling difference of vowels only.
"""

from __future__ import annotations

import re
from functools import lru_cache

MIN_WORD = 4
_MIN_KEY = 3
LOOSE = 88.0

_J_AS_Y = re.compile(r"(?<=[^aeiou])j(?=[aeiou])")
_SIBILANT = re.compile(r"t[sz]|c(?=[eiy])|z")
_VELAR = re.compile(r"[cqg]")
_DOUBLED = re.compile(r"(.)\1+")
_CONSONANT = re.compile(r"[^aeiou]")
# b / v is one more loosening: a key with fewer consonants than this says too little to carry
# it ("Owusu" is not "Abu Isa" written as one word).
_MIN_BV_CONSONANTS = 3
_VOWEL_RUN = re.compile(r"[aeiou]+")
# The canonical v of an Arabic aw between a vowel and a consonant is the diphthong other writers
# spell o, ou or au ("Awda" / "Odeh"); canonical tokens already read it u between consonants.
_DIPHTHONG_W = re.compile(r"(?<=[aeiou])v(?=[^aeiouy])")


@lru_cache(maxsize=1 << 16)
def loose_keys(token: str) -> frozenset[str]:
    """The token's keys (one, or two when it has a ch inside); none for a short token, which pairs
    only by its spelling."""
    if len(token) < MIN_WORD:
        return frozenset()
    base = _J_AS_Y.sub("i", token).replace("zh", "j")
    spellings = {base.replace("ch", "x")}
    if "ch" in base[1:]:
        # Inside a word only: an initial Ch is Chinese or English ("Cheng" is not "Huang").
        spellings.add(base[:1] + base[1:].replace("ch", "h"))
    keys = set()
    for spelling in spellings:
        key = _SIBILANT.sub("s", spelling.replace("sh", "x"))
        key = _VELAR.sub("k", key)
        key = _DIPHTHONG_W.sub("u", key[:1] + key[1:].replace("h", ""))
        betacist = key[:1] + key[1:].replace("b", "v")
        if len(_CONSONANT.findall(betacist)) >= _MIN_BV_CONSONANTS:
            key = betacist
        key = _VOWEL_RUN.sub("a", _DOUBLED.sub(r"\1", key))
        if len(key) >= _MIN_KEY:
            keys.add(key)
    return frozenset(keys)


__all__ = ["LOOSE", "MIN_WORD", "loose_keys"]
