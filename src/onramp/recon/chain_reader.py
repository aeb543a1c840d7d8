"""The chain reader: every treasury wallet's events, read by block range past the confirmation
depth into ``recon_chain_events``, resumable and reorg-safe.

Streams: the vault's own events (``Payout``, ``Swept``), each wallet's USDC ``Transfer``s
in and out (a mint comes from the zero address, a burn goes to it), and the USDC leaving
customers' custodial (hosted) wallets (``usdc:hosted``: kind ``withdrawal``, ``wallet`` the
hosted wallet's address), held against their withdrawals (``recon/chain_withdrawals.py``).
Each stream has a cursor: the last block read and its hash. A read first asks the node for
that block's hash again; when it no longer matches (a reorg replaced the block) the stream's
last ``REWIND`` blocks are forgotten and read again. One ``eth_getLogs`` per stream and
direction per read (per 100 hosted wallets), whatever the number of events; then one write of
the events, cursors and balances.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from eth_abi.abi import decode
from eth_utils.address import to_checksum_address
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import (
    ChainClient,
    checksum,
    order_id_from_bytes32,
    topic,
    withdrawing_wallets,
)
from onramp.core.db import unit_of_work
from onramp.recon.models import ChainBalance, ChainCursor, ChainEvent

TRANSFER = topic("Transfer(address,address,uint256)")
PAYOUT = topic("Payout(bytes32,address,uint256)")
SWEPT = topic("Swept(address,uint256)")
ZERO = "0x" + "00" * 20  # checksummed, as _address returns it
REWIND = 64  # blocks read again when a cursor's block is no longer on the chain
MAX_RANGE = 10_000  # blocks per read and stream: a long gap is caught up over several reads
HOSTED = "usdc:hosted"
HOSTED_PER_FILTER = 100  # hosted wallets named in one eth_getLogs topic list
# The hosted wallets to read, asked once the head is known (``chain.withdrawing_wallets``).
HostedWallets = Callable[[AsyncSession], Awaitable[list[str]]]


@dataclass(frozen=True)
class Watch:
    """What to read: the token, the vault, and every treasury wallet (name → address)."""

    usdc: str
    vault: str
    wallets: dict[str, str]
    confirmations: int = 1
    first_block: int = 0  # where a stream with no cursor starts


@dataclass
class ReadSummary:
    to_block: int | None = None  # the last block read (past the confirmation depth)
    events: int = 0
    rewound: list[str] = field(default_factory=list)  # streams a reorg made read again


@dataclass
class _Stream:
    name: str
    wallet: str  # its name in the registry (and in its ledger account, ``chain:<name>:USDC``)
    address: str  # the contract whose logs are read
    watched: str  # the wallet's address
    filters: list[list[object]]
    hosted: bool = False  # the hosted wallets' transfers out: the sender is the wallet
    start: int = 0
    rows: list[dict[str, object]] = field(default_factory=list)


def _word(address: str) -> bytes:
    return bytes.fromhex(address[2:].lower()).rjust(32, b"\x00")


def _address(word: bytes) -> str:
    # Not chain.checksum: that refuses the zero address (a payout's rule), which mints and burns
    # name.
    return to_checksum_address("0x" + word[-20:].hex())


def hosted_stream(usdc: str, wallets: Sequence[str]) -> _Stream:
    """Transfers out of any of ``wallets``, in topic lists of ``HOSTED_PER_FILTER``."""
    words = [_word(w) for w in wallets]
    filters: list[list[object]] = [
        [TRANSFER, words[i : i + HOSTED_PER_FILTER]]
        for i in range(0, len(words), HOSTED_PER_FILTER)
    ]
    return _Stream(HOSTED, "hosted", usdc, "", filters, hosted=True)


def streams(watch: Watch) -> list[_Stream]:
    vault_name = next((n for n, a in watch.wallets.items() if a == watch.vault), "vault")
    found = [
        _Stream(f"vault:{vault_name}", vault_name, watch.vault, watch.vault, [[[PAYOUT, SWEPT]]])
    ]
    for name, address in sorted(watch.wallets.items()):
        word = _word(address)
        filters: list[list[object]] = [[TRANSFER, word], [TRANSFER, None, word]]
        found.append(_Stream(f"usdc:{name}", name, watch.usdc, checksum(address), filters))
    return found


def _meaning(stream: _Stream, topics: list[bytes], amount: int) -> tuple[str, str, int]:
    """What the log is to the wallet: its kind, the other party, the signed amount."""
    if topics[0] == PAYOUT:
        return "payout", _address(topics[2]), -amount
    if topics[0] == SWEPT:
        return "sweep", _address(topics[1]), -amount
    sender, receiver = _address(topics[1]), _address(topics[2])
    if sender == stream.watched:
        return ("burn" if receiver == ZERO else "transfer"), receiver, -amount
    return ("mint" if sender == ZERO else "transfer"), sender, amount


def _withdrawal(topics: list[bytes], amount: int) -> tuple[str, str, int]:
    return "withdrawal", _address(topics[2]), -amount


def _decode(stream: _Stream, log: dict[str, Any], at: datetime) -> dict[str, object]:
    topics = [bytes(t) for t in log["topics"]]
    (amount,) = decode(["uint256"], bytes(log["data"]))
    if stream.hosted:
        wallet, (kind, other, signed) = _address(topics[1]), _withdrawal(topics, int(amount))
    else:
        wallet, (kind, other, signed) = stream.wallet, _meaning(stream, topics, int(amount))
    order_id = order_id_from_bytes32(topics[1]) if kind == "payout" else None
    return {
        "stream": stream.name, "tx_hash": bytes(log["transactionHash"]),
        "log_index": int(log["logIndex"]), "block_number": int(log["blockNumber"]),
        "block_time": at, "wallet": wallet, "kind": kind, "order_id": order_id,
        "counterparty": other, "amount": signed,
    }  # fmt: skip


async def _start(client: ChainClient, cursor: ChainCursor | None, watch: Watch) -> tuple[int, bool]:
    """Where the stream's next read starts, and whether a reorg moved it back."""
    if cursor is None:
        return watch.first_block, False
    header = await client.block_header(cursor.block_number)
    if header is not None and header[0] == bytes(cursor.block_hash):
        return cursor.block_number + 1, False
    return max(watch.first_block, cursor.block_number - REWIND), True


