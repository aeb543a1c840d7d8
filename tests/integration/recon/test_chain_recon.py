"""Chain ↔ ledger reconciliation on PostgreSQL and anvil: the vault's payouts read from the chain
by block range against the ledger's payout entries. A clean payout reports nothing; a direct
vault call (USDC out of the vault, no posting) is a chain break with its transaction's hash; a
posting with no event is missing on chain; an amount one base unit off is a mismatch; and a
reorg under the reader's cursor makes it read again.

The shared chain holds every other test's payouts too: each test looks at the breaks of its own
orders and transactions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain import ChainClient, order_id_bytes32, payout_signer
from onramp.chain.artifacts import load_artifact
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from onramp.ledger import (
    chain_account,
    credit,
    customer_account,
    debit,
    entry,
    fx_account,
    post_entry,
)
from onramp.recon import ReadSummary, ReconBreak, read_treasury_chain, run_recon
from onramp.recon.models import ChainCursor, ChainEvent
from onramp.runtime.workers.recon import read_treasury
from onramp.treasury import WalletKind, WalletTier, register_wallet, treasury_wallets

pytestmark = pytest.mark.usefixtures("no_payout_worker")

TO = "0x00000000000000000000000000000000C0FFEE01"


def _w3(infra: Stack) -> Web3:
    return Web3(Web3.HTTPProvider(infra.anvil.url))


def _rpc(w3: Web3, method: str, *params: Any) -> Any:
    response = w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
    assert "error" not in response, response
    return response["result"]


def _as(infra: Stack, sender: str, contract: str, artifact: str, call: str, *args: Any) -> str:
    """``call`` sent from ``sender``, impersonated on anvil (no key needed): its hash."""
    w3 = _w3(infra)
    target = w3.eth.contract(
        address=Web3.to_checksum_address(contract), abi=load_artifact(artifact).abi
    )
    _rpc(w3, "anvil_setBalance", sender, hex(10**18))
    _rpc(w3, "anvil_impersonateAccount", sender)
    try:
        tx_hash = target.functions[call](*args).transact({"from": sender})
    finally:
        _rpc(w3, "anvil_stopImpersonatingAccount", sender)
    assert w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1
    return "0x" + bytes(tx_hash).hex()


def _pay(infra: Stack, order_id: uuid.UUID, amount: int, to: str = TO) -> str:
    """The vault's payout, called directly by the payout key's address (the key is in the
    HSM), with nothing stored or posted."""
    payer = payout_signer(infra.settings.chain, infra.settings.hsm).address
    vault = infra.deployment.vault
    return _as(
        infra, payer, vault, "TreasuryVault", "payout", order_id_bytes32(order_id), to, amount
    )


async def _post_payout(
    sessions: async_sessionmaker[AsyncSession], order_id: uuid.UUID, amount: int
) -> None:
    """The payout entry the orders saga posts on confirmation."""
    paid = Money(amount, "USDC")
    async with unit_of_work(sessions) as session:
        await post_entry(
            session,
            entry(
                "payout", str(order_id),
                debit(customer_account(uuid.uuid4(), "USDC"), paid),
                credit(chain_account("vault"), paid),
            ),
        )  # fmt: skip


def _mine_later(infra: Stack) -> None:
    """A block a couple of seconds on, so the reader has read past what was just posted."""
    w3 = _w3(infra)
    latest = w3.eth.get_block("latest")["timestamp"]
    later = max(int(datetime.now(UTC).timestamp()) + 2, int(latest) + 1)
    _rpc(w3, "anvil_setNextBlockTimestamp", later)
    _rpc(w3, "evm_mine")


async def _read(infra: Stack, sessions: async_sessionmaker[AsyncSession]) -> ReadSummary:
    async with sessions() as session:
        registry = {w.name: w.address for w in await treasury_wallets(session)}
    return await read_treasury_chain(
        sessions, ChainClient(infra.anvil.url), usdc=infra.deployment.usdc,
        vault=infra.deployment.vault, wallets=registry, confirmations=1, now=utcnow(),
    )  # fmt: skip


async def _run(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], *refs: str,
    now: datetime | None = None,
) -> tuple[dict[str, Any], list[ReconBreak]]:  # fmt: skip
    """Read the chain, run today, and the breaks that name one of ``refs``."""
    await _read(infra, sessions)
    async with unit_of_work(sessions) as session:
        result = await run_recon(
            session, day=utcnow().date(), now=now or utcnow(), requested_by="test"
        )
    mine = [b for b in result.breaks if any(b.reference.startswith(r) for r in refs)]
    return result.as_dict(), mine


async def _paid_and_posted(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], paid: int, posted: int
) -> tuple[str, uuid.UUID]:
    """A payout on chain, its entry in the ledger, and a block past both."""
    order_id = uuid.uuid4()
    tx = _pay(infra, order_id, paid)
    await _post_payout(sessions, order_id, posted)
    _mine_later(infra)
    return tx, order_id


async def test_a_clean_payout_reports_nothing_and_counts_as_matched(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tx, order_id = await _paid_and_posted(infra, sessions, 1_500_000, 1_500_000)
    # The stack's own start funds the vault (a mint, and its treasury_funding entry) today too.
    first, found = await _run(infra, sessions, tx, str(order_id), infra.deployment.funding_tx)
    assert found == []
    assert first["matched"]["chain"] >= 1
    again, found = await _run(infra, sessions, tx, str(order_id))  # idempotent for its date
    assert found == []
    assert again["matched"]["chain"] >= first["matched"]["chain"]


async def test_a_direct_vault_call_is_a_chain_break_with_its_hash(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    order_id = uuid.uuid4()
    tx = _pay(infra, order_id, 2_000_000)
    _, found = await _run(infra, sessions, tx)
    assert [(b.type, b.source, b.amount, b.bank) for b in found] == [
        ("missing_in_ledger", "chain", 2_000_000, "vault")
    ]
    assert found[0].reference.startswith(tx + ":")
    assert str(order_id) in found[0].detail
    _, again = await _run(infra, sessions, tx)  # the same break, not a second
    assert [b.id for b in again] == [found[0].id]


async def test_a_posting_with_no_chain_event_is_missing_on_chain(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    order_id = uuid.uuid4()
    await _post_payout(sessions, order_id, 3_000_000)
    _mine_later(infra)
    _, found = await _run(infra, sessions, str(order_id))
    assert [(b.type, b.source, b.amount, b.reference) for b in found] == [
        ("missing_on_chain", "chain", 3_000_000, str(order_id))
    ]


async def test_an_amount_one_unit_off_is_a_mismatch(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tx, order_id = await _paid_and_posted(infra, sessions, 1_250_000, 1_249_999)
    _, found = await _run(infra, sessions, tx, str(order_id))
    assert [(b.type, b.source, b.amount) for b in found] == [("amount_mismatch", "chain", 1)]
    assert found[0].reference.startswith(tx + ":")


async def test_a_cursor_whose_block_changed_hash_is_read_again(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    order_id = uuid.uuid4()
    _pay(infra, order_id, 1_000_000)
    await _read(infra, sessions)
    async with unit_of_work(sessions) as session:
        # Forget the event, and make the cursor's block look replaced (a reorg under it).
        await session.execute(delete(ChainEvent).where(ChainEvent.order_id == order_id))
        await session.execute(
            update(ChainCursor).where(ChainCursor.stream.like("vault:%")).values(block_hash=b"x")
        )
    summary = await _read(infra, sessions)
    assert any(s.startswith("vault:") for s in summary.rewound)
    async with sessions() as session:
        back = await session.scalar(
            select(ChainEvent.amount).where(ChainEvent.order_id == order_id)
        )
    assert back == -1_000_000


async def test_a_reorg_drops_the_events_of_the_blocks_it_replaced(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    w3 = _w3(infra)
    await _read(infra, sessions)
    snapshot = _rpc(w3, "evm_snapshot")
    order_id = uuid.uuid4()
    try:
        _pay(infra, order_id, 1_100_000)
        _rpc(w3, "evm_mine")
        await _read(infra, sessions)
        assert await _stored(sessions, order_id)
    finally:
        assert _rpc(w3, "evm_revert", snapshot) is True
    for _ in range(4):  # the chain grows past the old cursor on other blocks
        _rpc(w3, "evm_mine")
    summary = await _read(infra, sessions)
    assert summary.rewound
    assert not await _stored(sessions, order_id)


async def _stored(sessions: async_sessionmaker[AsyncSession], order_id: uuid.UUID) -> bool:
    async with sessions() as session:
        found = await session.scalar(
            select(ChainEvent.tx_hash).where(ChainEvent.order_id == order_id)
        )
        return found is not None


async def test_a_wallet_holding_usdc_the_books_do_not_is_a_balance_break_until_posted(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    name, address = await _new_wallet(sessions)
    _pay(infra, uuid.uuid4(), 700_000, to=address)
    _mine_later(infra)
    later = utcnow() + timedelta(minutes=5)  # past the books' lag behind the chain
    _, found = await _run(infra, sessions, "balance@", now=later)
    assert [(b.type, b.source, b.amount) for b in found if b.bank == name] == [
        ("amount_mismatch", "chain", 700_000)
    ]
    await _fund(sessions, name, f"{name}-funding", 700_000)
    _mine_later(infra)
    _, found = await _run(infra, sessions, "balance@", now=utcnow() + timedelta(minutes=5))
    assert [b for b in found if b.bank == name] == []


async def _new_wallet(sessions: async_sessionmaker[AsyncSession]) -> tuple[str, str]:
    """A treasury wallet of the test's own (no one else moves its USDC)."""
    name = f"rc{uuid.uuid4().hex[:8]}"
    address = Web3.to_checksum_address("0x" + uuid.uuid4().hex + "0000beef")
    async with unit_of_work(sessions) as session:
        await register_wallet(
            session, name=name, kind=WalletKind.KEY, tier=WalletTier.HOT, address=address,
            actor="test",
        )  # fmt: skip
    return name, address


