"""Finding the creditor reference a sender typed, wherever and however they typed it.

Senders put the reference in the structured field (``CdtrRefInf``) or anywhere in the free
remittance text, in any case, grouped with spaces, and sometimes with a typo. This module turns
such text into *candidates*; only a candidate equal to a reference we issued is ever used, so a
candidate that merely passes the mod-97 check by chance matches nothing.

* **Exact** candidates: every ``RF`` in the text followed by check digits and letters or digits
  (spaces between them ignored) that passes the ISO 11649 check. Text after the reference may
  run into it once spaces are dropped (``RF18 5390 0754 7034 THANKS``), so every length that
  passes the check is a candidate, longest first.
* **Corrected** candidates, of the lengths we issue (25 characters for an order's, 24 for a
  standing reference): the mod-97 check detects every single substituted character (``0`` for ``O``,
  ``1`` for ``I``, ``5`` for ``S``, any slip of the finger) and nearly every swap of two
  neighbours, but cannot say which character is wrong. Each one-character substitution, each
  swap of neighbours, each character left out and each one too many is tried; those that pass
  the check (about one in 97) are candidates. Matching accepts a correction only when exactly
  one of them is a reference we issued and is waiting for money; otherwise the deposit goes to
  suspense.
"""

from __future__ import annotations

import re
from string import ascii_uppercase, digits

from onramp.banking.references.creditor_reference import is_valid_creditor_reference

# "RF" + 2 check digits + 21 characters (an order's) or 20 (a standing reference's).
ISSUED_BODY_LENGTHS = (23, 22)
_BODY = max(ISSUED_BODY_LENGTHS)
_ALPHABET = digits + ascii_uppercase
# "RF" (or "rf"), then letters, digits and the spaces people group them with.
_RUN = re.compile(r"RF[A-Z0-9 ]{3,60}")
# The mod-97 arithmetic of the check, per character: each letter stands for two digits
# (A=10 ... Z=35), each digit for itself. Thousands of one-typo variants are checked per
# credit, each in a few integer operations from the typed text's prefix and suffix residues.
_VALUE = {c: i for i, c in enumerate(_ALPHABET)}
_WIDTH = {c: 1 if c.isdigit() else 2 for c in _ALPHABET}
_POW10 = [pow(10, n, 97) for n in range(2 * _BODY + 8)]


class _Residues:
    """Residues mod 97 of every prefix and suffix of a payload, as ISO 7064 digits."""

    def __init__(self, payload: str) -> None:
        n = len(payload)
        self.payload = payload
        self.prefix = [0] * (n + 1)
        for i, c in enumerate(payload):
            self.prefix[i + 1] = (self.prefix[i] * _POW10[_WIDTH[c]] + _VALUE[c]) % 97
        self.suffix = [0] * (n + 1)
        self.width = [0] * (n + 1)
        for i in range(n - 1, -1, -1):
            c = payload[i]
            self.suffix[i] = (_VALUE[c] * _POW10[self.width[i + 1]] + self.suffix[i + 1]) % 97
            self.width[i] = self.width[i + 1] + _WIDTH[c]

    def passes(self, check: str, a: int, b: int, new: str) -> bool:
        """``"RF" + check + payload[:a] + new + payload[b:]`` passes the check."""
        m = self.prefix[a]
        for c in new:
            m = (m * _POW10[_WIDTH[c]] + _VALUE[c]) % 97
        m = (m * _POW10[self.width[b]] + self.suffix[b]) % 97
        # Then "RF" and the check digits: six more digits, 2715cc.
        return (m * _POW10[6] + int("2715" + check)) % 97 == 1


def _issuable_check(check: str) -> bool:
    return check.isdigit() and "02" <= check <= "98"


def _runs(text: str) -> list[str]:
    """The characters after each ``RF`` in ``text``, spaces dropped, at most the longest body."""
    upper = "".join(c if c.isascii() and c.isprintable() else " " for c in text).upper()
    runs = []
    for start in (m.start() for m in re.finditer("RF", upper)):
        match = _RUN.match(upper, start)
        if match is not None:
            runs.append(match.group()[2:].replace(" ", "")[: _BODY + 1])
    return runs


def exact_candidates(text: str) -> list[str]:
    """Valid references in ``text``, longest first per occurrence, without repeats."""
    found: list[str] = []
    for body in _runs(text):
        for length in range(min(len(body), _BODY), 2, -1):
            candidate = "RF" + body[:length]
            if candidate not in found and is_valid_creditor_reference(candidate):
                found.append(candidate)
    return found


def _corrections(body: str, length: int) -> set[str]:
    """Bodies of ``length`` characters one typo away from ``body`` that pass the check.

    Typos in the payload keep the check digits and are checked arithmetically; the few that
    touch the check digits are built and checked whole."""
    out: set[str] = set()
    whole: set[str] = set()  # variants touching the check digits
    if len(body) >= length:
        typed = body[:length]
        check, r = typed[:2], _Residues(typed[2:])
        if _issuable_check(check):
            for k in range(2, length):
                for c in _ALPHABET:
                    if c != typed[k] and r.passes(check, k - 2, k - 1, c):
                        out.add(typed[:k] + c + typed[k + 1 :])
            for k in range(2, length - 1):
                if r.passes(check, k - 2, k, typed[k + 1] + typed[k]):
                    out.add(typed[:k] + typed[k + 1] + typed[k] + typed[k + 2 :])
        whole.update(typed[:k] + c + typed[k + 1 :] for k in (0, 1) for c in digits)
        whole.update(typed[:k] + typed[k + 1] + typed[k] + typed[k + 2 :] for k in (0, 1))
    if len(body) >= length - 1:
        # One character left out: the run is one short, or the next word's first letter was
        # read as the last character of the reference.
        short = body[: length - 1]
        check, r = short[:2], _Residues(short[2:])
        if _issuable_check(check):
            for k in range(2, length):
                for c in _ALPHABET:
                    if r.passes(check, k - 2, k - 2, c):
                        out.add(short[:k] + c + short[k:])
        whole.update(short[:k] + c + short[k:] for k in (0, 1) for c in digits)
    if len(body) > length:
        # One character typed twice (or one too many).
        long = body[: length + 1]
        check, r = long[:2], _Residues(long[2:])
        if _issuable_check(check):
            for k in range(2, length + 1):
                if r.passes(check, k - 2, k - 1, ""):
                    out.add(long[:k] + long[k + 1 :])
        whole.update(long[:k] + long[k + 1 :] for k in (0, 1))
    out.update(v for v in whole if len(v) == length and is_valid_creditor_reference("RF" + v))
    return out


def corrected_candidates(text: str) -> list[str]:
    """Valid references of an issued length one typo away from what ``text`` holds."""
    found: set[str] = set()
    for body in _runs(text):
        for length in ISSUED_BODY_LENGTHS:
            found.update("RF" + v for v in _corrections(body, length))
    return sorted(found)
