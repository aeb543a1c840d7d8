"""Passwords: at least 12 characters and not guessable (common/breached lists, patterns, the
user's own details)."""

from __future__ import annotations

import pytest

from onramp.identity.accounts.service import check_password_policy
from onramp.identity.errors import WeakPassword


@pytest.mark.parametrize(
    "password",
    [
        "short",
        "Password1234",  # a breached favourite with digits
        "123456789012",
        "qwertyuiopasdf",  # a keyboard walk
        "passwordpassword",  # a repeat
        "iloveyou1234",
    ],
)
def test_guessable_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_password_policy(password)


def test_the_users_own_details_do_not_make_a_password() -> None:
    with pytest.raises(WeakPassword):
        check_password_policy(
            "adalovelace1815",
            user_inputs=["adalovelace1815@example.com", "adalovelace1815", "Ada", "Lovelace"],
        )


@pytest.mark.parametrize(
    "password", ["a perfectly long passphrase", "correct horse battery staple", "t9#Lq!vW2m@Zr8"]
)
def test_strong_passwords_pass(password: str) -> None:
    check_password_policy(password, user_inputs=["someone@example.com"])


def test_a_long_weak_password_is_refused_not_a_crash() -> None:
    # zxcvbn raises ValueError past 72 characters: that was a 500 on register (Schemathesis).
    with pytest.raises(WeakPassword):
        check_password_policy("0" * 256)


def test_a_long_strong_password_passes() -> None:
    check_password_policy("correct horse battery staple " * 8)
