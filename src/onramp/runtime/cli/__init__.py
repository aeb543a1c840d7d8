"""The ``onramp`` command."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from onramp.core.settings import Settings, load_settings
from onramp.runtime.cli.bank import bank_app
from onramp.runtime.cli.issuer import issuer_app
from onramp.runtime.cli.reports import reports_app
from onramp.runtime.cli.screen import screen_app
from onramp.runtime.cli.treasury import treasury_app

app = typer.Typer(
    help="onramp: fiat bank deposits in, USDC out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
ledger_app = typer.Typer(help="The ledger.", no_args_is_help=True)
orders_app = typer.Typer(help="Orders.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
privacy_app = typer.Typer(help="Personal data (GDPR).", no_args_is_help=True)
keys_app = typer.Typer(help="Encryption keys: KEKs in the HSM, data keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
users_app = typer.Typer(help="Accounts.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")
app.add_typer(audit_app, name="audit")
app.add_typer(privacy_app, name="privacy")
app.add_typer(orders_app, name="orders")
app.add_typer(users_app, name="users")
app.add_typer(screen_app, name="screen")
app.add_typer(reports_app, name="reports")
app.add_typer(bank_app, name="bank")
app.add_typer(treasury_app, name="treasury")
app.add_typer(issuer_app, name="issuer")


def _settings() -> Settings:
    return load_settings()


@app.command()
def demo(
    state_dir: Annotated[
        Path | None, typer.Option(help="Runtime state (default .onramp/demo)")
    ] = None,
) -> None:
    """Start the whole stack, turn one euro deposit into USDC, print the evidence, stop."""
    from onramp.devstack.demo import DemoFailed, run_demo

    # SIGTERM unwinds like Ctrl-C, so every child process is stopped by the demo's cleanup.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    settings = _settings()
    try:
        run_demo(state_dir or settings.state_dir / "demo", lambda line: print(line, flush=True))
    except DemoFailed as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        raise typer.Exit(1) from exc


@app.command()
def dev(
    state_dir: Annotated[Path | None, typer.Option(help="Runtime state (default .onramp)")] = None,
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh", help="Start clean: wipe the kept database, JetStream, chain and HSM token"
        ),
    ] = False,
) -> None:
    """Start the whole stack and keep it running until Ctrl-C (writes .onramp/stack.json).

    A process that dies is restarted with backoff (given up after repeated quick deaths); the
    database, JetStream, the chain and the HSM token are kept for the next run unless --fresh."""
    from onramp.devstack.dev_state import StateLost
    from onramp.devstack.stack import start_stack

    settings = _settings()

    def say(line: str) -> None:
        print(line, flush=True)

    # Until the stack is up, SIGTERM unwinds like Ctrl-C: what was started is stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        stack = start_stack(
            state_dir or settings.state_dir, progress=say, fresh=fresh, persist=True
        )
    except StateLost as exc:
        print(f"{exc}; start with `onramp dev --fresh` to begin anew", file=sys.stderr)
        raise typer.Exit(1) from exc
    print(f"stack ready: {stack.state_dir / 'stack.json'}; Ctrl-C stops it", flush=True)
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stopping:  # the supervisor's thread restarts what dies
            time.sleep(0.5)
    finally:
        stack.stop()
        print("stack stopped (state kept; `onramp dev --fresh` starts clean)", flush=True)


@app.command()
def api(
    host: str = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="ONRAMP_API_PORT")] = 8000,
) -> None:
    """Serve the REST API."""
    import uvicorn

    from onramp.api.app import create_app
    from onramp.core.logging import configure_logging

    settings = _settings()
    configure_logging(level=settings.log_level, process="api")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", access_log=False)


@app.command()
def worker(
    name: Annotated[
        str, typer.Argument(help="relay, deposits, orders, payouts, confirmations, bank_files, ...")
    ],
) -> None:
    """Run one worker until SIGTERM."""
    import uvloop

    from onramp.core.errors import OnrampError
    from onramp.runtime.workers import check_config, run_worker

    settings = _settings()
    try:
        check_config(name, settings)
        uvloop.run(run_worker(name, settings))
    except OnrampError as exc:  # a configuration error, e.g. monitoring_rules_invalid
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc


@app.command()
def migrate() -> None:
    """Apply the database migrations."""
    from onramp.core.db.migrate import upgrade

    upgrade(_settings().database.url)
    print("migrated to head")


@ledger_app.command("trial-balance")
def ledger_trial_balance() -> None:
    """Print every account's balance and the totals per currency."""
    from onramp.ledger import trial_balance_of_database

    tb = asyncio.run(trial_balance_of_database(_settings().database.url))
    for account in tb.accounts:
        print(f"{account.code:<60} {account.balance!s:>22} {account.balance.currency}")
    for t in tb.totals:
        print(f"{t.currency:<6} debits {t.debits!s:>22} credits {t.credits!s:>22} net {t.net}")
    print("balanced" if tb.balanced else f"NOT BALANCED (drifted: {tb.drifted})")
    if not tb.balanced:
        raise typer.Exit(1)


