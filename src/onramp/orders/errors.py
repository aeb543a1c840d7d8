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


class DestinationSanctioned(Forbidden):
    # A listed address is never a payout destination; the attempt is an alert for compliance.
    code = "destination_sanctioned"
    title = "This address is on a sanctions list and cannot receive payouts"
