"""The JSON-RPC client: web3.py behind a small typed surface. Creating one makes no network call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx
from eth_abi.abi import decode, encode
from eth_typing import HexStr
from eth_utils.address import to_checksum_address
from hexbytes import HexBytes
from web3 import AsyncHTTPProvider, AsyncWeb3
from web3.exceptions import BlockNotFound, ContractLogicError, TransactionNotFound, Web3RPCError

from onramp.chain.artifacts import selector
from onramp.chain.errors import (
    AlreadyKnown,
    ChainRpcError,
    ExecutionReverted,
    NodeUnavailable,
    NonceTooLow,
    classify_rpc_error,
)

# Every transaction we send tips 1 gwei and allows the base fee to double before it is mined.
PRIORITY_FEE_WEI = 1_000_000_000
BALANCE_OF = selector("balanceOf(address)")


@dataclass(frozen=True)
class Receipt:
    tx_hash: bytes
    status: int
    block_number: int
    block_hash: bytes
    logs: list[dict[str, Any]]
    gas_used: int


class ChainClient:
    def __init__(self, rpc_url: str, *, timeout: float = 10.0) -> None:
        if not rpc_url:
            raise NodeUnavailable("no chain RPC URL configured: set ONRAMP_CHAIN__RPC_URL")
        self.rpc_url = rpc_url
        self.w3 = AsyncWeb3(AsyncHTTPProvider(rpc_url, request_kwargs={"timeout": timeout}))

    async def _call(self, coro: Any) -> Any:
        try:
            return await coro
        except TransactionNotFound:
            raise  # an answer, not a failure: callers turn it into None / False
        except ContractLogicError as exc:
            raise ExecutionReverted(str(exc), data=getattr(exc, "data", None)) from exc
        except Web3RPCError as exc:
            raise classify_rpc_error(str(exc)) from exc
        except (httpx.TransportError, OSError, TimeoutError, aiohttp.ClientError) as exc:
            # aiohttp (web3's async transport): a gateway's 502/503, a connection closed
            # without an answer. Not a node's verdict on the call: wait and ask again.
            raise NodeUnavailable(f"{self.rpc_url}: {exc}") from exc

    async def chain_id(self) -> int:
        return int(await self._call(self.w3.eth.chain_id))

    async def block_number(self) -> int:
        return int(await self._call(self.w3.eth.block_number))

    async def block_hash(self, number: int) -> bytes:
        block = await self._call(self.w3.eth.get_block(number))
        return bytes(block["hash"])

    async def block_header(self, number: int) -> tuple[bytes, int] | None:
        """The block's hash and timestamp (seconds since the epoch); None past the head (a
        reorg to a shorter chain)."""
        try:
            block = await self._call(self.w3.eth.get_block(number))
        except BlockNotFound:
            return None
        return bytes(block["hash"]), int(block["timestamp"])

    async def logs(
        self, address: str, topics: list[Any], from_block: int, to_block: int
    ) -> list[dict[str, Any]]:
        """``eth_getLogs`` of one contract over a block range (inclusive), by topic filter."""
        raw = await self._call(
            self.w3.eth.get_logs(
                {
                    "address": to_checksum_address(address),
                    "topics": topics,
                    "fromBlock": from_block,
                    "toBlock": to_block,
                }
            )
        )
        return [dict(log) for log in raw]

    async def base_fee(self) -> int:
        block = await self._call(self.w3.eth.get_block("latest"))
        return int(block.get("baseFeePerGas", 0))

    async def balance(self, address: str) -> int:
        """The account's ether, in wei."""
        return int(await self._call(self.w3.eth.get_balance(address)))  # type: ignore[arg-type]

    async def fees(self) -> dict[str, int]:
        """The EIP-1559 fee fields for a transaction signed now."""
        return {
            "maxPriorityFeePerGas": PRIORITY_FEE_WEI,
            "maxFeePerGas": await self.base_fee() * 2 + PRIORITY_FEE_WEI,
        }

    async def token_balance(self, token: str, owner: str, *, block: int | None = None) -> int:
        """An ERC-20 balance (``balanceOf``), in the token's base units; at ``block`` if given."""
        raw = await self.call(
            to_checksum_address(token),
            BALANCE_OF + encode(["address"], [to_checksum_address(owner)]),
            block=block,
        )
        (balance,) = decode(["uint256"], raw)
        return int(balance)

    async def pending_nonce(self, address: str) -> int:
        return int(await self._call(self.w3.eth.get_transaction_count(address, "pending")))  # type: ignore[arg-type]

    async def mined_nonce(self, address: str) -> int:
        """How many of the account's transactions the latest block includes: every nonce below
        it is used, by whichever transaction was mined."""
        return int(await self._call(self.w3.eth.get_transaction_count(address, "latest")))  # type: ignore[arg-type]

    async def finalized_block(self) -> int | None:
        """The number of the node's ``finalized`` block; None where the node has no such tag
        (a chain without it, an old client)."""
        try:
            block = await self._call(self.w3.eth.get_block("finalized"))
        except (ChainRpcError, BlockNotFound, ValueError):
            return None
        return int(block["number"])

    async def estimate_gas(self, tx: dict[str, Any]) -> int:
        return int(await self._call(self.w3.eth.estimate_gas(tx)))  # type: ignore[arg-type]

    async def send_raw(self, raw: bytes) -> bytes:
        return bytes(await self._call(self.w3.eth.send_raw_transaction(raw)))

    async def send_stored(self, raw: bytes, tx_hash: bytes) -> None:
        """Send a stored, signed transaction that may have gone out before (a crash after the
        send): the node already knowing this very transaction, pending or mined, counts as
        sent; a nonce used by any other transaction does not."""
        try:
            await self.send_raw(raw)
        except (AlreadyKnown, NonceTooLow):
            if not await self.has_transaction(tx_hash):
                raise

    async def has_transaction(self, tx_hash: bytes) -> bool:
        try:
            await self._call(self.w3.eth.get_transaction(HexBytes(tx_hash)))
        except TransactionNotFound:
            return False
        return True

    async def receipt(self, tx_hash: bytes) -> Receipt | None:
        try:
            raw = await self._call(self.w3.eth.get_transaction_receipt(HexBytes(tx_hash)))
        except TransactionNotFound:
            return None
        return Receipt(
            tx_hash=bytes(raw["transactionHash"]),
            status=int(raw["status"]),
            block_number=int(raw["blockNumber"]),
            block_hash=bytes(raw["blockHash"]),
            logs=[dict(log) for log in raw["logs"]],
            gas_used=int(raw["gasUsed"]),
        )

    async def call(self, to: str, data: bytes, *, block: int | None = None) -> bytes:
        tx = {"to": to, "data": HexStr("0x" + data.hex())}
        at = "latest" if block is None else block
        result = await self._call(self.w3.eth.call(tx, at))  # type: ignore[arg-type]
        return bytes(result)

    async def code(self, address: str) -> bytes:
        """The account's contract code (empty for an account no contract was deployed at)."""
        return bytes(await self._call(self.w3.eth.get_code(address)))  # type: ignore[arg-type]
