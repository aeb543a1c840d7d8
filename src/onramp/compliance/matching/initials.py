"""Russian initials of two letters ("A. Yu. Timofeev", "V. Ye. Dengin", "Zh. I. Alferov"): a
Cyrillic letter that English writes with two Latin letters (ю yu, е ye, я ya, ё yo, ж zh, х kh,
ч ch, ш sh, ц ts) keeps both in an initial, as Russian documents and the press abbreviate
names. They are read as the one-letter initial of the word they stand for ("Yu." for
"Yurievich"), so the matcher pairs them as it does any initial.

Only with the period written: "Yu" and "Ye" alone are words (Korean, Chinese and Vietnamese
names: "Yu Chol", "Kim Ye Jin").
"""

from __future__ import annotations

import re

_DIGRAPH = re.compile(r"\b(yu|ye|ya|yo|zh|kh|ch|sh|ts)\.", re.IGNORECASE)


def spelled_initials(name: str) -> str:
    """``name`` with each two-letter initial written as its first letter ("Yu." -> "Y.")."""
    if "." not in name:
        return name
    return _DIGRAPH.sub(lambda found: found.group(1)[0] + ".", name)


__all__ = ["spelled_initials"]
