"""What ``ONRAMP_ENV=production`` refuses: everything that only suits a development machine.

One check, run whenever the settings are read (so every process, the API and each worker, refuses
to start), listing every refusal at once, each naming the variable to set:

- a secret (any ``SecretStr`` setting) left at its shipped default or shorter than its minimum;
  a private key a local signer would hold counts only while that signer is ``local``, which is
  itself refused;
- a key held in process memory (a ``local`` signer);
- a vendor adapter that talks to a sandbox (the bank, the KYC vendor, the issuer's mock wire),
  and webhooks allowed to reach http or private addresses;
- too few confirmations for the configured chain.

The rule is by type, not by list: a new ``SecretStr`` setting is checked without being named
here. Only its minimum length may be set here, where 32 characters would be wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, SecretStr

# 32 characters of a random token is 190 bits and more; HMAC and JWT keys want at least that.
DEFAULT_SECRET_MIN_LENGTH = 32
SECRET_MIN_LENGTH = {
    "hsm.user_pin": 8,  # a token PIN; the HSM locks it out after failed logins
    "keyring_hsm.user_pin": 8,
    "notifications.smtp_password": 12,  # set by the mail provider
}
# Private keys a ``local`` signer holds, by the setting that picks the signer.
LOCAL_KEYS = {
    "chain.payout_private_key": "chain.signer",
    "treasury.executor_private_key": "treasury.executor_signer",
    "custody.private_key": "custody.signer",
}
# A sandbox setting and why production refuses it.
SANDBOX_VENDORS: dict[str, tuple[object, str]] = {
    "banking.bank": ("sandbox", "the sandbox bank adapter; name the operator's bank"),
    "kyc.vendor": ("sandbox", "the sandbox KYC adapter; name the KYC vendor"),
    "issuer.sandbox_mock_wire": (True, "wires go to the issuer sandbox's mock; set false"),
    "webhooks.allow_private": (
        True,
        "webhooks could reach plain http and loopback or private addresses; set false",
    ),
}


@dataclass(frozen=True)
class Refusal:
    setting: str  # the dotted path, e.g. "auth.jwt_secret"
    reason: str

    @property
    def variable(self) -> str:
        return variable_name(self.setting)

    def __str__(self) -> str:
        return f"{self.variable}: {self.reason}"


def variable_name(setting: str) -> str:
    """``auth.jwt_secret`` → ``ONRAMP_AUTH__JWT_SECRET``."""
    return "ONRAMP_" + "__".join(part.upper() for part in setting.split("."))


def production_refusals(settings: BaseModel) -> list[Refusal]:
    """Every reason these settings may not run in production (empty: they may)."""
    refusals: list[Refusal] = []
    for path, value, default in _secrets(settings):
        signer = LOCAL_KEYS.get(path)
        if signer is not None:
            if _get(settings, signer) == "local":
                refusals.append(
                    Refusal(signer, "a key held in process memory may not sign; use hsm")
                )
            continue
        minimum = SECRET_MIN_LENGTH.get(path, DEFAULT_SECRET_MIN_LENGTH)
        secret = value.get_secret_value()
        if path == "hsm.user_pin" and not secret and _get(settings, "keyring_hsm") is not None:
            continue  # a pod outside the chain zone: no signing PIN, it never signs
        if default is not None and secret == default.get_secret_value():
            what = "unset" if not secret else "the shipped default"
            refusals.append(
                Refusal(path, f"is {what}; set a random value of at least {minimum} characters")
            )
        elif len(secret) < minimum:
            refusals.append(Refusal(path, f"is shorter than {minimum} characters"))
    for path, (sandbox, why) in SANDBOX_VENDORS.items():
        if _get(settings, path) == sandbox:
            refusals.append(Refusal(path, why))
    refusals.extend(_finality(settings))
    return refusals


def _finality(settings: BaseModel) -> Iterator[Refusal]:
    chain_id = _get(settings, "chain.chain_id")
    confirmations = _get(settings, "chain.confirmations")
    minimum = _get(settings, "chain.min_confirmations").get(chain_id)
    if minimum is None:
        yield Refusal(
            "chain.min_confirmations",
            f"chain {chain_id} has no minimum number of confirmations; add one",
        )
    elif confirmations < minimum:
        yield Refusal(
            "chain.confirmations",
            f"{confirmations} is below the minimum for chain {chain_id} ({minimum})",
        )


def _secrets(
    model: BaseModel, prefix: str = ""
) -> Iterator[tuple[str, SecretStr, SecretStr | None]]:
    """Each secret setting with its dotted path and shipped default, sections included."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if isinstance(value, SecretStr):
            default = field.get_default(call_default_factory=True)
            yield path, value, default if isinstance(default, SecretStr) else None
        elif isinstance(value, BaseModel):
            yield from _secrets(value, f"{path}.")


def _get(model: BaseModel, path: str) -> Any:
    value: Any = model
    for part in path.split("."):
        value = getattr(value, part)
    return value
