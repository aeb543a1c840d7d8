"""A surname with the nisba's final i: another family name, not a spelling (step 1 of the score,
``compliance/matcher.py``).

A word that is another with a final i after its last consonant is the Arabic and Persian
adjective of origin or descent (nisba) made from it, a family name of its own: "Hakimi" /
"Hakim", "Bakri" / "Bakr", "Mihoubi" / "Mihoub". Only the words as written tell it from a French
final e read as i ("Hamane" / "Hamani": the canonical token has lost the e), so the matcher
applies it to the screened name's surnames after the word pairs (``pairs.py``) are made; a given
name drops its final i as often ("Sultani" / "Sultan").
"""

from __future__ import annotations

import re

_NISBA_MIN = 4  # letters of the shorter word
_NISBA = "i"
_VOWEL = re.compile("[aeiou]")


def nisba(short: str, long: str) -> bool:
    """Whether ``long`` is ``short`` with the nisba's final i added."""
    return len(short) >= _NISBA_MIN and long == short + _NISBA and _VOWEL.match(short[-1]) is None


def lost_final_e(written: str, token: str) -> bool:
    """Whether the written word's final e is gone from its canonical token."""
    return written.endswith("e") and not token.endswith("e")


def nisba_free(
    near: dict[str, float], token: str, written: str, final_e: set[str]
) -> dict[str, float]:
    """``near`` (list words and how near a screened surname they are) without those that are the
    surname with a nisba's final i added or taken away, unless the shorter was written with a
    final e its token lost (``final_e``: such list tokens)."""
    own_e = lost_final_e(written, token)
    dropped = {
        listed
        for listed in near
        if (nisba(token, listed) and not own_e) or (nisba(listed, token) and listed not in final_e)
    }
    if not dropped:
        return near
    return {listed: sim for listed, sim in near.items() if listed not in dropped}


__all__ = ["lost_final_e", "nisba_free"]
