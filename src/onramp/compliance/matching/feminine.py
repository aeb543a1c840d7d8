"""Slavic feminine surnames in -ska and -skaya, as a reading key: one name in Ukrainian, Polish
or Belarusian form and in its Russian form ("Radomska" / "Radomskaya", "Kovalska" /
"Kovalskaya", "Zavitska" / "Zavitskaya"). The Ukrainian -ська and the Polish -ska are the
Russian -ская, and Ukrainians' passports and the press write either.

Keys start with "sk:" and are made only of feminine words ending so: a masculine -sky is another
person (the husband, the father) and meets no such key.
"""

from __future__ import annotations

import re

_FEMININE = re.compile(r"^(?P<stem>[a-z]{3,}?)(?:sk|ck|tsk|tzk|zk)(?:a|aya|aia|aja|ay|ia)$")


def feminine_keys(written: str) -> frozenset[str]:
    """The written (folded) word's -ska key, when it is a feminine surname in -ska/-skaya."""
    found = _FEMININE.match(written)
    if found is None:
        return frozenset()
    # Polish and German write w for v ("Kowalska" / "Kovalskaya").
    return frozenset((f"sk:{found['stem'].replace('w', 'v')}",))


__all__ = ["feminine_keys"]
