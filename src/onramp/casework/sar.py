"""A SAR draft from a case: the report document (institution, subjects, transactions, alerts
and their evidence, narrative) and its sections laid out by the template, as JSON or PDF.

The subject's identity is opened from the sealed user and KYC rows for the report only: it is
never stored in clear, and every draft is audited (who drafted which case, in which format).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking, kyc
from onramp.compliance import (
    alerts_of_case,
    attachments_of,
    comments_of,
    get_case,
    load_template,
    narrative,
    render_pdf,
    render_sections,
    totals,
)
from onramp.core.audit import record
from onramp.core.db import as_int, row_dict
from onramp.core.money import Money
from onramp.core.settings import ComplianceSettings
from onramp.identity import export_user
from onramp.orders import get_order

SarFormat = Literal["json", "pdf"]


def _address(value: str | None) -> Any:
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value


async def _subject(session: AsyncSession, customer_id: uuid.UUID) -> dict[str, Any]:
    profile = (await export_user(session, user_id=customer_id)).get("profile") or {}
    kyc_cases = await kyc.export_cases(session, customer_id=customer_id)
    latest = kyc_cases[-1] if kyc_cases else {}
    return {
        "role": "customer",
        "customer_id": str(customer_id),
        "full_name": profile.get("full_name"),
        "email": profile.get("email"),
        "registered_at": profile.get("created_at"),
        "given_names": latest.get("given_names"),
        "surname": latest.get("surname"),
        "date_of_birth": latest.get("date_of_birth"),
        "nationality": latest.get("nationality"),
        "address": _address(latest.get("address")),
        "kyc_status": latest.get("status"),
        "kyc_tier": latest.get("tier_granted"),
    }


async def _transactions(session: AsyncSession, order_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for order_id in order_ids:
        order = await get_order(session, order_id=order_id, customer_id=None)
        base = {
            "order_id": str(order.id),
            "state": order.state,
            "created_at": order.created_at.isoformat(),
            "destination_address": order.destination_address,
            "creditor_reference": order.creditor_reference,
        }
        deposits = await banking.deposits_for_order(session, order_id=order.id)
        for d in deposits:
            rows.append(
                {
                    **base,
                    "deposit_id": d["id"],
                    "booked_at": d["booked_at"],
                    "amount": _major(d["amount"], d["currency"]),
                    "currency": d["currency"],
                    "sender_name": d.get("sender_name"),
                    "sender_iban": d.get("sender_iban"),
                    "bank": d["bank"],
                }
            )
        if not deposits:
            rows.append(base)
    return rows


def _major(minor: str, currency: str) -> str:
    return str(Money(as_int(Decimal(minor)), currency))


async def sar_document(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    settings: ComplianceSettings,
    drafted_by: uuid.UUID,
    now: datetime,
) -> dict[str, Any]:
    case = await get_case(session, case_id)
    alerts = await alerts_of_case(session, case.id)
    order_ids = sorted({a.order_id for a in alerts if a.order_id is not None})
    transactions = await _transactions(session, order_ids)
    booked = sorted(t["booked_at"] for t in transactions if t.get("booked_at"))
    template = load_template(settings.sar_template)
    document: dict[str, Any] = {
        "report": {
            "type": "SAR",
            "status": "draft",
            "template": template.name,
            "template_version": template.version,
            "generated_at": now.isoformat(),
            "generated_by": str(drafted_by),
        },
        "institution": {
            "name": settings.institution_name,
            "id": settings.institution_id,
            "country": settings.institution_country,
        },
        "case": row_dict(case),
        "subjects": [await _subject(session, case.customer_id)],
        "transactions": transactions,
        "activity": {
            "first_at": booked[0] if booked else None,
            "last_at": booked[-1] if booked else None,
            "totals": totals(transactions),
        },
        "alerts": [row_dict(a, exclude=frozenset({"dedupe_key"})) for a in alerts],
        "attachments": [
            {
                **row_dict(a, exclude=frozenset({"content_sealed", "filename_sealed"})),
                "filename": a.filename,
            }
            for a in await attachments_of(session, case.id)
        ],
        "notes": [
            {"created_at": c.created_at.isoformat(), "author_id": str(c.author_id), "body": c.body}
            for c in await comments_of(session, case.id)
        ],
    }
    document["narrative"] = narrative(document)
    document["sections"] = render_sections(template, document)
    return document


async def draft_sar(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    settings: ComplianceSettings,
    drafted_by: uuid.UUID,
    fmt: SarFormat,
    now: datetime,
) -> dict[str, Any] | bytes:
    document = await sar_document(
        session, case_id=case_id, settings=settings, drafted_by=drafted_by, now=now
    )
    await record(
        session,
        actor=f"user:{drafted_by}",
        action="compliance.sar_drafted",
        entity_type="compliance_case",
        entity_id=str(case_id),
        data={"format": fmt, "template": document["report"]["template"]},
    )
    if fmt == "json":
        return document
    return render_pdf(load_template(settings.sar_template), document["sections"])
