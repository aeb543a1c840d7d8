"""One country, many spellings: KYC stores ISO 3166-1 alpha-2 codes (``RU``) while lists spell
names their own way (OFAC "Russia", the UN "Russian Federation", the EU "RUSSIAN FEDERATION").
``country_code`` maps any of them to the alpha-2 code so the matcher's country factor compares
countries, not strings.

Spellings come from ``country_names.NAMES``; each is also indexed in the word orders lists use:
"Korea, North" as "North Korea", "Congo, The Democratic Republic of the" as "Democratic
Republic of the Congo", and a parenthesised qualifier either dropped or put first ("Iran
(Islamic Republic of)" as "Iran" and "Islamic Republic of Iran"). A leading "the" is ignored.
"""

from __future__ import annotations

import re
from functools import lru_cache

from onramp.compliance.country_names import NAMES
from onramp.compliance.normalise import fold

_PAREN = re.compile(r"^(?P<base>[^(]+?)\s*\((?P<qualifier>[^)]+)\)\s*$")
_ALPHA2 = re.compile(r"^[A-Za-z]{2}$")


def _key(text: str) -> str:
    folded = fold(text)
    return folded[4:] if folded.startswith("the ") else folded


def _spellings(name: str) -> list[str]:
    found = [name]
    if match := _PAREN.match(name):
        base, qualifier = match["base"], match["qualifier"]
        found += [base, f"{qualifier} {base}"]
    if "," in name:
        head, _, tail = name.partition(",")
        found.append(f"{tail.strip()} {head.strip()}")
    return found


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for name, code in NAMES.items():
        for spelling in _spellings(name):
            index.setdefault(_key(spelling), code)
    return index


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """The ISO alpha-2 code of a code or a country name in any list's spelling; None when the
    value names no known country ("undetermined", "Region: Gaza")."""
    value = value.strip()
    codes = set(NAMES.values())
    if _ALPHA2.match(value) and value.upper() in codes:
        return value.upper()
    index = _index()
    for spelling in _spellings(value):
        if code := index.get(_key(spelling)):
            return code
    return None
