"""Given names that are one name in two languages' forms, as a reading key: the Arabic emphatic
d, z and dh as Persian, Urdu and Turkish speakers write them ("Ramadan" / "Ramezan", "Kadhim" /
"Kazem") and Greek everyday forms beside the formal ones ("Kostas" / "Konstantinos").

The tables (``name_spellings.EMPHATIC_Z_FORMS``, ``GREEK_FORMS``) are whole written words. They
are read as keys (``f:`` and the family's name) that the matcher pairs at ``SAME_SOUND``, not as
canonical spellings: each word keeps its own token, so a typo of either form ("Koqstas") still
pairs with that form by its letters.
"""

from __future__ import annotations

from onramp.compliance.name_spellings import EMPHATIC_Z_FORMS, GREEK_FORMS

_FAMILY = {
    word: f"f:{canon}"
    for table in (EMPHATIC_Z_FORMS, GREEK_FORMS)
    for canon, variants in table.items()
    for word in (canon, *variants)
}


def family_keys(written: str) -> frozenset[str]:
    """The written (folded) word's family key, when it is a form in one of the tables."""
    key = _FAMILY.get(written)
    return frozenset() if key is None else frozenset((key,))


__all__ = ["family_keys"]
