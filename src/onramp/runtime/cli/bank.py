"""``onramp bank``: the operator's side of the bank. ``import`` reads statement files (camt,
MT940, BAI2) into the deposit inbox; ``refunds export`` writes the requested EUR refunds as a SEPA
pain.001 file for a bank that takes files (``ONRAMP_BANKING__REFUND_CHANNEL=pain001_file``);
``--submit`` also uploads it to a bank with an upload API (the sandbox); ``refunds settle`` and
``refunds approve`` settle by hand, with four eyes, a refund the bank never answered."""

from __future__ import annotations

import asyncio
import getpass
import json
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from onramp.core.settings import Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onramp.auth import Principal
    from onramp.banking import ImportReport, Pain001Upload

bank_app = typer.Typer(help="The bank: statement files, refunds.", no_args_is_help=True)
refunds_app = typer.Typer(help="Refunds to depositors.", no_args_is_help=True)
bank_app.add_typer(refunds_app, name="refunds")

_LINES = (
    ("entries", "entries"),
    ("credits", "credits"),
    ("debits", "debits"),
    ("received", "new deposits"),
    ("matched", "matched"),
    ("unmatched", "unmatched (suspense)"),
    ("duplicates", "duplicates (known already)"),
    ("reversals", "reversals"),
    ("reversals_booked", "  booked"),
    ("reversals_review", "  for review"),
    ("reversals_unknown", "  unknown original"),
    ("refunds_booked", "refunds booked (our debits)"),
    ("skipped", "skipped (pending / info)"),
)


def _print(report: ImportReport, *, dry_run: bool) -> None:
    counts = report.as_dict()
    print(f"{report.filename}: {report.format}  message {report.message_id or '-'}")
    if report.already_imported:
        print("already imported: nothing changed")
    for key, label in _LINES:
        print(f"  {label:<28} {counts[key]:>6}")
    for warning in report.warnings:
        print(f"  warning: {warning}")
    if dry_run:
        print("dry run: rolled back, nothing changed")


async def _import(path: Path, *, bank: str | None, dry_run: bool) -> ImportReport:
    from onramp.banking import PaymentRules, import_statement
    from onramp.core.clock import utcnow
    from onramp.core.db import standalone_sessions
    from onramp.core.keys import install_keyring, open_keyring
    from onramp.core.settings import accepted_statement_accounts, load_settings
    from onramp.orders import UnspentOrderFunds

    settings = load_settings()
    data = path.read_bytes()
    async with standalone_sessions(settings.database.url) as sessions:
        # Deposits keep the sender's name and IBAN sealed: the HSM's keys are needed.
        install_keyring(await open_keyring(sessions, settings.data_key_hsm))
        async with sessions() as session, session.begin() as transaction:
            report = await import_statement(
                session,
                bank=bank or settings.banking.bank,
                data=data,
                filename=path.name,
                now=utcnow(),
                order_funds=UnspentOrderFunds(),
                min_holder_score=settings.banking.holder_name_min_score,
                rules=PaymentRules.from_settings(settings.banking),
                accounts=accepted_statement_accounts(settings.banking),
            )
            if dry_run:  # the same code ran; its effects are thrown away
                await transaction.rollback()
        return report


@bank_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Import in a transaction, report, roll back")
    ] = False,
    bank: Annotated[
        str | None, typer.Option(help="The bank's adapter name (default: banking.bank)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object")] = False,
) -> None:
    """Import a camt.052/053/054, MT940 or BAI2 file: new credits become deposits (matched in
    the same transaction), reversals are settled, bookings known already are duplicates."""
    from onramp.core.errors import OnrampError

    try:
        report = asyncio.run(_import(file, bank=bank, dry_run=dry_run))
    except OnrampError as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc
    if as_json:
        print(json.dumps({**report.as_dict(), "dry_run": dry_run}))
    else:
        _print(report, dry_run=dry_run)


async def _export(
    settings: Settings, *, message_id: str | None, upload: Pain001Upload | None
) -> tuple[str, str] | None:
    """The refunds' pain.001 (exported now, or again by ``message_id``), uploaded if asked."""
    from onramp.banking import Debtor, export_refunds, refund_file, submit_refund_file
    from onramp.core.clock import utcnow
    from onramp.core.db import standalone_sessions, unit_of_work
    from onramp.core.keys import install_keyring, open_keyring

    banking = settings.banking
    actor = f"cli:{getpass.getuser()}"
    async with standalone_sessions(settings.database.url) as sessions:
        install_keyring(await open_keyring(sessions, settings.data_key_hsm))
        async with unit_of_work(sessions) as session:
            stored = (
                await refund_file(session, message_id=message_id)
                if message_id
                else await export_refunds(
                    session,
                    debtor=Debtor(
                        banking.treasury_account_name, banking.treasury_iban, banking.treasury_bic
                    ),
                    schema=banking.pain001_schema,
                    actor=actor,
                    now=utcnow(),
                )
            )
        if stored is None:
            return None
        # Committed before anything leaves: a file is written (or uploaded) only for
        # refunds already marked sent, and can be written again by its message id.
        if upload is not None:
            async with unit_of_work(sessions) as session:
                await submit_refund_file(
                    session,
                    stored=await refund_file(session, message_id=stored.message_id),
                    bank=upload,
                    actor=actor,
                    now=utcnow(),
                )
        return stored.message_id, stored.xml


