"""The twelfth held-out set of ``bench/screening.py`` (issue 14 §4, eleventh round).

Written by hand before the matcher changes of the eleventh round (the one tuned on set 11),
from 81 individuals of the legacy SDN CSV that no other set uses
(``tests/data/ofac/sdn_heldout12_excerpt.csv``, its source in ``tests/data/SOURCES.md``): the
individuals of three windows of the list not read before (at
characters 150,000, 550,000 and 950,000), as they fall, less relatives and namesakes of a person
already taken and surnames already in another file. Not weighted to earlier misses. The mix is
the list's own for those years: Mexican and Colombian names with two surnames (about 40 %),
Syrian, Iraqi, Lebanese, Jordanian, Saudi, Moroccan, Tunisian and Mauritanian Arab names,
Iranian (IRAN-TRA, NPWMD), Pakistani and Afghan, Indonesian, Japanese (Sumiyoshi-kai), North
Korean, Russian and Ukrainian (Donbas), Congolese, Italian and Peruvian names.

The variants are the ways customers type their own names (diacritics, word order, upper case,
a middle name as an initial or left out, one surname of two, joined given names such as
"Juliocesar", a hyphen added or dropped) and the spellings other lists and the press use:
Levantine and French-Maghreb Arabic ("Rustom Ghazaleh", "Ghazi Canaan", "Ali Moussa Dakdouk"),
Persian ("Rasoul", "Taqipour", "Fereydoon"), Urdu ("Chaudhary", "Javaid", "Kaleem"), the old
Dutch Indonesian spelling ("Soemarsono"), Japanese Kunrei-shiki ("Nisiguti"), South Korean
Revised Romanisation ("Jo Yeon-jun", "Lee Seong-cheol"), Russian in English, German and French
romanisations and in its Ukrainian forms ("Volodymyr", "Oleksandr"), one-letter typos and the
list's own a.k.a.s in natural order. 320 variants, about four per person.

Clean population: ``screening_heldout12_clean.txt``, 255 hand-written ordinary names of the same
mix, most sharing a given name or one surname with a listed person ("Carlos Alberto Gomez
Rios", "Ghazi Haddad", "Kim Min-seo"); a hit on any of them is false. The set-2 population of
generated ordinary names is measured too, as for the other sets.

Rule: the matcher's tuning and the unit tests never look at these variants or their misses;
``bench/screening.py`` prints only their totals per kind (``--no-heldout12`` skips the set while
tuning). Change this file only to fix a variant that is not a real way to write the name, never
to make a miss go away.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import screening_heldout2
import screening_heldout11

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = Path(__file__).resolve().parent / "screening_heldout12.csv"
CLEAN = Path(__file__).resolve().parent / "screening_heldout12_clean.txt"
LISTS = (ROOT / "tests/data/ofac/sdn_heldout12_excerpt.csv", *screening_heldout11.LISTS)

# The thirteen list files as one list; (list uid, kind, variant) of every hand-written variant.
lists = partial(screening_heldout2.merged, LISTS, "held-out 12")
probes = partial(screening_heldout2.read_probes, VARIANTS)
clean_names = partial(screening_heldout11.read_clean, CLEAN)

__all__ = ["clean_names", "lists", "probes"]
