"""Russian, Ukrainian and Belarusian names in the romanisations the world writes them in, read
back to one key.

One Cyrillic name reaches us as English (BGN/PCGN: "Yevgeniy Sergeyevich"), from a passport
(ICAO 9303: "Evgenii Sergeevich"), as a French writer spells it ("Evgueni Sergueievitch"), as a
German writer does ("Jewgeni Sergejewitsch") or in the Ukrainian and Belarusian national
systems ("Yevhen", "Hennadii"). Each system is a table from Cyrillic letters to Latin spellings
(``_SYSTEMS``, copied from the systems, not from names). A written word is read back under each
system in turn, longest spelling first, to the Cyrillic letters it spells; the key is that
reading with the distinctions the systems themselves blur made one:

- letters one system spells alike are one class (BGN's "e" is е, ё and э; German "s" is з and
  с, German "sch" is ж and ш; "i" and "y" are и, й and ы), and a Ukrainian or Belarusian letter
  is its Russian one (є е, і ї и, ґ г, ў у) — found from the tables, not listed by hand;
- the Russian form of a Belarusian name is its cognate: the о and е that Belarusian writes а
  and я are one class with them ("Darashenka" / "Doroshenko"), and a u after a vowel is also
  read as the в that Belarusian writes ў ("Karpiankou" / "Karpenkov");
- a doubled letter is one ("Gennadiy" / "Genadi") and the и before я, ю and е is the
  iotation's (“Anastasiya” / “Anastasia”, "Dmitriyevich" / "Dmitrievitch").

Two words share a key when some reading of one is some reading of the other: "Jewgeni",
"Evgueni" and "Yevgeniy" all read евгени. Keys are made from the word as written (folded), not
from the canonical token, whose rules for Arabic ("aw" -> "u") would have rewritten "Pawljuk"
(Павлюк) first. Only words of ``MIN_LETTERS`` letters read to at least ``MIN_KEY`` letters have
keys (four-letter words, such as Belarusian "Hara" for Russian "Gora", under fewer systems).
"""

from __future__ import annotations

import re
from functools import lru_cache

from onramp.compliance.matching.reading import read_back

SAME_SOUND = 92.0
MIN_LETTERS = 4
MIN_KEY = 4

_Table = dict[str, tuple[str, ...]]

_BGN: _Table = {
    "а": ("a",), "б": ("b",), "в": ("v",), "г": ("g",), "д": ("d",), "е": ("e", "ye"),
    "ё": ("yo", "e"), "ж": ("zh",), "з": ("z",), "и": ("i",), "й": ("y",), "к": ("k",),
    "л": ("l",), "м": ("m",), "н": ("n",), "о": ("o",), "п": ("p",), "р": ("r",), "с": ("s",),
    "т": ("t",), "у": ("u",), "ф": ("f",), "х": ("kh",), "ц": ("ts",), "ч": ("ch",),
    "ш": ("sh",), "щ": ("shch",), "ы": ("y",), "э": ("e",), "ю": ("yu",), "я": ("ya",),
}  # fmt: skip
_ICAO: _Table = {
    **_BGN, "е": ("e",), "ё": ("e",), "й": ("i",), "ъ": ("ie",), "ю": ("iu",), "я": ("ia",),
}  # fmt: skip
_FRENCH: _Table = {
    **_BGN, "г": ("g", "gu"), "е": ("e", "ie"), "ё": ("io", "e"), "ж": ("j",), "й": ("i", "y"),
    "с": ("s", "ss"), "у": ("ou",), "х": ("kh",), "ч": ("tch",), "ш": ("ch",),
    "щ": ("chtch",), "ы": ("y", "i"), "ю": ("iou", "you"), "я": ("ia", "ya"),
}  # fmt: skip
_GERMAN: _Table = {
    **_BGN, "в": ("w",), "е": ("e", "je"), "ё": ("jo",), "ж": ("sch",), "з": ("s",),
    "й": ("i", "j"), "с": ("s", "ss"), "х": ("ch",), "ц": ("z", "tz"), "ч": ("tsch",),
    "ш": ("sch",), "щ": ("schtsch",), "ю": ("ju",), "я": ("ja",),
}  # fmt: skip
# Ukrainian (2010) and Belarusian (2007) national systems, as their passports write names.
_NATIONAL: _Table = {
    **_BGN, "г": ("h",), "ґ": ("g",), "е": ("e",), "є": ("ye", "ie"), "и": ("y",),
    "і": ("i",), "ї": ("yi", "i"), "й": ("y", "i"), "ў": ("u", "w"), "ё": ("io", "yo"),
    "ю": ("yu", "iu"), "я": ("ya", "ia"),
}  # fmt: skip
_SYSTEMS = (_BGN, _ICAO, _FRENCH, _GERMAN, _NATIONAL)
# A Ukrainian or Belarusian letter and the Russian one it is (their tables spell them apart);
# and Belarusian writes the unstressed о and е of the Russian form of a name as а and я (akanne
# and yakanne: "Darashenka" / "Doroshenko", "Karpiankou" / "Karpenkov").
_SAME_LETTER = (
    ("є", "е"), ("і", "и"), ("ї", "и"), ("ґ", "г"), ("ў", "у"), ("о", "а"), ("я", "е"),
)  # fmt: skip
# Belarusian ў after a vowel is the в of the Russian form ("Karpiankou" / "Karpenkov"); the
# national system writes it u, so such a u is also read as в.
_SHORT_U = re.compile(r"(?<=[aeo])u(?=[^aeiouy]|$)")
# Belarusian softens т and д to ць and дзь where Russian has ть, дь or т, д before a front vowel
# ("Shapetska" / "Shapetko", "Davydzka" / "Davydko"); so such a ts or dz is also read as t or
# d. Not the dz of dzh, which is дж.
_SOFT_TD = re.compile(r"ts(?=[iek])|dz(?!h)")
_IOTATED = "яюе"


