"""Patronymics in their Russian, Ukrainian and Belarusian forms read as one father's name.

A patronymic is the father's given name with a suffix, and each language writes both its own
way: Russian "Grigorievich", Ukrainian "Hryhorovych", Belarusian "Ryhoravich" are one man's
father Grigory; "Oleksandrivna", "Aliaksandrauna" and "Aleksandrovna" one woman's father
Alexander. No spelling rule reads "Hryhor" as "Grigor" (that is another form of the name, not
another spelling), but the given-name families of ``compliance/name_spellings.py`` already hold
those forms. A word that ends in a patronymic suffix is read as its stem's family (the stem
itself when it is no family's) and the father's gender suffix; two such words with one key
pair as words of one sound (``SAME_SOUND``, the matcher's ``_sound_keys``).
"""

from __future__ import annotations

from functools import lru_cache

from onramp.compliance.name_spellings import NATIONAL_FORMS, VARIANTS

# Longest first, so "-iyovych" leaves "serh" of "Serhiyovych" rather than "serhiy" less one.
_SON = (
    "iyovych",
    "iyovich",
    "yevich",
    "ievich",
    "iovych",
    "ovych",
    "evych",
    "ovich",
    "evich",
    "avich",
    "ovitch",
    "evitch",
    "owitsch",
    "ewitsch",
)
_DAUGHTER = ("iyivna", "yevna", "ievna", "ovna", "evna", "ivna", "avna", "auna", "ayna")
_MIN_STEM = 4
_NEAR_LENGTH = 2
_SPELLINGS = {
    spelling: canon
    for table in (VARIANTS, NATIONAL_FORMS)
    for canon, variants in table.items()
    for spelling in (canon, *variants)
    if spelling.isalpha()
}


@lru_cache(maxsize=1 << 16)
def _family(stem: str) -> str:
    """The given-name family a patronymic's stem is of ("hryhor": "grigori"), or the stem."""
    if stem in _SPELLINGS:
        return _SPELLINGS[stem]
    for spelling, canon in _SPELLINGS.items():
        if abs(len(spelling) - len(stem)) <= _NEAR_LENGTH and (
            spelling.startswith(stem) or stem.startswith(spelling)
        ):
            return canon
    return stem


@lru_cache(maxsize=1 << 16)
def patronymic_keys(word: str) -> frozenset[str]:
    """One key for a written (folded) word ending in a patronymic suffix, none for other words."""
    for suffixes, gender in ((_SON, "son"), (_DAUGHTER, "daughter")):
        for suffix in suffixes:
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and len(stem) >= _MIN_STEM and stem.isalpha():
                return frozenset((f"patronymic of {_family(stem)}, {gender}",))
    return frozenset()


__all__ = ["patronymic_keys"]
