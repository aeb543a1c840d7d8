"""The third held-out set of ``bench/screening.py`` (issue 14 §4, third round).

Written by hand before the third round of matcher changes, from 90 individuals of the legacy SDN
CSV that no other set uses (``tests/data/ofac/sdn_heldout3_excerpt.csv``, its source in
``tests/data/SOURCES.md``): Iraqi, Palestinian, Tunisian and Algerian names with ``Al-`` /
``El`` / ``Ben`` / ``Bin`` / ``Abu`` / ``Abd`` written apart, joined or left out; Malaysian,
Burmese, Chinese, Taiwanese, Singaporean and Korean names as separate syllables or one word;
Russian and Ukrainian names with patronymics as English, French and German writers spell them;
Iranian and Syrian names in their press spellings; Latin-American names with ``de`` and one
surname dropped. Each variant in ``screening_heldout3.csv`` is one way people write the name.

Screened against all four list files at once (this excerpt, the second held-out excerpt, the
XML sample and the 2024 CSV sample), with the second held-out set's ordinary names as the clean
population.

Tuned on since the fourth round (whose own never-tuned set is ``screening_heldout4.py``): its
misses are read (``--show-misses``) and the unit tests may use its names. It stays as it was
written: change this file only to fix a variant that is not a real way to write the name.
"""

from __future__ import annotations

from pathlib import Path

import screening_heldout2
from onramp.compliance.lists import SanctionsList

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = Path(__file__).resolve().parent / "screening_heldout3.csv"
LISTS = (ROOT / "tests/data/ofac/sdn_heldout3_excerpt.csv", *screening_heldout2.LISTS)


def lists() -> SanctionsList:
    """The four list files as one list."""
    return screening_heldout2.merged(LISTS, "held-out 3")


def probes() -> list[tuple[str, str, str]]:
    """(list uid, kind, variant) of every hand-written variant."""
    return screening_heldout2.read_probes(VARIANTS)


__all__ = ["lists", "probes"]
