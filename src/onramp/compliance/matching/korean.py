"""Korean names in the romanisations the world writes them in, read back to one key.

One Hangul name reaches us in McCune-Reischauer as North Korea and OFAC's DPRK programmes write
it ("Ri Thae Chol", "Jong Yong Su", "Kyong-chol", "Pak"), in the South's Revised Romanization
("Gim", "Gyeong-cheol", "Jeong") or in the spellings South Korean passports and the press use
("Lee", "Park", "Choi", "Jung", "Young", "Kyung-chul", "Soo"). Each system is a table from
jamo (the letters of Hangul) to Latin spellings (``_SYSTEMS``, copied from the systems, not
from names). A written word is read back under each system in turn, longest spelling first,
to the jamo it spells; the key is that reading with the distinctions the systems themselves blur
made one, like ``russian.py`` does for Cyrillic:

- jamo one system spells alike are one class (MR without its apostrophe writes ㄱ and ㅋ "k",
  ㅈ and ㅊ "ch"; without its breve ㅓ and ㅗ "o", ㅡ and ㅜ "u"; "Sung" is ㅓ as "u"), found
  from the tables, not listed by hand;
- a doubled consonant class once (two vowels stay two syllables: "Guo" is not "Ko"), and the
  South's initial rule: ㄹ before ㅣ or a y-vowel is not written
  ("Ri" / "Lee" / "Yi" / "I", "Ryu" / "Yu").

Only a word that reads wholly as one to three Korean syllables (no letter left over, no
cluster Korean spelling never makes) has a key, so most words of other languages have none.
"""

from __future__ import annotations

import re
from functools import lru_cache

from onramp.compliance.matching.reading import read_back

_Table = dict[str, tuple[str, ...]]

_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
# McCune-Reischauer as written without its diacritics; the DPRK writes aspirates with h.
_MR: _Table = {
    "ㄱ": ("k", "g"), "ㄲ": ("kk",), "ㄴ": ("n",), "ㄷ": ("t", "d"), "ㄸ": ("tt",),
    "ㄹ": ("r", "l"), "ㅁ": ("m",), "ㅂ": ("p", "b"), "ㅃ": ("pp",), "ㅅ": ("s", "sh"),
    "ㅆ": ("ss",), "ㅇ": ("ng",), "ㅈ": ("ch", "j"), "ㅉ": ("tch",), "ㅊ": ("ch", "chh"),
    "ㅋ": ("k", "kh"), "ㅌ": ("t", "th"), "ㅍ": ("p", "ph"), "ㅎ": ("h",),
    "ㅏ": ("a",), "ㅐ": ("ae",), "ㅑ": ("ya",), "ㅒ": ("yae",), "ㅓ": ("o",), "ㅔ": ("e",),
    "ㅕ": ("yo",), "ㅖ": ("ye",), "ㅗ": ("o",), "ㅘ": ("wa",), "ㅙ": ("wae",), "ㅚ": ("oe",),
    "ㅛ": ("yo",), "ㅜ": ("u",), "ㅝ": ("wo",), "ㅞ": ("we",), "ㅟ": ("wi",), "ㅠ": ("yu",),
    "ㅡ": ("u",), "ㅢ": ("ui",), "ㅣ": ("i",),
}  # fmt: skip
# Revised Romanization (2000).
_RR: _Table = {
    **_MR, "ㄱ": ("g", "k"), "ㄷ": ("d", "t"), "ㅂ": ("b", "p"), "ㅅ": ("s",), "ㅈ": ("j",),
    "ㅉ": ("jj",), "ㅊ": ("ch",), "ㅋ": ("k",), "ㅌ": ("t",), "ㅍ": ("p",),
    "ㅓ": ("eo",), "ㅕ": ("yeo",), "ㅡ": ("eu",), "ㅝ": ("wo",), "ㅢ": ("ui",),
}  # fmt: skip
# The spellings South Korean passports and the press use ("Lee", "Park", "Choi", "Young").
_COMMON: _Table = {
    **_RR, "ㄹ": ("r", "l", "rh"), "ㅏ": ("a", "ar"), "ㅓ": ("u", "eo", "o"), "ㅕ": ("you", "yu"),
    "ㅗ": ("o", "oh"), "ㅜ": ("u", "oo", "ou"), "ㅡ": ("u", "eu"), "ㅣ": ("i", "ee", "yi"),
    "ㅚ": ("oi", "oe"), "ㅐ": ("ae", "ai"), "ㅠ": ("yu", "yoo"),
}  # fmt: skip
_SYSTEMS = (_MR, _RR, _COMMON)
_Y_VOWELS = "ㅣㅑㅒㅕㅖㅛㅠ"
_MAX_SYLLABLES = 3
# A final consonant, then at most one initial: Korean spelling makes no longer cluster.
_CONSONANT_RUN = 2
_NO_FINAL = frozenset("ㅅㅆㅈㅉㅊㅎㄸㅃ")


