from __future__ import annotations

from onramp.core.errors import Conflict, InvalidInput, Unauthenticated


class EmailTaken(Conflict):
    code = "email_taken"
    title = "An account with this email already exists"


class WeakPassword(InvalidInput):
    code = "password_too_weak"
    title = "Password does not meet the policy"


class InvalidCredentials(Unauthenticated):
    # One error for unknown email and wrong password, so a caller cannot probe for accounts.
    code = "invalid_credentials"
    title = "Email or password is wrong"


class InvalidToken(Unauthenticated):
    code = "invalid_token"
    title = "The access token is missing, expired or invalid"
