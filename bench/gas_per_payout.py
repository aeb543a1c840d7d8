"""Gas per payout of TreasuryVault.payoutBatch, by batch size and by kind of recipient.

Starts anvil in a temporary directory, deploys the contracts with ``deploy_local`` (limits high
enough never to bind), then sends ``payoutBatch`` with 1, 10 and 100 payouts, each to distinct
recipients that hold no USDC yet ("fresh": the recipient's balance slot goes from zero to
non-zero) and to recipients that already hold some ("existing"). A single ``payout`` call is
measured too. Prints the transaction's gas and the gas per payout; gas is deterministic, so one
transaction per case is enough.

    .venv/bin/python bench/gas_per_payout.py
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
from pathlib import Path
from typing import Any

from eth_account import Account
from web3 import Web3
from web3.contract import Contract

import record
from onramp.chain.artifacts import load_artifact
from onramp.chain.contracts.deploy import USDC, VaultLimits, deploy_local
from onramp.core.settings import ANVIL_DEPLOYER_KEY
from onramp.devstack.anvil import start_anvil

REPO_ROOT = Path(__file__).resolve().parents[1]
AMOUNT = 10 * USDC


def _contract(w3: Web3, name: str, address: str) -> Contract:
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=load_artifact(name).abi)


def _send(w3: Web3, call: Any, sender: str) -> Any:
    receipt = w3.eth.wait_for_transaction_receipt(
        call.transact({"from": sender, "gas": 29_000_000})
    )
    if receipt["status"] != 1:
        raise RuntimeError(f"transaction {receipt['transactionHash'].hex()} reverted")
    return receipt


def _fresh_addresses(n: int) -> list[str]:
    return [str(Account.create().address) for _ in range(n)]


class Bench:
    def __init__(self, w3: Web3, usdc: Contract, vault: Contract, minter: str, signer: str):
        self.w3, self.usdc, self.vault = w3, usdc, vault
        self.minter, self.signer = minter, signer

    def _order_ids(self, n: int) -> list[bytes]:
        return [secrets.token_bytes(32) for _ in range(n)]

    def existing_addresses(self, n: int) -> list[str]:
        """Recipients that already hold USDC (one minted token unit each)."""
        addresses = _fresh_addresses(n)
        for a in addresses:
            _send(self.w3, self.usdc.functions.mint(a, 1), self.minter)
        return addresses

    def batch(self, recipients: list[str]) -> int:
        n = len(recipients)
        call = self.vault.functions.payoutBatch(self._order_ids(n), recipients, [AMOUNT] * n)
        gas: int = _send(self.w3, call, self.signer)["gasUsed"]
        return gas

    def single(self, recipient: str) -> int:
        call = self.vault.functions.payout(self._order_ids(1)[0], recipient, AMOUNT)
        gas: int = _send(self.w3, call, self.signer)["gasUsed"]
        return gas


def main() -> None:
    parser = argparse.ArgumentParser(description="Gas per payout of TreasuryVault.payoutBatch.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    record.add_flag(parser)
    args = parser.parse_args()
    figures: dict[str, float] = {}  # what --record writes: gas a payout per call and recipient

    with tempfile.TemporaryDirectory(prefix="onramp-gas-") as tmp:
        node = start_anvil(Path(tmp), repo_root=REPO_ROOT)
        try:
            w3 = Web3(Web3.HTTPProvider(node.url))
            accounts: list[str] = list(w3.eth.accounts)
            deployer, signer = accounts[0], accounts[1]
            big = 10**12 * USDC
            d = deploy_local(
                node.url,
                deployer_key=ANVIL_DEPLOYER_KEY,
                payout_address=signer,
                vault_funding=10**9 * USDC,
                limits=VaultLimits(max_per_payout=big, max_per_24h=big),
            )
            bench = Bench(
                w3,
                _contract(w3, "TestUSDC", d.usdc),
                _contract(w3, "TreasuryVault", d.vault),
                deployer,
                signer,
            )
            # The first payout ever also writes the rolling window's bucket for this hour and
            # the vault's first balance change; keep it out of the figures.
            bench.batch(_fresh_addresses(1))

            print(f"{'call':<22} {'recipients':<10} {'tx gas':>10} {'gas/payout':>11}")
            for kind in ("fresh", "existing"):
                for n in args.sizes:
                    recipients = (
                        _fresh_addresses(n) if kind == "fresh" else bench.existing_addresses(n)
                    )
                    gas = bench.batch(recipients)
                    print(f"{f'payoutBatch({n})':<22} {kind:<10} {gas:>10,} {gas // n:>11,}")
                    figures[f"batch{n}_{kind}_gas_per_payout"] = gas // n
            for kind in ("fresh", "existing"):
                recipient = (
                    _fresh_addresses(1)[0] if kind == "fresh" else bench.existing_addresses(1)[0]
                )
                gas = bench.single(recipient)
                print(f"{'payout':<22} {kind:<10} {gas:>10,} {gas:>11,}")
                figures[f"single_{kind}_gas"] = gas
        finally:
            node.stop()
    if args.record:
        record.write("gas_per_payout", figures)


if __name__ == "__main__":
    main()
