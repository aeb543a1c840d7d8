"""The sandbox bank's webhooks: signature first (HMAC over t.body, with a tolerance), then parse."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from onramp.banking.adapters.base import BankCredit, BankNotice
from onramp.banking.adapters.sandbox import (
    BOOKED_BATCH,
    MAX_WEBHOOK_ENTRIES,
    SIGNATURE_HEADER,
    SandboxBankAdapter,
    signature_for,
)
from onramp.banking.errors import InvalidWebhookSignature, MalformedBankNotification
from onramp.core.errors import InvalidInput, Unauthenticated
from onramp.core.money import Money
from onramp.devstack.bank_sandbox import EVENT_TYPE, sign_payload

SECRET = b"whsec_test_secret"
NOW = datetime(2025, 1, 15, 12, 0, 0, tzinfo=UTC)
T = int(NOW.timestamp())
TOLERANCE = 300
BOOKED = "2025-01-15T11:59:58Z"


def event(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "entry_id": "sbx_0001",
        "amount": "1000.50",
        "currency": "EUR",
        "reference": "RF18 5390 0754 7034",
        "sender_name": "Ada Lovelace",
        "sender_iban": "DE89370400440532013000",
        "account_iban": "NL91ABNA0417164300",
        "booked_at": BOOKED,
    }
    data.update(changes.pop("data", {}))
    body: dict[str, Any] = {"id": "evt_1", "type": EVENT_TYPE, "created_at": BOOKED, "data": data}
    body.update(changes)
    return body


def encode(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def adapter(secret: bytes = SECRET) -> SandboxBankAdapter:
    return SandboxBankAdapter(secret=secret, tolerance_seconds=TOLERANCE)


def signed(body: bytes, *, secret: bytes = SECRET, t: int = T) -> dict[str, str]:
    return {SIGNATURE_HEADER: sign_payload(secret, t, body)}


def parse(headers: dict[str, str], body: bytes, now: datetime = NOW) -> BankNotice:
    return adapter().parse_webhook(headers, body, now=now)


def test_header_name_is_lower_case_of_the_sandbox_header() -> None:
    assert SIGNATURE_HEADER == "sandbank-signature"


def test_sandbox_signer_agrees_with_adapter() -> None:
    body = encode(event())
    header = sign_payload(SECRET, T, body)
    assert header == f"t={T},v1={signature_for(SECRET, T, body)}"
    assert len(header.split("v1=")[1]) == 64


def test_signed_credit_parses() -> None:
    body = encode(event())
    notice = parse(signed(body), body)
    assert notice.event_id == "evt_1"
    assert notice.payload == event()
    assert notice.credits == [
        BankCredit(
            entry_id="sbx_0001",
            amount=Money(100050, "EUR"),
            reference_text="RF18 5390 0754 7034",
            sender_name="Ada Lovelace",
            sender_iban="DE89370400440532013000",
            account_iban="NL91ABNA0417164300",
            booked_at=datetime(2025, 1, 15, 11, 59, 58, tzinfo=UTC),
        )
    ]


def test_money_is_parsed_in_the_notified_currency() -> None:
    body = encode(event(data={"amount": "12345", "currency": "JPY"}))
    (credit,) = parse(signed(body), body).credits
    assert credit.amount == Money(12345, "JPY")


@pytest.mark.parametrize("skew", [-TOLERANCE, 0, TOLERANCE])
def test_timestamps_within_tolerance_are_accepted(skew: int) -> None:
    body = encode(event())
    assert parse(signed(body, t=T + skew), body).credits


def test_other_event_types_give_no_credits() -> None:
    body = encode(event(type="account.updated"))
    notice = parse(signed(body), body)
    assert notice.event_id == "evt_1"
    assert (notice.credits, notice.reversals) == ([], [])
    assert notice.payload["type"] == "account.updated"


def test_return_parses_to_a_reversal_naming_the_original() -> None:
    data = {
        "entry_id": "sbx_ret",
        "original_entry_id": "sbx_orig",
        "amount": "1000.00",
        "currency": "EUR",
        "end_to_end_id": "E2E1",
        "reason": "AC04",
        "account_iban": "DE89370400440532013000",
        "booked_at": "2026-03-02T10:00:00Z",
    }
    body = encode(event(type="credit_transfer.returned", data=data))
    notice = parse(signed(body), body)
    assert notice.credits == []
    (reversal,) = notice.reversals
    assert (reversal.entry_id, reversal.original_entry_id) == ("sbx_ret", "sbx_orig")
    assert (reversal.amount, reversal.return_reason) == (Money(1000_00, "EUR"), "AC04")
    assert reversal.end_to_end_id == "E2E1"


def test_return_without_its_original_is_malformed() -> None:
    body = encode(event(type="credit_transfer.returned", data={"entry_id": "x"}))
    with pytest.raises(MalformedBankNotification):
        parse(signed(body), body)


def rejected(headers: dict[str, str], body: bytes, now: datetime = NOW) -> None:
    with pytest.raises(InvalidWebhookSignature) as info:
        parse(headers, body, now)
    assert info.value.code == "webhook_signature_invalid"
    assert isinstance(info.value, Unauthenticated)


def test_wrong_secret() -> None:
    body = encode(event())
    rejected(signed(body, secret=b"another secret"), body)


def test_tampered_body() -> None:
    body = encode(event())
    headers = signed(body)
    rejected(headers, encode(event(data={"amount": "9000.50"})))
    rejected(headers, body + b" ")


def test_signature_is_bound_to_its_timestamp() -> None:
    body = encode(event())
    mac = signature_for(SECRET, T, body)
    rejected({SIGNATURE_HEADER: f"t={T + 1},v1={mac}"}, body)


def test_missing_header() -> None:
    body = encode(event())
    rejected({}, body)
    rejected({"x-other": sign_payload(SECRET, T, body)}, body)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "garbage",
        "t=,v1=",
        "t=abc,v1=00",
        f"t={T}",  # no v1
        "v1=" + "0" * 64,  # no t
        f"t={T},v1=",
        f"t={T},v1=" + "0" * 64,
        f"t={T};v1=" + "0" * 64,
    ],
)
def test_garbage_header(header: str) -> None:
    rejected({SIGNATURE_HEADER: header}, encode(event()))


@pytest.mark.parametrize("skew", [-TOLERANCE - 1, TOLERANCE + 1, -86_400, 10**6])
def test_timestamp_outside_tolerance(skew: int) -> None:
    body = encode(event())
    rejected(signed(body, t=T + skew), body)


def test_old_capture_is_not_replayable() -> None:
    body = encode(event())
    headers = signed(body)
    assert parse(headers, body).credits
    rejected(headers, body, NOW + timedelta(seconds=TOLERANCE + 1))


def malformed(body: bytes) -> MalformedBankNotification:
    with pytest.raises(MalformedBankNotification) as info:
        parse(signed(body), body)
    assert info.value.code == "bank_notification_malformed"
    assert isinstance(info.value, InvalidInput)
    return info.value


@pytest.mark.parametrize(
    "body", [b"", b"not json", b"{", b'{"id": "evt_1"', "\u00e9".encode("latin-1")]
)
def test_signed_but_not_json(body: bytes) -> None:
    malformed(body)


@pytest.mark.parametrize("body", [b"[]", b"null", b"42", b'"text"', b"{}"])
def test_signed_but_not_an_event(body: bytes) -> None:
    malformed(body)


@pytest.mark.parametrize(
    "field", ["entry_id", "amount", "currency", "reference", "sender_iban", "booked_at"]
)
def test_missing_data_field(field: str) -> None:
    payload = event()
    del payload["data"][field]
    malformed(encode(payload))


@pytest.mark.parametrize("field", ["id", "type", "created_at", "data"])
def test_missing_envelope_field(field: str) -> None:
    payload = event()
    del payload[field]
    malformed(encode(payload))


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "-10.00"},
        {"amount": "10.001"},
        {"amount": "1e3"},
        {"amount": "ten"},
        {"amount": ""},
        {"amount": 10},
        {"currency": "XXX"},
        {"currency": "eur"},
        {"amount": "10.5", "currency": "JPY"},
        {"booked_at": "yesterday"},
    ],
)
def test_bad_values(data: dict[str, Any]) -> None:
    malformed(encode(event(data=data)))


def test_non_ascii_signature_is_invalid_not_a_crash() -> None:
    rejected({SIGNATURE_HEADER: f"t={T},v1=\u00e9"}, encode(event()))


def test_huge_timestamp_is_invalid_not_a_crash() -> None:
    rejected({SIGNATURE_HEADER: "t=" + "9" * 400 + ",v1=00"}, encode(event()))


@pytest.mark.parametrize(
    "data",
    [
        {"sender_name": "Ada\x00Lovelace"},
        {"reference": "RF18\x1b[2J"},
        {"reference": "R" * 4001},
        {"sender_iban": "DE89" * 10},
        {"entry_id": "e" * 201},
    ],
    ids=["NUL", "escape", "reference over its column", "IBAN over 34", "entry id over 200"],
)
def test_a_signed_credit_outside_the_input_rule_is_malformed(data: dict[str, Any]) -> None:
    body = encode(event(data=data))

    with pytest.raises(MalformedBankNotification):
        parse(signed(body), body)


def test_a_nul_anywhere_in_the_document_is_malformed_even_where_no_model_reads() -> None:
    body = encode(event(extra={"note": "\x00"}))

    with pytest.raises(MalformedBankNotification, match=r"\$\.extra\.note"):
        parse(signed(body), body)


# --- batched notifications (credit_transfers.booked) ----------------------------------------------


def batch(*entry_ids: str, **data_changes: Any) -> dict[str, Any]:
    entries = [{**event()["data"], "entry_id": e, **data_changes} for e in entry_ids]
    return {"id": "evt_b", "type": BOOKED_BATCH, "created_at": BOOKED, "data": {"entries": entries}}


def test_a_batch_event_gives_one_credit_per_entry_in_order() -> None:
    body = encode(batch("sbx_1", "sbx_2", "sbx_3"))
    notice = parse(signed(body), body)
    assert notice.event_id == "evt_b"
    assert [c.entry_id for c in notice.credits] == ["sbx_1", "sbx_2", "sbx_3"]
    assert {c.amount for c in notice.credits} == {Money(100050, "EUR")}


def test_a_batch_of_the_most_entries_parses() -> None:
    body = encode(batch(*(f"sbx_{i}" for i in range(MAX_WEBHOOK_ENTRIES))))
    assert len(parse(signed(body), body).credits) == MAX_WEBHOOK_ENTRIES


@pytest.mark.parametrize(
    "payload",
    [
        batch(*(f"sbx_{i}" for i in range(MAX_WEBHOOK_ENTRIES + 1))),  # over the bound
        batch(),  # no entries
        batch("sbx_1", amount="1.001"),  # one bad amount spoils the batch
        {"id": "evt_b", "type": BOOKED_BATCH, "created_at": BOOKED, "data": {"entry_id": "x"}},
    ],
    ids=["too-many", "empty", "bad-amount", "single-shaped"],
)
def test_a_malformed_batch_stores_nothing(payload: dict[str, Any]) -> None:
    body = encode(payload)
    with pytest.raises(MalformedBankNotification):
        parse(signed(body), body)
