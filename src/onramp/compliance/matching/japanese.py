"""Japanese names in Hepburn and in Kunrei-shiki (and Nihon-shiki), read back to one key.

Passports, the press and most lists write Japanese names in Hepburn ("NISHIGUCHI, Shigeo"), but
Japanese schools, some government documents and people who learnt it there write Kunrei-shiki,
which spells the kana by their row: shi si, chi ti, tsu tu, fu hu, ji zi, sha sya, cha tya, ja
zya ("Sigeo Nisiguti"). Long vowels are written doubled, with ou or with nothing ("Yuuko",
"Satou", "Sato"). A written word that reads wholly as kana syllables (``_MORAE``) has one key:
its Kunrei-shiki spelling with long vowels written once. Only the spelling rules differ between
the systems, so two words with one key are one name; a word of another language that happens to
read as kana keeps its own spelling as its key and meets only itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

_MIN_WORD = 4
# The morae of either system: an onset (a palatalised one too) and a vowel, the moraic n, or the
# first half of a doubled consonant ("Hattori", "Matcha").
_MORAE = re.compile(
    r"(?:(?:ky|gy|ny|hy|by|py|my|ry|sy|ty|zy|dy|sh|ch|ts|[kgsztdnhbpmyrwfj])?[aeiou]"
    r"|n|[kstp](?=[kstp])|t(?=ch))+"
)
# Hepburn to Kunrei-shiki, longest first.
_TO_KUNREI = (
    ("tsu", "tu"),
    ("shi", "si"),
    ("chi", "ti"),
    ("tch", "tt"),
    ("sh", "sy"),
    ("ch", "ty"),
    ("ji", "zi"),
    ("j", "zy"),
    ("fu", "hu"),
)
_LONG_OU = re.compile(r"ou(?![aeiou])")
_LONG = re.compile(r"([aeiou])\1")


@lru_cache(maxsize=1 << 16)
def japanese_keys(word: str) -> frozenset[str]:
    """The word's Kunrei-shiki spelling as a key ("Nishiguchi" and "Nisiguti": "ja:nisiguti";
    "Satou" and "Sato": "ja:sato"); none for a word that does not read wholly as kana."""
    if len(word) < _MIN_WORD or _MORAE.fullmatch(word) is None:
        return frozenset()
    key = word
    for hepburn, kunrei in _TO_KUNREI:
        key = key.replace(hepburn, kunrei)
    key = _LONG.sub(r"\1", _LONG_OU.sub("o", key))
    return frozenset((f"ja:{key}",))


__all__ = ["japanese_keys"]