def _letter_classes() -> dict[str, str]:
    """Each Cyrillic letter's class: letters one system spells alike are one class, named by
    its first letter in alphabetical order."""
    parent: dict[str, str] = {}

    def root(letter: str) -> str:
        while parent.setdefault(letter, letter) != letter:
            letter = parent[letter]
        return letter

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for system in _SYSTEMS:
        spelt: dict[str, str] = {}
        for letter, spellings in system.items():
            root(letter)
            for latin in spellings:
                join(spelt.setdefault(latin, letter), letter)
    for a, b in _SAME_LETTER:
        join(a, b)
    return {letter: root(letter) for letter in parent}


_CLASS = _letter_classes()
_READINGS = tuple(
    {latin: _CLASS[letter] for letter, spellings in system.items() for latin in spellings}
    for system in _SYSTEMS
)
# A four-letter word is read only under the English, passport and national systems: French and
# German j, s and z would make one key of short words of other languages ("Zhang" / "Jang").
_SHORT_READINGS = (_READINGS[0], _READINGS[1], _READINGS[4])
_LONGEST = max(len(latin) for reading in _READINGS for latin in reading)
_I_CLASS = _CLASS["и"]
_IOTATED_CLASSES = frozenset(_CLASS[v] for v in _IOTATED)


def _read(word: str, reading: dict[str, str]) -> str:
    """The word read back under one system; a letter the system does not spell stays as it is."""
    return _tidy(read_back(word, reading, _LONGEST)[0])


def _tidy(letters: list[str]) -> str:
    kept: list[str] = []
    for i, letter in enumerate(letters):
        if kept and kept[-1] == letter:
            continue  # a doubled letter once
        following = letters[i + 1] if i + 1 < len(letters) else ""
        if letter == _I_CLASS and following in _IOTATED_CLASSES:
            continue  # the и of "iya", "iye": the iotation's
        kept.append(letter)
    return "".join(kept)


@lru_cache(maxsize=1 << 16)
def russian_keys(word: str) -> frozenset[str]:
    """The word's readings as Cyrillic keys, one per system (fewer when systems agree); none for
    a short word or one that reads to fewer than ``MIN_KEY`` letters."""
    if len(word) < MIN_LETTERS or not word.isalpha():
        return frozenset()
    # Every system's кс, written x by English, French and German writers ("Alexejew").
    word = word.replace("x", "ks")
    spellings = {word, _SHORT_U.sub("v", word)}
    spellings |= {_SOFT_TD.sub(lambda m: m[0][0], w) for w in spellings}
    readings = _SHORT_READINGS if len(word) == MIN_LETTERS else _READINGS
    return frozenset(key for w in spellings for r in readings if len(key := _read(w, r)) >= MIN_KEY)


__all__ = ["SAME_SOUND", "russian_keys"]
