"""What goes wrong with a saved wallet, its ownership proof or a withdrawal."""

from __future__ import annotations

from onramp.core.errors import Conflict, Forbidden, InvalidInput, NotFound


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


class WalletCustodyInvalid(InvalidInput):
    code = "wallet_custody_invalid"
    title = "A hosted wallet names its service provider (vasp_name); a self-hosted one does not"


class WalletOwnershipAlreadyProven(Conflict):
    code = "wallet_ownership_already_proven"
    title = "This wallet's ownership is already proven"


class OwnershipChallengeNotFound(NotFound):
    code = "ownership_challenge_not_found"
    title = "No such ownership challenge for this wallet"


class OwnershipChallengeExpired(Conflict):
    code = "ownership_challenge_expired"
    title = "The ownership challenge expired; ask for a new one and sign it"


class OwnershipChallengeUsed(Conflict):
    code = "ownership_challenge_used"
    title = "The ownership challenge was already used; ask for a new one"


class OwnershipMessageMismatch(InvalidInput):
    code = "ownership_message_mismatch"
    title = "The message differs from the challenge's; sign the challenge's message exactly"


class OwnershipSignatureInvalid(InvalidInput):
    code = "ownership_signature_invalid"
    title = "The signature is not a valid 65-byte EIP-191 signature (0x + 130 hex digits)"


class OwnershipSignerMismatch(InvalidInput):
    code = "ownership_signer_mismatch"
    title = "The message was not signed by the wallet's address"


class WalletOwnershipUnproven(Conflict):
    # Travel rule: a payout at or above the threshold to a self-hosted wallet needs a proof that
    # the customer controls it (EU 2023/1113 art. 14(5); FATF R.16 guidance).
    code = "wallet_ownership_unproven"
    title = (
        "Prove that you control this wallet before ordering this amount to it: "
        "POST /v1/me/wallets/{id}/ownership-challenge, sign the message with the wallet, then "
        "POST /v1/me/wallets/{id}/ownership-proof"
    )


class DestinationSanctioned(Forbidden):
    # A listed address is never a payout destination; the attempt is an alert for compliance.
    code = "destination_sanctioned"
    title = "This address is on a sanctions list and cannot receive payouts"


class WithdrawalToOwnWallet(InvalidInput):
    code = "withdrawal_to_own_wallet"
    title = "A withdrawal cannot go to the custodial wallet it leaves"
