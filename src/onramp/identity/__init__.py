"""Customers and staff: registration, login, access tokens."""

from onramp.identity.errors import EmailTaken, InvalidCredentials, InvalidToken, WeakPassword
from onramp.identity.tokens import Principal

__all__ = ["EmailTaken", "InvalidCredentials", "InvalidToken", "Principal", "WeakPassword"]
