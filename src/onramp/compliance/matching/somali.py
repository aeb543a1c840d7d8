"""Somali names in the Somali Latin alphabet, read as the Arabic transliterations lists use.

Somalia has written its language in its own Latin alphabet since 1972, and a Somali customer
writes their name in it ("Cali Maxamed", "Cabdiraxmaan", "Xasan", "Ciise", "Faarax"), while
OFAC and other lists write the same names as transliterations of the Arabic ("Ali Mohamed",
"Abdirahman", "Hassan", "Isse", "Farah"). Two letters of that alphabet are what transliterations
spell otherwise: c is the Arabic ayin, which they leave out (or write as an apostrophe, which the
normaliser drops), and x is the Arabic h of "Hassan" (ha), which they write h. A doubled vowel
is a long one, written once (the canonical token already writes doubled letters once).

A word is read so only when it has a c before a vowel or an x, and the reading counts only when
it is a word of the list (``NameMatcher``); readings of fewer than three letters are not made.
"""

from __future__ import annotations

import re
from functools import lru_cache

from onramp.compliance.normalise import name_tokens

_AYIN = re.compile(r"c(?=[aeiou])")
_MIN_READING = 3


@lru_cache(maxsize=1 << 16)
def somali_reading(written: str) -> str:
    """The canonical token of a written word read as Somali spelling ("cali": "ali", "maxamed":
    the token of "mahamed"); "" for a word with no Somali letter or too short a reading."""
    if "x" not in written and _AYIN.search(written) is None:
        return ""
    read = _AYIN.sub("", written).replace("x", "h")
    tokens = name_tokens(read)
    if len(tokens) != 1 or len(tokens[0]) < _MIN_READING:
        return ""
    return tokens[0]


__all__ = ["somali_reading"]
