"""Settings of the chain: the node, the confirmations a transfer needs, the payout and custody
keys."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from onramp.core.settings.base import ANVIL_DEPLOYER_KEY, ANVIL_PAYOUT_KEY, Section

# The fewest confirmations production accepts per chain id (ChainSettings.min_confirmations):
# deep enough that a reorg past them has not been seen on that chain. A local chain (anvil,
# 31337) has no reorgs but those a test makes.
DEFAULT_MIN_CONFIRMATIONS: dict[int, int] = {
    1: 12,  # Ethereum mainnet (finality, ~64 blocks, is waited for besides where required)
    10: 10,  # OP Mainnet
    137: 128,  # Polygon PoS: reorgs of dozens of blocks have happened
    8453: 10,  # Base
    42161: 20,  # Arbitrum One
    11155111: 6,  # Sepolia
    84532: 6,  # Base Sepolia
    31337: 1,  # anvil
}


class ChainSettings(Section):
    rpc_url: str = ""
    chain_id: int = 31337
    confirmations: int = Field(default=1, ge=1)
    # ONRAMP_ENV=production refuses ``confirmations`` below the entry for ``chain_id`` (and a
    # chain id with no entry): set ONRAMP_CHAIN__MIN_CONFIRMATIONS='{"<chain id>": N}' to add one.
    min_confirmations: dict[int, int] = Field(
        default_factory=lambda: dict(DEFAULT_MIN_CONFIRMATIONS)
    )
    # Where the node offers the ``finalized`` block tag, a payout (and any stored transaction)
    # is settled only once its block is at or below the finalized block; a node without the tag
    # is held to ``confirmations`` alone.
    require_finalized: bool = True
    usdc_address: str = ""
    vault_address: str = ""
    # Where reconciliation's chain reader starts a stream with no cursor yet (a new wallet, a
    # first run): on a long chain, the vault's deployment block, not the genesis.
    recon_first_block: int = Field(default=0, ge=0)
    wallet_factory_address: str = ""
    # Who signs payouts: "local" (``payout_private_key`` in process memory; development only,
    # refused with ONRAMP_ENV=production) or "hsm" (the secp256k1 key with CKA_ID
    # ``payout_key_id``, hex, in the HSM token; ``onramp keys new-payout-key`` makes one).
    signer: Literal["local", "hsm"] = "local"
    payout_key_id: str = Field(default="", pattern=r"^([0-9a-f]{2})*$")
    payout_private_key: SecretStr = SecretStr(ANVIL_PAYOUT_KEY)
    payout_batch_size: int = Field(default=100, ge=1, le=500)
    # Wait up to this long after the oldest queued payout for a batch to fill before sending a
    # partial one (0: send at once). Bigger batches cost less gas per payout (bench/README.md).
    payout_batch_wait_seconds: float = Field(default=0.0, ge=0)
    poll_interval_seconds: float = 0.1
    # A broadcast transaction not mined after this long is sent again (same bytes).
    rebroadcast_after_seconds: float = Field(default=30.0, gt=0)
    # A payout transaction not mined this long after it was sent is replaced: same nonce and
    # call, fees raised by ``fee_bump_percent`` (nodes want at least 10 %), never above the cap.
    replace_after_seconds: float = Field(default=180.0, gt=0)
    fee_bump_percent: int = Field(default=15, ge=10, le=100)
    max_fee_per_gas_gwei: int = Field(default=500, ge=1)


class CustodySettings(Section):
    """Customers' custodial wallets (docs/custody.md): the key that is the UserWalletFactory's
    operator signs their withdrawals; "hsm" (CKA_ID ``key_id``, hex) or "local" (the private key
    in process memory: development only, refused with ONRAMP_ENV=production)."""

    signer: Literal["local", "hsm"] = "local"
    key_id: str = Field(default="", pattern=r"^([0-9a-f]{2})*$")
    # A local chain's factory is operated by its deployer unless told otherwise.
    private_key: SecretStr = SecretStr(ANVIL_DEPLOYER_KEY)
    poll_interval_seconds: float = Field(default=0.5, gt=0)
    # A broadcast withdrawal transaction not mined after this long is sent again (same bytes).
    rebroadcast_after_seconds: float = Field(default=30.0, gt=0)
