"""Alignment of a screened name with one list name (steps 2 to 4 of the score:
``compliance/matcher.py``): joined words, token pairs, initials, the cost of words left over."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from onramp.compliance.matching.pairs import NEAR
from onramp.compliance.matching.slavic import other_family
from onramp.compliance.normalise import COMPOUND, NameForm

MIN_PAIRS = 2
_PER_MISSING_MIDDLE = 3.0
_PER_MISSING_SECOND = 5.0
_PER_MISSING_OTHER = 12.0
_PER_EXTRA_OTHER = 15.0
_PER_INITIAL = 2.0
_APART = 70.0


@dataclass
class _Alignment:
    """Token pairs found so far between a screened name (q) and a list name (n)."""

    q_free: list[int]
    n_free: list[int]
    q_hit: float = 0.0
    n_hit: float = 0.0
    pairs: int = 0
    initials: int = 0
    letters: int = 0  # pairs of two one-letter words ("V." / "W.")

    def take(self, q: list[int], n: list[int], q_letters: int, n_letters: int, sim: float) -> None:
        self.q_hit += q_letters * sim / 100
        self.n_hit += n_letters * sim / 100
        self.pairs += 1
        for i in q:
            self.q_free.remove(i)
        for j in n:
            self.n_free.remove(j)


Near = dict[str, dict[str, float]]  # a screened token or joined word -> list words near it


@dataclass(frozen=True)
class Aligned:
    """An alignment's score, its number of pairs, and whether the two names disagree: after two
    pairs or more, a whole word of each side is left that pairs with nothing ("Mohamed Ahmed
    Bakri" / "MAHRI, Mohamed Ben Ahmed": Bakri is not Mahri)."""

    score: float
    pairs: int
    disagree: bool


def align(query: NameForm, name: NameForm, near: Near) -> Aligned:
    """Alignment score, the number of aligned pairs and whether the names disagree on a word
    (see the module docstring and ``Aligned``)."""
    q_tokens, n_tokens = query.tokens, name.tokens
    sims = [[near[q].get(n, 0.0) for n in n_tokens] for q in q_tokens]
    a = _Alignment(q_free=list(range(len(q_tokens))), n_free=list(range(len(n_tokens))))
    if len(q_tokens) != len(n_tokens) or any(max(row, default=0.0) < NEAR for row in sims):
        _join(query, name, sims, a, near)
    # Longest words first: they say most about who this is.
    for qi in sorted(a.q_free, key=lambda i: len(q_tokens[i]), reverse=True):
        best, best_j = 0.0, -1
        for j in a.n_free:
            if sims[qi][j] > best and _is_initial(query, qi) == _is_initial(name, j):
                best, best_j = sims[qi][j], j
        if best_j >= 0:
            a.take([qi], [best_j], len(q_tokens[qi]), len(n_tokens[best_j]), best)
            a.letters += _is_initial(query, qi)
    _pair_initials(query, name, a)
    q_len = sum(len(t) for t in q_tokens) or 1
    n_len = sum(len(t) for t in n_tokens) or 1
    if a.pairs >= MIN_PAIRS and not (a.q_free and a.n_free):
        # Every token of one side is explained: the other side's leftover words cost by what
        # they are (a middle name is often left out, a surname or first name seldom).
        if not a.q_free:
            base = 100 * a.q_hit / q_len - _missing_cost(name, a.n_free, _PER_MISSING_OTHER)
        else:
            base = 100 * a.n_hit / n_len - _missing_cost(query, a.q_free, _PER_EXTRA_OTHER)
        return Aligned(base - _PER_INITIAL * a.initials, a.pairs, disagree=False)
    disagree = a.pairs >= MIN_PAIRS and _apart(
        [q_tokens[i] for i in a.q_free if not _is_initial(query, i)],
        [n_tokens[j] for j in a.n_free if not _is_initial(name, j)],
    )
    return Aligned(100 * (0.6 * a.q_hit / q_len + 0.4 * a.n_hit / n_len), a.pairs, disagree)


def _apart(q_left: list[str], n_left: list[str]) -> bool:
    """Whether words left on both sides are clearly other words: no two of them are even as
    alike as ``_APART`` by ratio ("Bakri" / "Mahri" 60, "Kovalenko" / "Saenko" 67), where a
    typo the pairs missed stays close ("Feliz" / "Felix"); nor are Slavic surnames of one stem
    with other family suffixes ("Bazilev" / "Bazilevsky": ``matching/slavic.py``)."""
    if not q_left or not n_left:
        return False
    return all(fuzz.ratio(q, n) < _APART or other_family(q, n) for q in q_left for n in n_left)


def _is_initial(form: NameForm, i: int) -> bool:
    return len(form.words[i]) == 1


def _join(
    query: NameForm, name: NameForm, sims: list[list[float]], a: _Alignment, near: Near
) -> None:
    """Pairs a word of one side with neighbouring words of the other written as one
    ("Chunyong" / "Chun Yong", "Abdulaziz" / "Abd al-Aziz", "Sa 'ad" / "Saad"), when the joined
    word fits better than any single word does for either of them."""
    best_q = [max(row, default=0.0) for row in sims]
    best_n = [max((row[j] for row in sims), default=0.0) for j in range(len(name.tokens))]
    found: list[tuple[float, list[int], list[int]]] = []
    for i, token in enumerate(query.tokens):
        for run, joined in name.joins:
            sim = near[token].get(joined, 0.0)
            if sim >= NEAR and sim > best_q[i] and all(sim >= best_n[j] for j in run):
                found.append((sim, [i], list(run)))
    for run, joined in query.joins:
        for j, token in enumerate(name.tokens):
            sim = near[joined].get(token, 0.0)
            if sim >= NEAR and sim > best_n[j] and all(sim >= best_q[i] for i in run):
                found.append((sim, list(run), [j]))
    for sim, q, n in sorted(found, key=lambda f: f[0], reverse=True):
        if all(i in a.q_free for i in q) and all(j in a.n_free for j in n):
            q_letters = sum(len(query.tokens[i]) for i in q)
            n_letters = sum(len(name.tokens[j]) for j in n)
            a.take(q, n, q_letters, n_letters, sim)


def _pair_initials(query: NameForm, name: NameForm, a: _Alignment) -> None:
    """Pairs an initial on either side ("Ahmed K. Ghailani", "Alaqad, Ahmed M.") with a word of
    the other side left over that starts with its letter: the initial's one letter and the word
    it stands for are explained, at ``_PER_INITIAL`` each. After one aligned word, initials
    count only when two or more pair ("D. V. Galin"; "J. Peijnenburg" is one surname). Two
    letters alike are no aligned word: "D. V. Khotimskiy" is not "Durrani, W.K." by its V and
    W, its D for Durrani and the list's K for Khotimskiy."""
    if a.pairs - a.letters < 1:
        return
    q_free, n_free = list(a.q_free), list(a.n_free)
    q_letters, n_letters = _initials_into(query, name, q_free, n_free)
    n_more, q_more = _initials_into(name, query, n_free, q_free)
    paired = q_letters[0] + n_more[0]
    if a.pairs < MIN_PAIRS and paired < MIN_PAIRS:
        return
    a.q_free[:], a.n_free[:] = q_free, n_free
    a.q_hit += q_letters[1] + q_more[1]
    a.n_hit += n_letters[1] + n_more[1]
    a.pairs += paired
    a.initials += paired


def _initials_into(
    side: NameForm, other: NameForm, free: list[int], other_free: list[int]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Pairs ``side``'s initials into ``other``'s free words; returns (pairs, letters explained
    on ``side``) and (pairs, letters explained on ``other``)."""
    paired = letters = 0
    for i in [i for i in free if _is_initial(side, i)]:
        match = next(
            (
                j
                for j in other_free
                if other.words[j][:1] == side.words[i][:1] and not _is_initial(other, j)
            ),
            None,
        )
        if match is not None:
            free.remove(i)
            other_free.remove(match)
            paired += 1
            letters += len(other.tokens[match])
    return (paired, paired), (paired, letters)


def _missing_cost(form: NameForm, left: list[int], per_other: float) -> float:
    """What the words of ``form`` that nothing explains cost: a middle name little, one surname
    of two little more as long as the other is there, a first name or the (first) surname much,
    so "Omar Fernandez" is not "Prieto Fernandez, Omar Jose" but "Elkin Arroyave" is "Arroyave
    Ruiz, Elkin"."""
    # A compound given name left out whole ("'Abd al-Rahman") is one name, not two: its second
    # word costs nothing more than its first.
    left = [i for i in left if not (i - 1 in left and form.words[i - 1] in COMPOUND)]
    middles = sum(1 for i in left if i in form.middles)
    seconds = 0
    if form.second_surnames and (form.second_surnames | {0}) - set(left):
        seconds = sum(1 for i in left if i in form.second_surnames)
    others = len(left) - middles - seconds
    return _PER_MISSING_MIDDLE * middles + _PER_MISSING_SECOND * seconds + per_other * others
