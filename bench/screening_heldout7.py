"""The seventh held-out set of ``bench/screening.py`` (issue 14 §4, seventh round).

Written by hand before the seventh round of matcher changes, from 83 individuals of the legacy
SDN CSV that no other set uses (``tests/data/ofac/sdn_heldout7_excerpt.csv``, its source in
``tests/data/SOURCES.md``).

How the mix was chosen: unlike the fourth to sixth sets, this one is NOT weighted towards what
the earlier rounds missed. It is meant to look like what an on-ramp's screening receives. The
individuals are every row of type ``individual`` in three windows of the list, taken as they fall
(less those already in another file), so the nationalities come in the list's own proportions
for recent designations: Russian (State Duma members, Kalashnikov and Crimea names) about 45 %,
Iranian 12 %, Arab (Iraqi, Lebanese, Sudanese) 10 %, Ugandan and South Sudanese 10 %,
Venezuelan and Nicaraguan 6 %, Chinese 6 %, Turkish 4 %, one Finnish, one Malian and one
Afghan name. No Korean, Vietnamese or Burmese individual fell in the windows, so the set has
none (the sixth set's Korean names stay as tuning data). The variants for each person are
the ways a customer types their own name in a sign-up form or a bank transfer's ordering party
(diacritics dropped or kept, word order swapped, upper case, middle names as initials or left
out, one surname of two, hyphens and spaces varied) and the spellings other lists and the press
use (English, French and German romanisations of Russian names, Ukrainian forms, Persian and
Arabic transliterations, Wade-Giles for Chinese), about three per person.

Screened against all eight list files at once (this excerpt and the lists of the sixth set),
with the second held-out set's ordinary names as the clean population.

Rule: measured first as the never-tuned set of the seventh round (96.77 %), its misses unread.
From the eighth round on it is tuning data, as the first six sets are: ``bench/screening.py
--show-misses`` lists its misses and the eighth set (``screening_heldout8.py``) is the
never-tuned measure. The unit tests still never use these variants. Change this file only to fix
a variant that is not a real way to write the name, never to make a miss go away.
"""

from __future__ import annotations

from pathlib import Path

import screening_heldout2
import screening_heldout6
from onramp.compliance.lists import SanctionsList

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = Path(__file__).resolve().parent / "screening_heldout7.csv"
LISTS = (ROOT / "tests/data/ofac/sdn_heldout7_excerpt.csv", *screening_heldout6.LISTS)


def lists() -> SanctionsList:
    """The eight list files as one list."""
    return screening_heldout2.merged(LISTS, "held-out 7")


def probes() -> list[tuple[str, str, str]]:
    """(list uid, kind, variant) of every hand-written variant."""
    return screening_heldout2.read_probes(VARIANTS)


__all__ = ["lists", "probes"]
