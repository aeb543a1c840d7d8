"""Every reading key of a written word (the matcher pairs two words with a key in common at
``SAME_SOUND``): the word read back to Cyrillic, to Hangul and to Chinese syllables (Cyrillic
and jamo keys never share a letter with the Latin of Chinese ones, which join syllables with
"-"), to Japanese Kunrei-shiki (keys that start "ja:"), a patronymic to its father's name
("Hryhorovych" / "Grigorievich"), a key with spaces in it, a Persian q or gh as one (keys that
start "q:": "Qolam" / "Gholam"), a given name's other language's form (keys that start "f:":
"Ramezan" / "Ramadan", "Kostas" / "Konstantinos"), a Slavic feminine -ska / -skaya (keys that
start "sk:") and a first j, y or i before a vowel as one (keys that start "y:": "Juri" /
"Yuri")."""

from __future__ import annotations

from onramp.compliance.matching.chinese import chinese_keys
from onramp.compliance.matching.families import family_keys
from onramp.compliance.matching.feminine import feminine_keys
from onramp.compliance.matching.iotated import iotated_keys
from onramp.compliance.matching.japanese import japanese_keys
from onramp.compliance.matching.korean import korean_keys
from onramp.compliance.matching.patronymic import patronymic_keys
from onramp.compliance.matching.qaf import qaf_keys
from onramp.compliance.matching.russian import russian_keys


def sound_keys(written: str) -> frozenset[str]:
    """The written (folded) word's reading keys (see the module docstring)."""
    keys = russian_keys(written) | korean_keys(written) | chinese_keys(written)
    keys |= qaf_keys(written) | family_keys(written) | feminine_keys(written)
    keys |= iotated_keys(written)
    return keys | japanese_keys(written) | patronymic_keys(written)


__all__ = ["sound_keys"]
