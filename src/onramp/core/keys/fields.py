"""Personal data as model attributes that are stored sealed: one line per field.

::

    class User(Base):
        id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
        email = sealed_str(blind_index="users.email")   # + unique email_index column
        full_name = sealed_str()
        date_of_birth = optional_sealed_str()            # future PII: one line each
        phone = optional_sealed_str()

``user.full_name`` reads the plaintext and ``user.full_name = "Ada"`` writes it; the table holds
only ``full_name_sealed`` (bytea: see ``envelope.py``), bound to the row's ``id`` and the
column. With ``blind_index`` the field also gets ``<name>_index`` (unique), an HMAC of the
value, so rows are found by equality without decrypting anything: query
``User.email.index_column == User.email.index_of(value)``.

Why a descriptor rather than a SQLAlchemy TypeDecorator: a TypeDecorator sees a value, never
its row, so it cannot bind the ciphertext to the row id; and the descriptor declares its own
columns (in ``__set_name__``, before declarative mapping runs), which keeps adding a field to
one line. Values are sealed with the process keyring (``install_keyring`` at start-up).
"""

from __future__ import annotations

import uuid
from typing import Any, Generic, TypeVar, cast, overload

from sqlalchemy import LargeBinary
from sqlalchemy.orm import mapped_column
from sqlalchemy.sql.elements import ColumnElement

from onramp.core.db import Base, row_dict
from onramp.core.keys.envelope import BLIND_INDEX_BYTES, field_context
from onramp.core.keys.keyring import process_keyring

T = TypeVar("T", str, str | None)


class Sealed(Generic[T]):
    def __init__(
        self,
        *,
        nullable: bool,
        blind_index: str | None = None,
        row_id: str = "id",
        unique: bool = True,
    ) -> None:
        self.nullable = nullable
        self.blind_index = blind_index
        self.unique = unique
        self.row_id = row_id
        self.name = ""
        self.table = ""
        self._owner: type[Any] = object

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name, self.table, self._owner = name, owner.__tablename__, owner
        setattr(owner, self.sealed_key, mapped_column(LargeBinary, nullable=self.nullable))
        if self.blind_index:
            setattr(
                owner,
                self.index_key,
                mapped_column(
                    LargeBinary(BLIND_INDEX_BYTES),
                    nullable=self.nullable,
                    unique=self.unique,
                    index=not self.unique,
                ),
            )

    @property
    def sealed_key(self) -> str:
        return f"{self.name}_sealed"

    @property
    def index_key(self) -> str:
        return f"{self.name}_index"

    def _owner_attribute(self, key: str) -> ColumnElement[bytes]:
        return cast(ColumnElement[bytes], getattr(self._owner, key))

    @property
    def index_column(self) -> ColumnElement[bytes]:
        """For queries: ``select(User).where(User.email.index_column == ...)``."""
        return self._owner_attribute(self.index_key)

    @property
    def sealed_column(self) -> ColumnElement[bytes]:
        return self._owner_attribute(self.sealed_key)

    def index_of(self, value: str) -> bytes:
        assert self.blind_index, f"{self.table}.{self.name} has no blind index"
        return process_keyring().blind_index(value, domain=self.blind_index)

    def column_values(self, row_id: uuid.UUID, value: T) -> dict[str, bytes | None]:
        """The stored columns for ``value`` in row ``row_id`` (for Core inserts)."""
        if value is None:
            return dict.fromkeys([self.sealed_key, *([self.index_key] if self.blind_index else [])])
        context = field_context(self.table, self.name, row_id)
        values: dict[str, bytes | None] = {
            self.sealed_key: process_keyring().seal(value, context=context)
        }
        if self.blind_index:
            values[self.index_key] = self.index_of(value)
        return values

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Sealed[T]: ...

    @overload
    def __get__(self, obj: object, owner: type[Any]) -> T: ...

    def __get__(self, obj: object | None, owner: type[Any]) -> Sealed[T] | T:
        if obj is None:
            return self
        sealed: bytes | None = getattr(obj, self.sealed_key)
        if sealed is None:
            return cast(T, None)
        row_id: uuid.UUID = getattr(obj, self.row_id)
        return process_keyring().open(sealed, context=field_context(self.table, self.name, row_id))

    def __set__(self, obj: object, value: T) -> None:
        row_id: uuid.UUID | None = getattr(obj, self.row_id)
        if row_id is None:
            raise ValueError(
                f"set {type(obj).__name__}.{self.row_id} before {self.name}: it is sealed to it"
            )
        for key, stored in self.column_values(row_id, value).items():
            setattr(obj, key, stored)


def sealed_str(
    *, blind_index: str | None = None, row_id: str = "id", unique: bool = True
) -> Sealed[str]:
    """A required text field stored sealed; ``blind_index`` names its HMAC domain (fields with
    the same domain can be compared, e.g. a deposit's sender IBAN with saved accounts) and
    ``unique`` says whether two rows may share a value; ``row_id`` is the (UUID) attribute the
    ciphertext is bound to, the primary key."""
    return Sealed[str](nullable=False, blind_index=blind_index, row_id=row_id, unique=unique)


def optional_sealed_str(
    *, blind_index: str | None = None, row_id: str = "id", unique: bool = True
) -> Sealed[str | None]:
    return Sealed[str | None](nullable=True, blind_index=blind_index, row_id=row_id, unique=unique)


def sealed_fields(model: type[Any]) -> dict[str, Sealed[Any]]:
    """The sealed attributes of a model class, by name."""
    return {
        name: value
        for klass in reversed(model.__mro__)
        for name, value in vars(klass).items()
        if isinstance(value, Sealed)
    }


def sealed_column_keys(model: type[Any]) -> frozenset[str]:
    """The stored (ciphertext and index) attribute keys, e.g. to leave out of exports."""
    keys: set[str] = set()
    for field in sealed_fields(model).values():
        keys.add(field.sealed_key)
        if field.blind_index:
            keys.add(field.index_key)
    return frozenset(keys)


def plaintext_fields(row: object) -> dict[str, Any]:
    """The row's sealed attributes, opened (for the owner's own data export)."""
    return {name: getattr(row, name) for name in sealed_fields(type(row))}


def opened_row(row: Base, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """``row_dict`` with sealed columns replaced by their plaintext: for the data owner's own
    export or view, never for logs or the audit trail."""
    return {
        **row_dict(row, exclude=sealed_column_keys(type(row)) | exclude),
        **plaintext_fields(row),
    }
