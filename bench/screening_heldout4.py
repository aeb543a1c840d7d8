"""The fourth held-out set of ``bench/screening.py`` (issue 14 §4, fourth round).

Written by hand before the fourth round of matcher changes, from 97 individuals of the legacy
SDN CSV that no other set uses (``tests/data/ofac/sdn_heldout4_excerpt.csv``, its source in
``tests/data/SOURCES.md``): Lebanese, Iraqi, Sudanese, Malian and Bahraini names with ``Al-`` /
``El`` / ``Ben`` / ``Ould`` / ``Ag`` / ``Ibn`` / ``Abu`` written apart, joined or left out;
Iranian names in their press spellings (``-zadeh`` split off, ``Seyed`` / ``Sayyid``, ``gh`` /
``q``); Burmese names with ``U`` / ``Dr`` and their syllables joined; Chinese and Korean given
names split, joined or hyphenated; Russian and Belarusian names with patronymics as English,
French and German writers spell them (and Belarusian names in their Russian form); Venezuelan
and Mexican names with their accents written and one surname dropped; word order swapped. Each
variant in ``screening_heldout4.csv`` is one way people write the name.

Screened against all five list files at once (this excerpt, the third and second held-out
excerpts, the XML sample and the 2024 CSV sample), with the second held-out set's ordinary
names as the clean population.

Tuning data since the fifth round (``screening_heldout6.py`` is the set never tuned on now):
until then its misses were never read; ``bench/screening.py --show-misses`` lists them now. Change
this file only to fix a variant that is not a real way to write the name, never to make a miss go
away.
"""

from __future__ import annotations

from pathlib import Path

import screening_heldout2
import screening_heldout3
from onramp.compliance.lists import SanctionsList

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = Path(__file__).resolve().parent / "screening_heldout4.csv"
LISTS = (ROOT / "tests/data/ofac/sdn_heldout4_excerpt.csv", *screening_heldout3.LISTS)


def lists() -> SanctionsList:
    """The five list files as one list."""
    return screening_heldout2.merged(LISTS, "held-out 4")


def probes() -> list[tuple[str, str, str]]:
    """(list uid, kind, variant) of every hand-written variant."""
    return screening_heldout2.read_probes(VARIANTS)


__all__ = ["lists", "probes"]
