"""``onramp keys``: key-encryption keys in the HSM, data keys, the payout key."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer

from onramp.core.settings import Settings, load_settings

keys_app = typer.Typer(help="Encryption keys: KEKs in the HSM, data keys.", no_args_is_help=True)


def _operator() -> str:
    """Who ran a key-management command, for the audit log."""
    import getpass

    return f"cli:{getpass.getuser()}"


def _run_key_command(operation: str, purpose: str = "") -> str:
    from onramp.core.db import standalone_sessions, unit_of_work
    from onramp.core.errors import OnrampError
    from onramp.core.keys import Hsm, create_data_key, rotate_kek

    settings = load_settings()

    async def run() -> str:
        hsm = await asyncio.to_thread(Hsm.connect, settings.data_key_hsm)
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
                f"{settings.data_key_hsm.keyring_refresh_seconds:g}s."
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
    from onramp.chain import generate_secp256k1_key
    from onramp.core.errors import OnrampError
    from onramp.core.keys import Hsm

    settings = load_settings()
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