@audit_app.command("verify")
def audit_verify(
    seal_first: Annotated[bool, typer.Option(help="Seal pending records before verifying")] = False,
) -> None:
    """Recompute the audit chain; exit 1 if any record was changed or removed."""
    from onramp.core.audit import verify_database

    result = asyncio.run(verify_database(_settings().database.url, seal_first=seal_first))
    for problem in result.problems:
        print(f"BROKEN: {problem}", file=sys.stderr)
    print(
        f"{result.sealed} records sealed, {result.unsealed} awaiting the sealer: "
        + ("chain intact" if result.intact else "CHAIN BROKEN")
    )
    if not result.intact:
        raise typer.Exit(1)


@privacy_app.command("purge")
def privacy_purge() -> None:
    """Remove bank details from the deposits of users erased longer ago than the retention."""
    from datetime import UTC, datetime, timedelta

    from onramp.casework.privacy import purge_expired
    from onramp.core.db import standalone_sessions, unit_of_work

    settings = _settings()

    async def purge() -> int:
        async with (
            standalone_sessions(settings.database.url) as sessions,
            unit_of_work(sessions) as session,
        ):
            return await purge_expired(
                session,
                retention=timedelta(days=settings.privacy.retention_days),
                now=datetime.now(UTC),
            )

    print(f"{asyncio.run(purge())} deposits pseudonymised")


def _operator() -> str:
    """Who ran a key-management command, for the audit log."""
    import getpass

    return f"cli:{getpass.getuser()}"


def _run_key_command(operation: str, purpose: str = "") -> str:
    from onramp.core.db import standalone_sessions, unit_of_work
    from onramp.core.errors import OnrampError
    from onramp.core.keys import Hsm, create_data_key, rotate_kek

    settings = _settings()

    async def run() -> str:
        hsm = await asyncio.to_thread(Hsm.connect, settings.hsm)
        async with (
            standalone_sessions(settings.database.url) as sessions,
            unit_of_work(sessions) as session,
        ):
            if operation == "rotate-kek":
                done = await rotate_kek(session, hsm, actor=_operator())
                return (
                    f"KEK {done.new_kek} wraps all {done.rewrapped} data keys "
                    f"(was {', '.join(done.old_keks) or 'none'}); no row re-encrypted"
                )
            key = await create_data_key(session, hsm, purpose=purpose, actor=_operator())
            return (
                f"data key {key.id} ({purpose}) is active for new writes; older keys still "
                "open what they sealed. Running APIs pick it up within "
                f"{settings.hsm.keyring_refresh_seconds:g}s."
            )

    try:
        return asyncio.run(run())
    except OnrampError as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc


@keys_app.command("rotate-kek")
def keys_rotate_kek() -> None:
    """Generate a new key-encryption key in the HSM and re-wrap every data key with it."""
    print(_run_key_command("rotate-kek"))


@keys_app.command("new-data-key")
def keys_new_data_key(
    purpose: Annotated[str, typer.Option(help="pii (the blind-index key is fixed)")] = "pii",
) -> None:
    """Create a new active data key; existing rows keep theirs (no re-encryption)."""
    print(_run_key_command("new-data-key", purpose))


