"""Customers' hosted-wallet withdrawals on the chain, reconciled like payouts (PostgreSQL and
anvil): the chain reader reads the USDC leaving every wallet a withdrawal was asked of, and the
run holds each transfer against the withdrawal that sent it. A withdrawal the chain shows is
matched; a transfer no withdrawal sent, a withdrawal the chain does not show and one for
another amount are breaks on the wallet, with the transaction's hash or the withdrawal's id.

The wallet here is an address of the test's own, its transfers made by impersonating it on
anvil (the custody key's own path has its tests in tests/integration/chain)."""

from __future__ import annotations

import secrets
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain.models import WalletWithdrawal, WithdrawalStatus
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack
from tests.integration.recon.test_chain_recon import _mine_later, _pay, _run, _send_usdc

pytestmark = pytest.mark.usefixtures("no_payout_worker")

DEST = Web3.to_checksum_address("0x00000000000000000000000000000000c0ffee02")


async def _withdrawal(
    sessions: async_sessionmaker[AsyncSession], wallet: str, amount: int, tx_hash: str
) -> uuid.UUID:
    """A withdrawal the withdrawals worker confirmed, as it stores one."""
    now = utcnow()
    row = WalletWithdrawal(
        id=uuid7(), customer_id=uuid.uuid4(), wallet_address=wallet, to_address=DEST,
        amount=amount, status=WithdrawalStatus.CONFIRMED.value,
        idempotency_key=uuid.uuid4().hex, tx_hash=bytes.fromhex(tx_hash[2:]), created_at=now,
        updated_at=now,
    )  # fmt: skip
    async with unit_of_work(sessions) as session:
        session.add(row)
    return row.id


async def test_each_hosted_wallet_transfer_is_held_against_its_withdrawal(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    wallet = Web3.to_checksum_address("0x" + uuid.uuid4().hex + "0000cafe")
    _pay(infra, uuid.uuid4(), 2_000_000, to=wallet)  # USDC in the customer's wallet
    sent = _send_usdc(infra, wallet, DEST, 500_000)
    await _withdrawal(sessions, wallet, 500_000, sent)
    off = _send_usdc(infra, wallet, DEST, 299_999)
    await _withdrawal(sessions, wallet, 300_000, off)
    ghost = await _withdrawal(sessions, wallet, 400_000, "0x" + secrets.token_hex(32))
    stray = _send_usdc(infra, wallet, DEST, 100_000)  # the operator key, no withdrawal
    _mine_later(infra)

    _, found = await _run(infra, sessions, sent, off, stray, str(ghost))
    assert sorted((b.type, b.source, b.bank, b.amount) for b in found) == [
        ("amount_mismatch", "chain", wallet, -1),
        ("missing_in_ledger", "chain", wallet, 100_000),
        ("missing_on_chain", "chain", wallet, 400_000),
    ]
    by_type = {b.type: b for b in found}
    assert by_type["missing_in_ledger"].reference.startswith(stray + ":")
    assert by_type["amount_mismatch"].reference.startswith(off + ":")
    assert by_type["missing_on_chain"].reference == str(ghost)

    _, again = await _run(infra, sessions, sent, off, stray, str(ghost))  # the same breaks
    assert sorted(b.id for b in again) == sorted(b.id for b in found)
