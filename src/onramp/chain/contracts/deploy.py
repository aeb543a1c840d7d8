"""Deploy the committed contract artifacts to a chain (local chains: TestUSDC too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account import Account
from web3 import Web3

from onramp.chain.artifacts import load_artifact

USDC = 10**6

DEPLOYER_MINT_ALLOWANCE = 10**12 * USDC
"""What a local deployer may mint (a TestUSDC minter allowance; ample for any local chain)."""


@dataclass(frozen=True)
class Deployment:
    usdc: str
    vault: str
    wallet_factory: str
    funding_tx: str
    vault_funding: int  # USDC base units minted into the vault


@dataclass(frozen=True)
class VaultLimits:
    max_per_payout: int = 1_000_000 * USDC
    max_per_24h: int = 50_000_000 * USDC


class Deployer:
    """Sends transactions from one key, waiting for each receipt (deployments are rare)."""

    def __init__(self, rpc_url: str, private_key: str) -> None:
        self.w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": 30}))
        self.account = Account.from_key(private_key)
        self._nonce = int(self.w3.eth.get_transaction_count(self.account.address, "pending"))
        self._chain_id = self.w3.eth.chain_id

    def send(self, tx: dict[str, Any]) -> Any:
        tx.update(
            {
                "from": self.account.address,
                "nonce": self._nonce,
                "chainId": self._chain_id,
                "maxPriorityFeePerGas": 10**9,
                "maxFeePerGas": 2 * int(self.w3.eth.get_block("latest")["baseFeePerGas"]) + 10**9,
            }
        )
        tx["gas"] = self.w3.eth.estimate_gas(tx)  # type: ignore[arg-type]
        signed = self.account.sign_transaction(tx)
        tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
        self._nonce += 1
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60)
        if receipt["status"] != 1:
            raise RuntimeError(f"transaction {tx_hash.hex()} reverted")
        return receipt

    def deploy(self, name: str, *args: Any) -> str:
        artifact = load_artifact(name)
        contract = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        data = contract.constructor(*args).data_in_transaction
        receipt = self.send({"data": data, "value": 0})
        address: str = receipt["contractAddress"]
        return address

    def fund(self, address: str, wei: int) -> Any:
        """Send ether (gas money) to an account."""
        return self.send({"to": Web3.to_checksum_address(address), "value": wei, "data": b""})

    def call(self, name: str, address: str, function: str, *args: Any) -> Any:
        contract = self.w3.eth.contract(
            address=Web3.to_checksum_address(address), abi=load_artifact(name).abi
        )
        data = contract.encode_abi(function, args=list(args))
        return self.send({"to": address, "data": data, "value": 0})


def deploy_local(
    rpc_url: str,
    *,
    deployer_key: str,
    payout_address: str,
    vault_funding: int,
    limits: VaultLimits | None = None,
    payout_gas_wei: int = 0,
    pauser: str | None = None,
    cold_wallet: str | None = None,
    deployer_mint_allowance: int = DEPLOYER_MINT_ALLOWANCE,
    wallet_operator: str | None = None,
    wallet_operator_gas_wei: int = 0,
    vault_admin_delay: int = 0,
) -> Deployment:
    """TestUSDC, TreasuryVault and UserWalletFactory; the deployer is every admin (the vault's
    and the factory's owner too), a TestUSDC minter allowed ``deployer_mint_allowance`` and,
    unless given, the vault's ``pauser`` and ``cold_wallet`` (the only place ``sweep`` sends
    to). The vault's payout role goes to ``payout_address``; a new vault admin waits
    ``vault_admin_delay`` seconds to accept the role (0 on a local chain, where the dev stack
    hands it to the cold Safe right away). Mints ``vault_funding`` USDC base units into the
    vault and sends the payout account ``payout_gas_wei`` for gas. The UserWalletFactory's
    operator (the custody key that moves tokens out of customers' wallets) is
    ``wallet_operator`` (default: the deployer), sent ``wallet_operator_gas_wei``."""
    limits = limits or VaultLimits()
    if vault_funding > deployer_mint_allowance:
        raise ValueError(
            f"vault funding {vault_funding} is over the deployer's mint allowance "
            f"{deployer_mint_allowance}"
        )
    d = Deployer(rpc_url, deployer_key)
    admin = d.account.address
    usdc = d.deploy("TestUSDC", admin)
    vault = d.deploy(
        "TreasuryVault",
        usdc,
        admin,
        vault_admin_delay,
        Web3.to_checksum_address(pauser or admin),
        Web3.to_checksum_address(payout_address),
        Web3.to_checksum_address(cold_wallet or admin),
        limits.max_per_payout,
        limits.max_per_24h,
    )
    factory = d.deploy(
        "UserWalletFactory", admin, Web3.to_checksum_address(wallet_operator or admin)
    )
    d.call("TestUSDC", usdc, "configureMinter", admin, deployer_mint_allowance)
    receipt = d.call("TestUSDC", usdc, "mint", vault, vault_funding)
    if payout_gas_wei:
        d.fund(payout_address, payout_gas_wei)
    if wallet_operator and wallet_operator_gas_wei:
        d.fund(wallet_operator, wallet_operator_gas_wei)
    return Deployment(
        usdc=usdc,
        vault=vault,
        wallet_factory=factory,
        funding_tx="0x" + bytes(receipt["transactionHash"]).hex(),
        vault_funding=vault_funding,
    )


def usdc_balance(rpc_url: str, usdc: str, owner: str) -> int:
    w3 = Web3(Web3.HTTPProvider(rpc_url))
    contract = w3.eth.contract(
        address=Web3.to_checksum_address(usdc), abi=load_artifact("TestUSDC").abi
    )
    return int(contract.functions.balanceOf(owner).call())
