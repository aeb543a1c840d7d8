"""The customer's wallets: the address book of saved wallets, proofs of their ownership, and
withdrawals out of the custodial wallet (the chain mechanics are in ``chain``)."""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.wallets.address_book import customers_with_address as customers_with_address
    from onramp.wallets.address_book import export_wallets as export_wallets
    from onramp.wallets.address_book import payout_destination as payout_destination
    from onramp.wallets.address_book import remove_all_wallets as remove_all_wallets
    from onramp.wallets.address_book import saved_wallet as saved_wallet
    from onramp.wallets.api import router as wallets_router
    from onramp.wallets.errors import WalletOwnershipUnproven as WalletOwnershipUnproven
    from onramp.wallets.models import DestinationWallet as DestinationWallet
    from onramp.wallets.rescreen import SavedWallets as SavedWallets
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
    "withdrawals_router": ("onramp.wallets.withdrawals_api", "router"),
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
    "withdrawals_router",
]
