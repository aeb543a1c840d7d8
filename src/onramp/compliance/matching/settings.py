"""The tunables of a name hit's score: the threshold a hit must reach, the cut-off of a word's
fuzzy match, and what a date of birth or a country adds or takes away (``compliance/matcher.py``
and ``matching/factors.py`` both read them, so they live apart from both)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MatchSettings:
    threshold: float = 88.0
    token_cutoff: float = 80.0
    dob_bonus: float = 6.0
    dob_penalty: float = 15.0
    # A name this strong (exact once normalised, or but for a left-out middle name) stays a hit
    # whatever the date of birth says: a different date lowers it to the threshold, no further.
    strong_name: float = 97.0
    country_bonus: float = 3.0
