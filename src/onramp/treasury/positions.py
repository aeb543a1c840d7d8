"""Treasury positions: what the operator holds right now, and where the books disagree.

USDC per wallet is read from the chain and set beside the ledger's ``chain:<wallet>:USDC``
(a difference is a reconciliation break to explain); fiat per bank account and the FX position
per currency come from the ledger; USDC reserved for payouts not yet confirmed is shown apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain import ChainClient
from onramp.core.money import Money
from onramp.ledger import balances_of_class, chain_account
from onramp.treasury.liquidity import WalletLiquidity, liquidity


@dataclass(frozen=True)
class WalletPosition:
    liquidity: WalletLiquidity
    ether_wei: int
    ledger: Money  # chain:<wallet>:USDC in the books

    @property
    def difference(self) -> Money:
        """On-chain minus booked: zero when the books agree with the chain."""
        return Money(self.liquidity.balance, "USDC") - self.ledger


@dataclass(frozen=True)
class Positions:
    as_of: datetime
    wallets: list[WalletPosition]
    bank: list[tuple[str, Money]]  # bank:<bank>:<ccy> -> what the bank holds for us
    fx: list[tuple[str, Money]]  # fx:<ccy> -> the position (long positive)
    customers_owed: list[Money]  # per currency: what customers' accounts hold

    @property
    def usdc_on_chain(self) -> Money:
        return Money(sum(w.liquidity.balance for w in self.wallets), "USDC")


async def positions(
    session: AsyncSession, client: ChainClient, *, usdc: str, now: datetime
) -> Positions:
    booked = dict(await balances_of_class(session, "chain"))
    wallets = [
        WalletPosition(
            liquidity=w,
            ether_wei=await client.balance(w.wallet.address),
            ledger=booked.get(chain_account(w.wallet.name), Money.zero("USDC")),
        )
        for w in await liquidity(session, client, usdc=usdc)
    ]
    owed: dict[str, Money] = {}
    for _code, balance in await balances_of_class(session, "customer"):
        # Liabilities are credit balances (negative here): what customers hold is the negation.
        owed[balance.currency] = owed.get(balance.currency, Money.zero(balance.currency)) - balance
    return Positions(
        as_of=now,
        wallets=wallets,
        bank=await balances_of_class(session, "bank"),
        # The FX account is credited when we buy a currency: the position is its negation.
        fx=[(code, -balance) for code, balance in await balances_of_class(session, "fx")],
        customers_owed=sorted(owed.values(), key=lambda m: m.currency),
    )


def positions_document(p: Positions) -> dict[str, object]:
    """The positions as plain JSON (API and CLI)."""
    return {
        "as_of": p.as_of.isoformat(),
        "usdc_on_chain": str(p.usdc_on_chain),
        "wallets": [
            {
                "name": w.liquidity.wallet.name,
                "kind": w.liquidity.wallet.kind,
                "tier": w.liquidity.wallet.tier,
                "address": w.liquidity.wallet.address,
                "usdc": str(Money(w.liquidity.balance, "USDC")),
                "reserved": str(Money(w.liquidity.reserved, "USDC")),
                "available": str(Money(w.liquidity.available, "USDC")),
                "state": w.liquidity.state,
                "ether": _ether(w.ether_wei),
                "ledger": str(w.ledger),
                "difference": str(w.difference),
            }
            for w in p.wallets
        ],
        "bank": [
            {"account": code, "currency": m.currency, "balance": str(m)} for code, m in p.bank
        ],
        "fx": [{"account": code, "currency": m.currency, "position": str(m)} for code, m in p.fx],
        "customers_owed": [{"currency": m.currency, "amount": str(m)} for m in p.customers_owed],
    }


def _ether(wei: int) -> str:
    """Wei as ether, exactly (gas money is not a currency of the money module)."""
    return f"{Decimal(wei).scaleb(-18):f}"
