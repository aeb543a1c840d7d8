"""Start-up check: the deployed UserWalletFactory builds its wallets from the init code of the
local ``UserWallet`` artifact, from which customer wallet addresses are computed offline
(``chain.addresses``). Were they different, customers would be shown deposit addresses where no
wallet of theirs can ever be deployed (their USDC stranded) and withdrawals would read the
wrong accounts; so every process that computes wallet addresses refuses to run."""

from __future__ import annotations

from onramp.chain.addresses import checksum, wallet_init_code_hash
from onramp.chain.artifacts import selector
from onramp.chain.client import ChainClient
from onramp.chain.errors import ExecutionReverted
from onramp.core.errors import InvariantViolated
from onramp.core.settings import ChainSettings

WALLET_INIT_CODE_HASH = selector("walletInitCodeHash()")


class WalletFactoryMismatch(InvariantViolated):
    code = "wallet_factory_mismatch"
    title = "The deployed wallet factory does not build the wallets this release computes"


async def check_wallet_factory(client: ChainClient, factory: str) -> None:
    """Raise :class:`WalletFactoryMismatch` (naming the factory and both hashes) unless the
    contract at ``factory`` answers ``walletInitCodeHash()`` with the local artifact's hash.
    A node that does not answer raises ``NodeUnavailable``: nothing is assumed."""
    address = checksum(factory)
    local = "0x" + wallet_init_code_hash().hex()
    if not await client.code(address):
        raise WalletFactoryMismatch(
            f"no contract at the wallet factory address {address} (the local UserWallet "
            f"artifact's init code hash is {local}): check ONRAMP_CHAIN__WALLET_FACTORY_ADDRESS "
            "and the chain",
            factory=address,
            deployed=None,
            local=local,
        )
    try:
        out = await client.call(address, WALLET_INIT_CODE_HASH)
    except ExecutionReverted:
        out = b""
    deployed = "0x" + out[:32].hex() if len(out) >= 32 else None
    if deployed != local:
        raise WalletFactoryMismatch(
            f"the wallet factory {address} builds wallets with init code hash "
            f"{deployed or '(none: walletInitCodeHash() gave no answer)'}, but customer wallet "
            f"addresses here are computed from the local UserWallet artifact, hash {local}: "
            "run the release that matches the deployed factory, or deploy this release's",
            factory=address,
            deployed=deployed,
            local=local,
        )


async def check_configured_wallet_factory(chain: ChainSettings) -> None:
    """The start-up check of a process that computes wallet addresses, against the configured
    node and factory; a process configured without a factory computes none and is not checked."""
    if chain.wallet_factory_address:
        await check_wallet_factory(ChainClient(chain.rpc_url), chain.wallet_factory_address)
