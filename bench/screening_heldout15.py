"""The fifteenth held-out set of ``bench/screening.py`` (issue 14 §4, fifteenth round).

Written by hand before the matcher changes of the fifteenth round (the one tuned on sets 11 to
14), from 55 individuals of the legacy SDN CSV that no other set uses
(``tests/data/ofac/sdn_heldout15_excerpt.csv``, its source in ``tests/data/SOURCES.md``): the
individuals of three windows of the list not read before (at characters 1,275,000, 1,875,000
and 2,475,000, each a quarter of the way between two windows read before), as they fall, less
surnames and ent_nums already in another file, relatives of a person already taken and every
second member of the Federation Council's run. Not weighted to earlier misses. The mix is the
list's own for those windows: Russian and Ukrainian (the Donetsk and Luhansk officials of 2014,
the 2022 RUSSIA-EO14024 designations, Federation Council members) about half, Colombian and
Mexican names with two surnames, Palestinian, Lebanese and Syrian Arab names, Afghan and
Pakistani (Taliban, Haqqani and a Pakistani smuggling network), Congolese and Rwandan, Chinese,
Malaysian-born, Thai and Iranian names.

The variants are the ways customers type their own names (diacritics, word order, upper case,
a patronymic or middle name as an initial or left out, one surname of two, joined or split
given names such as "Abdulsamad", "Gulakhan", "Inayat Ullah", "Su Gui Qin") and the spellings
other lists and the press use: Russian in English (BGN, passport), German and French
romanisations and the Ukrainian forms ("Paschkow", "Roldouguine", "Volodymyr", "Kateryna"),
Levantine and Gulf Arabic ("Jihad Kanso", "Husam Katerji", "Imadeddine"), Afghan and Urdu
spellings ("Maulvi Enayatullah", "Chaudhry", "Shakil"), Persian ("Eraj Masjedi", "Iradj
Masdjedi"), Wade-Giles Chinese ("Su Kuei-chin"), one-letter typos and the list's own a.k.a.s in
natural order. 217 variants, three or four per person.

Clean population: ``screening_heldout15_clean.txt``, 162 hand-written ordinary names of the same
mix, most sharing a given name or one surname with a listed person ("Viktor Pavlenko", "Pedro
Nel Ospina", "Inayatullah Khan", "Luis Rodriguez Serrano"); written first, then every name
within one letter of a variant or of the listed name in natural order, and every name made only
of the listed person's own words, was taken out; a hit on any of them is false. The set-2
population of generated ordinary names is measured too.

Rule: the matcher's tuning and the unit tests never look at these variants or their misses;
``bench/screening.py`` prints only their totals per kind (``--no-heldout15`` skips the set while
tuning). Change this file only to fix a variant that is not a real way to write the name, never
to make a miss go away. Tuned on since the sixteenth round (``--show-misses`` lists its misses
and look-alike false hits).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import screening_heldout2
import screening_heldout11
import screening_heldout14

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = Path(__file__).resolve().parent / "screening_heldout15.csv"
CLEAN = Path(__file__).resolve().parent / "screening_heldout15_clean.txt"
LISTS = (ROOT / "tests/data/ofac/sdn_heldout15_excerpt.csv", *screening_heldout14.LISTS)

# The sixteen list files as one list; (list uid, kind, variant) of every hand-written variant.
lists = partial(screening_heldout2.merged, LISTS, "held-out 15")
probes = partial(screening_heldout2.read_probes, VARIANTS)
clean_names = partial(screening_heldout11.read_clean, CLEAN)

__all__ = ["clean_names", "lists", "probes"]
