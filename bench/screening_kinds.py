"""Variants of real SDN names as people write them, one generator per kind of miss: given names
split or joined, particles and apostrophes, middle names reduced to initials or dropped, Arabic
and Russian transliteration. The TUNED set of ``bench/screening.py``: the matcher was tuned
looking at these (the held-out set is ``screening_heldout.py``, written apart).

The spelling rules are ours, not the normaliser's tables: the bench must not grade the matcher
with its own answers.
"""

from __future__ import annotations

import random
import re

from onramp.compliance.lists import ListEntry

ARABIC_COUNTRIES = frozenset(
    "Iran Iraq Syria Yemen Lebanon Libya Egypt Tunisia Algeria Morocco Sudan Somalia Jordan "
    "Kuwait Bahrain Qatar Oman Mauritania Palestinian Pakistan Afghanistan Saudi".split()
)
RUSSIAN_COUNTRIES = frozenset(
    "Russia Ukraine Belarus Kazakhstan Tajikistan Uzbekistan Kyrgyzstan Georgia Moldova".split()
)
EAST_ASIAN_COUNTRIES = frozenset("China Korea Taiwan Hong Burma Singapore Malaysia".split())

# Inside words only, so a changed first letter is not counted as a transliteration.
ARABIC = (
    ("ou", "u"),
    ("u", "ou"),
    ("i", "ee"),
    ("ee", "i"),
    ("q", "k"),
    ("k", "q"),
    ("aa", "a"),
    ("a", "aa"),
    ("ai", "ay"),
    ("ay", "ai"),
    ("dh", "z"),
    ("th", "s"),
    ("sh", "ch"),
    ("j", "dj"),
    ("gh", "g"),
    ("kh", "h"),
    ("a", "e"),
    ("e", "a"),
    ("o", "u"),
    ("ss", "s"),
    ("s", "ss"),
    ("i", "y"),
)
RUSSIAN = (
    ("iy", "y"),
    ("iy", "ii"),
    ("y", "i"),
    ("yu", "iu"),
    ("ya", "ia"),
    ("ye", "e"),
    ("e", "ye"),
    ("zh", "j"),
    ("kh", "h"),
    ("ts", "tz"),
    ("ch", "tch"),
    ("ov", "off"),
    ("ev", "eff"),
    ("v", "w"),
    ("ks", "x"),
    ("x", "ks"),
    ("yo", "e"),
    ("e", "yo"),
    ("ei", "ey"),
    ("sh", "sch"),
)
_VOWEL_THEN_CONSONANT = re.compile(
    r"(?<=[aeiou])(?=[bcdfghjklmnpqrstvwxz][aeiou])|(?<=ng)(?=[aeiou])"
)


def natural(name: str) -> list[str]:
    """OFAC's "LAST, First Middle" as "First Middle Last" words."""
    last, _, rest = name.partition(",")
    return (rest.split() + last.split()) if rest else name.split()


def parts(name: str) -> tuple[list[str], list[str]]:
    last, _, rest = name.partition(",")
    return rest.split(), last.split()


def origin(entry: ListEntry) -> str:
    countries = {w for c in entry.countries for w in c.replace(",", " ").split()}
    if countries & RUSSIAN_COUNTRIES:
        return "russian"
    if countries & ARABIC_COUNTRIES:
        return "arabic"
    if countries & EAST_ASIAN_COUNTRIES:
        return "east_asian"
    return "other"


def respell(words: list[str], rules: tuple[tuple[str, str], ...], rng: random.Random) -> str | None:
    text = " ".join(words).lower()
    usable = [(a, b) for a, b in rules if any(a in w[1:] for w in text.split())]
    if not usable:
        return None
    for _ in range(1 + (len(usable) > 3 and rng.random() < 0.5)):  # one or two changes
        usable = [(a, b) for a, b in usable if any(a in w[1:] for w in text.split())]
        if not usable:
            break
        old, new = rng.choice(usable)
        spots = [i for i in range(1, len(text)) if text.startswith(old, i) and text[i - 1] != " "]
        at = rng.choice(spots)
        text = text[:at] + new + text[at + len(old) :]
    return text.title()


def split_or_joined(entry: ListEntry, rng: random.Random) -> str | None:
    given, last = parts(entry.primary_name)
    given = [g for w in given for g in w.split("-")]
    if len(given) >= 2 and rng.random() < 0.6:
        i = rng.randrange(len(given) - 1)
        given = given[:i] + [given[i] + given[i + 1].lower()] + given[i + 2 :]
        return " ".join(given + last)
    long_ones = [i for i, w in enumerate(given) if len(w) >= 6]
    if not long_ones:
        return None
    i = rng.choice(long_ones)
    cuts = [
        m.start()
        for m in _VOWEL_THEN_CONSONANT.finditer(given[i].lower())
        if 2 <= m.start() <= len(given[i]) - 2
    ]
    if not cuts:
        return None
    cut = rng.choice(cuts)
    sep = rng.choice((" ", "-"))
    given = given[:i] + [given[i][:cut] + sep + given[i][cut:].lower()] + given[i + 1 :]
    return " ".join(given + last)


_ARTICLE = re.compile(r"^(al|el|ul)[- ]", re.IGNORECASE)


def particles(entry: ListEntry, rng: random.Random) -> str | None:
    words = natural(entry.primary_name)
    text = " ".join(words)
    options: list[str] = []
    if "'" in text:
        options += [text.replace("'", " "), text.replace("'", "")]
    for i, w in enumerate(words):
        if _ARTICLE.match(w):
            rest = w[3:]
            for form in (f"Al {rest}", f"El-{rest}", f"Al{rest.lower()}", rest, f"el {rest}"):
                options.append(" ".join(words[:i] + [form] + words[i + 1 :]))
        if w.lower() in ("bin", "ibn", "bint") and i + 1 < len(words):
            joined = w.capitalize() + words[i + 1].lower()
            options.append(" ".join(words[:i] + [joined] + words[i + 2 :]))
            options.append(
                " ".join(words[:i] + ["Ibn" if w.lower() == "bin" else "Bin"] + words[i + 1 :])
            )
    return rng.choice(options) if options else None


def initials(entry: ListEntry, rng: random.Random) -> str | None:
    given, last = parts(entry.primary_name)
    if len(given) < 2:
        return None
    first, middles = given[0], given[1:]
    style = rng.choice(("initials", "dotless", "dropped"))
    if style == "dropped":
        return " ".join([first, *last])
    dot = "." if style == "initials" else ""
    return " ".join([first, *(m[0].upper() + dot for m in middles), *last])


def transliteration(entry: ListEntry, rng: random.Random) -> tuple[str, str | None]:
    kind = origin(entry)
    words = natural(entry.primary_name)
    if kind == "russian":
        return "russian transliteration", respell(words, RUSSIAN, rng)
    if kind == "arabic":
        return "arabic transliteration", respell(words, ARABIC, rng)
    return "", None


def kinds(entry: ListEntry, rng: random.Random) -> list[tuple[str, str]]:
    made: list[tuple[str, str | None]] = [
        ("split or joined", split_or_joined(entry, rng)),
        ("particles", particles(entry, rng)),
        ("initials or dropped", initials(entry, rng)),
        transliteration(entry, rng),
    ]
    return [(kind, text) for kind, text in made if kind and text]
