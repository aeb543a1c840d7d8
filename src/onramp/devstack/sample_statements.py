"""The sample customers' deposits as bank statements, one file per format onramp reads
(camt.053, camt.054, MT940, BAI2): each pays an order the customer places for it, so importing
the files (the drop folder, or ``onramp bank import``) matches four deposits.

A reference exists only once an order is placed, so the orders are placed here, through the API
as the customers would. Idempotent: an order of the format's amount that is open or done is
reused, and its statement is written from the order alone (the booking id, the dates and the
message id derive from it), so a second run writes the same bytes, which import nothing new.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from onramp.banking import creditor_reference_for_order, format_creditor_reference
from onramp.devstack.bank_sandbox_camt import CamtBooking, write_camt
from onramp.devstack.samples import SamplesFailed, _check
from onramp.devstack.statement_writers import write_bai2, write_mt940

# An order that can no longer take a deposit: a new one is placed in its stead.
_DEAD = frozenset({"expired", "failed", "rejected", "cancelled"})
SENDER_IBAN = "GB33BUKB20201555555555"  # the customers' own (sample) bank account
_MESSAGE_TAG = {"camt.053": "053", "camt.054": "054", "mt940": "940", "bai2": "BAI"}


@dataclass(frozen=True)
class Planned:
    format: str
    email: str
    amount: str  # EUR: each format's order has its own amount, how a rerun finds it
    suffix: str


PLAN = (
    Planned("camt.053", "ada.approved@samples.example.com", "120.00", ".xml"),
    Planned("camt.054", "ada.approved@samples.example.com", "130.00", ".xml"),
    Planned("mt940", "grace.approved@samples.example.com", "140.00", ".sta"),
    Planned("bai2", "grace.approved@samples.example.com", "150.00", ".txt"),
)


@dataclass(frozen=True)
class Written:
    format: str
    email: str
    order_id: str
    entry_id: str
    path: Path
    placed: bool  # a new order (False: an earlier run's)
    changed: bool  # the file's bytes were not there already


@dataclass
class StatementsWritten:
    files: list[Written] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(w.placed or w.changed for w in self.files)


def static_examples() -> dict[str, bytes]:
    """samples/statements/: one file per format paying an example order (no stack has it:
    these show the formats; ``write_statements`` pays real orders)."""
    order_id = uuid.UUID("0b7e4f6a-3c1d-4e2f-9a8b-7c6d5e4f3a2b")
    order: dict[str, Any] = {
        "id": str(order_id),
        "created_at": "2026-03-02T09:30:00+00:00",
        "deposit_instructions": {
            "amount": "250.00",
            "currency": "EUR",
            "reference": format_creditor_reference(creditor_reference_for_order(order_id)),
            "iban": "DE89370400440532013000",
        },
    }
    booking = booking_for(order, "Ada Lovelace")
    account = order["deposit_instructions"]["iban"]
    return {
        f"example-{p.format.replace('.', '')}{p.suffix}": render(p.format, account, booking)
        for p in PLAN
    }


def booking_for(order: dict[str, Any], payer: str) -> CamtBooking:
    """The customer's transfer paying ``order`` as its instructions say, booked when it was
    placed; the booking id (16 characters, MT940's limit) derives from the order."""
    ins = order["deposit_instructions"]
    tag = uuid.UUID(order["id"]).hex[:12].upper()
    return CamtBooking(
        entry_id=f"SMPL{tag}",
        amount=Decimal(ins["amount"]),
        currency=ins["currency"],
        credit=True,
        booked_at=datetime.fromisoformat(order["created_at"]),
        end_to_end_id=f"SAMPLE-{tag}",
        reference=ins["reference"],
        party_name=payer,
        party_iban=SENDER_IBAN,
    )


def render(fmt: str, account: str, booking: CamtBooking) -> bytes:
    """The statement of ``fmt`` reporting ``booking`` alone on ``account``."""
    on, at = booking.booked_at.date(), booking.booked_at.replace(microsecond=0)
    message_id = f"S{booking.entry_id[4:]}{_MESSAGE_TAG[fmt]}"
    writers: dict[str, Callable[[], bytes]] = {
        "camt.053": lambda: write_camt(
            "camt.053", message_id=message_id, created_at=at, account_iban=account,
            currency=booking.currency, bookings=[booking], opening=Decimal(0), on=on,
        ),
        "camt.054": lambda: write_camt(
            "camt.054", message_id=message_id, created_at=at, account_iban=account,
            currency=booking.currency, bookings=[booking],
        ),
        "mt940": lambda: write_mt940(
            message_id=message_id, account=account, currency=booking.currency,
            bookings=[booking], opening=Decimal(0), on=on,
        ),
        "bai2": lambda: write_bai2(
            file_id=message_id, sender="SAMPLEBANK", receiver="ONRAMP", account=account,
            currency=booking.currency, bookings=[booking], opening=Decimal(0), on=on,
            created_at=at,
        ),
    }  # fmt: skip
    return writers[fmt]()


def _signed_in(
    api: httpx.Client,
    email: str,
    password: str,
    submission: dict[str, Any],
    *,
    timeout: float = 30.0,
) -> None:
    """Signed in as the customer, once the KYC vendor's verdict is in (``samples load``
    submits KYC; the verdict comes by webhook a moment later). An approval past its review
    date (a long-lived stack, or a clock moved on) is submitted again, as the customer would."""
    login = _check(api.post("/v1/auth/login", json={"email": email, "password": password}), 200)
    api.headers["Authorization"] = f"Bearer {login['access_token']}"
    if _check(api.get("/v1/me/kyc"), 200)["case"]["status"] == "expired":
        _check(api.post("/v1/me/kyc", json=submission), 202)
    deadline = time.monotonic() + timeout
    while (status := _check(api.get("/v1/me/kyc"), 200)["case"]["status"]) == "pending":
        if time.monotonic() > deadline:
            raise SamplesFailed(f"{email}: KYC still pending")
        time.sleep(0.2)
    if status != "approved":
        raise SamplesFailed(f"{email}: KYC {status}, not approved")


def _order_for(api: httpx.Client, amount: str) -> tuple[dict[str, Any], bool]:
    """The customer's live order of ``amount`` (the newest), else a new one: and whether new."""
    orders = _check(api.get("/v1/orders", params={"limit": 100}), 200)["data"]
    for order in orders:
        if Decimal(order["source_amount"]) == Decimal(amount) and order["state"] not in _DEAD:
            return order, False
    quote = _check(
        api.post(
            "/v1/quotes",
            json={"source_currency": "EUR", "source_amount": amount, "target_currency": "USDC"},
        ),
        201,
    )
    placed = api.post(
        "/v1/orders",
        json={"quote_id": quote["id"], "source_currency": "EUR", "source_amount": amount},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    return _check(placed, 201), True


def _write(path: Path, data: bytes) -> bool:
    """``data`` into ``path`` whole (a drop folder skips ``.tmp``); False if already there, or
    already imported from it (a drop folder moves what it imported into ``processed/``)."""
    for there in (path, path.parent / "processed" / path.name):
        if there.exists() and there.read_bytes() == data:
            return False
    partial = path.with_name(path.name + ".tmp")
    partial.write_bytes(data)
    partial.replace(path)
    return True


def write_statements(stack: dict[str, Any], samples: Path, out: Path) -> StatementsWritten:
    """Place (or find) the sample customers' orders and write a statement paying each."""
    data = json.loads((samples / "users" / "customers.json").read_text())
    names = {
        p["email"]: f"{p['kyc']['given_names']} {p['kyc']['surname']}"
        for p in data["individuals"]
        if p.get("kyc")
    }
    kyc = {p["email"]: p["kyc"] for p in data["individuals"] if p.get("kyc")}
    out.mkdir(parents=True, exist_ok=True)
    written = StatementsWritten()
    for plan in PLAN:
        with httpx.Client(base_url=stack["api"], timeout=15.0, trust_env=False) as api:
            _signed_in(api, plan.email, data["password"], kyc[plan.email])
            order, placed = _order_for(api, plan.amount)
        booking = booking_for(order, names[plan.email])
        account = order["deposit_instructions"]["iban"]
        path = out / f"sample-{plan.format.replace('.', '')}-{booking.entry_id}{plan.suffix}"
        changed = _write(path, render(plan.format, account, booking))
        written.files.append(
            Written(plan.format, plan.email, order["id"], booking.entry_id, path, placed, changed)
        )
    return written


if __name__ == "__main__":  # regenerate samples/statements/ (tests/unit check they match)
    import sys

    for name, data in static_examples().items():
        (Path(sys.argv[1]) / name).write_bytes(data)
