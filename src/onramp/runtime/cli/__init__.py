"""The ``onramp`` command: each command group is a module beside this one. Only here do the
dev commands' pieces reach the others (a redeem sent by the dev stack's cold Safe)."""

from __future__ import annotations

import os
import sys

import typer
from pydantic import ValidationError

from onramp.core.settings import Settings
from onramp.runtime.cli.backup import backup_app
from onramp.runtime.cli.bank import bank_app
from onramp.runtime.cli.books import audit_app, ledger_app
from onramp.runtime.cli.check import check
from onramp.runtime.cli.dev import cold_safe_sender, demo, dev, samples_app
from onramp.runtime.cli.issuer import issuer_commands
from onramp.runtime.cli.keys import keys_app
from onramp.runtime.cli.orders import orders_app
from onramp.runtime.cli.people import privacy_app, users_app
from onramp.runtime.cli.recon import recon_app
from onramp.runtime.cli.reports import reports_app
from onramp.runtime.cli.screen import screen_app
from onramp.runtime.cli.serve import api, migrate, worker
from onramp.runtime.cli.treasury import treasury_app

app = typer.Typer(
    help="onramp: fiat bank deposits in, USDC out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
for command in (demo, dev, api, worker, migrate, check):
    app.command()(command)
app.add_typer(keys_app, name="keys")
app.add_typer(ledger_app, name="ledger")
app.add_typer(audit_app, name="audit")
app.add_typer(privacy_app, name="privacy")
app.add_typer(orders_app, name="orders")
app.add_typer(users_app, name="users")
app.add_typer(screen_app, name="screen")
app.add_typer(reports_app, name="reports")
app.add_typer(bank_app, name="bank")
app.add_typer(backup_app, name="backup")
app.add_typer(treasury_app, name="treasury")
app.add_typer(recon_app, name="recon")
app.add_typer(samples_app, name="samples")
app.add_typer(issuer_commands(redeem_sender=cold_safe_sender), name="issuer")


def main() -> None:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    try:
        app()
    except ValidationError as exc:
        if exc.title != Settings.__name__:
            raise
        # The configuration is wrong (production's start-up check among others): say what to
        # set, without a traceback.
        for error in exc.errors():
            where = "ONRAMP_" + "__".join(str(p).upper() for p in error["loc"])
            message = str(error["msg"]).removeprefix("Value error, ")
            print(message if not error["loc"] else f"{where}: {message}", file=sys.stderr)
        sys.exit(2)
