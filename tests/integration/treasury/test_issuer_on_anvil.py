"""The issuer sandbox as a process, minting TestUSDC on the session's anvil with a minter key of
its own: a mint raises the vault's balance by exactly the amount, a key mints once even across
a crash, a changed notification is refused, a redeem lowers the cold Safe's balance."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain.artifacts import load_artifact
from onramp.chain.contracts.deploy import usdc_balance
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.devstack.cold_safe_sender import ColdSafeSender
from onramp.devstack.issuer_sandbox import IssuerSandbox, start_issuer_sandbox_on
from onramp.devstack.stack import Stack
from onramp.ledger import balance_of, chain_account
from onramp.treasury.issuer import (
    CircleMintIssuer,
    IssuerFlow,
    SandboxMockWire,
    apply_notice,
    build_issuer,
    request_mint,
    request_redeem,
    wire_account_details,
)
from onramp.treasury.issuer.base import IssuerTransfer
from onramp.treasury.issuer.errors import InvalidIssuerWebhookSignature
from onramp.treasury.issuer.service import Status, record_step

# anvil's test account #4: not the dev stack's issuer minter (#6), so both may run at once
# against the session's chain without racing for nonces.
TEST_MINTER_KEY = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a"


class _Hooks(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        type(self).received.append((dict(self.headers.items()), self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@dataclass
class Sandmint:
    sandbox: IssuerSandbox
    issuer: CircleMintIssuer
    hooks: list[tuple[dict[str, str], bytes]]


@pytest.fixture(scope="module")
def sandmint(infra: Stack) -> Iterator[Sandmint]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hooks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state_dir = Path(tempfile.mkdtemp(prefix="onramp-issuer-"))
    receiver = f"http://127.0.0.1:{server.server_address[1]}"
    sandbox = start_issuer_sandbox_on(
        state_dir, infra.settings, api_url=receiver, minter_key=TEST_MINTER_KEY
    )
    config = infra.settings.issuer.model_copy(update={"api_url": sandbox.url})
    try:
        yield Sandmint(sandbox, build_issuer(config), _Hooks.received)
    finally:
        sandbox.stop()
        server.shutdown()
        shutil.rmtree(state_dir, ignore_errors=True)


def flow(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], issuer: CircleMintIssuer
) -> IssuerFlow:
    chain = infra.settings.chain
    return IssuerFlow(
        sessions,
        issuer,
        wire_account=wire_account_details(infra.settings.issuer),
        wire=SandboxMockWire(issuer),
        usdc=ColdSafeSender(chain.rpc_url, chain.usdc_address, cold_safe(infra)),
        poll_seconds=0.1,
        timeout_seconds=60,
    )


def cold_safe(infra: Stack) -> str:
    assert infra.treasury is not None
    return infra.treasury.cold_safe


def cold_usdc(infra: Stack) -> Money:
    chain = infra.settings.chain
    return Money(usdc_balance(chain.rpc_url, chain.usdc_address, cold_safe(infra)), "USDC")


def vault_usdc(infra: Stack) -> Money:
    chain = infra.settings.chain
    return Money(usdc_balance(chain.rpc_url, chain.usdc_address, chain.vault_address), "USDC")


async def mint(
    sessions: async_sessionmaker[AsyncSession], infra: Stack, amount: Money, key: str
) -> uuid.UUID:
    async with unit_of_work(sessions) as session:
        operation = await request_mint(
            session,
            issuer="circle",
            amount=amount,
            destination=infra.settings.chain.vault_address,
            idempotency_key=key,
            requested_by="test",
        )
    return operation.id


async def test_a_mint_raises_the_vault_balance_by_exactly_the_amount(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], sandmint: Sandmint
) -> None:
    before = vault_usdc(infra)
    booked_before = await booked(sessions, "vault")
    amount = Money.parse("1000.00", "USDC")
    operation_id = await mint(sessions, infra, amount, f"test-mint-{uuid.uuid4()}")
    done = await flow(infra, sessions, sandmint.issuer).run(operation_id)
    assert await booked(sessions, "vault") - booked_before == amount
    assert done.status == "completed", done
    assert done.tx_hash is not None
    assert done.transfer_id is not None
    assert vault_usdc(infra) - before == amount
    transfer = await sandmint.issuer.get_transfer(done.transfer_id)
    assert transfer.transaction_hash == done.tx_hash
    receipt = httpx.post(
        infra.settings.chain.rpc_url,
        json={
            "jsonrpc": "2.0",
            "id": 1,
            "method": "eth_getTransactionReceipt",
            "params": [done.tx_hash],
        },
    ).json()["result"]
    assert int(receipt["status"], 16) == 1


class CrashAfterTransfer:
    """The issuer, but the process 'dies' right after the issuer accepted the transfer, before
    the operation could record it."""

    def __init__(self, issuer: CircleMintIssuer) -> None:
        self._issuer = issuer

    def __getattr__(self, name: str) -> object:
        return getattr(self._issuer, name)

    async def create_transfer(
        self, *, recipient_id: str, amount: Money, idempotency_key: str
    ) -> IssuerTransfer:
        await self._issuer.create_transfer(
            recipient_id=recipient_id, amount=amount, idempotency_key=idempotency_key
        )
        raise ConnectionResetError("crashed after the issuer accepted the transfer")


async def test_one_idempotency_key_mints_once_even_across_a_crash(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], sandmint: Sandmint
) -> None:
    before = vault_usdc(infra)
    amount = Money.parse("250.50", "USDC")
    key = f"test-mint-{uuid.uuid4()}"
    operation_id = await mint(sessions, infra, amount, key)
    crashing = flow(infra, sessions, CrashAfterTransfer(sandmint.issuer))  # type: ignore[arg-type]
    with pytest.raises(ConnectionResetError):
        await crashing.run(operation_id)
    # A restart resumes the stored operation; the caller retrying its request gets it too.
    assert await mint(sessions, infra, amount, key) == operation_id
    done = await flow(infra, sessions, sandmint.issuer).run(operation_id)
    again = await flow(infra, sessions, sandmint.issuer).run(operation_id)
    assert done.status == again.status == "completed"
    assert again.tx_hash == done.tx_hash
    assert vault_usdc(infra) - before == amount


async def test_a_changed_or_unsigned_notification_is_refused(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], sandmint: Sandmint
) -> None:
    operation_id = await mint(sessions, infra, Money.parse("5.00", "USDC"), f"t-{uuid.uuid4()}")
    done = await flow(infra, sessions, sandmint.issuer).run(operation_id)
    assert done.transfer_id is not None
    transfer_id = done.transfer_id.encode()
    deadline = time.monotonic() + 10
    while not any(transfer_id in body for _, body in sandmint.hooks):
        assert time.monotonic() < deadline, "the sandbox never notified the finished transfer"
        await asyncio.sleep(0.05)
    headers, body = [(h, b) for h, b in sandmint.hooks if transfer_id in b][-1]
    now = datetime.now(UTC)
    notice = sandmint.issuer.parse_notification(headers, body, now=now)
    assert notice.transfer is not None
    assert notice.transfer.status == "complete"
    async with unit_of_work(sessions) as session:
        assert await apply_notice(session, notice) is None  # already completed: no change
    with pytest.raises(InvalidIssuerWebhookSignature):
        sandmint.issuer.parse_notification(headers, body.replace(b"5.00", b"5000.00"), now=now)
    forged = CircleMintIssuer(base_url="", api_key="", webhook_secret=b"another-secret")
    with pytest.raises(InvalidIssuerWebhookSignature):
        forged.parse_notification(headers, body, now=now)


async def test_a_redeem_lowers_the_cold_safe_balance_and_burns_the_usdc(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], sandmint: Sandmint
) -> None:
    chain = infra.settings.chain
    before = cold_usdc(infra)
    booked_before = await cold_booked(sessions)
    supply_before = total_supply(chain.rpc_url, chain.usdc_address)
    amount = Money.parse("400.00", "USDC")
    async with unit_of_work(sessions) as session:
        operation = await request_redeem(
            session,
            issuer="circle",
            amount=amount,
            idempotency_key=f"test-redeem-{uuid.uuid4()}",
            requested_by="test",
        )
    done = await flow(infra, sessions, sandmint.issuer).run(operation.id)
    assert done.status == "completed", done
    assert before - cold_usdc(infra) == amount
    assert booked_before - await cold_booked(sessions) == amount  # the books follow the chain
    # Burned: gone from the supply, not parked somewhere.
    assert supply_before - total_supply(chain.rpc_url, chain.usdc_address) == amount.minor
    assert done.payout_id is not None
    payout = await sandmint.issuer.get_payout(done.payout_id)
    assert (payout.status, payout.amount) == ("complete", amount)


async def test_a_transfer_the_issuer_fails_fails_the_mint_and_mints_nothing(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], sandmint: Sandmint
) -> None:
    before = vault_usdc(infra)
    magic = Money.parse("13.13", "USDC")  # Sandmint fails a transfer of exactly this
    operation_id = await mint(sessions, infra, magic, f"test-mint-{uuid.uuid4()}")
    done = await flow(infra, sessions, sandmint.issuer).run(operation_id)
    assert (done.status, done.error_code) == ("failed", "transfer_failed")
    assert vault_usdc(infra) == before


async def test_a_redeem_interrupted_while_sending_goes_to_review_not_sent_again(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], sandmint: Sandmint
) -> None:
    before = cold_usdc(infra)
    async with unit_of_work(sessions) as session:
        operation = await request_redeem(
            session,
            issuer="circle",
            amount=Money.parse("10.00", "USDC"),
            idempotency_key=f"test-redeem-{uuid.uuid4()}",
            requested_by="test",
        )
        # A process recorded "sending" and died: did the USDC leave? Nobody knows yet.
        await record_step(session, operation.id, Status.USDC_SENDING)
    done = await flow(infra, sessions, sandmint.issuer).run(operation.id)
    assert (done.status, done.error_code) == ("needs_review", "interrupted_while_sending")
    assert cold_usdc(infra) == before


def total_supply(rpc_url: str, usdc: str) -> int:
    w3 = Web3(Web3.HTTPProvider(rpc_url))
    token = w3.eth.contract(
        address=Web3.to_checksum_address(usdc), abi=load_artifact("TestUSDC").abi
    )
    return int(token.functions.totalSupply().call())


async def booked(sessions: async_sessionmaker[AsyncSession], wallet: str) -> Money:
    async with unit_of_work(sessions) as session:
        return await balance_of(session, chain_account(wallet))


async def cold_booked(sessions: async_sessionmaker[AsyncSession]) -> Money:
    return await booked(sessions, "cold")
