"""The sixteenth held-out set of ``bench/screening.py`` (issue 14 §4, sixteenth round).

Written by hand before the matcher changes of the sixteenth round (the one tuned on sets 11 to
15), from 56 individuals of the legacy SDN CSV that no other set uses
(``tests/data/ofac/sdn_heldout16_excerpt.csv``, its source in ``tests/data/SOURCES.md``): the
individuals of three stretches of the list not read before (from characters 925,000, 1,525,000
and 2,125,000, each half-way between two windows read before, on to the next window read
before), as they fall, less surnames and ent_nums already in another list file or bench set,
relatives of a person already taken and every second member of the run of Saudi officials. Not
weighted to earlier misses. The mix is the list's own for those stretches: Afghan and Pakistani
(Taliban, Lashkar e-Tayyiba, ISIS-K), Arab names from Kuwait, Yemen, Egypt, Libya, Saudi Arabia,
Lebanon and Syria, Iranian, British and French, a North Korean and two Russians; Serbs of
Kosovo, two Cambodians, two Ugandans and two Bangladeshis; and Colombian, Mexican, Nicaraguan,
Salvadoran, Guatemalan and Dominican names with two surnames.

The variants are the ways customers type their own names (diacritics, word order, upper case,
a middle name as an initial or left out, one surname of two, joined or split names such as
"Abdulsaboor", "Sana Ullah", "Abdul Aziz Mohammed al-Hawsawi") and the spellings other lists
and the press use: Levantine, Gulf and Maghrebi Arabic ("Aguila Saleh Issa", "Khalifa
al-Ghweil", "Abdullah Hadi al-Enezi", "Mohammad Kassem Bazzal", "Salah Abd al-Salam"), Afghan,
Urdu and Bengali spellings ("Maulvi Rajab", "Navid Qamar", "Chaudhry Abdullah al-Mamoon",
"Tofail Mustafa Sarwar"), Persian ("Hossein Yaqubi Miyab", "Rassoul Sadjad"), Russian in
English, German and Ukrainian forms ("Andrej Dogajew", "Andrii Dogaiev"), Serbian with and
without its letters and in French and German spellings ("Siniša Nedeljković", "Raditch",
"Raditsch"), Korean (McCune-Reischauer and South Korean: "Oh Jong Ok"), Khmer in both orders
("Chau Phirun", "Phirun Chau"), Spanish with one surname of two or "Velazquez" and "Caycedo"
for "Velasquez" and "Caicedo", one-letter typos and the list's own a.k.a.s in natural order
("Qari Yaqoob", "Ivan Mordisco", "Sher Omar Khel"). 224 variants, three or four per person.

Clean population: ``screening_heldout16_clean.txt``, 180 hand-written ordinary names of the same
mix, most sharing a given name or one surname with a listed person ("Naveed Akhtar", "Adnan
Kaouk", "Milan Radic", "Osiris Luna Perez"); written first, then every name within one letter
of a variant or of the listed name in natural order, every name made only of the listed
person's own words (its a.k.a.s' too), every name holding all the words of a listed name or
a.k.a. and three names of real public figures were taken out; a hit on any of them is false. The
set-2 population of generated ordinary names is measured too.

Rule: the matcher's tuning and the unit tests never look at these variants or their misses;
``bench/screening.py`` prints only their totals per kind (``--no-heldout16`` skips the set while
tuning). Change this file only to fix a variant that is not a real way to write the name, never
to make a miss go away.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import screening_heldout2
import screening_heldout11
import screening_heldout15

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = Path(__file__).resolve().parent / "screening_heldout16.csv"
CLEAN = Path(__file__).resolve().parent / "screening_heldout16_clean.txt"
LISTS = (ROOT / "tests/data/ofac/sdn_heldout16_excerpt.csv", *screening_heldout15.LISTS)

# The seventeen list files as one list; (list uid, kind, variant) of every hand-written variant.
lists = partial(screening_heldout2.merged, LISTS, "held-out 16")
probes = partial(screening_heldout2.read_probes, VARIANTS)
clean_names = partial(screening_heldout11.read_clean, CLEAN)

__all__ = ["clean_names", "lists", "probes"]
