"""The bank sandbox's returns and statement files: a return is its own signed webhook and
booking; camt.053/054 list what was booked with the webhook's ids, balances that add up, and
land in the drop folder atomically."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest_asyncio

from onramp.banking.formats import Direction, parse_camt, parse_statement
from onramp.devstack.bank_sandbox import RETURN_EVENT_TYPE, create_app
from tests.unit.devstack.test_bank_sandbox_app import (
    ACCOUNT,
    FAST,
    SECRET,
    Hooks,
    Sandbox,
    events_for,
    transfer,
)


@pytest_asyncio.fixture
async def bank(tmp_path: Path) -> AsyncIterator[Sandbox]:
    hooks = Hooks()
    app = create_app(
        webhook_url="http://operator.test/webhooks/bank",
        webhook_secret=SECRET,
        account_iban=ACCOUNT,
        retry=FAST,
        transport=httpx.MockTransport(hooks.handler),
        drop_dir=tmp_path / "drop",
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbank.test") as c:
            yield Sandbox(client=c, hooks=hooks)


async def test_return_books_a_debit_and_sends_its_own_signed_event(bank: Sandbox) -> None:
    entry = (await bank.client.post("/transfers", json=transfer(amount="80.00"))).json()
    response = await bank.client.post(f"/transfers/{entry['id']}/return", json={"reason": "AC04"})
    assert response.status_code == 202
    returned = response.json()
    assert returned["id"] != entry["id"]
    assert (returned["returns"], returned["reason"]) == (entry["id"], "AC04")
    await bank.hooks.wait_for(lambda rs: len(events_for(rs, returned["id"])) == 1)
    (request,) = events_for(bank.hooks.received, returned["id"])
    event = json.loads(request.content)
    assert event["type"] == RETURN_EVENT_TYPE
    assert event["data"]["original_entry_id"] == entry["id"]
    assert event["data"]["end_to_end_id"] == entry["end_to_end_id"]
    assert (event["data"]["amount"], event["data"]["reason"]) == ("80.00", "AC04")
    original = (await bank.client.get(f"/transfers/{entry['id']}")).json()
    assert (original["status"], original["returned_by"]) == ("returned", returned["id"])
    assert (await bank.client.get("/account")).json()["balances"] == {"EUR": "0.00"}


async def test_a_transfer_is_returned_once_with_a_valid_reason(bank: Sandbox) -> None:
    entry = (await bank.client.post("/transfers", json=transfer())).json()
    bad = await bank.client.post(f"/transfers/{entry['id']}/return", json={"reason": "nope"})
    assert bad.status_code == 422
    first = await bank.client.post(f"/transfers/{entry['id']}/return", json={"reason": "MD07"})
    again = await bank.client.post(f"/transfers/{entry['id']}/return", json={"reason": "MD07"})
    assert (first.status_code, again.status_code) == (202, 409)
    assert again.json()["code"] == "already_returned"
    missing = await bank.client.post("/transfers/sbx_none/return", json={"reason": "AC04"})
    assert missing.status_code == 404


async def test_end_of_day_statement_lists_the_bookings_with_the_webhook_ids(bank: Sandbox) -> None:
    a = (await bank.client.post("/transfers", json=transfer(amount="100.00"))).json()
    b = (await bank.client.post("/transfers", json=transfer(amount="20.00"))).json()
    r = (await bank.client.post(f"/transfers/{b['id']}/return", json={"reason": "AC04"})).json()
    today = datetime.now(UTC).date().isoformat()

    response = await bank.client.get("/statements/camt.053", params={"date": today})

    assert response.status_code == 200
    doc = parse_camt(response.content)
    assert (doc.message, doc.version, doc.account) == ("camt.053", "camt.053.001.08", ACCOUNT)
    assert [e.key for e in doc.entries] == [a["id"], b["id"], r["id"]]
    s = parse_statement(response.content)
    assert [e.direction for e in s.entries] == [Direction.CREDIT, Direction.CREDIT, Direction.DEBIT]
    assert s.entries[2].takes_back_credit
    assert s.entries[2].end_to_end_id == b["end_to_end_id"]
    assert b'<Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt>' in response.content
    assert b'<Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">100.00</Amt>' in response.content
    yesterday = await bank.client.get("/statements/camt.053", params={"date": "2020-01-01"})
    assert parse_camt(yesterday.content).entries == ()


async def test_notification_since_a_moment_and_the_drop_folder(
    bank: Sandbox, tmp_path: Path
) -> None:
    (await bank.client.post("/transfers", json=transfer(amount="1.00"))).json()
    moment = datetime.now(UTC).isoformat()
    later = (await bank.client.post("/transfers", json=transfer(amount="2.00"))).json()

    notified = await bank.client.get("/notifications/camt.054", params={"since": moment})
    doc = parse_camt(notified.content)
    assert [(e.key, e.amount) for e in doc.entries] == [(later["id"], Decimal("2.00"))]

    dropped = await bank.client.post("/drops/camt.054", params={"since": moment})
    assert dropped.status_code == 201
    path = Path(dropped.json()["path"])
    assert path.parent == tmp_path / "drop"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no .tmp left behind
    assert parse_camt(path.read_bytes()).entries[0].key == later["id"]
