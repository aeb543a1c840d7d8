"""Compliance: sanctions lists (versioned), name and address screening; transaction-monitoring
rules (``compliance.monitoring``).

The public surface other domains use: load and read list versions, and the matchers.
"""

from onramp.compliance.diff import ListDiff, diff_lists
from onramp.compliance.errors import (
    NoSanctionsListLoaded,
    SanctionsFormatUnknown,
    SanctionsListInvalid,
    SanctionsListUnavailable,
    ScreeningBatchInvalid,
)
from onramp.compliance.lists import ListEntry, SanctionsList, load_list
from onramp.compliance.matcher import (
    AddressHit,
    AddressMatcher,
    MatchSettings,
    NameHit,
    NameMatcher,
)
from onramp.compliance.screening import combine
from onramp.compliance.service import (
    LoadedVersion,
    latest_lists,
    latest_version_ids,
    load_version,
)

__all__ = [
    "AddressHit",
    "AddressMatcher",
    "ListDiff",
    "ListEntry",
    "LoadedVersion",
    "MatchSettings",
    "NameHit",
    "NameMatcher",
    "NoSanctionsListLoaded",
    "SanctionsFormatUnknown",
    "SanctionsList",
    "SanctionsListInvalid",
    "SanctionsListUnavailable",
    "ScreeningBatchInvalid",
    "combine",
    "diff_lists",
    "latest_lists",
    "latest_version_ids",
    "load_list",
    "load_version",
]
