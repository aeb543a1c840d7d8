"""Name normalisation for screening: both the list's names and the screened names go through it.

Steps, in order: Unicode NFKD with accents dropped ("Hernández" -> "hernandez"), case folded,
punctuation and hyphens to spaces ("AL-HASSAN" -> "al hassan"), honorifics written as words of
their own dropped (Mr, Dr, Sheikh, Haji; Burmese U and Daw before two words or more; "Amir-Mansour"
keeps its Amir) and name particles before another word (al, bin, ibn, van, de; the last word of a
name stays: "Sa 'ad" is "Saad"), an article written onto a word taken off ("Alrawi", "Alali"; el
and ul only before four letters: "Elena", "Elkin"), a Maghrebi first vowel left out put back
("Hmida" -> "ahmida"), each token mapped to a canonical spelling of common transliteration
variants (Mohammed/Muhammad/Mohamed -> muhammad, also one letter off with
the same first letter) and then to a light phonetic skeleton (dzh/dj->j, tsch/tch->ch, sch->sh,
kh->h, zh inside a word->j, gh->g, dh->d, th->t, ph->f, ou/oo->u, ee->i, y->i, q->k, x->ks, w->v, a
final -off/-eff -> -ov/-ev, aw before a consonant -> u, doubled letters once, a silent final e
off). A particle stays inside the joined stretches of ``name_form`` ("Delvalle" / "del Valle"), as
written and as spoken before a sun letter ("Saifaldin", "Saifuddin"); for "LAST, First" the
stretches are also made in natural order ("Yahya Abu Hammam" / "Abuhammam"). Sayyid and Syed stay:
they are honorifics but also given names, and lists keep them as names. Word order is handled by
the matcher, which compares tokens, not positions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from onramp.compliance.name_spellings import (
    BURMESE_NAME_MIN,
    BURMESE_TITLES,
    HONORIFICS,
    NAME_TITLES,
    NATIONAL_FORMS,
    VARIANTS,
)

# "Son of" and "daughter of" before a father's or family name.
_KINSHIP = frozenset("bin ben ibn bint binti".split())
# Spanish devotional first names before another given name, which their bearers leave out as
# often as a middle name ("CAZAREZ PEREZ, Maria Tiburcia" goes by Tiburcia).
_DEVOTIONAL = frozenset(("maria", "jose"))
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Apostrophes and ayin/hamza marks join ("As'ad" -> "asad"); OFAC writes them inconsistently.
_JOINERS = re.compile("['`\u2018\u2019\u02bb\u02bc\u02be\u02bf]")

# Articles and kinship particles: spelled, joined and dropped inconsistently across lists.
PARTICLES = frozenset(
    "al el ul ad ar as ash at az bin ben ibn bint binti de da del der van von".split()
)

_CANONICAL = {
    variant: canon
    for table in (VARIANTS, NATIONAL_FORMS)
    for canon, variants in table.items()
    for variant in variants
}
# The canonical spelling of each family above: the matcher learns no other equivalences for them.
KNOWN_FAMILIES = frozenset(VARIANTS) | frozenset(NATIONAL_FORMS)
_SKELETON = (
    ("dzh", "j"),
    ("dj", "j"),
    ("xh", "j"),  # Albanian xh is the j of other spellings ("Muhaxheri" / "Muhadzheri")
    ("tsch", "ch"),  # German for Russian ch ("Sawtschenko")
    ("tch", "ch"),
    ("sch", "sh"),
    ("kh", "h"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("ph", "f"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("y", "i"),
    ("q", "k"),
    ("ck", "k"),
    ("x", "ks"),
    ("w", "v"),  # German and Polish w for Russian v ("Lebedew", "Wladimir")
)
# French and older English endings for Russian -ov/-ev ("Shperoff", "Lebedeff").
_FF_ENDING = re.compile(r"(?<=[aeiou])ff$")
_DOUBLED = re.compile(r"(.)\1+")
# Inside a word after a consonant, and au opening one ("Auf" / "Ouf").
_AW = re.compile(r"(?<=[^aeiou])aw(?=[^aeiouwy])|^au(?=[^aeiouwy])")
_INNER_ZH = re.compile(r"(?<=[a-z])zh")
_FINAL_E = re.compile(r"(?<=[^aeiou])e$")
_FINAL_QUE = re.compile(r"(?<=[aeiou])que$")
_FINAL_E_MIN = 6
_ELIDED_MIN = 4


def fold(text: str) -> str:
    """Accents off, case folded, everything but letters and digits to single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = _JOINERS.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))
    return _NON_ALNUM.sub(" ", bare.casefold()).strip()


_KNOWN = [variant for variants in VARIANTS.values() for variant in variants] + list(VARIANTS)
_FUZZY_VARIANT_MIN = 5


