"""Name and address matching against one loaded list.

Scoring (0-100) of a screened name Q against an indexed list name N, both normalised to tokens:

1. Token alignment: each token of Q is paired with its most similar unused token of N
   (``rapidfuzz.fuzz.ratio``); a pair counts when its similarity is at least ``token_cutoff``
   (80: one wrong letter in a five-letter token). ``q_cover`` is the share of Q's letters so
   explained, weighted by pair similarity, and ``n_cover`` the same share of N's letters.
   When every token of the shorter of Q and N aligned (at least two pairs), the score is the
   shorter side's cover minus a penalty for the longer side's excess tokens: a missing or extra
   middle name or patronymic costs 4, two cost 16 (4 x n squared). Otherwise
   ``aligned = 100 * (0.6 * q_cover + 0.4 * n_cover)``: an unexplained word in Q costs more
   than one missing from N. Tokens of three
   letters or fewer pair only when equal; longer ones one edit apart (``OSA``, swaps
   included) or with the same consonants ("Wang"/"Weng") count at least 85.
2. ``token_sort_ratio`` on the whole strings catches joined or split words
   ("Abdulrahman" vs "Abd Rahman"), which alignment does not.
3. ``base = max(aligned, token_sort)``. A name of several tokens is only a candidate when at
   least two of its tokens aligned, so one shared common first name never hits.
4. Secondary factors, applied only when both sides know them: an identical date of birth adds
   ``dob_bonus``, the same year half of it, a year more than one apart subtracts ``dob_penalty``;
   a shared country adds ``country_bonus`` (an ISO code and a list's country name compare as
   the same country: ``compliance/countries.py``). The final score is capped to 0..100.

Each name is also compared in its other forms (``normalise.name_forms``): two or three
neighbouring words written as one ("Chun Yong" / "Chunyong"), on one side at a time; a form
whose joined word pairs with nothing scores 0. An initial ("Ahmed K. Ghailani") pairs, once two
full words have, with a leftover word of the other side that starts with its letter: it explains
its one letter and costs 2.

A hit is a best score at or above ``threshold`` (default 88, set by ``bench/screening.py``).
Candidates come from a blocking index on the first and last three letters of every token, so a
one-letter typo in one token still finds the name through the other end or another token.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from onramp.compliance.countries import country_code
from onramp.compliance.lists.model import EntryType, ListEntry, SanctionsList
from onramp.compliance.normalise import NameForm, consonants, fold, name_forms, name_tokens

_AFFIX = 3
_SHORT = 3
_MIN_PAIRS = 2
_PER_EXTRA_TOKEN = 4.0
_PER_INITIAL = 2.0
_NEAR = 85.0
_MIN_TOKENS_FOR_WEAK_ALIAS = 2


@dataclass(frozen=True)
class MatchSettings:
    threshold: float = 88.0
    token_cutoff: float = 80.0
    dob_bonus: float = 6.0
    dob_penalty: float = 15.0
    country_bonus: float = 3.0


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
    is_joined: bool  # a form with neighbouring words written as one


@lru_cache(maxsize=1 << 18)
def _pair(token: str, candidate: str, cutoff: float) -> float:
    """Similarity of two tokens, 0 below ``cutoff``. Cached: names are made of a few thousand
    common words, so a batch meets the same pairs again and again."""
    if token == candidate:
        return 100.0
    if max(len(token), len(candidate)) <= _SHORT:
        # One letter is a third of "ali" or "han": short tokens pair only when equal.
        return 0.0
    similarity = fuzz.ratio(token, candidate)
    if similarity >= _NEAR:
        return similarity
    # A one-letter typo or swap in a four- or five-letter word ("Reza"/"eRza", "Tian"/"Tain")
    # scores 75 by ratio; so does a changed vowel ("Wang"/"Weng"). Both count as near matches.
    if abs(len(token) - len(candidate)) <= 1 and (
        consonants(token) == consonants(candidate) or OSA.distance(token, candidate) <= 1
    ):
        return _NEAR
    return similarity if similarity >= cutoff else 0.0


def _align(query: NameForm, name: NameForm, cutoff: float) -> tuple[float, int]:
    """Alignment score and the number of aligned token pairs (see the module docstring)."""
    q_free = sorted(range(len(query.tokens)), key=lambda i: len(query.tokens[i]), reverse=True)
    n_free = list(range(len(name.tokens)))
    q_hit = n_hit = 0.0
    pairs = 0
    for qi in [i for i in q_free if len(query.tokens[i]) > 1]:
        token = query.tokens[qi]
        best, best_i = 0.0, -1
        for i in n_free:
            similarity = _pair(token, name.tokens[i], cutoff)
            if similarity > best:
                best, best_i = similarity, i
        if best_i >= 0:
            q_hit += len(token) * best / 100
            n_hit += len(name.tokens[best_i]) * best / 100
            pairs += 1
            q_free.remove(qi)
            n_free.remove(best_i)
    if query.joined_at in q_free or name.joined_at in n_free:
        # A form with words joined is there to pair the joined word; unpaired, it would only
        # hide a missing word from the penalty below.
        return 0.0, 0
    initials = _pair_initials(query, name, q_free, n_free) if pairs >= _MIN_PAIRS else 0
    # An initial explains its one letter on both sides, not the word it stands for.
    q_hit += initials
    n_hit += initials
    pairs += initials
    q_len = sum(len(t) for t in query.tokens) or 1
    n_len = sum(len(t) for t in name.tokens) or 1
    if pairs >= _MIN_PAIRS and pairs == min(len(query.tokens), len(name.tokens)):
        # Every token of the shorter name is there: a missing (or extra) middle name or
        # patronymic costs a few points each, not its share of the letters.
        if len(query.tokens) <= len(name.tokens):
            shorter = q_hit / q_len
        else:
            shorter = n_hit / n_len
        extra = abs(len(query.tokens) - len(name.tokens))
        return 100 * shorter - _extra_cost(extra) - _PER_INITIAL * initials, pairs
    return 100 * (0.6 * q_hit / q_len + 0.4 * n_hit / n_len), pairs


def _pair_initials(query: NameForm, name: NameForm, q_free: list[int], n_free: list[int]) -> int:
    """Pairs an initial on either side ("Ahmed K. Ghailani", "Alaqad, Ahmed M.") with a word of
    the other side left over that starts with its letter; the number paired."""
    return _initials_into(query, name, q_free, n_free) + _initials_into(name, query, n_free, q_free)


def _initials_into(side: NameForm, other: NameForm, free: list[int], other_free: list[int]) -> int:
    paired = 0
    for i in [i for i in free if len(side.tokens[i]) == 1]:
        match = next((j for j in other_free if other.initials[j] == side.initials[i]), None)
        if match is not None:
            free.remove(i)
            other_free.remove(match)
            paired += 1
    return paired


def _extra_cost(extra: int) -> float:
    # Quadratic: one missing middle name costs 4, two missing names (half of a four-part name)
    # cost 16, so "Omar Fernandez" is not "Omar Jose Prieto Fernandez".
    return _PER_EXTRA_TOKEN * extra * extra


def _dob_factor(given: str | None, known: tuple[str, ...], s: MatchSettings) -> tuple[float, str]:
    if not given or not known:
        return 0.0, ""
    if given in known:
        return s.dob_bonus, "same date of birth"
    year = given[:4]
    years = {y for dob in known for y in dob.split("/") if y[:4].isdigit()}
    if year in {y[:4] for y in years}:
        return s.dob_bonus / 2, "same year of birth"
    if year.isdigit() and all(abs(int(y[:4]) - int(year)) > 1 for y in years):
        return -s.dob_penalty, "different date of birth"
    return 0.0, ""


def _country_factor(
    given: str | None, known: tuple[str, ...], s: MatchSettings
) -> tuple[float, str]:
    if not given or not known:
        return 0.0, ""
    # KYC gives an ISO code ("RU"), lists a name in their own spelling ("Russia", "RUSSIAN
    # FEDERATION"): both sides are compared as codes, and as folded text when either is unknown.
    code = country_code(given)
    if code is not None and code in {country_code(c) for c in known}:
        return s.country_bonus, "same country"
    if fold(given) in {fold(c) for c in known}:
        return s.country_bonus, "same country"
    return 0.0, ""


class NameMatcher:
    """Screens names against one list; build once per list version, then call ``screen``."""

    def __init__(self, sanctions: SanctionsList, settings: MatchSettings | None = None) -> None:
        self.settings = settings or MatchSettings()
        self._names: list[_IndexedName] = []
        self._blocks: dict[str, set[int]] = defaultdict(set)
        for entry in sanctions.entries:
            if entry.entry_type in (EntryType.VESSEL, EntryType.AIRCRAFT):
                continue  # names of ships and planes are not customers
            self._add(entry, entry.primary_name, is_alias=False)
            for alias in entry.aliases:
                # OFAC's weak aliases ("Roma", "Office 91") are too generic to screen alone.
                tokens = name_tokens(alias.name)
                if alias.strong or len(tokens) >= _MIN_TOKENS_FOR_WEAK_ALIAS:
                    self._add(entry, alias.name, is_alias=True)

    def _add(self, entry: ListEntry, name: str, *, is_alias: bool) -> None:
        for number, form in enumerate(name_forms(name)):
            if not form.tokens:
                return
            index = len(self._names)
            joined = " ".join(sorted(form.tokens))
            self._names.append(_IndexedName(entry, name, form, joined, is_alias, number > 0))
            for token in form.tokens:
                self._blocks["<" + token[:_AFFIX]].add(index)
                self._blocks[">" + token[-_AFFIX:]].add(index)

    def _candidates(self, tokens: tuple[str, ...]) -> list[int]:
        """List names sharing a block with enough of ``tokens``: a name of several words needs
        two aligned words, and an aligned word shares its first or last letters."""
        reached: Counter[int] = Counter()
        words = [t for t in tokens if len(t) > 1]  # an initial finds nothing alone
        for token in set(words):
            reached.update(
                self._blocks.get("<" + token[:_AFFIX], set())
                | self._blocks.get(">" + token[-_AFFIX:], set())
            )
        return list(reached)

    def _base(self, form: NameForm, joined: str, name: _IndexedName) -> float:
        aligned, pairs = _align(form, name.form, self.settings.token_cutoff)
        if len(name.form.tokens) > 1 and pairs < min(_MIN_PAIRS, len(form.tokens)):
            return 0.0
        whole = fuzz.token_sort_ratio(joined, name.joined)
        several = len(form.tokens) > 1 or len(name.form.tokens) == 1
        return max(aligned, whole if several else 0.0)

    def best(
        self, name: str, date_of_birth: str | None = None, country: str | None = None
    ) -> NameHit | None:
        """The best-scoring list name for ``name`` (a hit or not), or None if nothing is close."""
        bases: dict[int, float] = {}
        for number, form in enumerate(name_forms(name)):
            if not form.tokens:
                return None
            joined = " ".join(sorted(form.tokens))
            for index in self._candidates(form.tokens):
                if number > 0 and self._names[index].is_joined:
                    continue  # words joined on one side at a time: the other is as written
                base = self._base(form, joined, self._names[index])
                if base > bases.get(index, 0.0):
                    bases[index] = base
        best: NameHit | None = None
        for index, base in bases.items():
            candidate = self._names[index]
            dob, dob_why = _dob_factor(date_of_birth, candidate.entry.dates_of_birth, self.settings)
            ctry, ctry_why = _country_factor(country, candidate.entry.countries, self.settings)
            score = round(max(0.0, min(100.0, base + dob + ctry)), 1)
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
