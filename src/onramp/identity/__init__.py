"""Customers and staff: registration, login, sessions, API keys, second factors; the stores
behind the access kit (``onramp.auth``), which it installs here."""

from onramp.auth.credentials import install_credential_store
from onramp.identity.credentials import IdentityCredentials
from onramp.identity.errors import EmailTaken, InvalidCredentials, InvalidToken, WeakPassword

install_credential_store(IdentityCredentials())

__all__ = ["EmailTaken", "InvalidCredentials", "InvalidToken", "WeakPassword"]
