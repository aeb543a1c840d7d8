"""The access kit: who is calling (``Principal``), what each role may do (``Permission`` and the
matrix), the route dependency that checks it (``require``) and step-up. ``identity`` keeps the
users, sessions, API keys and second factors behind it (``CredentialStore``)."""

from onramp.auth.credentials import CredentialStore, credential_store, install_credential_store
from onramp.auth.step_up import require_recent_mfa, require_step_up

__all__ = [
    "CredentialStore",
    "credential_store",
    "install_credential_store",
    "require_recent_mfa",
    "require_step_up",
]
