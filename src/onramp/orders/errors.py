from __future__ import annotations

from onramp.core.errors import Conflict, Forbidden, InvalidInput, NotFound


class OrderNotFound(NotFound):
    code = "order_not_found"
    title = "Order not found"


class NoDefaultWallet(InvalidInput):
    code = "destination_required"
    title = "No destination address given and no customer wallet factory configured"


class WalletNotFound(NotFound):
    code = "wallet_not_found"
    title = "Wallet not found"


class WalletExists(Conflict):
    code = "wallet_exists"
    title = "This address is already in the address book"


class DestinationNotAllowed(InvalidInput):
    # Payouts go to the customer's own wallet or an address they saved with step-up MFA.
    code = "destination_not_in_address_book"
    title = "Add the address to your wallets (POST /v1/me/wallets) before ordering to it"


class IdentityNotVerified(Forbidden):
    code = "kyc_required"
    title = "Verify your identity (POST /v1/me/kyc) before placing orders"
    public_extra = frozenset({"tier"})


class OrderLimitExceeded(InvalidInput):
    # Extensions say which window, the limit, what is used and what remains (EUR-equivalent).
    code = "order_limit_exceeded"
    title = "This order would exceed your verification tier's limit"
    public_extra = frozenset({"tier", "window", "limit_eur", "used_eur", "remaining_eur"})
