"""The eleventh held-out set of ``bench/screening.py`` (issue 14 §4, eleventh round).

Written by hand before the eleventh round of matcher changes (a model of name forms learned
from the list's own aliases), from 56 individuals of the legacy SDN CSV that no other set uses
(``tests/data/ofac/sdn_heldout11_excerpt.csv``, its source in ``tests/data/SOURCES.md``): the
individuals of two windows of the list not read before, as they fall, less relatives and
surnames already in another file. The mix is the list's own for those years: Mexican and
Colombian names with two surnames, Iraqi, Yemeni, Qatari, Saudi, Libyan and Palestinian Arab
names, Iranian (NPWMD, IRGC), Afghan and Pakistani, Filipino (Abu Sayyaf supporters with
Spanish names and particles), Chechen, Russian, Ukrainian and Uzbek, Zimbabwean, Turkish and
Catalan names.

The variants were written with spelling habits that are NOT the matcher's tables: Russian names
in BGN/PCGN, ISO 9 with the diacritics dropped ("Krecetov", "Jur'evic"), German
("Kretschetow", "Sachartschenko") and French ("Kretchetov", "Iourievitch") romanisation;
Ukrainian in the 2010 national system ("Yuriiovych"); Uzbek Latin ("Olimjon Sodiqov"); Arabic in
the Gulf passport style ("Abdulrahman", "Omair"), the French Maghreb style ("Abderrahmane",
"Oussama", "Houmaikani") and ALA-LC with the article kept, dropped or joined ("Alnuaimi");
Persian in the UN and passport styles ("Pezhman", "Kowsar", "Qolamreza", "Malakutipur"); Urdu
"Zakiur Rahman"; the Spanish, Filipino and Catalan names as customers type them (accents, one
surname of two, "De los Reyes" / "Delosreyes", a dropped "Jr."), one-letter typos, initials and
the list's own a.k.a.s in natural order. 274 variants, about five per person.

Clean population: ``screening_heldout11_clean.txt``, 257 hand-written ordinary names of the same
mix, many sharing a given name or one surname with a listed person ("Reza Ahmadi", "Leo Moyo",
"Vitaliy Yuriyovych Shevchenko"); a hit on any of them is false. The set-2 population of
generated ordinary names is measured too, as for the other sets.

Since the eleventh round this set is tuning data, as sets 1 to 9 are (its misses and its
look-alike false hits were read to make that round's rules); set 12 is the never-tuned measure.
The unit tests still never use these variants or names. ``bench/screening.py`` prints only
their totals per kind (``--no-heldout11`` skips the set). Change this file only to fix a variant
that is not a real way to write the name, never to make a miss go away.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import screening_heldout2
import screening_heldout10

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = Path(__file__).resolve().parent / "screening_heldout11.csv"
CLEAN = Path(__file__).resolve().parent / "screening_heldout11_clean.txt"
LISTS = (ROOT / "tests/data/ofac/sdn_heldout11_excerpt.csv", *screening_heldout10.LISTS)

# The twelve list files as one list; (list uid, kind, variant) of every hand-written variant.
lists = partial(screening_heldout2.merged, LISTS, "held-out 11")
probes = partial(screening_heldout2.read_probes, VARIANTS)


def read_clean(path: Path) -> list[str]:
    """Hand-written ordinary names, one a line (comment lines start with ``#``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


clean_names = partial(read_clean, CLEAN)

__all__ = ["clean_names", "lists", "probes", "read_clean"]