@lru_cache(maxsize=65536)
def canonical_token(token: str, fuzzy: bool = True) -> str:
    """The token's canonical spelling. ``fuzzy``: a word one letter off a known variant joins its
    family; not for words joined from several ("Abd al-Ilah" is not "Abdallah")."""
    # Urdu and Bengali names written the French way end in -que for q ("Ishaque" / "Ishaq",
    # "Siddique" / "Siddiq", "Haque" / "Haq").
    token = _FINAL_QUE.sub("q", token)
    # Maghrebi and Hassaniya Arabic drop the short first vowel of Ahmed's family, and people
    # from there write their names so ("Hmida" / "Ahmida", "Hmed" / "Ahmed"); no other
    # romanisation opens a word with hm.
    if token.startswith("hm") and len(token) >= _ELIDED_MIN:
        token = "a" + token
    canon = _CANONICAL.get(token)
    if fuzzy and canon is None and len(token) >= _FUZZY_VARIANT_MIN and token not in KNOWN_FAMILIES:
        # A typo inside a transliterated name ("Mohfmad") still finds its family.
        near = process.extractOne(token, _KNOWN, scorer=OSA.distance, score_cutoff=1)
        # The same first letter: "Hamed" is one swap from "Ahmed" but another name.
        if near is not None and near[0][:1] == token[:1]:
            canon = _CANONICAL.get(near[0], near[0])
            # Abdul/Abdel/Abdal are one letter from surnames ("Ahdal"): "Abdyl" is one of them,
            # "Ahdal" is not.
            if canon == "abd" and not token.startswith("abd"):
                canon = None
    token = _FF_ENDING.sub("v", canon or token)
    # Arabic aw before a consonant is French and Levantine ou ("Hawrani"/"Hourani").
    token = _AW.sub("u", token)
    # Persian zhe inside a word is written zh or j ("Haddadnezhad"/"Haddadnejad", "Bizhan"/
    # "Bijan"), as French writes Russian zh ("Ryjkov"); a first Zh stays ("Zhang" is not "Jang").
    token = _INNER_ZH.sub("j", token)
    for old, new in _SKELETON:
        token = token.replace(old, new)
    token = _DOUBLED.sub(r"\1", token)
    # French writes a silent final e ("Tajeddine"/"Tajideen", "Noureddine"/"Nureddin").
    return _FINAL_E.sub("", token) if len(token) >= _FINAL_E_MIN else token


_VOWELS = re.compile(r"[aeiou]")
_VOWEL_RUN = re.compile(r"[aeiou]+")


@lru_cache(maxsize=65536)
def consonants(token: str) -> str:
    """The first letter and the consonants after it: vowels are what transliterations vary."""
    return token[:1] + _VOWELS.sub("", token[1:])


@lru_cache(maxsize=65536)
def vowel_key(token: str) -> str:
    """Every run of vowels as one "a": "Hamid"/"Hamed", "Ali"/"Eli", "Baazaoui"/"Baazeoui"
    have one key. Arabic script writes short vowels rarely, so transliterations pick them."""
    return _VOWEL_RUN.sub("a", token)


_SUN_LETTERS = frozenset("tdrzsnl")
_ARTICLES = ("al", "el", "ul")
_MIN_STEM = 3
_MAX_JOIN = 4


def _without_article(token: str) -> str:
    """An article written onto the word ("Alrawi", "Arrahman": al- before a sun letter reads
    ar-) comes off, as it does when written apart. Both sides lose it, so "Alexander" still
    meets "Alexander"."""
    if (
        token[:1] == "a"
        and len(token) - 2 >= _MIN_STEM + 1
        and token[1] == token[2]
        and token[1] in _SUN_LETTERS
    ):
        return token[2:]
    return token


def _stem(token: str, fuzzy: bool = True) -> str:
    canon = canonical_token(_without_article(token), fuzzy)
    # "Alali" is "al-Ali": three letters are a name ("Ali", "Ani") once the article is off. El
    # and ul need four: "Elena", "Elias" and "Elkin" are names, not "el-Ena".
    stem = _MIN_STEM if canon[:2] == "al" else _MIN_STEM + 1
    if canon[:2] in _ARTICLES and len(canon) - 2 >= stem:
        return canon[2:]
    return canon


def _chunked_words(name: str) -> list[tuple[int, str]]:
    """The folded words without honorifics, each with the whitespace-separated chunk of the name
    it was written in ("Tong-chol" is one chunk of two words). A title hyphenated with a name is
    part of it ("Amir-Mansour", "Haji-Agha"), as people write it joined ("Amirmansour")."""
    words: list[tuple[int, str]] = []
    for g, chunk in enumerate(name.split()):
        folded = fold(chunk).split()
        hyphenated = "-" in chunk and len(folded) > 1
        words += [(g, w) for w in folded if w not in HONORIFICS or w in NAME_TITLES or hyphenated]
    if len(words) > BURMESE_NAME_MIN and words[0][1] in BURMESE_TITLES:
        words = words[1:]
    return words


