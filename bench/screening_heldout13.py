"""The thirteenth held-out set of ``bench/screening.py`` (issue 14 §4, thirteenth round).

Written by hand before the matcher changes of the thirteenth round (the one tuned on sets 11
and 12), from 65 individuals of the legacy SDN CSV that no other set uses
(``tests/data/ofac/sdn_heldout13_excerpt.csv``, its source in ``tests/data/SOURCES.md``): the
individuals of three windows of the list not read before (at characters 350,000, 750,000 and
1,350,000; of the first only its rows up to ent_num 11929), as they fall, less relatives of a
person already taken and surnames already in another file. Not weighted to earlier misses. The
mix is the list's own for those years: Colombian and Mexican names with two surnames (about
40 %), Iraqi, Saudi, Kuwaiti, Qatari, Tunisian, Moroccan, Libyan, Egyptian, Syrian and Yemeni
Arab names, Kosovar and Bosnian, Georgian (Pankisi) and Chechen, Russian and Ukrainian
(Donbas), Indonesian, Indian, Pakistani, Turkish, French, North Korean and Venezuelan names.

The variants are the ways customers type their own names (diacritics, word order, upper case,
a middle name as an initial or left out, one surname of two, joined given names such as
"Josemaria", "Carlosalberto") and the spellings other lists and the press use: Levantine,
Gulf and Maghreb Arabic ("Khodor Orfaly", "Kamal al-Din Tohme", "Abdelbaset Azzouz"), the old
Dutch Indonesian spelling ("Soekirno", "Widji Djoko"), Russian in English, German and French
romanisations and its Ukrainian forms ("Ihor Plotnytskyi", "Oleksii Kariakin"), Georgian and
Serbo-Croat diacritics ("Margošvili", "Imamović"), Korean McCune-Reischauer and South Korean
forms ("Chang Yong-son", "Yu Jin"), one-letter typos and the list's own a.k.a.s in natural
order. 265 variants, about four per person.

Clean population: ``screening_heldout13_clean.txt``, 200 hand-written ordinary names of the same
mix, most sharing a given name or one surname with a listed person ("Camilo Torres Restrepo",
"Igor Plotnikov", "Bambang Pershada"), none equal to a variant of the listed person it resembles;
a hit on any of them is false. The set-2 population of generated ordinary names is measured too,
as for the other sets.

Rule: the matcher's tuning and the unit tests never look at these variants or their misses;
``bench/screening.py`` prints only their totals per kind (``--no-heldout13`` skips the set while
tuning). Change this file only to fix a variant that is not a real way to write the name, never
to make a miss go away.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import screening_heldout2
import screening_heldout11
import screening_heldout12

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = Path(__file__).resolve().parent / "screening_heldout13.csv"
CLEAN = Path(__file__).resolve().parent / "screening_heldout13_clean.txt"
LISTS = (ROOT / "tests/data/ofac/sdn_heldout13_excerpt.csv", *screening_heldout12.LISTS)

# The fourteen list files as one list; (list uid, kind, variant) of every hand-written variant.
lists = partial(screening_heldout2.merged, LISTS, "held-out 13")
probes = partial(screening_heldout2.read_probes, VARIANTS)
clean_names = partial(screening_heldout11.read_clean, CLEAN)

__all__ = ["clean_names", "lists", "probes"]
