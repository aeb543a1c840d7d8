"""``onramp bank``: the operator's side of the bank. ``refunds export`` writes the requested EUR
refunds as a SEPA pain.001 file for a bank that takes files (``ONRAMP_BANKING__REFUND_CHANNEL=
pain001_file``); ``--submit`` also uploads it to a bank with an upload API (the sandbox)."""

from __future__ import annotations

import asyncio
import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from onramp.core.settings import load_settings

bank_app = typer.Typer(help="The bank: refunds, files.", no_args_is_help=True)
refunds_app = typer.Typer(help="Refunds to depositors.", no_args_is_help=True)
bank_app.add_typer(refunds_app, name="refunds")


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
    from onramp.banking.adapters.sandbox_payments import SandboxBankPayments
    from onramp.banking.formats.pain001 import Debtor
    from onramp.banking.refund_files import export_refunds, refund_file, submit_refund_file
    from onramp.core.clock import utcnow
    from onramp.core.db import standalone_sessions, unit_of_work
    from onramp.core.errors import OnrampError
    from onramp.core.keys import install_keyring, open_keyring

    settings = load_settings()
    banking = settings.banking
    actor = f"cli:{getpass.getuser()}"

    async def run() -> tuple[str, str] | None:
        async with standalone_sessions(settings.database.url) as sessions:
            install_keyring(await open_keyring(sessions, settings.hsm))
            async with unit_of_work(sessions) as session:
                stored = (
                    await refund_file(session, message_id=message_id)
                    if message_id
                    else await export_refunds(
                        session,
                        debtor=Debtor(
                            banking.treasury_account_name,
                            banking.treasury_iban,
                            banking.treasury_bic,
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
            if submit:
                async with unit_of_work(sessions) as session:
                    await submit_refund_file(
                        session,
                        stored=await refund_file(session, message_id=stored.message_id),
                        bank=SandboxBankPayments(
                            base_url=banking.api_url, timeout=banking.request_timeout_seconds
                        ),
                        actor=actor,
                        now=utcnow(),
                    )
            return stored.message_id, stored.xml

    try:
        result = asyncio.run(run())
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