@keys_app.command("new-payout-key")
def keys_new_payout_key(
    label: Annotated[str, typer.Option(help="The key's label in the token")] = "onramp-payout",
) -> None:
    """Generate a secp256k1 payout key in the HSM (sensitive, never extractable). Grant the
    vault's payout role to its address, send it gas, then set ONRAMP_CHAIN__SIGNER=hsm and
    ONRAMP_CHAIN__PAYOUT_KEY_ID."""
    from onramp.chain.hsm_signer import generate_secp256k1_key
    from onramp.core.errors import OnrampError
    from onramp.core.keys import Hsm

    settings = _settings()
    try:
        key_id, address = generate_secp256k1_key(Hsm.connect(settings.hsm), label)
    except OnrampError as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc
    print(f"key id   {key_id}")
    print(f"address  {address}")
    if settings.database.url:
        asyncio.run(_audit_key_made(settings, key_id=key_id, address=address, label=label))
        print("recorded in the audit log")
    else:
        print("no database configured: not recorded in the audit log", file=sys.stderr)


async def _audit_key_made(settings: Settings, *, key_id: str, address: str, label: str) -> None:
    import getpass

    from onramp.core.audit import record
    from onramp.core.db import standalone_sessions, unit_of_work

    async with (
        standalone_sessions(settings.database.url) as sessions,
        unit_of_work(sessions) as session,
    ):
        await record(
            session,
            actor=f"cli:{getpass.getuser()}",
            action="keys.signing_key_generated",
            entity_type="hsm_key",
            entity_id=key_id,
            data={"address": address, "label": label, "token": settings.hsm.token_label},
        )


@users_app.command("create-admin")
def users_create_admin(
    email: Annotated[str, typer.Option(help="The administrator's email address")],
    full_name: Annotated[str, typer.Option(help="The administrator's name")],
) -> None:
    """Create the first administrator (refused once any admin exists). The password is read
    from ONRAMP_ADMIN_PASSWORD or asked for; the admin enrols MFA at first login."""
    import getpass
    from datetime import UTC, datetime

    from onramp.core.db import standalone_sessions, unit_of_work
    from onramp.core.errors import OnrampError
    from onramp.core.keys import install_keyring, open_keyring
    from onramp.identity.bootstrap import create_first_admin

    settings = _settings()
    password = os.environ.get("ONRAMP_ADMIN_PASSWORD") or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )

    async def create() -> uuid.UUID:
        async with (
            standalone_sessions(settings.database.url) as sessions,
        ):
            # The admin's email and name are stored sealed: the HSM's keys are needed.
            install_keyring(await open_keyring(sessions, settings.hsm))
            async with unit_of_work(sessions) as session:
                user = await create_first_admin(
                    session,
                    email=email,
                    password=password,
                    full_name=full_name,
                    operator=getpass.getuser(),
                    now=datetime.now(UTC),
                )
                return user.id

    try:
        user_id = asyncio.run(create())
    except OnrampError as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc
    print(
        f"admin {user_id} created. Log in, enrol an authenticator app (POST /v1/me/mfa/totp), "
        "then log in again with it: staff routes need a second factor."
    )


@orders_app.command("show")
def orders_show(order_id: uuid.UUID) -> None:
    """Print an order, its state history and its payout."""
    from onramp import chain, orders
    from onramp.core.db import standalone_sessions, unit_of_work

    async def show() -> None:
        async with (
            standalone_sessions(_settings().database.url) as sessions,
            unit_of_work(sessions) as session,
        ):
            order = await orders.get_order(session, order_id=order_id, customer_id=None)
            print(f"order {order.id}  customer {order.customer_id}  state {order.state}")
            for h in await orders.history_of(session, order.id):
                print(
                    f"  {h.at.isoformat()}  {h.from_state or '-':>16} -> {h.to_state}",
                    h.reason or "",
                )
            payout = await chain.payout_for_order(session, order.id)
            if payout:
                print(
                    f"payout {payout.amount} USDC to {payout.to_address}: {payout.status} "
                    f"tx {payout.tx_hash} block {payout.block_number}"
                )

    from onramp.core.errors import OnrampError

    try:
        asyncio.run(show())
    except OnrampError as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc


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
