"""``onramp bank``: bank statement files into the deposit inbox."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from onramp.banking.imports import ImportReport

bank_app = typer.Typer(help="Bank statement files.", no_args_is_help=True)

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
    from onramp.banking.imports import import_statement
    from onramp.banking.payment_rules import PaymentRules
    from onramp.core.clock import utcnow
    from onramp.core.db import standalone_sessions
    from onramp.core.keys import install_keyring, open_keyring
    from onramp.core.settings import accepted_statement_accounts, load_settings
    from onramp.orders.deposit_returns import UnspentOrderFunds

    settings = load_settings()
    data = path.read_bytes()
    async with standalone_sessions(settings.database.url) as sessions:
        # Deposits keep the sender's name and IBAN sealed: the HSM's keys are needed.
        install_keyring(await open_keyring(sessions, settings.hsm))
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
