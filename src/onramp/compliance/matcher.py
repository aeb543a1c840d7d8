"""Name and address matching against one loaded list.

Scoring (0-100) of a screened name Q against an indexed list name N, both normalised to one
written form each (``normalise.name_form``: canonical tokens in written order, the written
words, which tokens are middle names, and every stretch of two to four neighbouring words
written as one):

1. Token pairs (``matching/pairs.py``): equal tokens score 100; tokens whose only differences
   are vowels ("Hamid"/"Hamed", "Ali"/"Eli", "Baazaoui"/"Baazeoui") 92 (90 for three letters);
   otherwise ``rapidfuzz.fuzz.ratio``, where one edit (``OSA``, swaps included) or the same
   consonants in a four-letter or longer token count at least 85, and a pair below
   ``token_cutoff`` (80) is 0. Other tokens of three letters or fewer pair only when equal.
   Words whose written forms read as one Russian name under some romanisation
   (``matching/russian.py``: "Jewgeni" / "Yevgeniy"), as one Korean name
   (``matching/korean.py``: "Ri" / "Lee", "Jong" / "Jeong" / "Chong") or as one Chinese name
   in Pinyin and Wade-Giles (``matching/chinese.py``: "Zhang" / "Chang", and a joined stretch
   too: "Longbao" / "Lung-pao") or as one Japanese name in Hepburn and Kunrei-shiki
   (``matching/japanese.py``: "Nishiguchi" / "Nisiguti") pair at 92 at least, as do a Slavic
   feminine -ska and -skaya (``matching/feminine.py``) and a first j or y before a vowel
   (``matching/iotated.py``: "Juri" / "Yuri"; every reading key: ``matching/sounds.py``); so
   does a word in the Somali alphabet whose reading is a word of the list (``matching/somali.py``:
   "Cali" / "Ali", "Xasan" / "Hassan"); so do patronymics of one father's name in Russian, Ukrainian
   and Belarusian forms (``matching/patronymic.py``: "Hryhorovych" / "Grigorievich" /
   "Ryhoravich"), words with a Persian q written gh (``matching/qaf.py``: "Qolam" / "Gholam")
   and given names of one family in two languages (``matching/families.py``: "Kostas" /
   "Konstantinos", "Ramadan" / "Ramezan").
2. Joined words first (``matching/align.py``, as are steps 3 and 4): a token of one side pairs
   with a stretch of neighbouring words of the other written as one ("Chunyong" / "Chun Yong",
   "Sa 'ad" / "Saad", "Ali-reza" / "Alireza") when that scores at least 85 and better than any
   single word does for either. Then each remaining token of Q, longest first, takes its most
   similar unused token of N. A one-letter word pairs only with the same letter written alone.
   ``q_cover`` is the share of Q's letters so explained, weighted by pair similarity;
   ``n_cover`` the same share of N's.
3. Once two pairs are made, an initial ("Ahmed K. Ghailani") pairs with a leftover word of the
   other side that starts with its letter: it explains its one letter and costs 2.
4. When every token of one side is explained (at least two pairs), the score is that side's
   cover minus what the other side's leftover words cost: a middle name (a given name after the
   first) 3, any other word of N left out 12 (a first name or a surname word: "Omar Fernandez"
   is not "Prieto Fernandez, Omar Jose", 85), any other extra word of Q 15 (another first name
   is another person). Otherwise ``aligned = 100 * (0.6 * q_cover + 0.4 * n_cover)``: an
   unexplained word in Q costs more than one missing from N.
5. ``base = max(aligned, token_sort_ratio of the sorted tokens)``. A list name of several tokens
   needs two pairs (one when Q is one word), so one shared common name never hits; a name of a
   surname and initials ("K. Paananen") is read by the list name's structure instead
   (``matching/reduced.py``), and its score counts too.
6. Secondary factors (``matching/factors.py``), applied only when both sides know them: an
   identical date of birth adds ``dob_bonus``, the same year half of it, a year more than one
   apart subtracts ``dob_penalty``, but never takes a name scoring ``strong_name`` (97) or more
   below the threshold; a shared country adds ``country_bonus`` (an ISO code and a list's
   country name compare as the same country: ``compliance/countries.py``). The final score is
   capped to 0..100.

A hit is a best score at or above ``threshold`` (default 88, set by ``bench/screening.py``).

Candidates: every list token and joined stretch is indexed with the list names holding it. A
screened token (and each joined stretch of the screened name) is compared with the whole
index in one ``rapidfuzz.process.extract`` call (ratio at least 60, plus the same vowels key or
consonants), scored with ``pair`` and remembered for the rest of the batch; only list names
that two screened words are near are aligned (one for a one-word name or list name).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from onramp.compliance.lists.model import EntryType, ListEntry, SanctionsList
from onramp.compliance.matching.align import MIN_PAIRS, Near, align
from onramp.compliance.matching.chinese import chinese_keys
from onramp.compliance.matching.factors import country_factor, dob_factor
from onramp.compliance.matching.initials import spelled_initials
from onramp.compliance.matching.keys import LOOSE, loose_keys
from onramp.compliance.matching.learned import LEARNED, learn_equivalents
from onramp.compliance.matching.nisba import lost_final_e, nisba_free
from onramp.compliance.matching.pairs import SPELLING, pair
from onramp.compliance.matching.reduced import surname_and_initials
from onramp.compliance.matching.russian import SAME_SOUND
from onramp.compliance.matching.settings import MatchSettings
from onramp.compliance.matching.somali import somali_reading
from onramp.compliance.matching.sounds import sound_keys
from onramp.compliance.normalise import (
    NameForm,
    consonants,
    name_form,
    name_tokens,
    vowel_key,
)

_SHORTLIST = 60.0
_MIN_JOINED = 4
_NEAR_CACHE = 1 << 16
_MIN_TOKENS_FOR_WEAK_ALIAS = 2
# A list name of two words that shares only one word exactly with the screened name, a word
# that many list names hold (a common given name: "Mohammad", "Reza", "Viktor"), is weaker
# evidence than its score says: the other word, near but not equal, carries who this is
# ("Mohammad Jabbari" / "JABER, Mohammad"). Such a match loses ``_COMMON_ONLY`` points.
_COMMON_HOLDERS = 5
_COMMON_ONLY = 6.0
_COMMON_MAX_WORDS = 4


@dataclass(frozen=True)
class NameHit:
    entry_uid: str
    entry_name: str
    matched_name: str  # the primary name or the alias that matched
    score: float
    reason: str


@dataclass(frozen=True)
class _IndexedName:
    entry: ListEntry
    name: str
    form: NameForm
    joined: str
    is_alias: bool


def _written_joins(form: NameForm) -> list[tuple[str, str]]:
    """Each joined stretch of a name and its words as written, run together: a Chinese given
    name is one word ("Longbao") or two ("Lung-pao"), read as one (``matching/chinese.py``)."""
    return [(joined, "".join(form.words[i] for i in run)) for run, joined in form.joins]


def _start(token: str) -> str:
    """The first letter, any vowel as "a": "Ebrahim" and "Abrahim" start alike."""
    return "a" if token[:1] in "aeiou" else token[:1]


class NameMatcher:
    """Screens names against one list; build once per list version, then call ``screen``.

    Every word of the list, and every stretch of neighbouring words written as one, is indexed
    with the list names it is in. A screened word is compared with all of them at once
    (``rapidfuzz.process.extract``, in C) and the result kept for the next name with that
    word; only list names that two of the screened words are near are then aligned."""

    def __init__(self, sanctions: SanctionsList, settings: MatchSettings | None = None) -> None:
        self.settings = settings or MatchSettings()
        self._names: list[_IndexedName] = []
        self._holders: dict[str, list[int]] = defaultdict(list)
        # Each Russian or Korean reading key (``matching/russian.py``, ``korean.py``) and the
        # list tokens whose written word reads to it, in the order first met.
        self._by_sound: dict[str, dict[str, None]] = defaultdict(dict)
        # List tokens written with a final e they have lost (``matching/nisba.py``).
        self._final_e: set[str] = set()
        per_entry: list[list[NameForm]] = []
        for entry in sanctions.entries:
            if entry.entry_type in (EntryType.VESSEL, EntryType.AIRCRAFT):
                continue  # names of ships and planes are not customers
            first = len(self._names)
            self._add(entry, entry.primary_name, is_alias=False)
            for alias in entry.aliases:
                # OFAC's weak aliases ("Roma", "Office 91") are too generic to screen alone.
                tokens = name_tokens(alias.name)
                if alias.strong or len(tokens) >= _MIN_TOKENS_FOR_WEAK_ALIAS:
                    self._add(entry, alias.name, is_alias=True)
            if entry.entry_type == EntryType.INDIVIDUAL:
                per_entry.append([name.form for name in self._names[first:]])
        self._learned = learn_equivalents(per_entry)
        self._vocabulary = list(self._holders)
        self._by_vowels: dict[str, list[str]] = defaultdict(list)
        self._by_consonants: dict[str, list[str]] = defaultdict(list)
        self._by_loose: dict[str, list[str]] = defaultdict(list)
        for word in self._vocabulary:
            self._by_vowels[vowel_key(word)].append(word)
            self._by_consonants[consonants(word)].append(word)
            for key in loose_keys(word):
                self._by_loose[key].append(word)
        # A screened name's joined stretch is only compared with single list words that start
        # alike (its first word keeps its own comparison with everything): most of a batch's
        # words are such stretches, and they are new in every name.
        self._by_start: dict[str, list[str]] = defaultdict(list)
        for name in self._names:
            for token in name.form.tokens:
                if len(token) >= _MIN_JOINED and token not in self._by_start[_start(token)]:
                    self._by_start[_start(token)].append(token)
        self._near: dict[str, dict[str, float]] = {}
        self._near_joined: dict[str, dict[str, float]] = {}

    def _add(self, entry: ListEntry, name: str, *, is_alias: bool) -> None:
        form = name_form(name)
        if not form.tokens:
            return
        index = len(self._names)
        self._names.append(_IndexedName(entry, name, form, " ".join(sorted(form.tokens)), is_alias))
        for word in {*form.tokens, *(joined for _, joined in form.joins)}:
            self._holders[word].append(index)
        for written, token in zip(form.words, form.tokens, strict=True):
            for key in sound_keys(written):
                self._by_sound[key][token] = None
            if lost_final_e(written, token):
                self._final_e.add(token)
        for joined, written in _written_joins(form):
            for key in chinese_keys(written):
                self._by_sound[key][joined] = None

    def _near_words(self, word: str) -> dict[str, float]:
        """The list words near a screened word and how near (``pair``), kept for the batch."""
        known = self._near.get(word)
        if known is None:
            known = self._shortlist(word, self._vocabulary, self._near)
        return known

    def _sounding(
        self, near: dict[str, float], written: str, keys: frozenset[str] | None = None
    ) -> dict[str, float]:
        """The list words near a screened word, and those its written word reads as in some
        romanisation of Russian ("Jewgeni" / "Yevgeniy"), Korean ("Ri" / "Lee") or Chinese
        ("Chang" / "Zhang"), or a single word in Somali spelling ("Cali" / "Ali"), at
        ``SAME_SOUND``."""
        same = [
            listed
            for key in (sound_keys(written) if keys is None else keys)
            for listed in self._by_sound.get(key, ())
            if near.get(listed, 0.0) < SAME_SOUND
        ]
        read = somali_reading(written) if keys is None else ""
        if read in self._holders and near.get(read, 0.0) < SAME_SOUND:
            same.append(read)
        if not same:
            return near
        return {**near, **dict.fromkeys(same, SAME_SOUND)}

    def _near_joined_words(self, joined: str) -> dict[str, float]:
        """The single list words near a screened name's joined stretch."""
        known = self._near_joined.get(joined)
        if known is None:
            known = self._shortlist(
                joined, self._by_start.get(_start(joined), []), self._near_joined
            )
        return known

    def _shortlist(
        self, word: str, choices: list[str], cache: dict[str, dict[str, float]]
    ) -> dict[str, float]:
        # Every pair ``pair`` scores is at least 60 by ratio, or has the same vowels key,
        # consonants or transliteration key.
        found = process.extract(
            word, choices, scorer=fuzz.ratio, score_cutoff=_SHORTLIST, limit=None
        )
        shortlist = {w for w, _, _ in found}
        shortlist.update(self._by_vowels.get(vowel_key(word), ()))
        shortlist.update(self._by_consonants.get(consonants(word), ()))
        for key in loose_keys(word):
            shortlist.update(self._by_loose.get(key, ()))
        cutoff = self.settings.token_cutoff
        near = {w: sim for w in shortlist if w in self._holders and (sim := pair(word, w, cutoff))}
        for other in self._learned.get(word, ()):
            if other in self._holders:
                near[other] = max(near.get(other, 0.0), LEARNED)
        if len(cache) >= _NEAR_CACHE:
            cache.clear()
        cache[word] = near
        return near

    def _candidates(self, form: NameForm) -> tuple[list[int], Near]:
        """List names that enough screened words are near: a name of several words needs two
        aligned (or one when the screened name is one word), and each aligned word, or joined
        stretch, is near a word of the screened name."""
        near = {
            joined: self._sounding(self._near_joined_words(joined), written, chinese_keys(written))
            for joined, written in _written_joins(form)
        }
        near.update(
            (token, self._sounding(self._near_words(token), written))
            for token, written in zip(form.tokens, form.words, strict=True)
        )
        for i in form.surnames:
            token = form.tokens[i]
            near[token] = nisba_free(near[token], token, form.words[i], self._final_e)
        # Each list word once (two screened words near one list word reach its names once);
        # a list name holds each of its words once, so counting is counting distinct words.
        # In the order first met, so ties between list names resolve as they always have.
        listed_words: dict[str, None] = {}
        for word_near in near.values():
            listed_words.update(dict.fromkeys(word_near))
        reached: Counter[int] = Counter()
        for listed in listed_words:
            reached.update(self._holders[listed])
        # Initials are paired in the alignment, not looked up: "D. V. Galin" needs one word.
        needed = min(MIN_PAIRS, sum(1 for word in form.words if len(word) > 1))
        return [
            index
            for index, count in reached.items()
            if count >= (needed if len(self._names[index].form.tokens) > 1 else 1)
        ], near

    def _base(self, form: NameForm, joined: str, name: _IndexedName, near: Near) -> float:
        aligned = align(form, name.form, near)
        reduced = surname_and_initials(form, name.form)
        if len(name.form.tokens) > 1 and aligned.pairs < min(MIN_PAIRS, len(form.tokens)):
            return reduced
        # The sorted words compared as one string forgive a split or a typo the word pairs
        # missed, but not a word of each name that pairs with nothing: two shared given names
        # and another surname are another person ("Mohamed Ahmed Bakri" / "MAHRI, Mohamed").
        several = len(form.tokens) > 1 or len(name.form.tokens) == 1
        whole = 0.0
        if several and not aligned.disagree:
            whole = fuzz.token_sort_ratio(joined, name.joined)
        score = max(aligned.score, whole, reduced)
        return score - _COMMON_ONLY if self._common_only(form, name.form, near) else score

    def _common_only(self, form: NameForm, listed: NameForm, near: Near) -> bool:
        """Whether the only word of a two-word list name that the screened name holds as it is
        is a common given name (see ``_COMMON_HOLDERS``), and the other word is near only by
        letters, not by a spelling rule (vowels, a sound key: ``matching/pairs.py``)."""
        if len(listed.tokens) != 2 or len(form.tokens) > _COMMON_MAX_WORDS:
            return False
        if any(len(word) == 1 for word in form.words):
            return False  # an initial stands for a word: "M. Jaber" is read by its structure
        same = [i for i, token in enumerate(listed.tokens) if token in form.tokens]
        if len(same) != 1 or len(self._holders[listed.tokens[same[0]]]) < _COMMON_HOLDERS:
            return False
        if listed.given and same[0] not in listed.given:
            return False  # a shared surname says more: "Mahmoudi, Gholamreza" / "Qolamreza"
        other = listed.tokens[1 - same[0]]
        spelt = max((words.get(other, 0.0) for words in near.values()), default=0.0)
        return not (spelt >= SPELLING or spelt == LOOSE)

    def best(
        self, name: str, date_of_birth: str | None = None, country: str | None = None
    ) -> NameHit | None:
        """The best-scoring list name for ``name`` (a hit or not), or None if nothing is close."""
        form = name_form(spelled_initials(name))
        if not form.tokens:
            return None
        joined = " ".join(sorted(form.tokens))
        bases: dict[int, float] = {}
        candidates, near = self._candidates(form)
        for index in candidates:
            base = self._base(form, joined, self._names[index], near)
            if base > 0:
                bases[index] = base
        best: NameHit | None = None
        for index, base in bases.items():
            candidate = self._names[index]
            dob, dob_why = dob_factor(date_of_birth, candidate.entry.dates_of_birth, self.settings)
            ctry, ctry_why = country_factor(country, candidate.entry.countries, self.settings)
            score = round(max(0.0, min(100.0, base + dob + ctry)), 1)
            if dob < 0 and base >= self.settings.strong_name:
                # A different date of birth alone never clears a strong name: the customer's
                # date may be wrong, or the list's; a reviewer sees both.
                score = max(score, min(self.settings.threshold, round(base, 1)))
            if best is None or score > best.score:
                why = [f"name {base:.1f}" + (" (alias)" if candidate.is_alias else "")]
                why += [w for w in (dob_why, ctry_why) if w]
                best = NameHit(
                    entry_uid=candidate.entry.uid,
                    entry_name=candidate.entry.primary_name,
                    matched_name=candidate.name,
                    score=score,
                    reason="; ".join(why),
                )
        return best

    def screen(
        self, name: str, date_of_birth: str | None = None, country: str | None = None
    ) -> NameHit | None:
        """The hit for ``name``, or None when it is clear."""
        best = self.best(name, date_of_birth, country)
        return best if best is not None and best.score >= self.settings.threshold else None


@dataclass(frozen=True)
class AddressHit:
    entry_uid: str
    entry_name: str
    currency: str
    address: str  # the list's spelling


class AddressMatcher:
    """Exact address lookup, case-insensitive (EIP-55 checksums are only letter case)."""

    def __init__(self, sanctions: SanctionsList) -> None:
        self._by_address: dict[str, list[AddressHit]] = defaultdict(list)
        for entry in sanctions.entries:
            for item in entry.addresses:
                hit = AddressHit(entry.uid, entry.primary_name, item.currency, item.address)
                self._by_address[item.address.strip().lower()].append(hit)

    def screen(self, address: str) -> list[AddressHit]:
        return list(self._by_address.get(address.strip().lower(), []))
