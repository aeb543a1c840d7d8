"""Filling the settings a process left unset from a running dev stack's ``stack.json``: its
services' addresses, its contracts and the keys in its HSM token. A setting configured
explicitly always wins."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, SecretStr

from onramp.core.settings.alerts import AlertChannelSettings, AlertSettings
from onramp.core.settings.banking import BankingSettings
from onramp.core.settings.chain import ChainSettings, CustodySettings
from onramp.core.settings.compliance import KycSettings
from onramp.core.settings.infrastructure import (
    DatabaseSettings,
    HsmSettings,
    NatsSettings,
    NotificationSettings,
)
from onramp.core.settings.treasury import IssuerSettings, TreasuryRiskSettings, TreasurySettings

_S = TypeVar("_S", bound=BaseModel)


class StackSections(Protocol):
    """The sections of ``Settings`` a dev stack fills (a protocol, so this module needs not import
    ``root``, which imports it)."""

    @property
    def issuer(self) -> IssuerSettings: ...
    @property
    def kyc(self) -> KycSettings: ...
    @property
    def banking(self) -> BankingSettings: ...
    @property
    def database(self) -> DatabaseSettings: ...
    @property
    def nats(self) -> NatsSettings: ...
    @property
    def chain(self) -> ChainSettings: ...
    @property
    def treasury(self) -> TreasurySettings: ...
    @property
    def treasury_risk(self) -> TreasuryRiskSettings: ...
    @property
    def custody(self) -> CustodySettings: ...
    @property
    def hsm(self) -> HsmSettings: ...
    @property
    def notifications(self) -> NotificationSettings: ...
    @property
    def alerts(self) -> AlertSettings: ...


# stack.json's contracts by the chain settings' field that holds each address.
_CONTRACT_FIELDS = (
    ("usdc_address", "usdc"),
    ("vault_address", "vault"),
    ("wallet_factory_address", "wallet_factory"),
)


def stack_updates(settings: StackSections, stack: dict[str, Any]) -> dict[str, BaseModel]:
    """The sections of ``settings`` with what is unset filled from ``stack``, by name."""
    return {
        "issuer": _unless_set(settings.issuer, "api_url", stack.get("issuer_sandbox")),
        "kyc": _unless_set(settings.kyc, "vendor_url", stack.get("kyc_sandbox")),
        "banking": _unless_set(settings.banking, "api_url", stack.get("bank_sandbox")),
        "database": _unless_set(settings.database, "url", stack.get("database")),
        "nats": _unless_set(settings.nats, "url", stack.get("nats")),
        "chain": _chain(settings.chain, stack),
        "treasury": _treasury(settings.treasury, stack),
        "treasury_risk": _treasury_risk(settings.treasury_risk, stack),
        "custody": _custody(settings.custody, stack),
        "hsm": _hsm(settings.hsm, stack),
        "notifications": _notifications(settings.notifications, stack),
        "alerts": _alerts(settings.alerts, stack),
    }


def _unless_set(section: _S, field: str, value: Any) -> _S:
    """``section`` with ``field`` set to ``value`` if it is unset and ``value`` is not empty."""
    if getattr(section, field) or not value:
        return section
    return section.model_copy(update={field: value})


def _chain(chain: ChainSettings, stack: dict[str, Any]) -> ChainSettings:
    contracts = stack.get("contracts", {})
    updates: dict[str, Any] = {}
    if not chain.rpc_url:
        updates["rpc_url"] = stack.get("rpc", "")
    for field, key in _CONTRACT_FIELDS:
        if not getattr(chain, field) and key in contracts:
            updates[field] = contracts[key]
    payout = stack.get("payout_key", {})
    if not chain.payout_key_id and payout.get("key_id"):
        # The dev stack's payout key, in its token: the vault's payout role is its address.
        updates |= {"signer": "hsm", "payout_key_id": payout["key_id"]}
    return chain.model_copy(update=updates)


def _treasury(treasury: TreasurySettings, stack: dict[str, Any]) -> TreasurySettings:
    executor = stack.get("executor_key", {})
    if treasury.executor_key_id or not executor.get("key_id"):
        return treasury
    return treasury.model_copy(
        update={"executor_signer": "hsm", "executor_key_id": executor["key_id"]}
    )


def _treasury_risk(risk: TreasuryRiskSettings, stack: dict[str, Any]) -> TreasuryRiskSettings:
    guardian = stack.get("guardian_key", {})
    return _unless_set(risk, "guardian_key_id", guardian.get("key_id"))


def _custody(custody: CustodySettings, stack: dict[str, Any]) -> CustodySettings:
    custody_key = stack.get("custody_key", {})
    if custody.key_id or not custody_key.get("key_id"):
        return custody
    return custody.model_copy(update={"signer": "hsm", "key_id": custody_key["key_id"]})


def _hsm(hsm: HsmSettings, stack: dict[str, Any]) -> HsmSettings:
    if hsm.user_pin.get_secret_value() or "hsm" not in stack:
        return hsm
    # The dev stack's own token; an explicitly configured PIN always wins.
    token = stack["hsm"]
    return hsm.model_copy(
        update={
            "token_label": token["token_label"],
            "user_pin": SecretStr(token["user_pin"]),
            "softhsm2_conf": token["softhsm2_conf"],
        }
    )


def _notifications(
    notifications: NotificationSettings, stack: dict[str, Any]
) -> NotificationSettings:
    if notifications.smtp_host or not stack.get("smtp"):
        return notifications
    host, port = str(stack["smtp"]).rsplit(":", 1)
    return notifications.model_copy(update={"smtp_host": host, "smtp_port": int(port)})


# Where the dev stack's alerts go when no channel is configured: its mail sandbox's inbox.
DEV_ONCALL = "oncall@onramp.localhost"


def _alerts(alerts: AlertSettings, stack: dict[str, Any]) -> AlertSettings:
    if alerts.channels or not stack.get("smtp"):
        return alerts
    oncall = AlertChannelSettings(name="oncall", kind="email", to=DEV_ONCALL)
    return alerts.model_copy(update={"channels": (oncall,)})
