"""The ninth held-out set of ``bench/screening.py`` (issue 14 §4, ninth round).

Written by hand before the ninth round of matcher changes, from 66 individuals of the legacy
SDN CSV that no other set uses (``tests/data/ofac/sdn_heldout9_excerpt.csv``, its source in
``tests/data/SOURCES.md``).

How the mix was chosen: like the seventh and eighth sets, it is NOT weighted towards what the
earlier rounds missed. The individuals are the rows of type ``individual`` in four windows of
the list not read before, taken as they fall (less those whose ent_num or surname is already in
another file, a relative of a person already taken, and one very common name), so the mix is
the list's own for those years: Iranian (prison wardens and IRGC officers, IRAN-HR) about 27 %,
Russian and Moldovan (Evil Corp's CYBER2 names, Wagner and bank names) 21 %, Somali and Kenyan 9 %,
Haitian 6 %, Ukrainian and Belarusian 6 %, Lebanese 5 %, Nicaraguan 5 %, Burmese, Chinese,
North Korean, Uzbek, Tajik, Venezuelan, Greek, Spanish, Belgian, Swiss and French names. The
variants for each person are the ways a customer types their own name in a sign-up form or a
bank transfer's ordering party (diacritics dropped or kept, word order swapped, upper case,
middle names and patronymics as initials or left out, one surname of two, hyphens and spaces
varied, an Arabic article dropped) and the spellings other lists and the press use (English,
French and German romanisations of Russian names, Ukrainian and Belarusian forms, Persian,
Arabic and Somali transliterations, McCune-Reischauer and South Korean spellings), about three
per person.

Screened against all ten list files at once (this excerpt and the lists of the eighth set),
with the second held-out set's ordinary names as the clean population.

Rule: the matcher's tuning and the unit tests never look at these variants or their misses;
``bench/screening.py`` prints only their totals per kind (``--no-heldout9`` skips the set while
tuning). Change this file only to fix a variant that is not a real way to write the name, never
to make a miss go away.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import screening_heldout2
import screening_heldout8

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = Path(__file__).resolve().parent / "screening_heldout9.csv"
LISTS = (ROOT / "tests/data/ofac/sdn_heldout9_excerpt.csv", *screening_heldout8.LISTS)

# The ten list files as one list; (list uid, kind, variant) of every hand-written variant.
lists = partial(screening_heldout2.merged, LISTS, "held-out 9")
probes = partial(screening_heldout2.read_probes, VARIANTS)

__all__ = ["lists", "probes"]