def _marked_words(name: str) -> list[tuple[str, bool]]:
    """The folded words without honorifics, each with whether it is kept as a token: a particle
    is dropped when another word follows ("Sa 'ad" is "Saad")."""
    words = [w for _, w in _chunked_words(name)]
    return [(w, w not in PARTICLES or i == len(words) - 1) for i, w in enumerate(words)]


def _chunks(name: str, marked: _Marked) -> list[int]:
    """For each kept word of ``marked`` (the name's ``_marked_words``), which whitespace-separated
    chunk of the name it was written in: "Tong-chol" is one chunk of two words."""
    chunks = [g for g, _ in _chunked_words(name)]
    return [g for g, (_, kept) in zip(chunks, marked, strict=True) if kept]


# Words opening and ending Arabic compound given names ("Abd al-Rahman", "Nur al-Din").
COMPOUND = frozenset(
    "abd abdul abdel abu abou bin ben ibn nur saif sayf izz salah nasir ala zayn".split()
)
_COMPOUND_ENDS = frozenset("din deen dine islam abidin haq haqq".split())


def _family_word(first: _Marked) -> bool:
    """Whether the last given name of ``LAST, First`` is a family name written with its article
    after two given names or more ("AL-ISSAWI, Khamis Farhan Al-Khanjar": people go by either)."""
    if sum(kept for _, kept in first) < 3 or first[-2] not in {(a, False) for a in _ARTICLES}:
        return False
    return first[-3][0] not in COMPOUND and first[-1][0] not in _COMPOUND_ENDS


def _given_halves(chunks: list[int], whole: tuple[int, ...]) -> frozenset[int]:
    """The words written hyphenated with one of ``whole`` (a first name or a surname): half of
    one name ("Dong" of "Kim Dong-chol", "Chol" of "KIM, Tong-chol"), not a middle name."""
    return frozenset(
        i for i, g in enumerate(chunks) if any(g == chunks[w] for w in whole) and i not in whole
    )


def _words(name: str) -> list[str]:
    return [w for w, kept in _marked_words(name) if kept]


def name_tokens(name: str) -> tuple[str, ...]:
    """The canonical tokens of a name, in the order given (order is ignored later)."""
    return tuple(_stem(t) for t in _words(name))


@dataclass(frozen=True)
class NameForm:
    """A name as the matcher compares it: its canonical tokens in written order, the written
    (folded) word of each (an initial "K." stands for "Khalfan", whose canonical token is
    "halfan"; joined words are compared as written), and which tokens are middle names.

    Middle names are the given names after the first: after the comma of "LAST, First Middle",
    or between the first and the last word of a name written without one, but not a word
    hyphenated with the first name or the surname ("Kim Dong-chol": "Dong" is half of one name).
    People leave them out or shorten them to initials far more often than a first name or a
    surname. Second surnames are the surname words after the first of "LAST LAST, First" (or
    any of a hyphenated "LVOVA-BELOVA"): Spanish and Portuguese speakers drop one of two."""

    tokens: tuple[str, ...]
    words: tuple[str, ...]
    middles: frozenset[int]
    # Each stretch of two to four neighbouring words and the token they make written as one,
    # in written order and, for "LAST, First", in natural order ("Yahya Abu Hammam").
    joins: tuple[tuple[tuple[int, ...], str], ...] = ()
    second_surnames: frozenset[int] = frozenset()
    # The surname words and the given names in written order, when the name says which is which
    # (``LAST, First``; the last word of a name of two or more written without a comma).
    surnames: tuple[int, ...] = ()
    given: tuple[int, ...] = ()

    @property
    def initials(self) -> tuple[str, ...]:
        return tuple(w[:1] for w in self.words)


_Marked = list[tuple[str, bool]]


def _joins(marked: _Marked, index: list[int | None]) -> dict[tuple[tuple[int, ...], str], None]:
    """Each stretch of two to four kept words (particles inside not counted) written as one."""
    joins: dict[tuple[tuple[int, ...], str], None] = {}
    for start in range(len(marked)):
        for end in range(start + 2, len(marked) + 1):
            run = tuple(i for i in index[start:end] if i is not None)
            if len(run) > _MAX_JOIN:
                break  # up to four words, particles not counted
            if run:
                # With a particle in it, a stretch is a compound ("Abd al-Ilah"), not a typo
                # of a known name ("Abdallah"); "You-cef" still reads "Youcef".
                fuzzy = len(run) == end - start
                for written in _written_as_one(marked[start:end]):
                    joins[run, _stem(written, fuzzy)] = None
    return joins


