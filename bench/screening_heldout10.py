"""The tenth held-out set of ``bench/screening.py`` (issue 14 §4, tenth round).

Written by hand before the tenth round of matcher changes, from 79 individuals of the legacy
SDN CSV that no other set uses (``tests/data/ofac/sdn_heldout10_excerpt.csv``, its source in
``tests/data/SOURCES.md``).

How the mix was chosen: like the seventh to ninth sets, it is NOT weighted towards what the
earlier rounds missed. The individuals are the rows of type ``individual`` in four windows of
the list not read before, taken as they fall (less those whose ent_num or surname is already in
another file, a relative of a person already taken, and two English-only names; of one long run
of Iranian intelligence officers every fourth row), so the mix is the list's own for those
years: Iranian (IRGC, NPWMD and IRAN-HR names) about 28 %, Arab (Lebanese, Saudi, Syrian,
Bahraini, Kuwaiti) 16 %, Mexican, Colombian and Guatemalan names with two surnames 10 %, Afghan
(Taliban), Pakistani and Indian 9 %, Turkish 5 %, Indonesian and Malaysian 5 %, Russian and
Uzbek 5 %, Korean, Chinese, Japanese, Congolese, Nigerian, Bosnian Serb and Spanish Basque
names, and European jihadists of Moroccan, Algerian, Tunisian, Sudanese and Pakistani descent.
The variants for each person are the ways a customer types their own name in a sign-up form or a
bank transfer's ordering party (diacritics dropped or kept, Turkish letters, word order swapped,
upper case, middle names as initials or left out, one surname of two, hyphens, spaces and
apostrophes varied, an Arabic article or "bin" dropped, a title such as Seyed or Hafiz kept or
left out, "Mohd" for Muhammad) and the spellings other lists and the press use (Arabic, Persian,
Urdu and Pashto transliterations, English, French and German romanisations of Russian names,
Uzbek Latin, Korean McCune-Reischauer and Revised Romanisation, Wade-Giles, Japanese Kunrei-
shiki, Basque forms), about three per person.

Screened against all eleven list files at once (this excerpt and the lists of the ninth set),
with the second held-out set's ordinary names as the clean population.

Rule: the matcher's tuning and the unit tests never look at these variants or their misses;
``bench/screening.py`` prints only their totals per kind (``--no-heldout10`` skips the set while
tuning). Change this file only to fix a variant that is not a real way to write the name, never
to make a miss go away.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import screening_heldout2
import screening_heldout9

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = Path(__file__).resolve().parent / "screening_heldout10.csv"
LISTS = (ROOT / "tests/data/ofac/sdn_heldout10_excerpt.csv", *screening_heldout9.LISTS)

# The eleven list files as one list; (list uid, kind, variant) of every hand-written variant.
lists = partial(screening_heldout2.merged, LISTS, "held-out 10")
probes = partial(screening_heldout2.read_probes, VARIANTS)

__all__ = ["lists", "probes"]
