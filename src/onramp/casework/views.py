"""What officers see of a case: the case with its alerts, held orders, notes and evidence, as
the JSON route and the back office's page both show it (reading it is audited)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Principal
from onramp.casework.schemas import (
    AttachmentOut,
    CaseAlertOut,
    CaseDetail,
    CaseOut,
    CommentOut,
    HeldOrderOut,
)
from onramp.compliance import (
    CaseAttachment,
    ComplianceCase,
    alerts_of_case,
    attachments_of,
    comments_of,
    held_order_ids,
    record_read,
)
from onramp.compliance import get_case as cases_get_case
from onramp.core.db import as_int
from onramp.core.money import Money
from onramp.orders import orders_by_id


def case_out(case: ComplianceCase) -> CaseOut:
    return CaseOut.model_validate(case, from_attributes=True)


async def case_detail(
    session: AsyncSession, case_id: uuid.UUID, *, reader: Principal
) -> CaseDetail:
    case = await cases_get_case(session, case_id)
    await record_read(session, case_id=case.id, reader=f"user:{reader.user_id}")
    held = await orders_by_id(session, await held_order_ids(session, case.id))
    return CaseDetail(
        **case_out(case).model_dump(),
        alerts=[
            CaseAlertOut.model_validate(a, from_attributes=True)
            for a in await alerts_of_case(session, case.id)
        ],
        orders=[
            HeldOrderOut(
                id=o.id,
                state=o.state,
                source_amount=str(Money(as_int(o.source_amount), o.source_currency)),
                source_currency=o.source_currency,
                destination_address=o.destination_address,
                created_at=o.created_at,
            )
            for o in held
        ],
        comments=[
            CommentOut(id=c.id, author_id=c.author_id, body=c.body, created_at=c.created_at)
            for c in await comments_of(session, case.id)
        ],
        attachments=[attachment_out(a) for a in await attachments_of(session, case.id)],
    )


def attachment_out(a: CaseAttachment) -> AttachmentOut:
    return AttachmentOut(
        id=a.id,
        uploaded_by=a.uploaded_by,
        filename=a.filename,
        content_type=a.content_type,
        size_bytes=a.size_bytes,
        sha256=a.sha256,
        created_at=a.created_at,
    )
