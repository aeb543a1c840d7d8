"""The operator's treasury accounts: where customers send each currency.

EUR, and every currency no other account lists, arrive on ``treasury_iban`` (a multi-currency
account, paid by SEPA or SWIFT); each of ``treasury_accounts`` receives the currencies it lists,
by IBAN and BIC or, for USD, by ABA routing number and account number. Each account's numbers
are validated when the API starts: a typo in configuration must never reach a customer's
payment instructions.
"""

from __future__ import annotations

from dataclasses import dataclass

from onramp.banking.accounts.account_numbers import parse_iban, parse_us_account
from onramp.banking.errors import InvalidBankAccount
from onramp.core.errors import InvalidInput
from onramp.core.settings import BankingSettings, TreasuryAccountSettings


class TreasuryAccountInvalid(InvalidInput):
    code = "treasury_account_invalid"
    title = "A configured treasury account is not valid"


@dataclass(frozen=True)
class TreasuryAccount:
    scheme: str  # iban | us_aba
    account_name: str
    iban: str | None
    bic: str | None
    routing_number: str | None
    account_number: str | None


def _account(row: TreasuryAccountSettings) -> TreasuryAccount:
    try:
        if row.iban and not (row.routing_number or row.account_number):
            parsed = parse_iban(row.iban, row.bic)
            return TreasuryAccount("iban", row.account_name, parsed.number, row.bic, None, None)
        if row.routing_number and row.account_number and not row.iban:
            parsed = parse_us_account(row.routing_number, row.account_number)
            return TreasuryAccount(
                "us_aba", row.account_name, None, None, parsed.bank_code, parsed.number
            )
    except InvalidBankAccount as exc:
        raise TreasuryAccountInvalid(
            f"treasury account for {', '.join(sorted(row.currencies))}: {exc.detail}"
        ) from None
    raise TreasuryAccountInvalid(
        f"treasury account for {', '.join(sorted(row.currencies))}: give either iban (and bic), "
        "or routing_number and account_number"
    )


def treasury_account(settings: BankingSettings, currency: str) -> TreasuryAccount:
    """The account customers pay ``currency`` into."""
    for row in settings.treasury_accounts:
        if currency in row.currencies:
            return _account(row)
    return _account(
        TreasuryAccountSettings(
            currencies=frozenset({currency}),
            account_name=settings.treasury_account_name,
            iban=settings.treasury_iban,
            bic=settings.treasury_bic,
        )
    )


def check_treasury_accounts(settings: BankingSettings) -> None:
    """Raise ``TreasuryAccountInvalid`` naming the first account whose numbers are not valid, or
    a currency listed by two accounts."""
    treasury_account(settings, "EUR")
    seen: set[str] = set()
    for row in settings.treasury_accounts:
        _account(row)
        twice = seen & row.currencies
        if twice:
            raise TreasuryAccountInvalid(f"{', '.join(sorted(twice))}: two treasury accounts")
        seen |= row.currencies
