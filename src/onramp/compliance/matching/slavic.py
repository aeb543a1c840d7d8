"""Slavic surnames of one stem and another family suffix are other families, not spellings of
one name: "Pavlov" / "Pavlenko", "Bazilev" / "Bazilevsky", "Grankin" / "Granovsky", and a
stem with letters added before the same suffix is another stem ("Belov" / "Belousov",
"Nikonova" / "Nikonorova"). By letters they are as near as a spelling (ratio 80 to 89), and
beside a shared given name and patronymic they hit.

Suffixes are read on canonical tokens (y is i, w is v, ff is v), longest first, and spellings
of one suffix are one class (-ov and -ev, -enko and Belarusian -enka, -sky and -skiy and the
feminine -skaya). Both words must end in one: "Tahsin" / "Tahsen" is a vowel, not a suffix.
"""

from __future__ import annotations

from functools import lru_cache

_CLASSES = {
    "ov": "ov ev iov iev ova eva iova ieva",
    "in": "in ina",
    "enko": "enko enka ienko ienka",
    "ski": "ski skii skaia skaa ovski evski ovskii evskii ovskaia evskaia",
    "uk": "uk iuk chuk chik ik",
}
_SUFFIXES = sorted(
    ((suffix, name) for name, spelled in _CLASSES.items() for suffix in spelled.split()),
    key=lambda found: len(found[0]),
    reverse=True,
)
_MIN_STEM = 3
_STEM_ADDED = 2


@lru_cache(maxsize=1 << 16)
def _split(token: str) -> tuple[str, str] | None:
    """The stem and the suffix class of a canonical token, or None when it ends in none."""
    for suffix, name in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= _MIN_STEM:
            return token[: -len(suffix)], name
    return None


def other_family(token: str, candidate: str) -> bool:
    """Whether two canonical tokens are one stem with other family suffixes, or a stem and that
    stem with letters added before one suffix class (see the module docstring)."""
    first, second = _split(token), _split(candidate)
    if first is None or second is None or token == candidate:
        return False
    (short, short_class), (long, long_class) = sorted((first, second), key=lambda s: len(s[0]))
    if not long.startswith(short):
        return False
    return short_class != long_class or len(long) - len(short) >= _STEM_ADDED


__all__ = ["other_family"]
