"""The fourteenth held-out set of ``bench/screening.py`` (issue 14 §4, fourteenth round).

Written by hand before the matcher changes of the fourteenth round (the one tuned on sets 11 to
13), from 58 individuals of the legacy SDN CSV that no other set uses
(``tests/data/ofac/sdn_heldout14_excerpt.csv``, its source in ``tests/data/SOURCES.md``): the
individuals of three windows of the list not read before (at characters 1,025,000, 1,625,000
and 2,225,000, each a quarter of the way between two windows read before), as they fall, less
surnames and ent_nums already in another file and relatives of a person already taken. Not
weighted to earlier misses. The mix is the list's own for those years: Russian (Magnitsky,
Tempbank's board, the 2021-22 RUSSIA-EO14024 designations) about 40 %, Syrian, Iraqi, Libyan,
Lebanese, Yemeni-born and Mauritanian Arab names, Iranian (IRGC commanders), Pakistani,
Congolese, Nicaraguan and Venezuelan, Irish (the Kinahan group), Greek, Indian and North Korean
names.

The variants are the ways customers type their own names (diacritics, word order, upper case,
a middle name or patronymic as an initial or left out, one surname of two, joined given names
such as "Alireza", "Amirali", "Abdulhadi") and the spellings other lists and the press use:
Russian in English (BGN, passport), German and French romanisations and the Ukrainian form
("Mansurow", "Klichine", "Olena"), Levantine, Gulf and Maghreb Arabic ("Adeeb Mhanna",
"Abdelhadi Zarqoun", "Makki Kadhim"), Persian spellings ("Yadallah", "Pakpoor", "Qolamshahi"),
Urdu ("Mehmood", "Mohd"), Korean South Korean forms ("Min Byung-chul"), Irish and Greek forms
("Seán", "Mc Govern", "Constantinos"), one-letter typos and the list's own a.k.a.s in natural
order. 204 variants, three or four per person.

Clean population: ``screening_heldout14_clean.txt``, 198 hand-written ordinary names of the same
mix, most sharing a given name or one surname with a listed person ("Omar al-Rawi", "Sean
McGowan", "Irina Nikolaevna Petrova"); written first, then every name within one letter of a
variant or of the listed name in natural order was taken out (a one-letter typo of a listed
name is not an ordinary name), and a few more that are its spellings ("Ian Dickson"); a hit on
any of them is false. The set-2 population of generated ordinary names is measured too.

Rule: the matcher's tuning and the unit tests never look at these variants or their misses;
``bench/screening.py`` prints only their totals per kind (``--no-heldout14`` skips the set while
tuning). Change this file only to fix a variant that is not a real way to write the name, never
to make a miss go away.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import screening_heldout2
import screening_heldout11
import screening_heldout13

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = Path(__file__).resolve().parent / "screening_heldout14.csv"
CLEAN = Path(__file__).resolve().parent / "screening_heldout14_clean.txt"
LISTS = (ROOT / "tests/data/ofac/sdn_heldout14_excerpt.csv", *screening_heldout13.LISTS)

# The fifteen list files as one list; (list uid, kind, variant) of every hand-written variant.
lists = partial(screening_heldout2.merged, LISTS, "held-out 14")
probes = partial(screening_heldout2.read_probes, VARIANTS)
clean_names = partial(screening_heldout11.read_clean, CLEAN)

__all__ = ["clean_names", "lists", "probes"]
