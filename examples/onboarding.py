"""Onboarding: a customer signs up, verifies their email, turns on an authenticator app,
signs in with it, passes KYC, and sets up an API key for their own software (used directly and
through OAuth client credentials).

    .venv/bin/python examples/onboarding.py      # against a running `onramp dev`
"""

from __future__ import annotations

from _stack import PASSWORD, identity, say, signed_up, stack, verify_identity
from onramp_client import Authenticator, Client


def main() -> None:
    where = stack()
    with Client(where["api"]) as api:
        email = signed_up(api, where)

        enrolment = api.post("/v1/me/mfa/totp")
        authenticator = Authenticator(enrolment["secret"])  # what the phone app holds
        codes = api.post("/v1/me/mfa/totp/confirm", {"code": authenticator.code()})
        say(f"mfa          authenticator on; {len(codes['recovery_codes'])} recovery codes to keep")

        api.login(email, PASSWORD, totp=authenticator)
        say("signed in    with password and a TOTP code (a fresh second factor)")

        kyc = verify_identity(api, identity())
        limits = kyc["limits"]
        say(
            f"kyc          {kyc['case']['status']}: tier {kyc['tier']}, EUR {limits['daily_eur']}"
            f" a day, EUR {limits['monthly_eur']} a month"
        )

        scopes = ["quotes:create", "orders:create", "orders:read_own"]
        key = api.create("/v1/me/api-keys", {"name": "accounting-bot", "scopes": scopes})
        say(f"api key      {key['prefix']}… scopes {', '.join(key['scopes'])} (secret shown once)")

    with Client(where["api"]) as bot:
        bot.use_api_key(key["key"])
        say(f"as the key   {len(list(bot.paginate('/v1/orders')))} orders so far")
        token = bot.use_client_credentials(key["prefix"], key["key"], scope="orders:read_own")
        say(f"oauth        client-credentials token for {token['scope']}, {token['expires_in']} s")
        bot.get("/v1/orders")
    say("onboarding   done")


if __name__ == "__main__":
    main()
