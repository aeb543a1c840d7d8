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

from onramp.banking.creditor_reference import is_valid_creditor_reference

# "RF" + 2 check digits + 21 characters (an order's) or 20 (a standing reference's).
ISSUED_BODY_LENGTHS = (23, 22)
_BODY = max(ISSUED_BODY_LENGTHS)
_ALPHABET = digits + ascii_uppercase
# "RF" (or "rf"), then letters, digits and the spaces people group them with.
_RUN = re.compile(r"RF[A-Z0-9 ]{3,60}")


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


def _variants(body: str, length: int) -> set[str]:
    """Bodies of ``length`` characters one typo away from ``body``."""
    out: set[str] = set()
    if len(body) >= length:
        typed = body[:length]
        for i, original in enumerate(typed):
            for c in _ALPHABET:
                if c != original:
                    out.add(typed[:i] + c + typed[i + 1 :])
        for i in range(length - 1):
            out.add(typed[:i] + typed[i + 1] + typed[i] + typed[i + 2 :])
    if len(body) >= length - 1:
        # One character left out: the run is one short, or the next word's first letter was
        # read as the last character of the reference.
        short = body[: length - 1]
        for i in range(length):
            for c in _ALPHABET:
                out.add(short[:i] + c + short[i:])
    if len(body) > length:
        # One character typed twice (or one too many).
        long = body[: length + 1]
        for i in range(length + 1):
            out.add(long[:i] + long[i + 1 :])
    return out


def corrected_candidates(text: str) -> list[str]:
    """Valid references of an issued length one typo away from what ``text`` holds."""
    found: set[str] = set()
    for body in _runs(text):
        for length in ISSUED_BODY_LENGTHS:
            for variant in _variants(body, length):
                candidate = "RF" + variant
                if is_valid_creditor_reference(candidate):
                    found.add(candidate)
    return sorted(found)
