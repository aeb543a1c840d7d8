"""Persian qaf and ghayn, written q or gh, as a reading key (the matcher pairs two words with a
key in common at ``SAME_SOUND``).

In Persian the two letters are one sound, and Iranians write it q or gh in any name, as do the
lists that spell their names ("Gholamshahi" / "Qolamshahi", "Sadegh" / "Sadeq", "Ghasem" /
"Qasem"). The canonical tokens write k and g, which are other letters in other names ("Kamal" /
"Gamal"), so the key is made only of a written word with a q or a gh in it, and only meets
another such word: the word with gh written q and each run of vowels as one "a" (Persian and
Arabic spell the vowels differently: "Ghulam" / "Qolam"). Keys start with "q:", so they meet no
other reading key.
"""

from __future__ import annotations

import re
from functools import lru_cache

_MIN_WORD = 4
_VOWEL_RUN = re.compile(r"[aeiou]+")


@lru_cache(maxsize=1 << 16)
def qaf_keys(written: str) -> frozenset[str]:
    """The written (folded) word's q/gh key, when it has a q or a gh; none otherwise."""
    if len(written) < _MIN_WORD or ("q" not in written and "gh" not in written):
        return frozenset()
    return frozenset(("q:" + _VOWEL_RUN.sub("a", written.replace("gh", "q")),))


__all__ = ["qaf_keys"]
