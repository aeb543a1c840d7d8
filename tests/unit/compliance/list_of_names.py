"""A matcher over a list made of individuals' names alone, for the screening rounds' tests."""

from __future__ import annotations

from onramp.compliance.lists import EntryType, ListEntry, SanctionsList
from onramp.compliance.matcher import NameMatcher


def matcher_of(*names: str) -> NameMatcher:
    """A matcher over one individual per name, uids "1", "2", ... in the order given."""
    entries = tuple(
        ListEntry(uid=str(i), list_name="test", entry_type=EntryType.INDIVIDUAL, primary_name=name)
        for i, name in enumerate(names, start=1)
    )
    return NameMatcher(SanctionsList(source="test", format="test", issued=None, entries=entries))
