"""The fifth held-out set of ``bench/screening.py`` (issue 14 §4, fifth round).

Written by hand before the fifth round of matcher changes, from 91 individuals of the legacy SDN
CSV that no other set uses (``tests/data/ofac/sdn_heldout5_excerpt.csv``, its source in
``tests/data/SOURCES.md``), weighted towards what the world sends most and the matcher found
hardest: Russian and Ukrainian names with patronymics as English (BGN/PCGN), passports (ICAO 9303:
``Iurii``, ``Viacheslavovich``, ``Evgenii``), French writers (``Iouri``, ``Sergueï``,
``Tchaïka``, ``Ourjoumtsev``, ``-ine``) and German writers (``Jewgeni``, ``Schoigu``,
``Sacharowa``, ``Nowizki``, ``-owitsch``) spell them, Ukrainian forms (``Hennadii Harkusha``);
Lebanese, Jordanian, Saudi and Qatari names with ``Al-`` / ``El`` / ``-eddine`` written apart,
joined or left out; Iranian names (``Seyed`` / ``Sayyed``, ``Mousavi``, ``-reza`` split off);
North Korean names split, joined, hyphenated or in the South's spelling (``Lee``, ``Park``,
``Choi``); a Chinese given name split. Each variant in ``screening_heldout5.csv`` is one way
people write the name.

Screened against all six list files at once (this excerpt and the lists of the fourth set), with
the second held-out set's ordinary names as the clean population.

Tuned on since the sixth round (its misses are read with ``--show-misses``; the set never tuned
on is now ``screening_heldout6.py``). Change this file only to fix a variant that is not a real
way to write the name, never to make a miss go away.
"""

from __future__ import annotations

from pathlib import Path

import screening_heldout2
import screening_heldout4
from onramp.compliance.lists import SanctionsList

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = Path(__file__).resolve().parent / "screening_heldout5.csv"
LISTS = (ROOT / "tests/data/ofac/sdn_heldout5_excerpt.csv", *screening_heldout4.LISTS)


def lists() -> SanctionsList:
    """The six list files as one list."""
    return screening_heldout2.merged(LISTS, "held-out 5")


def probes() -> list[tuple[str, str, str]]:
    """(list uid, kind, variant) of every hand-written variant."""
    return screening_heldout2.read_probes(VARIANTS)


__all__ = ["lists", "probes"]