async def _times(client: ChainClient, blocks: set[int]) -> dict[int, tuple[bytes, datetime]]:
    found = {}
    for number in sorted(blocks):
        header = await client.block_header(number)
        if header is not None:
            found[number] = (header[0], datetime.fromtimestamp(header[1], UTC))
    return found


async def read_chain(
    sessions: async_sessionmaker[AsyncSession], client: ChainClient, watch: Watch, now: datetime,
    hosted: HostedWallets | None = None,
) -> ReadSummary:  # fmt: skip
    """Read every stream up to the last block past the confirmation depth; store what was read.

    The hosted wallets are asked after the head: a withdrawal is stored before its transaction
    is signed, so every wallet with a transfer in a block up to the head is in the answer."""
    summary = ReadSummary()
    head = await client.block_number() - watch.confirmations + 1
    if head < watch.first_block:
        return summary
    async with sessions() as session:
        cursors = {c.stream: c for c in (await session.scalars(select(ChainCursor))).all()}
        wallets = await hosted(session) if hosted is not None else None
    todo = streams(watch)
    if wallets is not None:
        todo.append(hosted_stream(watch.usdc, wallets))
    logs: list[tuple[_Stream, dict[str, Any]]] = []
    ends: dict[str, int] = {}
    for s in todo:
        s.start, rewound = await _start(client, cursors.get(s.name), watch)
        if rewound:
            summary.rewound.append(s.name)
        end = min(head, s.start + MAX_RANGE - 1)
        ends[s.name] = end
        for f in s.filters:
            if s.start <= end:
                logs += [(s, log) for log in await client.logs(s.address, f, s.start, end)]
    to_block = min(ends.values())
    blocks = {int(log["blockNumber"]) for _, log in logs} | set(ends.values())
    headers = await _times(client, blocks)
    for s, log in logs:
        s.rows.append(_decode(s, log, headers[int(log["blockNumber"])][1]))
    balances = {
        name: await client.token_balance(watch.usdc, address, block=to_block)
        for name, address in watch.wallets.items()
    }
    async with unit_of_work(sessions) as session:
        await _store(session, todo, ends, headers, summary, now)
        await _store_balances(session, balances, to_block, headers[to_block][1])
    summary.to_block = to_block
    return summary


async def _store(
    session: AsyncSession, todo: Sequence[_Stream], ends: dict[str, int],
    headers: dict[int, tuple[bytes, datetime]], summary: ReadSummary, now: datetime,
) -> None:  # fmt: skip
    for s in todo:
        if s.name in summary.rewound:
            await session.execute(
                delete(ChainEvent).where(
                    ChainEvent.stream == s.name, ChainEvent.block_number >= s.start
                )
            )
    rows = [r for s in todo for r in s.rows]
    if rows:
        await session.execute(insert(ChainEvent).values(rows).on_conflict_do_nothing())
        summary.events = len(rows)
    cursor_rows = [
        {"stream": s.name, "block_number": ends[s.name], "block_hash": headers[ends[s.name]][0],
         "block_time": headers[ends[s.name]][1], "updated_at": now}
        for s in todo if s.start <= ends[s.name]
    ]  # fmt: skip
    if cursor_rows:
        stmt = insert(ChainCursor).values(cursor_rows)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=["stream"],
                set_={c: stmt.excluded[c] for c in ("block_number", "block_hash", "block_time")}
                | {"updated_at": now},
            )
        )


async def _store_balances(
    session: AsyncSession, balances: dict[str, int], block: int, at: datetime
) -> None:
    if not balances:
        return
    rows = [
        {"wallet": n, "block_number": block, "block_time": at, "balance": b}
        for n, b in balances.items()
    ]
    stmt = insert(ChainBalance).values(rows)
    # The same block number read again after a reorg is another block: its balance replaces.
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["wallet", "block_number"],
            set_={"block_time": stmt.excluded.block_time, "balance": stmt.excluded.balance},
        )
    )


async def read_treasury_chain(
    sessions: async_sessionmaker[AsyncSession],
    client: ChainClient,
    *,
    usdc: str,
    vault: str,
    wallets: dict[str, str],
    confirmations: int,
    now: datetime,
    first_block: int = 0,
) -> ReadSummary:
    """Read the treasury's wallets (the vault among them, as ``vault`` if the registry lacks
    it)."""
    named = {name: checksum(address) for name, address in wallets.items()}
    if checksum(vault) not in named.values():
        named["vault"] = checksum(vault)
    watch = Watch(checksum(usdc), checksum(vault), named, confirmations, first_block)
    return await read_chain(sessions, client, watch, now, hosted=withdrawing_wallets)
