"""Key management against the real SoftHSM2 token of the stack, on a scratch database (so the
shared database keeps its data keys): the KEK never leaves the token; rotation re-wraps data keys
and leaves every sealed row as it was; a new data key takes over new writes only."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pkcs11
import pytest
from fastapi.testclient import TestClient
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.exceptions import AttributeSensitive, KeyUnextractable
from pydantic import SecretStr
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.audit import AuditRecord
from onramp.core.db import standalone_sessions, unit_of_work
from onramp.core.db.migrate import upgrade
from onramp.core.keys import (
    PII,
    BlindIndexKeyFixed,
    Hsm,
    HsmNotConfigured,
    HsmUnavailable,
    Keyring,
    create_data_key,
    install_keyring,
    keep_keyring_fresh,
    load_keyring,
    open_keyring,
    process_keyring,
    rotate_kek,
)
from onramp.core.keys.envelope import field_context, key_id_of
from onramp.core.keys.models import DataKey as DataKeyRow
from onramp.core.keys.store import UnknownKeyPurpose
from onramp.core.settings import HsmSettings
from onramp.devstack.stack import Stack
from onramp.identity.models import User
from onramp.runtime.app import create_app


@pytest.fixture
async def scratch(
    infra: Stack, scratch_database: str
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await asyncio.to_thread(upgrade, scratch_database, settings=infra.settings)
    async with standalone_sessions(scratch_database) as sessions:
        yield sessions


@contextmanager
def using(keyring: Keyring) -> Iterator[None]:
    """This process seals with ``keyring`` for a while (then the stack's keyring again)."""
    previous = process_keyring()
    install_keyring(keyring)
    try:
        yield
    finally:
        install_keyring(previous)


async def _add_user(sessions: async_sessionmaker[AsyncSession], email: str) -> uuid.UUID:
    user = User(id=uuid.uuid4(), password_hash="!", role="customer")
    user.email, user.full_name = email, "Ada Lovelace"
    async with unit_of_work(sessions) as session:
        session.add(user)
    return user.id


async def _raw_users(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[bytes, ...]]:
    async with unit_of_work(sessions) as session:
        rows = await session.execute(
            text("SELECT email_sealed, email_index, full_name_sealed FROM users ORDER BY id")
        )
        return [tuple(r) for r in rows]


def test_the_kek_is_generated_in_the_token_and_cannot_be_read_or_wrapped_out(
    infra: Stack,
) -> None:
    hsm = Hsm.connect(infra.settings.hsm)
    label = hsm.current_kek()
    with hsm.session() as session:
        kek = session.get_key(ObjectClass.SECRET_KEY, KeyType.AES, label=label)
        assert kek[Attribute.EXTRACTABLE] is False
        assert kek[Attribute.SENSITIVE] is True
        assert kek[Attribute.NEVER_EXTRACTABLE] is True
        assert kek[Attribute.LOCAL] is True  # generated inside the token, never imported
        assert kek[Attribute.ID] == label.encode()
        with pytest.raises(AttributeSensitive):
            kek[Attribute.VALUE]
        assert isinstance(kek, pkcs11.types.WrapMixin)
        with pytest.raises(KeyUnextractable):
            kek.wrap_key(kek, mechanism=Mechanism.AES_KEY_WRAP_PAD)


async def test_rotation_rewraps_every_data_key_and_leaves_the_rows_alone(
    infra: Stack, scratch: async_sessionmaker[AsyncSession]
) -> None:
    hsm = await asyncio.to_thread(Hsm.connect, infra.settings.hsm)
    keyring = await open_keyring(scratch, infra.settings.hsm)
    with using(keyring):
        user_id = await _add_user(scratch, f"rot.{uuid.uuid4().hex}@example.com")
    rows_before = await _raw_users(scratch)
    async with unit_of_work(scratch) as session:
        keys_before = {
            k.id: (k.wrapped, k.kek_label) for k in await session.scalars(select(DataKeyRow))
        }

    async with unit_of_work(scratch) as session:
        rotation = await rotate_kek(session, hsm, actor="test")
    assert rotation.rewrapped == len(keys_before) == 2
    assert rotation.new_kek not in rotation.old_keks

    async with unit_of_work(scratch) as session:
        keys_after = {
            k.id: (k.wrapped, k.kek_label) for k in await session.scalars(select(DataKeyRow))
        }
        audited = await session.scalar(
            select(AuditRecord).where(
                AuditRecord.action == "keys.kek_rotated", AuditRecord.entity_id == rotation.new_kek
            )
        )
        reloaded = await load_keyring(session, hsm)
    assert keys_after.keys() == keys_before.keys()
    for key_id, (wrapped, kek_label) in keys_after.items():
        assert kek_label == rotation.new_kek
        assert wrapped != keys_before[key_id][0]
    assert audited is not None
    assert audited.actor == "test"
    assert await _raw_users(scratch) == rows_before  # not one row re-encrypted
    (email_sealed, _, _) = rows_before[0]
    context = field_context("users", "email", user_id)
    assert reloaded.open(email_sealed, context=context).startswith("rot.")


async def test_a_new_data_key_takes_new_writes_and_old_rows_still_open(
    infra: Stack, scratch: async_sessionmaker[AsyncSession]
) -> None:
    hsm = await asyncio.to_thread(Hsm.connect, infra.settings.hsm)
    first = await open_keyring(scratch, infra.settings.hsm)
    with using(first):
        old_id = await _add_user(scratch, "old@example.com")
    async with unit_of_work(scratch) as session:
        new_key = await create_data_key(session, hsm, purpose=PII, actor="test")
        with pytest.raises(BlindIndexKeyFixed):
            await create_data_key(session, hsm, purpose="blind_index", actor="test")
        with pytest.raises(UnknownKeyPurpose):
            await create_data_key(session, hsm, purpose="nonsense", actor="test")
    assert new_key.id != first.active_key_id(PII)

    # A running API picks the new key up by itself (no restart).
    with using(first):
        refresher = asyncio.create_task(
            keep_keyring_fresh(scratch, infra.settings.hsm, interval=0.05)
        )
        try:
            async with asyncio.timeout(10):
                while process_keyring().active_key_id(PII) != new_key.id:
                    await asyncio.sleep(0.05)
        finally:
            refresher.cancel()

    async with unit_of_work(scratch) as session:
        second = await load_keyring(session, hsm)
    with using(second):
        new_id = await _add_user(scratch, "new@example.com")
        async with unit_of_work(scratch) as session:
            old = await session.get(User, old_id)
            new = await session.get(User, new_id)
            assert old is not None
            assert new is not None
            assert old.email == "old@example.com"
            assert new.email == "new@example.com"
            assert key_id_of(old.email_sealed) == first.active_key_id(PII)  # type: ignore[attr-defined]
            assert key_id_of(new.email_sealed) == new_key.id  # type: ignore[attr-defined]


def _hsm_settings(infra: Stack, **changes: object) -> HsmSettings:
    return infra.settings.hsm.model_copy(update=changes)


def test_a_wrong_pin_is_a_clear_error_at_connect(infra: Stack) -> None:
    with pytest.raises(HsmUnavailable, match="refused the PIN") as caught:
        Hsm.connect(_hsm_settings(infra, user_pin=SecretStr("not-the-pin")))
    assert caught.value.code == "hsm_unavailable"


def test_a_missing_token_is_a_clear_error_at_connect(infra: Stack) -> None:
    with pytest.raises(HsmUnavailable, match="no token labelled 'no-such-token'"):
        Hsm.connect(_hsm_settings(infra, token_label="no-such-token"))


def test_a_missing_module_or_pin_is_a_clear_error_at_connect(infra: Stack) -> None:
    with pytest.raises(HsmUnavailable, match="no PKCS#11 module"):
        Hsm.connect(_hsm_settings(infra, module_path=Path("/nonexistent/libpkcs11.so")))
    with pytest.raises(HsmNotConfigured):
        Hsm.connect(_hsm_settings(infra, user_pin=SecretStr("")))


def test_the_api_refuses_to_start_without_a_usable_hsm(infra: Stack) -> None:
    settings = infra.settings.model_copy(
        update={"hsm": _hsm_settings(infra, user_pin=SecretStr("not-the-pin"))}
    )
    with (
        pytest.raises(HsmUnavailable, match="refused the PIN"),
        TestClient(create_app(settings)),
    ):
        pass  # pragma: no cover - start-up fails before any request
