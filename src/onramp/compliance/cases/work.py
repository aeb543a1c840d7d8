"""Working a case: assign it, comment, attach evidence, and record its decision. Each step is
audited and announced in the caller's transaction. Which officer may be assigned, and what a
decision does to the held orders, is decided by the caller (``onramp.casework``): this module
knows cases, not people or orders."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance.cases.alerts import SOURCE
from onramp.compliance.cases.errors import (
    AttachmentEmpty,
    AttachmentNotFound,
    AttachmentTooLarge,
    AttachmentTypeRefused,
    CaseAlreadyDecided,
    CaseNotFound,
)
from onramp.compliance.cases.models import (
    CaseAttachment,
    CaseComment,
    ComplianceAlert,
    ComplianceCase,
)
from onramp.core.audit import record
from onramp.core.events import subject_for
from onramp.core.ids import uuid7
from onramp.core.keys import process_keyring
from onramp.core.keys.envelope import field_context
from onramp.core.outbox import emit_many, make_event

CASE_ASSIGNED = subject_for("compliance", "case.assigned")
CASE_DECIDED = subject_for("compliance", "case.decided")
DECISIONS = ("release", "reject_refund", "file_sar")


@dataclass(frozen=True)
class EvidenceFile:
    filename: str
    content_type: str
    content: bytes


async def get_case(
    session: AsyncSession, case_id: uuid.UUID, *, for_update: bool = False
) -> ComplianceCase:
    case = await session.get(ComplianceCase, case_id, with_for_update=for_update)
    if case is None:
        raise CaseNotFound()
    return case


def check_open(case: ComplianceCase) -> None:
    if case.status != "open":
        raise CaseAlreadyDecided(f"decided {case.decision} at {case.closed_at}")


async def _announce(session: AsyncSession, subject: str, case: ComplianceCase, **data: Any) -> None:
    event = make_event(
        subject,
        {"case_id": str(case.id), "customer_id": str(case.customer_id), **data},
        source=SOURCE,
        entity_id=str(case.id),
        correlation_id=str(case.id),
    )
    await emit_many(session, [event])


async def assign(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    assignee_id: uuid.UUID | None,
    actor: str,
) -> ComplianceCase:
    """Give the case to an officer (``None``: back to the queue); only an open case."""
    case = await get_case(session, case_id, for_update=True)
    check_open(case)
    before, case.assignee_id = case.assignee_id, assignee_id
    data = {
        "from": None if before is None else str(before),
        "to": None if assignee_id is None else str(assignee_id),
    }
    await record(
        session,
        actor=actor,
        action="compliance.case_assigned",
        entity_type="compliance_case",
        entity_id=str(case.id),
        data=data,
    )
    await _announce(session, CASE_ASSIGNED, case, **data)
    await session.flush()
    return case


async def add_comment(
    session: AsyncSession, *, case_id: uuid.UUID, author_id: uuid.UUID, body: str, now: datetime
) -> CaseComment:
    case = await get_case(session, case_id)
    comment = CaseComment(id=uuid7(), case_id=case.id, author_id=author_id, created_at=now)
    comment.body = body
    session.add(comment)
    # The audit trail is not sealed: it records that a note was written and its digest, which
    # proves the sealed text unchanged, not the text itself.
    await record(
        session,
        actor=f"user:{author_id}",
        action="compliance.case_commented",
        entity_type="compliance_case",
        entity_id=str(case.id),
        data={"comment_id": str(comment.id), "sha256": _sha256(body.encode())},
    )
    await session.flush()
    return comment


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_evidence(file: EvidenceFile, *, max_bytes: int, types: Sequence[str]) -> str:
    """The file's content type, normalised, when the file may be attached."""
    content_type = file.content_type.split(";", 1)[0].strip().lower()
    if content_type not in types:
        raise AttachmentTypeRefused(f"allowed: {', '.join(types)}")
    if not file.content:
        raise AttachmentEmpty()
    if len(file.content) > max_bytes:
        raise AttachmentTooLarge(f"at most {max_bytes} bytes")
    return content_type


