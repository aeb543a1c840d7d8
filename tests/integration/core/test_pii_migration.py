"""Migrations 0013 and 0014 seal the personal data already stored; the schema matches the
models."""

from __future__ import annotations

import asyncio
import uuid

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from onramp.core.crypto import SecretBox
from onramp.core.db import standalone_sessions, unit_of_work
from onramp.core.db.migrate import alembic_config, downgrade, upgrade
from onramp.core.keys import Hsm, load_keyring
from onramp.core.keys.envelope import field_context
from onramp.core.settings import Settings
from onramp.devstack.stack import Stack

TOTP_SECRET = b"JBSWY3DPEHPK3PXP"
PEOPLE = [
    (uuid.uuid4(), " Ada@Example.com ", "Ada Lovelace"),
    (uuid.uuid4(), "grace@example.com", "Grace Hopper"),
]
LEGACY_CONTEXT = b"mfa-totp:" + PEOPLE[0][0].bytes


def _legacy_box(settings: Settings) -> SecretBox:
    """What sealed TOTP secrets before 0013: the stack's own legacy key."""
    return SecretBox.from_base64(settings.auth.secrets_key.get_secret_value())


def _before_0013() -> str:
    """The revision 0013 follows (whatever the merge chains it after)."""
    script = ScriptDirectory.from_config(alembic_config(""))
    down = script.get_revision("0013").down_revision
    assert isinstance(down, str)
    return down


async def test_existing_plaintext_rows_are_sealed_and_can_be_unsealed_again(
    infra: Stack, scratch_database: str
) -> None:
    url, settings, before = scratch_database, infra.settings, _before_0013()
    await asyncio.to_thread(upgrade, url, before, settings=settings)
    async with standalone_sessions(url) as sessions:
        async with unit_of_work(sessions) as session:
            for user_id, email, name in PEOPLE:
                await session.execute(
                    text(
                        "INSERT INTO users (id, email, password_hash, full_name) "
                        "VALUES (:id, :e, '!', :n)"
                    ),
                    {"id": user_id, "e": email, "n": name},
                )
            await session.execute(
                text(
                    "INSERT INTO mfa_totp (user_id, secret_sealed, created_at) "
                    "VALUES (:id, :s, now())"
                ),
                {
                    "id": PEOPLE[0][0],
                    "s": _legacy_box(settings).seal(TOTP_SECRET, context=LEGACY_CONTEXT),
                },
            )
            await session.execute(
                text(
                    "INSERT INTO login_throttles (scope, key, failures, last_failure_at) "
                    "VALUES ('account', 'old-sha256', 3, now()), ('ip', '10.0.0.1', 3, now())"
                )
            )

        await asyncio.to_thread(upgrade, url, settings=settings)

        hsm = await asyncio.to_thread(Hsm.connect, settings.hsm)
        async with unit_of_work(sessions) as session:
            keyring = await load_keyring(session, hsm)
            rows = {
                r.id: r
                for r in await session.execute(
                    text("SELECT id, email_sealed, email_index, full_name_sealed FROM users")
                )
            }
            throttles = (await session.execute(text("SELECT scope FROM login_throttles"))).all()
            totp = await session.scalar(text("SELECT secret_sealed FROM mfa_totp"))
        for user_id, email, name in PEOPLE:
            row = rows[user_id]
            normalised = email.strip().lower()
            context = field_context("users", "email", user_id)
            assert keyring.open(row.email_sealed, context=context) == normalised
            assert row.email_index == keyring.blind_index(normalised, domain="users.email")
            name_context = field_context("users", "full_name", user_id)
            assert keyring.open(row.full_name_sealed, context=name_context) == name
            assert normalised.encode() not in row.email_sealed
        assert throttles == [("ip",)]  # counters under the unkeyed hash are gone
        totp_context = field_context("mfa_totp", "secret", PEOPLE[0][0])
        assert keyring.open(totp, context=totp_context) == TOTP_SECRET.decode()

        await asyncio.to_thread(downgrade, url, before, settings=settings)
        async with unit_of_work(sessions) as session:
            result = await session.execute(text("SELECT full_name, email FROM users"))
            back = {name: email for name, email in result}
            totp = await session.scalar(text("SELECT secret_sealed FROM mfa_totp"))
        assert _legacy_box(settings).open(totp, context=LEGACY_CONTEXT) == TOTP_SECRET
        assert back == {name: email.strip().lower() for _, email, name in PEOPLE}


