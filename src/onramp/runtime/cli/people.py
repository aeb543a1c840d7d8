"""``onramp users`` and ``onramp privacy``: the first administrator, the retention purge."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from typing import Annotated

import typer

from onramp.core.settings import load_settings

privacy_app = typer.Typer(help="Personal data (GDPR).", no_args_is_help=True)
users_app = typer.Typer(help="Accounts.", no_args_is_help=True)


@privacy_app.command("purge")
def privacy_purge() -> None:
    """Remove bank details from the deposits of users erased longer ago than the retention."""
    from datetime import UTC, datetime, timedelta

    from onramp.casework import purge_expired
    from onramp.core.db import standalone_sessions, unit_of_work

    settings = load_settings()

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
    from onramp.identity import create_first_admin

    settings = load_settings()
    password = os.environ.get("ONRAMP_ADMIN_PASSWORD") or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )

    async def create() -> uuid.UUID:
        async with (
            standalone_sessions(settings.database.url) as sessions,
        ):
            # The admin's email and name are stored sealed: the HSM's keys are needed.
            install_keyring(await open_keyring(sessions, settings.data_key_hsm))
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