async def attach(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    uploader_id: uuid.UUID,
    file: EvidenceFile,
    max_bytes: int,
    types: Sequence[str],
    now: datetime,
) -> CaseAttachment:
    content_type = check_evidence(file, max_bytes=max_bytes, types=types)
    case = await get_case(session, case_id)
    attachment_id = uuid7()
    context = field_context(CaseAttachment.__tablename__, "content", attachment_id)
    attachment = CaseAttachment(
        id=attachment_id,
        case_id=case.id,
        uploaded_by=uploader_id,
        content_type=content_type,
        size_bytes=len(file.content),
        sha256=_sha256(file.content),
        content_sealed=process_keyring().seal_bytes(file.content, context=context),
        created_at=now,
    )
    attachment.filename = file.filename
    session.add(attachment)
    await record(
        session,
        actor=f"user:{uploader_id}",
        action="compliance.case_evidence_attached",
        entity_type="compliance_case",
        entity_id=str(case.id),
        data={
            "attachment_id": str(attachment.id),
            "content_type": content_type,
            "size_bytes": attachment.size_bytes,
            "sha256": attachment.sha256,
        },
    )
    await session.flush()
    return attachment


async def record_read(session: AsyncSession, *, case_id: uuid.UUID, reader: str) -> None:
    """Who looked: a case's notes and evidence names are personal data opened for the reader."""
    await record(
        session,
        actor=reader,
        action="compliance.case_read",
        entity_type="compliance_case",
        entity_id=str(case_id),
    )


async def comments_of(session: AsyncSession, case_id: uuid.UUID) -> list[CaseComment]:
    rows = await session.scalars(
        select(CaseComment).where(CaseComment.case_id == case_id).order_by(CaseComment.id)
    )
    return list(rows.all())


async def attachments_of(session: AsyncSession, case_id: uuid.UUID) -> list[CaseAttachment]:
    rows = await session.scalars(
        select(CaseAttachment).where(CaseAttachment.case_id == case_id).order_by(CaseAttachment.id)
    )
    return list(rows.all())


async def read_attachment(
    session: AsyncSession, *, case_id: uuid.UUID, attachment_id: uuid.UUID, reader: str
) -> tuple[CaseAttachment, bytes]:
    """The attachment and its opened bytes; every download is audited (it is personal data)."""
    attachment = await session.get(CaseAttachment, attachment_id)
    if attachment is None or attachment.case_id != case_id:
        raise AttachmentNotFound()
    context = field_context(CaseAttachment.__tablename__, "content", attachment.id)
    content = process_keyring().open_bytes(attachment.content_sealed, context=context)
    await record(
        session,
        actor=reader,
        action="compliance.case_evidence_read",
        entity_type="compliance_case",
        entity_id=str(case_id),
        data={"attachment_id": str(attachment.id)},
    )
    return attachment, content


async def held_order_ids(session: AsyncSession, case_id: uuid.UUID) -> list[uuid.UUID]:
    """The orders this case's holding alerts stopped."""
    rows = await session.scalars(
        select(ComplianceAlert.order_id)
        .where(
            ComplianceAlert.case_id == case_id,
            ComplianceAlert.action == "hold",
            ComplianceAlert.order_id.is_not(None),
        )
        .distinct()
    )
    return sorted(o for o in rows.all() if o is not None)


async def close_case(
    session: AsyncSession,
    case: ComplianceCase,
    *,
    decision: str,
    reason: str,
    actor: str,
    data: dict[str, Any],
    now: datetime,
) -> ComplianceCase:
    """Record the decision on a case locked by the caller: closed, audited with its reasons,
    announced. The effects on orders are the caller's, in the same transaction."""
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    check_open(case)
    case.status, case.decision, case.decision_reason = "closed", decision, reason
    case.decided_by, case.decision_data, case.closed_at = actor, data, now
    case.pending_approval_id = None
    await record(
        session,
        actor=actor,
        action="compliance.case_decided",
        entity_type="compliance_case",
        entity_id=str(case.id),
        data={"decision": decision, "reason": reason, **data},
    )
    await _announce(session, CASE_DECIDED, case, decision=decision, **data)
    await session.flush()
    return case