@refunds_app.command("export")
def refunds_export(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the file here (default: stdout)")
    ] = None,
    message_id: Annotated[
        str | None,
        typer.Option("--message-id", help="Write an already exported file again, by its MsgId"),
    ] = None,
    submit: Annotated[
        bool, typer.Option("--submit", help="Also upload it to the bank's API (the sandbox)")
    ] = False,
) -> None:
    """Export the requested EUR refunds as one pain.001 (they are then ``sent``)."""
    from onramp.core.errors import OnrampError
    from onramp.runtime import adapters

    settings = load_settings()
    # Picked before anything is exported: a bank with no adapter changes nothing.
    upload = adapters.bank_api(settings) if submit else None
    try:
        result = asyncio.run(_export(settings, message_id=message_id, upload=upload))
    except OnrampError as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc
    if result is None:
        print("no refunds waiting for a file", file=sys.stderr)
        return
    msg_id, xml = result
    if out is None:
        sys.stdout.write(xml + "\n")
    else:
        out.write_text(xml, encoding="utf-8")
    print(f"pain.001 {msg_id} written{' and submitted' if submit else ''}", file=sys.stderr)


StaffOption = Annotated[
    str, typer.Option("--staff", help="Your staff email address: you act as that person")
]
ReasonOption = Annotated[
    str,
    typer.Option("--reason", help="What the bank confirmed, and how (audited; 3 to 500 chars)"),
]
Act = Callable[["AsyncSession", "Principal", str], Awaitable[str]]


async def _as_staff(email: str, act: Act) -> str:
    """``act`` as the active staff member with this email, in one transaction, with the
    operating-system account it runs under (``cli:<user>``)."""
    from onramp.core.db import standalone_sessions, unit_of_work
    from onramp.core.keys import install_keyring, open_keyring
    from onramp.identity import staff_principal

    settings = load_settings()
    async with standalone_sessions(settings.database.url) as sessions:
        # Emails are found by their keyed blind index: the HSM's keys are needed.
        install_keyring(await open_keyring(sessions, settings.data_key_hsm))
        async with unit_of_work(sessions) as session:
            staff = await staff_principal(session, email=email)
            return await act(session, staff, f"cli:{getpass.getuser()}")


def _run_as_staff(email: str, act: Act) -> None:
    from onramp.core.errors import OnrampError

    try:
        print(asyncio.run(_as_staff(email, act)))
    except OnrampError as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc


@refunds_app.command("settle")
def refunds_settle(
    refund_id: uuid.UUID,
    settlement: Annotated[
        str,
        typer.Option(
            "--settlement",
            help="confirm-sent (the bank paid it: book it as paid) or mark-failed (the money "
            "never left: fail it and credit the money back)",
        ),
    ],
    reason: ReasonOption,
    staff: StaffOption,
) -> None:
    """Ask to settle a refund the bank never answered (four-eyes: another person approves)."""
    from onramp.banking import RefundSettlement, request_refund_settlement
    from onramp.core.clock import utcnow

    try:
        kind = RefundSettlement(settlement.replace("-", "_"))
    except ValueError:
        raise typer.BadParameter("confirm-sent or mark-failed", param_hint="--settlement") from None
    if not 3 <= len(reason.strip()) <= 500:
        raise typer.BadParameter("3 to 500 characters", param_hint="--reason")

    async def ask(session: AsyncSession, person: Principal, via: str) -> str:
        requested = await request_refund_settlement(
            session,
            refund_id=refund_id,
            settlement=kind,
            requester=person,
            reason=reason,
            now=utcnow(),
            via=via,
        )
        return (
            f"{settlement} of refund {refund_id} waits for a second person: approval "
            f"{requested.approval_id}"
        )

    _run_as_staff(staff, ask)


@refunds_app.command("approve")
def refunds_approve(
    approval_id: uuid.UUID,
    staff: StaffOption,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why you approve or reject it (audited)")
    ] = None,
    reject: Annotated[bool, typer.Option("--reject", help="Reject it instead")] = False,
) -> None:
    """Approve (or reject) another person's settlement of a refund: the second pair of eyes."""
    from onramp.banking import decide_refund_settlement, register_settlement_approval
    from onramp.core.clock import utcnow

    register_settlement_approval()

    async def decide(session: AsyncSession, person: Principal, via: str) -> str:
        decided = await decide_refund_settlement(
            session,
            approval_id=approval_id,
            approver=person,
            approve=not reject,
            reason=reason,
            via=via,
            now=utcnow(),
        )
        return f"approval {decided.id}: {decided.status} {json.dumps(decided.result or {})}"

    _run_as_staff(staff, decide)
