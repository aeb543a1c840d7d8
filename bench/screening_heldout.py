"""The HELD-OUT variants of ``bench/screening.py``: written apart from the tuned generators
(``screening_kinds.py``), with other rules, from other names (the individuals of the
2024-05-03 legacy CSV subset that are not in the advanced XML subset the matcher was tuned on).
Neither the unit tests nor the matcher's tuning look at these; change them only to make them
more realistic, never to make a miss go away.

Rules: German and French renderings of Russian names, word-final Arabic spellings and sun-letter
article assimilation, pinyin syllables split at their finals, initials in surname-first order.
"""

from __future__ import annotations

import random
import re

from screening_kinds import origin, parts

_PINYIN_FINAL = re.compile(r"(ang|eng|ing|ong|an|en|in|un|ai|ei|ao|ou|ui|iu|a|e|i|o|u)(?=[^aeiou])")
SUN_LETTERS = "tdrzsnl"
RUSSIAN_WORD_RULES = (
    (r"iy$", "ij"),
    (r"y$", "i"),
    (r"ii$", "y"),
    (r"^ye", "je"),
    (r"^ye", "e"),
    (r"yu", "ju"),
    (r"ya", "ja"),
    (r"zh", "sh"),
    (r"kh", "ch"),
    (r"sh", "sch"),
    (r"ts", "z"),
    (r"v", "w"),
    (r"ch", "tsch"),
    (r"ov$", "ow"),
    (r"ev$", "ew"),
    (r"e", "io"),
)
ARABIC_WORD_RULES = (
    (r"ah$", "a"),
    (r"a$", "ah"),
    (r"ie", "iyy"),
    (r"ee", "ei"),
    (r"oo", "u"),
    (r"u", "o"),
    (r"i", "e"),
    (r"w", "u"),
    (r"q", "g"),
    (r"dh", "th"),
    (r"aa", "a"),
    (r"y", "i"),
    (r"a", "e"),
    (r"sh", "sch"),
    (r"j", "g"),
    (r"ai", "ei"),
)


def _respell(word: str, rules: tuple[tuple[str, str], ...], rng: random.Random) -> str:
    lowered = word.lower()
    usable = [(p, r) for p, r in rules if re.search(p, lowered[1:] if p[0] != "^" else lowered)]
    if not usable:
        return word
    pattern, replacement = rng.choice(usable)
    if pattern.startswith("^"):
        changed = re.sub(pattern, replacement, lowered, count=1)
    else:
        matches = list(re.finditer(pattern, lowered[1:]))
        m = rng.choice(matches)
        start, end = m.start() + 1, m.end() + 1
        changed = lowered[:start] + replacement + lowered[end:]
    return changed.capitalize()


def joined_or_split(given: list[str], last: list[str], rng: random.Random) -> str | None:
    flat = [g for w in given for g in w.split("-")]
    if len(flat) >= 2:
        return " ".join(["".join(flat).capitalize(), *last])  # every given name as one word
    if not flat or len(flat[0]) < 5:
        return None
    word = flat[0].lower()
    cuts = [m.end() for m in _PINYIN_FINAL.finditer(word) if 2 <= m.end() <= len(word) - 2]
    if not cuts:
        return None
    cut = cuts[0] if rng.random() < 0.5 else cuts[-1]
    return " ".join([*last, word[:cut].capitalize(), word[cut:].capitalize()])


def article(given: list[str], last: list[str], rng: random.Random) -> str | None:
    words = [*given, *last]
    for i, w in enumerate(words):
        low = w.lower()
        if low.startswith(("al-", "el-")) and len(low) > 4:
            rest = low[3:]
            forms = [f"Al-{rest.capitalize()}", f"{low[:2].capitalize()}{rest}"]
            if rest[0] in SUN_LETTERS:
                forms.append(f"A{rest[0]}-{rest.capitalize()}")  # al-Rahman read ar-Rahman
            return " ".join(words[:i] + [rng.choice(forms)] + words[i + 1 :])
        if "'" in w:
            return " ".join(
                words[:i] + [w.replace("'", rng.choice(("", "-", "`")))] + words[i + 1 :]
            )
        if low in ("bin", "ibn") and i + 1 < len(words):
            return " ".join(words[:i] + ["b."] + words[i + 1 :])
    return None


def middle_initials(given: list[str], last: list[str], rng: random.Random) -> str | None:
    if len(given) < 2:
        return None
    if len(given) >= 3 and rng.random() < 0.5:
        return " ".join([given[0], *last])  # two middle names dropped
    middles = [m[0].upper() for m in given[1:]]
    return " ".join([*(w.upper() for w in last), given[0], *middles])


def translit(given: list[str], last: list[str], kind: str, rng: random.Random) -> str | None:
    rules = RUSSIAN_WORD_RULES if kind == "russian" else ARABIC_WORD_RULES
    words = [*given, *last]
    long_ones = [i for i, w in enumerate(words) if len(w) >= 4]
    if not long_ones:
        return None
    for i in rng.sample(long_ones, min(2, len(long_ones))):
        words[i] = _respell(words[i], rules, rng)
    return " ".join(words)


def heldout_kinds(
    primary_name: str, entry_origin: str, rng: random.Random
) -> list[tuple[str, str]]:
    given, last = parts(primary_name)
    if not given:
        given, last = last[:-1], last[-1:]
    made = [
        ("split or joined", joined_or_split(given, last, rng)),
        ("particles", article(given, last, rng)),
        ("initials or dropped", middle_initials(given, last, rng)),
    ]
    if entry_origin in ("russian", "arabic"):
        made.append((f"{entry_origin} transliteration", translit(given, last, entry_origin, rng)))
    return [(k, t) for k, t in made if t]


__all__ = ["heldout_kinds", "origin"]
