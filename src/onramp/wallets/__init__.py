"""The customer's wallets: the address book of saved wallets, proofs of their ownership, and
withdrawals out of the custodial wallet (the chain mechanics are in ``chain``)."""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.wallets.address_book import customers_with_address as customers_with_address
    from onramp.wallets.address_book import export_wallets as export_wallets
    from onramp.wallets.address_book import list_wallets as saved_wallets_of
    from onramp.wallets.address_book import payout_destination as payout_destination
    from onramp.wallets.address_book import remove_all_wallets as remove_all_wallets
    from onramp.wallets.address_book import remove_wallet as remove_own_wallet
    from onramp.wallets.address_book import saved_wallet as saved_wallet
    from onramp.wallets.api import CustodyQuery as CustodyQuery
    from onramp.wallets.api import router as wallets_router
    from onramp.wallets.custodial import WithdrawalIn as WithdrawalIn
    from onramp.wallets.custodial import custodial_wallet_of as custodial_wallet_of
    from onramp.wallets.custodial import withdraw_once as withdraw_once
    from onramp.wallets.custodial import withdrawals_of as withdrawals_of
    from onramp.wallets.errors import WalletOwnershipUnproven as WalletOwnershipUnproven
    from onramp.wallets.models import DestinationWallet as DestinationWallet
    from onramp.wallets.own_wallets import WalletIn as WalletIn
    from onramp.wallets.own_wallets import add_own_wallet as add_own_wallet
    from onramp.wallets.own_wallets import own_challenge as own_challenge
    from onramp.wallets.ownership import prove_ownership as prove_ownership
    from onramp.wallets.rescreen import SavedWallets as SavedWallets
    from onramp.wallets.withdrawals_api import WithdrawalStatusQuery as WithdrawalStatusQuery
    from onramp.wallets.withdrawals_api import router as withdrawals_router

_LAZY = {
    "DestinationWallet": ("onramp.wallets.models", "DestinationWallet"),
    "SavedWallets": ("onramp.wallets.rescreen", "SavedWallets"),
    "WalletOwnershipUnproven": ("onramp.wallets.errors", "WalletOwnershipUnproven"),
    "customers_with_address": ("onramp.wallets.address_book", "customers_with_address"),
    "export_wallets": ("onramp.wallets.address_book", "export_wallets"),
    "payout_destination": ("onramp.wallets.address_book", "payout_destination"),
    "remove_all_wallets": ("onramp.wallets.address_book", "remove_all_wallets"),
    "saved_wallet": ("onramp.wallets.address_book", "saved_wallet"),
    "wallets_router": ("onramp.wallets.api", "router"),
    "CustodyQuery": ("onramp.wallets.api", "CustodyQuery"),
    "withdrawals_router": ("onramp.wallets.withdrawals_api", "router"),
    "WithdrawalStatusQuery": ("onramp.wallets.withdrawals_api", "WithdrawalStatusQuery"),
    "add_own_wallet": ("onramp.wallets.own_wallets", "add_own_wallet"),
    "own_challenge": ("onramp.wallets.own_wallets", "own_challenge"),
    "saved_wallets_of": ("onramp.wallets.address_book", "list_wallets"),
    "remove_own_wallet": ("onramp.wallets.address_book", "remove_wallet"),
    "prove_ownership": ("onramp.wallets.ownership", "prove_ownership"),
    "custodial_wallet_of": ("onramp.wallets.custodial", "custodial_wallet_of"),
    "withdrawals_of": ("onramp.wallets.custodial", "withdrawals_of"),
    "withdraw_once": ("onramp.wallets.custodial", "withdraw_once"),
    "WithdrawalIn": ("onramp.wallets.custodial", "WithdrawalIn"),
    "WalletIn": ("onramp.wallets.own_wallets", "WalletIn"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "DestinationWallet",
    "SavedWallets",
    "WalletOwnershipUnproven",
    "customers_with_address",
    "export_wallets",
    "payout_destination",
    "remove_all_wallets",
    "saved_wallet",
    "wallets_router",
    "CustodyQuery",
    "withdrawals_router",
    "WithdrawalStatusQuery",
    "add_own_wallet",
    "own_challenge",
    "saved_wallets_of",
    "remove_own_wallet",
    "prove_ownership",
    "custodial_wallet_of",
    "withdrawals_of",
    "withdraw_once",
    "WithdrawalIn",
    "WalletIn",
]
