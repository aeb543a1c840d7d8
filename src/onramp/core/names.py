"""Comparing people's names as banks and documents write them: "Dr. José ÁLVAREZ" and
"ALVAREZ JOSE" are the same person; "Acme Trading Ltd" is not. Used where a name must match
another (a deposit's sender and the account holder, a holder and the KYC name)."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

_HONORIFICS = re.compile(r"\b(mr|mrs|ms|miss|mx|dr|prof|herr|frau|sir|madam|mme|mlle|sr|sra)\b\.?")


def comparable_name(name: str) -> str:
    """Case, accents, punctuation and honorifics removed; single spaces."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z ]+", " ", _HONORIFICS.sub(" ", ascii_name.lower())).split()
    return " ".join(words)


def name_match_score(a: str, b: str) -> float:
    """0-100, word order ignored (banks often write SURNAME FIRSTNAME)."""
    return float(fuzz.token_sort_ratio(comparable_name(a), comparable_name(b)))
