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

A hit is a best score at or above ``threshold`` (default 88, set by ``bench/screening.py``).
Candidates come from a blocking index on the first and last three letters of every token, so a
one-letter typo in one token still finds the name through the other end or another token.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from onramp.compliance.countries import country_code
from onramp.compliance.lists.model import EntryType, ListEntry, SanctionsList
from onramp.compliance.normalise import consonants, fold, name_tokens

_AFFIX = 3
_SHORT = 3
_MIN_PAIRS = 2
_PER_EXTRA_TOKEN = 4.0
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
    tokens: tuple[str, ...]
    joined: str
    is_alias: bool


def _pair(token: str, candidate: str, cutoff: float) -> float:
    """Similarity of two tokens, 0 below ``cutoff``."""
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


def _align(query: tuple[str, ...], name: tuple[str, ...], cutoff: float) -> tuple[float, int]:
    """Alignment score and the number of aligned token pairs (see the module docstring)."""
    unused = list(name)
    q_hit = n_hit = 0.0
    pairs = 0
    for token in sorted(query, key=len, reverse=True):
        best, best_i = 0.0, -1
        for i, candidate in enumerate(unused):
            similarity = _pair(token, candidate, cutoff)
            if similarity > best:
                best, best_i = similarity, i
        if best_i >= 0:
            q_hit += len(token) * best / 100
            n_hit += len(unused[best_i]) * best / 100
            pairs += 1
            del unused[best_i]
    q_len = sum(len(t) for t in query) or 1
    n_len = sum(len(t) for t in name) or 1
    if pairs >= _MIN_PAIRS and pairs == min(len(query), len(name)):
        # Every token of the shorter name is there: a missing (or extra) middle name or
        # patronymic costs ``_PER_EXTRA_TOKEN`` each, not its share of the letters.
        shorter = q_hit / q_len if len(query) <= len(name) else n_hit / n_len
        extra = abs(len(query) - len(name))
        # Quadratic: one missing middle name costs 4, two missing names (half of a four-part
        # name) cost 16, so "Omar Fernandez" is not "Omar Jose Prieto Fernandez".
        return 100 * shorter - _PER_EXTRA_TOKEN * extra * extra, pairs
    return 100 * (0.6 * q_hit / q_len + 0.4 * n_hit / n_len), pairs


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
        tokens = name_tokens(name)
        if not tokens:
            return
        index = len(self._names)
        self._names.append(_IndexedName(entry, name, tokens, " ".join(sorted(tokens)), is_alias))
        for token in tokens:
            self._blocks["<" + token[:_AFFIX]].add(index)
            self._blocks[">" + token[-_AFFIX:]].add(index)

    def _candidates(self, tokens: tuple[str, ...]) -> set[int]:
        found: set[int] = set()
        for token in tokens:
            found |= self._blocks.get("<" + token[:_AFFIX], set())
            found |= self._blocks.get(">" + token[-_AFFIX:], set())
        return found

    def _base(self, tokens: tuple[str, ...], joined: str, name: _IndexedName) -> float:
        aligned, pairs = _align(tokens, name.tokens, self.settings.token_cutoff)
        if len(name.tokens) > 1 and pairs < min(_MIN_PAIRS, len(tokens)):
            return 0.0
        whole = fuzz.token_sort_ratio(joined, name.joined)
        return max(aligned, whole if len(tokens) > 1 or len(name.tokens) == 1 else 0.0)

    def best(
        self, name: str, date_of_birth: str | None = None, country: str | None = None
    ) -> NameHit | None:
        """The best-scoring list name for ``name`` (a hit or not), or None if nothing is close."""
        tokens = name_tokens(name)
        if not tokens:
            return None
        joined = " ".join(sorted(tokens))
        best: NameHit | None = None
        for index in self._candidates(tokens):
            candidate = self._names[index]
            base = self._base(tokens, joined, candidate)
            if base <= 0:
                continue
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