def _written_as_one(stretch: _Marked) -> tuple[str, ...]:
    """The words run together, as written and with an Arabic article before a sun letter as read
    ("Saif al-Din": "Saifaldin", "Saifuddin"; the vowel is the transliterator's)."""
    words = [w for w, _ in stretch]
    plain = "".join(words)
    for i, word in enumerate(words[:-1]):
        if word in _ARTICLES and words[i + 1][:1] in _SUN_LETTERS:
            words[i] = "a" + words[i + 1][0]
    return tuple(dict.fromkeys((plain, "".join(words))))


def _token_index(marked: _Marked, first: int = 0) -> list[int | None]:
    """Token index of each kept word from ``first``; a particle has none but is part of the
    stretches it is in, so "Delvalle" meets "del Valle" and "Al Ahdal" meets "Alahdal"."""
    index: list[int | None] = []
    for _, kept in marked:
        index.append(first + sum(1 for i in index if i is not None) if kept else None)
    return index


def _titles(words: list[str]) -> frozenset[int]:
    """A title kept because it is hyphenated with a name ("Amir-Mansour") or because it is a
    given name too ("Amir", ``NAME_TITLES``) is left out as often as written: it costs no more
    than a middle name."""
    return frozenset(i for i, w in enumerate(words) if w in HONORIFICS)


def _family_names(marked: _Marked) -> frozenset[int]:
    """Token indices of words written after an article ("Mohammed Al-Houthi Zaid"): a family or
    tribal name, not a father's given name, even between given names, so leaving it out costs
    what any other word does. Not the end of a compound given name ("Abd al-Rahman")."""
    kept = [(i, w) for i, (w, k) in enumerate(marked) if k]
    return frozenset(
        t
        for t, (i, word) in enumerate(kept)
        if i and marked[i - 1][0] in _ARTICLES and not marked[i - 1][1]
        if (t == 0 or kept[t - 1][1] not in COMPOUND) and word not in _COMPOUND_ENDS
    )


@lru_cache(maxsize=65536)
def name_form(name: str) -> NameForm:
    surname, comma, given = name.partition(",")
    if not comma:
        marked = _marked_words(name)
        words = [w for w, kept in marked if kept]
        chunks = _chunks(name, marked)
        joins = _joins(marked, _token_index(marked))
        halves = _given_halves(chunks, (0, len(words) - 1)) if words else frozenset()
        several = len(words) > 1
        return NameForm(
            tuple(_stem(w) for w in words),
            tuple(words),
            frozenset(range(1, len(words) - 1)) - halves - _family_names(marked) | _titles(words),
            tuple(joins),
            surnames=(len(words) - 1,) if several else (),
            given=tuple(range(len(words) - 1)) if several else (),
        )
    last, first = _marked_words(surname), _marked_words(given)
    if first and last and first[-1][0] in _KINSHIP:
        # "AUF, Awad Ibn" is "Awad Ibn Auf": the particle stands before the surname.
        first[-1] = (first[-1][0], False)
    n_last = sum(kept for _, kept in last)
    # "BIN AHMED RUSHDI AL-QATIRJI, Hussam": the names after "bin" are his father's and
    # grandfather's, which people leave out as often as a middle name.
    nasab = set(range(n_last - 1)) if last and last[0][0] in _KINSHIP else set()
    words = [w for w, kept in last + first if kept]
    last_index, first_index = _token_index(last), _token_index(first, n_last)
    joins = _joins(last + first, last_index + first_index)
    joins.update(_joins(first + last, first_index + last_index))
    seconds = set(range(0 if "-" in surname else 1, n_last) if n_last > 1 else range(0))
    given_chunks = _chunks(given, first)
    given_halves = (
        {n_last + i for i in _given_halves(given_chunks, (0,))} if given_chunks else set()
    )
    if n_last and _family_word(first):
        # One family name of two, as "LVOVA-BELOVA" has: either may be left out.
        given_halves.add(len(words) - 1)
        seconds |= {0, len(words) - 1}
    middles = set(range(n_last + 1, len(words))) - given_halves | nasab
    seconds = set() if nasab else seconds  # the last is his one family name
    if (
        n_last > 1
        and "-" not in surname
        and len(words) - n_last > 1
        and words[n_last] in _DEVOTIONAL
    ):
        # "Maria Tiburcia", "Jose Normando" of two Spanish surnames: people go by the second
        # given name, so it is the first name, and the devotional one costs what a middle name
        # does when left out. Not "LVOVA-BELOVA, Maria Alexeyevna": Maria is her name.
        middles = middles - {n_last + 1} | {n_last}
    return NameForm(
        tuple(_stem(w) for w in words),
        tuple(words),
        frozenset(middles) | _titles(words),
        tuple(joins),
        frozenset(seconds),
        surnames=tuple(range(n_last)),
        given=tuple(range(n_last, len(words))),
    )