async def _fund(
    sessions: async_sessionmaker[AsyncSession], wallet: str, reference: str, amount: int
) -> None:
    """USDC into ``wallet`` in the books (as the treasury's funding entries are)."""
    funded = Money(amount, "USDC")
    async with unit_of_work(sessions) as session:
        await post_entry(
            session,
            entry("treasury_funding", reference, debit(chain_account(wallet), funded),
                  credit(fx_account("USDC"), funded)),
        )  # fmt: skip


def _send_usdc(infra: Stack, sender: str, to: str, amount: int) -> str:
    return _as(infra, sender, infra.deployment.usdc, "TestUSDC", "transfer", to, amount)


async def test_a_transfer_into_a_wallet_is_matched_by_its_hash_or_missing_in_ledger(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    name, address = await _new_wallet(sessions)
    _pay(infra, uuid.uuid4(), 1_000_000)  # USDC for TO to send on
    booked = _send_usdc(infra, TO, address, 300_000)
    unbooked = _send_usdc(infra, TO, address, 200_000)
    await _fund(sessions, name, booked, 300_000)
    _mine_later(infra)
    result, found = await _run(infra, sessions, booked, unbooked)
    assert [(b.type, b.source, b.bank, b.reference, b.amount) for b in found] == [
        ("missing_in_ledger", "chain", name, unbooked, 200_000)
    ]
    assert result["matched"]["chain"] >= 1


async def test_with_no_node_answering_the_run_holds_what_was_read_before(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    chain = infra.settings.chain.model_copy(update={"rpc_url": "http://127.0.0.1:9"})
    settings = infra.settings.model_copy(update={"chain": chain})
    why = await read_treasury(settings, sessions, utcnow())
    assert why is not None
    assert "127.0.0.1:9" in why
    assert await read_treasury(infra.settings, sessions, utcnow()) is None


async def test_a_treasury_entry_whose_transaction_the_chain_lacks_is_missing_on_chain(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    name, _ = await _new_wallet(sessions)
    never_sent = "0x" + uuid.uuid4().hex * 2
    await _fund(sessions, name, never_sent, 400_000)
    _mine_later(infra)
    _, found = await _run(infra, sessions, never_sent)
    assert [(b.type, b.source, b.bank, b.amount) for b in found] == [
        ("missing_on_chain", "chain", name, 400_000)
    ]
