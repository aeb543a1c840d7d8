"""Bank account identifiers a customer gives us, checked before they are stored: IBAN (with
BIC) for SEPA and most of the world, ABA routing number + account number for the US.

Checks are the ones the formats carry: the IBAN's country format and mod-97 check digits (ISO
13616, via schwifty), the BIC's structure and that its country matches the IBAN's, the ABA
routing number's 3-7-1 weighted checksum. Whether the account exists and is the customer's is
a different question (micro-deposits, the first matching deposit: the KYC work).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from onramp.banking.errors import InvalidBankAccount

_ABA_WEIGHTS = (3, 7, 1, 3, 7, 1, 3, 7, 1)
_US_ACCOUNT = re.compile(r"^[0-9]{4,17}$")


@dataclass(frozen=True)
class AccountNumber:
    """A validated identifier: ``scheme`` is ``iban`` or ``us_aba``. ``number`` is the IBAN
    (compact) or the US account number; ``bank_code`` the BIC or the routing number."""

    scheme: str
    number: str
    bank_code: str | None
    country: str

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def masked(self) -> str:
        """For display: enough to recognise one's account, not to use it."""
        if self.scheme == "iban":
            return f"{self.number[:4]} •••• {self.last4}"
        return f"•••• {self.last4}"


def normalise_account_number(value: str) -> str:
    """One spelling per account number (no spaces or dashes, upper case): what is sealed and
    what the blind index is computed over, so a deposit's IBAN meets the saved account's."""
    return re.sub(r"[\s-]", "", value).upper()


def parse_iban(iban: str, bic: str | None = None) -> AccountNumber:
    try:
        parsed = IBAN(normalise_account_number(iban))
    except SchwiftyException as exc:
        raise InvalidBankAccount(f"not a valid IBAN: {exc}") from None
    bank_code: str | None = None
    if bic:
        try:
            parsed_bic = BIC(normalise_account_number(bic))
        except SchwiftyException as exc:
            raise InvalidBankAccount(f"not a valid BIC: {exc}") from None
        if parsed_bic.country_code != parsed.country_code:
            raise InvalidBankAccount(
                f"the BIC is for {parsed_bic.country_code}, the IBAN for {parsed.country_code}"
            )
        bank_code = str(parsed_bic)
    return AccountNumber(
        scheme="iban", number=parsed.compact, bank_code=bank_code, country=parsed.country_code
    )


def aba_checksum_ok(routing_number: str) -> bool:
    if not (len(routing_number) == 9 and routing_number.isascii() and routing_number.isdigit()):
        return False
    total = sum(int(d) * w for d, w in zip(routing_number, _ABA_WEIGHTS, strict=True))
    return total % 10 == 0


def parse_us_account(routing_number: str, account_number: str) -> AccountNumber:
    routing, account = (
        normalise_account_number(routing_number),
        normalise_account_number(account_number),
    )
    if not aba_checksum_ok(routing):
        raise InvalidBankAccount("not a valid ABA routing number (9 digits, checksum)")
    if not _US_ACCOUNT.match(account):
        raise InvalidBankAccount("a US account number has 4 to 17 digits")
    return AccountNumber(scheme="us_aba", number=account, bank_code=routing, country="US")
