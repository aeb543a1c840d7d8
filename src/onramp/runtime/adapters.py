"""The vendor adapters the settings name: ``banking.bank`` picks the bank's webhook and payments
adapters, ``kyc.vendor`` the KYC vendor's, ``issuer.vendor`` the issuer's. The API and the
workers ask here instead of naming adapter classes. A name with no adapter is a settings error
at start-up (``ONRAMP_BANKING__BANK: no bank adapter named ...``); which names production
refuses (the sandboxes) is ``core.production_check``'s one check."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol, TypeVar

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from onramp.banking import (
    BankPayments,
    BankWebhookAdapter,
    Pain001Upload,
    SandboxBankAdapter,
    SandboxBankPayments,
)
from onramp.core.settings import Settings
from onramp.kyc import KycVendor, SandboxKycVendor
from onramp.treasury import CircleMintIssuer, build_issuer


class BankApi(BankPayments, Pain001Upload, Protocol):
    """A bank's API: single payments, and pain.001 files for a bank that takes them."""


def _sandbox_bank(settings: Settings) -> BankWebhookAdapter:
    return SandboxBankAdapter(
        secret=settings.banking.webhook_secret.get_secret_value().encode(),
        tolerance_seconds=settings.banking.webhook_tolerance_seconds,
    )


def _sandbox_bank_api(settings: Settings) -> BankApi:
    banking = settings.banking
    return SandboxBankPayments(base_url=banking.api_url, timeout=banking.request_timeout_seconds)


def _sandbox_kyc(settings: Settings) -> KycVendor:
    kyc = settings.kyc
    return SandboxKycVendor(
        base_url=kyc.vendor_url,
        secret=kyc.webhook_secret.get_secret_value().encode(),
        tolerance_seconds=kyc.webhook_tolerance_seconds,
        timeout=kyc.request_timeout_seconds,
    )


def _circle(settings: Settings) -> CircleMintIssuer:
    return build_issuer(settings.issuer)


# Setting value -> adapter constructor; a real vendor's adapter is one more line here.
BANK_WEBHOOKS: Mapping[str, Callable[[Settings], BankWebhookAdapter]] = {"sandbox": _sandbox_bank}
BANK_APIS: Mapping[str, Callable[[Settings], BankApi]] = {"sandbox": _sandbox_bank_api}
KYC_VENDORS: Mapping[str, Callable[[Settings], KycVendor]] = {"sandbox": _sandbox_kyc}
# The issuer's adapter is Circle-Mint-shaped; the sandbox's mock wire (runtime.issuer) needs it.
ISSUERS: Mapping[str, Callable[[Settings], CircleMintIssuer]] = {"circle": _circle}

Adapter = TypeVar("Adapter")


def _pick(
    table: Mapping[str, Callable[[Settings], Adapter]],
    settings: Settings,
    *,
    setting: tuple[str, str],
    what: str,
) -> Adapter:
    section, field = setting
    name = str(getattr(getattr(settings, section), field))
    make = table.get(name)
    if make is None:
        message = f"no {what} adapter named {name!r}; choose one of {', '.join(sorted(table))}"
        error = InitErrorDetails(
            type=PydanticCustomError("adapter_unknown", message), loc=setting, input=name
        )
        # The same error a wrong setting gives, so `onramp` names the variable to set.
        raise ValidationError.from_exception_data(Settings.__name__, [error])
    return make(settings)


def bank_webhooks(settings: Settings) -> dict[str, BankWebhookAdapter]:
    """The bank's webhook adapter, by the name its notices arrive under."""
    adapter = _pick(BANK_WEBHOOKS, settings, setting=("banking", "bank"), what="bank")
    return {adapter.name: adapter}


def bank_api(settings: Settings) -> BankApi:
    return _pick(BANK_APIS, settings, setting=("banking", "bank"), what="bank payments")


def kyc_vendors(settings: Settings) -> dict[str, KycVendor]:
    """The KYC vendor's adapter, by the name its webhooks arrive under."""
    vendor = _pick(KYC_VENDORS, settings, setting=("kyc", "vendor"), what="KYC vendor")
    return {vendor.name: vendor}


def issuer(settings: Settings) -> CircleMintIssuer:
    return _pick(ISSUERS, settings, setting=("issuer", "vendor"), what="issuer")
