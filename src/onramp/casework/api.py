"""Compliance officers' case routes: the queue, a case with its alerts, held orders, notes and
evidence, assignment, decisions (four-eyes above the threshold) and the SAR draft."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi.responses import JSONResponse

from onramp.auth import Permission, Principal, require
from onramp.casework import decisions, sar
from onramp.casework.schemas import (
    AttachmentOut,
    CaseAssignIn,
    CaseCommentIn,
    CaseDetail,
    CaseList,
    CaseOut,
    CommentOut,
    DecisionIn,
    DecisionOut,
)
from onramp.casework.views import attachment_out, case_detail, case_out
from onramp.compliance import (
    AttachmentTooLarge,
    CaseFilter,
    EvidenceFile,
    add_comment,
    attach_to_case,
    read_attachment,
)
from onramp.compliance import list_cases as cases_list_cases
from onramp.core.errors import InvalidInput
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.fx import FxDesk

router = APIRouter(prefix="/v1/compliance/cases", tags=["compliance cases"])

Officer = Annotated[Principal, require(Permission.COMPLIANCE_CASES)]
Reader = Annotated[Principal, require(Permission.COMPLIANCE_CASES_READ)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "compliance_case_not_found"}}


class FilenameMissing(InvalidInput):
    code = "attachment_filename_missing"
    title = "Name the file: ?filename=..."


@router.get("", summary="Cases, newest or most severe first, one page at a time")
async def list_cases(
    principal: Reader,
    session: SessionDep,
    status_: Annotated[Literal["open", "closed"] | None, Query(alias="status")] = None,
    severity: Literal["low", "medium", "high"] | None = None,
    assignee: Annotated[
        uuid.UUID | Literal["me", "none"] | None,
        Query(description='a user id, "me", or "none" (unassigned)'),
    ] = None,
    order: Literal["newest", "severity"] = "newest",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[Text | None, Query(max_length=200)] = None,
) -> CaseList:
    where = CaseFilter(
        status=status_,
        severity=severity,
        assignee_id=principal.user_id
        if assignee == "me"
        else (assignee if isinstance(assignee, uuid.UUID) else None),
        unassigned=assignee == "none",
    )
    rows, next_cursor = await cases_list_cases(
        session, where=where, order=order, limit=limit, cursor=cursor
    )
    return CaseList(data=[case_out(c) for c in rows], next_cursor=next_cursor)


@router.get(
    "/{case_id}",
    summary="A case with its alerts, held orders, notes and evidence",
    responses=NOT_FOUND,
)
async def get_case(case_id: uuid.UUID, principal: Reader, session: SessionDep) -> CaseDetail:
    return await case_detail(session, case_id, reader=principal)


@router.post(
    "/{case_id}/assign",
    summary="Assign an open case to a compliance officer (or oneself, or back to the queue)",
    responses={
        **NOT_FOUND,
        409: {"description": "compliance_case_decided"},
        422: {"description": "assignee_not_officer"},
    },
)
async def assign(
    case_id: uuid.UUID, body: CaseAssignIn, principal: Officer, session: SessionDep
) -> CaseOut:
    assignee = principal.user_id if body.assignee_id == "me" else body.assignee_id
    assert not isinstance(assignee, str)
    case = await decisions.assign_case(
        session, case_id=case_id, assignee_id=assignee, officer=principal
    )
    return case_out(case)


@router.post(
    "/{case_id}/comments",
    status_code=status.HTTP_201_CREATED,
    summary="Add a note to a case (stored sealed)",
    responses=NOT_FOUND,
)
async def comment(
    case_id: uuid.UUID,
    body: CaseCommentIn,
    principal: Officer,
    session: SessionDep,
    clock: ClockDep,
) -> CommentOut:
    c = await add_comment(
        session, case_id=case_id, author_id=principal.user_id, body=body.body, now=clock.now()
    )
    return CommentOut(id=c.id, author_id=c.author_id, body=c.body, created_at=c.created_at)


async def _read_capped(request: Request, limit: int) -> bytes:
    """The request body, but no more than ``limit`` + 1 bytes read (the excess is refused)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise AttachmentTooLarge(f"at most {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise AttachmentTooLarge(f"at most {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/{case_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    summary="Attach evidence: the request body is the file, its Content-Type the file's type",
    responses={
        **NOT_FOUND,
        422: {
            "description": "attachment_too_large, attachment_empty, attachment_type_refused, "
            "attachment_filename_missing"
        },
    },
)
async def attach(
    case_id: uuid.UUID,
    request: Request,
    principal: Officer,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    filename: Annotated[Text | None, Query(max_length=200)] = None,
    content_type: Annotated[Text, Header(max_length=200)] = "",
) -> AttachmentOut:
    if not filename or not filename.strip():
        raise FilenameMissing()
    limits = settings.compliance
    file = EvidenceFile(
        filename=filename.strip(),
        content_type=content_type,
        content=await _read_capped(request, limits.attachment_max_bytes),
    )
    attachment = await attach_to_case(
        session,
        case_id=case_id,
        uploader_id=principal.user_id,
        file=file,
        max_bytes=limits.attachment_max_bytes,
        types=limits.attachment_types,
        now=clock.now(),
    )
    return attachment_out(attachment)


@router.get(
    "/{case_id}/attachments/{attachment_id}",
    summary="Download evidence (audited)",
    response_class=Response,
    responses={404: {"description": "compliance_case_not_found, compliance_attachment_not_found"}},
)
async def download(
    case_id: uuid.UUID, attachment_id: uuid.UUID, principal: Officer, session: SessionDep
) -> Response:
    attachment, content = await read_attachment(
        session, case_id=case_id, attachment_id=attachment_id, reader=f"user:{principal.user_id}"
    )
    return Response(
        content,
        media_type=attachment.content_type,
        headers={
            # Never rendered inline: evidence is untrusted content.
            "Content-Disposition": f'attachment; filename="evidence-{attachment.id}"',
            "X-Content-SHA256": attachment.sha256,
        },
    )


@router.post(
    "/{case_id}/decision",
    summary="Decide: release, reject_refund or file_sar (a large release waits for approval)",
    responses={
        **NOT_FOUND,
        202: {"model": DecisionOut, "description": "a release waits for a second officer"},
        409: {"description": "compliance_case_decided, compliance_case_decision_pending"},
    },
)
async def decide(
    case_id: uuid.UUID,
    body: DecisionIn,
    request: Request,
    principal: Officer,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> JSONResponse:
    desk: FxDesk = request.app.state.fx_desk
    outcome = await decisions.decide_case(
        session,
        case_id=case_id,
        decision=body.decision,
        reason=body.reason,
        officer=principal,
        desk=desk,
        settings=settings.compliance,
        sar_orders=body.sar_orders,
        review_period_days=settings.kyc.review_period_days,
        now=clock.now(),
    )
    out = DecisionOut(
        status=outcome.status,
        approval_id=outcome.approval_id,
        orders=outcome.orders,
        case=case_out(outcome.case),
    )
    code = 202 if outcome.status == "pending_approval" else 200
    return JSONResponse(out.model_dump(mode="json"), status_code=code)


@router.get(
    "/{case_id}/sar",
    summary="The case's SAR draft: JSON, or PDF (Accept: application/pdf or ?format=pdf)",
    response_class=Response,
    responses={**NOT_FOUND, 200: {"content": {"application/json": {}, "application/pdf": {}}}},
)
async def sar_draft(
    case_id: uuid.UUID,
    principal: Officer,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    format_: Annotated[Literal["json", "pdf"] | None, Query(alias="format")] = None,
    accept: Annotated[Text, Header(max_length=1000)] = "",
) -> Response:
    fmt: sar.SarFormat = format_ or ("pdf" if "application/pdf" in accept else "json")
    draft = await sar.draft_sar(
        session,
        case_id=case_id,
        settings=settings.compliance,
        drafted_by=principal.user_id,
        fmt=fmt,
        now=clock.now(),
    )
    if isinstance(draft, bytes):
        return Response(
            draft,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="sar-{case_id}.pdf"'},
        )
    return JSONResponse(draft)
