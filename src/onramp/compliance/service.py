"""Sanctions list operations: load a new issue (versioned, diffed, audited), read the latest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance import repository, rescreen_queue
from onramp.compliance.diff import ListDiff, diff_lists
from onramp.compliance.errors import SanctionsListInvalid
from onramp.compliance.lists import SanctionsList, load_list
from onramp.compliance.models import SanctionsListVersion
from onramp.core import audit
from onramp.core.clock import utcnow
from onramp.core.ids import uuid7

_DIFF_DETAIL = 200  # uids and addresses named in the audit record; counts are always complete


@dataclass(frozen=True)
class LoadedVersion:
    version_id: str
    source: str
    format: str
    sha256: str
    issued: str | None
    entry_count: int
    is_new: bool  # False when the file equals the latest version (nothing stored)
    diff: ListDiff


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files (names and bytes, in name order)."""
    digest = hashlib.sha256()
    try:
        files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if path.is_dir():
                digest.update(file.name.encode() + b"\0")
            digest.update(file.read_bytes())
    except OSError as exc:
        raise SanctionsListInvalid(f"{path.name}: {exc}") from exc
    return digest.hexdigest()


@dataclass(frozen=True)
class ListCheck:
    """The latest version of one source and when it was last confirmed current."""

    source: str
    version_id: str
    checked_at: datetime


async def load_version(
    *,
    session: AsyncSession,
    path: Path,
    list_format: str | None = None,
    actor: str,
    now: datetime | None = None,
) -> LoadedVersion:
    """Store ``path`` as a new version of its source, unless it is the latest one's bytes: then
    only mark that version as checked ``now`` (the list is still current)."""
    return await store_version(
        session=session,
        sanctions=load_list(path, list_format),
        sha256=file_sha256(path),
        file_name=path.name,
        actor=actor,
        now=now or utcnow(),
    )


async def confirm_current(
    *, session: AsyncSession, source: str, sha256: str, now: datetime
) -> bool:
    """Mark ``source``'s latest version checked ``now`` if it has these bytes (no parsing)."""
    latest = await repository.latest_version(session, source)
    if latest is None or latest.sha256 != sha256:
        return False
    await repository.mark_checked(session, latest.id, now)
    return True


async def store_version(
    *,
    session: AsyncSession,
    sanctions: SanctionsList,
    sha256: str,
    file_name: str,
    actor: str,
    now: datetime,
) -> LoadedVersion:
    """``load_version`` for a list already read (the scheduled refresh parses off the loop)."""
    previous = await repository.latest_version(session, sanctions.source)
    if previous is not None and previous.sha256 == sha256:
        await repository.mark_checked(session, previous.id, now)
        return _still_current(previous, sanctions)
    before = await repository.read_list(session, previous) if previous is not None else None
    diff = diff_lists(before, sanctions)
    version_id = uuid7()
    await repository.insert_version(
        session,
        version_id=version_id,
        sanctions=sanctions,
        sha256=sha256,
        file_name=file_name,
        now=now,
    )
    # The re-screen is enqueued with the version: an update is never loaded without it.
    await rescreen_queue.enqueue(session, version_id=version_id, now=now)
    await audit.record(
        session,
        actor=actor,
        action="sanctions.list_loaded",
        entity_type="sanctions_list_version",
        entity_id=str(version_id),
        data=_loaded_record(sanctions, sha256, file_name, previous, diff),
    )
    return LoadedVersion(
        version_id=str(version_id),
        source=sanctions.source,
        format=sanctions.format,
        sha256=sha256,
        issued=sanctions.issued,
        entry_count=len(sanctions.entries),
        is_new=True,
        diff=diff,
    )


def _still_current(previous: SanctionsListVersion, sanctions: SanctionsList) -> LoadedVersion:
    """The latest version, which has the same bytes: nothing stored, nothing changed."""
    return LoadedVersion(
        version_id=str(previous.id),
        source=previous.source,
        format=previous.format,
        sha256=previous.sha256,
        issued=previous.issued,
        entry_count=previous.entry_count,
        is_new=False,
        diff=diff_lists(sanctions, sanctions),
    )


def _loaded_record(
    sanctions: SanctionsList,
    sha256: str,
    file_name: str,
    previous: SanctionsListVersion | None,
    diff: ListDiff,
) -> dict[str, Any]:
    """The audit record of a loaded version: what it is, what it replaces, and the diff (its
    counts complete, the removed uids and addresses up to ``_DIFF_DETAIL`` each)."""
    return {
        "source": sanctions.source,
        "format": sanctions.format,
        "sha256": sha256,
        "file_name": file_name,
        "issued": sanctions.issued,
        "previous_version": str(previous.id) if previous is not None else None,
        "entries": len(sanctions.entries),
        "diff": diff.summary(),
        "removed": list(diff.removed[:_DIFF_DETAIL]),
        "addresses_removed": [list(a) for a in diff.addresses_removed[:_DIFF_DETAIL]],
    }


async def latest_lists(*, session: AsyncSession) -> list[SanctionsList]:
    """The latest loaded version of every source, to screen against."""
    versions = await repository.latest_versions(session)
    return [await repository.read_list(session, v) for v in versions]


async def latest_version_ids(*, session: AsyncSession) -> tuple[str, ...]:
    return tuple(str(i) for i in await repository.latest_version_ids(session))


async def latest_checks(*, session: AsyncSession) -> tuple[ListCheck, ...]:
    """Each source's latest version id and when it was last checked (one small query)."""
    return tuple(
        ListCheck(v.source, str(v.id), v.checked_at)
        for v in await repository.latest_versions(session)
    )