def _jamo_classes() -> dict[str, str]:
    """Each jamo's class: jamo one system spells alike are one class, named by its first jamo."""
    parent: dict[str, str] = {}

    def root(jamo: str) -> str:
        while parent.setdefault(jamo, jamo) != jamo:
            jamo = parent[jamo]
        return jamo

    for system in _SYSTEMS:
        spelt: dict[str, str] = {}
        for jamo, spellings in system.items():
            root(jamo)
            for latin in spellings:
                first, other = root(spelt.setdefault(latin, jamo)), root(jamo)
                if first != other:
                    parent[max(first, other)] = min(first, other)
    return {jamo: root(jamo) for jamo in parent}


_CLASS = _jamo_classes()
_READINGS = tuple(
    {latin: jamo for jamo, spellings in system.items() for latin in spellings}
    for system in _SYSTEMS
)
_LONGEST = max(len(latin) for reading in _READINGS for latin in reading)
_CONSONANTS = frozenset(_INITIALS)
_LIQUID = _CLASS["ㄹ"]
_Y_CLASSES = frozenset(_CLASS[v] for v in _Y_VOWELS)
_LETTERS = re.compile(r"[a-z]{1,12}")


def _read(word: str, reading: dict[str, str]) -> list[str] | None:
    """The jamo the word spells under one system; None when a letter is left over."""
    jamo, unread = read_back(word, reading, _LONGEST)
    return None if unread else jamo


def _korean_shaped(jamo: list[str]) -> bool:
    """One to three syllables: vowels with at most a final and an initial between them, no
    consonant run at the start, and a last letter that can end a syllable."""
    vowels = sum(1 for j in jamo if j not in _CONSONANTS)
    if not 1 <= vowels <= _MAX_SYLLABLES or jamo[-1] in _NO_FINAL:
        return False
    run = 0
    for i, j in enumerate(jamo):
        run = run + 1 if j in _CONSONANTS else 0
        if run > _CONSONANT_RUN or (run == _CONSONANT_RUN and i == 1):
            return False
    return True


def _key(jamo: list[str]) -> str:
    classes = [_CLASS[j] for j in jamo]
    if len(classes) > 1 and classes[0] == _LIQUID and classes[1] in _Y_CLASSES:
        classes = classes[1:]  # the South's initial rule: 리 is 이 ("Ri" / "Lee" / "Yi")
    kept: list[str] = []
    for c in classes:
        if not kept or kept[-1] != c or c not in _CONSONANTS:
            kept.append(c)  # a doubled consonant once; two vowels are two syllables
    return "".join(kept)


@lru_cache(maxsize=1 << 16)
def korean_keys(word: str) -> frozenset[str]:
    """The word's readings as jamo-class keys, one per system that reads it as Korean (fewer when
    systems agree); none for a word no system reads wholly as Korean syllables."""
    if _LETTERS.fullmatch(word) is None:
        return frozenset()
    keys = set()
    for reading in _READINGS:
        jamo = _read(word, reading)
        if jamo and _korean_shaped(jamo):
            keys.add(_key(jamo))
    return frozenset(keys)


__all__ = ["korean_keys"]
