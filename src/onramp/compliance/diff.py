"""What changed between two issues of a list: entries and addresses added, removed, changed.

Delisting is real (OFAC removed Tornado Cash and its 90 ETH addresses on 2025-03-21), so a
removed address must stop hitting: the diff is printed on every load and stored in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from onramp.compliance.lists.model import ListEntry, SanctionsList


@dataclass(frozen=True)
class ListDiff:
    added: tuple[str, ...]  # uids
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    addresses_added: tuple[tuple[str, str], ...]  # (currency, lower-cased address)
    addresses_removed: tuple[tuple[str, str], ...]

    def summary(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "addresses_added": len(self.addresses_added),
            "addresses_removed": len(self.addresses_removed),
        }


def diff_lists(old: SanctionsList | None, new: SanctionsList) -> ListDiff:
    before: dict[str, ListEntry] = {e.uid: e for e in old.entries} if old else {}
    after: dict[str, ListEntry] = {e.uid: e for e in new.entries}
    old_addresses = old.addresses() if old else set()
    new_addresses = new.addresses()
    return ListDiff(
        added=tuple(sorted(after.keys() - before.keys(), key=_uid_order)),
        removed=tuple(sorted(before.keys() - after.keys(), key=_uid_order)),
        changed=tuple(
            sorted(
                (uid for uid in after.keys() & before.keys() if after[uid] != before[uid]),
                key=_uid_order,
            )
        ),
        addresses_added=tuple(sorted(new_addresses - old_addresses)),
        addresses_removed=tuple(sorted(old_addresses - new_addresses)),
    )


def _uid_order(uid: str) -> tuple[int, str]:
    return (int(uid), uid) if uid.isdigit() else (0, uid)
