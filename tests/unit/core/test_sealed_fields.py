"""Sealed model attributes: one line declares the stored columns; reads open, writes seal."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import LargeBinary
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from onramp.core.keys import (
    BLIND_INDEX,
    PII,
    Keyring,
    KeyringNotLoaded,
    install_keyring,
    optional_sealed_str,
    plaintext_fields,
    sealed_column_keys,
    sealed_str,
)
from onramp.core.keys import keyring as keyring_module
from onramp.core.keys.envelope import BLIND_INDEX_BYTES, key_id_of


class _Base(DeclarativeBase):  # not onramp's Base: this table must not reach the migrations
    pass


class Person(_Base):
    __tablename__ = "people"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    email = sealed_str(blind_index="people.email")
    name = sealed_str()
    phone = optional_sealed_str()


@pytest.fixture
def keyring() -> Iterator[Keyring]:
    previous = keyring_module._installed
    installed = Keyring({1: b"\x01" * 32, 2: b"\x02" * 32}, {PII: 1, BLIND_INDEX: 2})
    install_keyring(installed)
    yield installed
    keyring_module._installed = previous


def test_one_line_declares_the_stored_columns() -> None:
    columns = {c.name: c for c in Person.__table__.columns}
    assert set(columns) == {"id", "email_sealed", "email_index", "name_sealed", "phone_sealed"}
    assert all(isinstance(columns[c].type, LargeBinary) for c in set(columns) - {"id"})
    assert columns["email_index"].unique
    assert not columns["name_sealed"].nullable
    assert columns["phone_sealed"].nullable
    assert sealed_column_keys(Person) == {
        "email_sealed",
        "email_index",
        "name_sealed",
        "phone_sealed",
    }


def test_reads_open_and_writes_seal(keyring: Keyring) -> None:
    person = Person(id=uuid.uuid4())
    person.email, person.name, person.phone = "ada@example.com", "Ada", None
    assert person.email == "ada@example.com"
    assert person.name == "Ada"
    assert person.phone is None
    stored = person.email_sealed  # type: ignore[attr-defined]
    assert b"ada" not in stored
    assert key_id_of(stored) == 1
    assert len(person.email_index) == BLIND_INDEX_BYTES  # type: ignore[attr-defined]
    assert person.email_index == Person.email.index_of("ada@example.com")  # type: ignore[attr-defined]
    assert plaintext_fields(person) == {"email": "ada@example.com", "name": "Ada", "phone": None}


def test_a_value_needs_its_row_id_first(keyring: Keyring) -> None:
    with pytest.raises(ValueError, match="set Person.id before name"):
        Person().name = "Ada"


def test_without_a_keyring_the_error_says_what_is_missing() -> None:
    previous = keyring_module._installed
    keyring_module._installed = None
    try:
        with pytest.raises(KeyringNotLoaded, match="open it at start-up"):
            Person(id=uuid.uuid4()).name = "Ada"
    finally:
        keyring_module._installed = previous