def test_the_migrated_schema_matches_the_models(infra: Stack) -> None:
    """``alembic check``: autogenerate finds nothing left to migrate."""
    command.check(alembic_config(infra.settings.database.url, infra.settings))


async def test_0014_seals_deposit_senders_and_reseals_0011s_secrets(
    infra: Stack, scratch_database: str
) -> None:
    url, settings = scratch_database, infra.settings
    deposit_id, email_id, token_hash = uuid.uuid4(), uuid.uuid4(), b"\x01" * 32
    await asyncio.to_thread(upgrade, url, "0013", settings=settings)
    async with standalone_sessions(url) as sessions:
        async with unit_of_work(sessions) as session:
            await session.execute(
                text(
                    "INSERT INTO deposits (id, bank, bank_entry_id, amount, currency, "
                    "reference_text, sender_name, sender_iban, booked_at, status) VALUES "
                    "(:id, 'sandbox', 'e1', 100, 'EUR', 'RF18', 'Ada Lovelace', "
                    "'gb33 bukb 2020 1555 5555 55', now(), 'matched')"
                ),
                {"id": deposit_id},
            )
            await session.execute(
                text(
                    "INSERT INTO outgoing_emails (id, template, status, attempts, "
                    "next_attempt_at, message_sealed) VALUES "
                    "(:id, 'verify_email', 'queued', 0, now(), :m)"
                ),
                {
                    "id": email_id,
                    "m": _legacy_box(settings).seal(
                        b'{"to": "a@x"}', context=b"outgoing-email:" + email_id.bytes
                    ),
                },
            )
            await session.execute(
                text(
                    "INSERT INTO email_tokens (token_hash, purpose, user_id, created_at, "
                    "expires_at, payload_sealed) VALUES (:h, 'change_email', :u, now(), now(), :p)"
                ),
                {
                    "h": token_hash,
                    "u": uuid.uuid4(),
                    "p": _legacy_box(settings).seal(b"new@x", context=b"email-token:" + token_hash),
                },
            )
        await asyncio.to_thread(upgrade, url, "0014", settings=settings)
        hsm = await asyncio.to_thread(Hsm.connect, settings.hsm)
        async with unit_of_work(sessions) as session:
            keyring = await load_keyring(session, hsm)
            deposit = (
                await session.execute(
                    text(
                        "SELECT sender_name_sealed, sender_iban_sealed, sender_iban_index "
                        "FROM deposits"
                    )
                )
            ).one()
            message = await session.scalar(text("SELECT message_sealed FROM outgoing_emails"))
            payload = await session.scalar(text("SELECT payload_sealed FROM email_tokens"))
        name_context = field_context("deposits", "sender_name", deposit_id)
        assert keyring.open(deposit.sender_name_sealed, context=name_context) == "Ada Lovelace"
        iban_context = field_context("deposits", "sender_iban", deposit_id)
        iban = "GB33BUKB20201555555555"
        assert keyring.open(deposit.sender_iban_sealed, context=iban_context) == iban
        assert deposit.sender_iban_index == keyring.blind_index(iban, domain="bank_account_number")
        email_context = b"outgoing-email:" + email_id.bytes
        assert keyring.open(message, context=email_context) == '{"to": "a@x"}'
        assert keyring.open(payload, context=b"email-token:" + token_hash) == "new@x"

        await asyncio.to_thread(downgrade, url, "0013", settings=settings)
        async with unit_of_work(sessions) as session:
            back = (
                await session.execute(text("SELECT sender_name, sender_iban FROM deposits"))
            ).one()
        assert tuple(back) == ("Ada Lovelace", iban)
