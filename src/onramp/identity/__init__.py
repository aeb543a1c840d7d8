"""Customers and staff: registration, login, access tokens."""

from onramp.auth.tokens import Principal
from onramp.identity.errors import EmailTaken, InvalidCredentials, InvalidToken, WeakPassword

__all__ = ["EmailTaken", "InvalidCredentials", "InvalidToken", "Principal", "WeakPassword"]
