"""A name's first letter й, ю, я, е or ё before a vowel written j as German, Polish, Czech and
the Scandinavian languages write it, or y (or i) as English does ("Juri" / "Yuri", "Jelena" /
"Yelena", "Jakow" / "Yakov", "Iouri"), as a reading key: the rest of the word as its canonical
token spells it, after a "y:".

Russian keys (``matching/russian.py``) read four-letter words under fewer systems, German not
among them, so "Juri" and "Yuri" met only as one letter off (85).
"""

from __future__ import annotations

import re

from onramp.compliance.normalise import canonical_token

# Not before "ua": Spanish "Juan" is not Chinese "Yuan".
_IOTATED = re.compile(r"^(?:j|y|i)(?=[aeou])(?!ua)")
_MIN_WORD = 4


def iotated_keys(written: str) -> frozenset[str]:
    """The written (folded) word's key when it opens with j, y or i before a vowel."""
    if len(written) < _MIN_WORD or _IOTATED.match(written) is None:
        return frozenset()
    return frozenset(("y:" + canonical_token("y" + _IOTATED.sub("", written, count=1)),))


__all__ = ["iotated_keys"]
