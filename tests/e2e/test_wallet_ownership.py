"""Proof that a customer controls a saved wallet: sign the challenge with its key (EIP-191).

Every failure (wrong key, tampered or expired challenge, reuse, someone else's wallet) is a
problem+json error with a stable code and leaves the wallet unproven."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.audit import AuditRecord
from tests.e2e.conftest import Customer
from tests.e2e.mfa_people import Person, enrol


def sign(key: LocalAccount, message: str) -> str:
    return "0x" + key.sign_message(encode_defunct(text=message)).signature.hex().removeprefix("0x")


async def saved_wallet(person: Person, key: LocalAccount, **extra: Any) -> dict[str, Any]:
    if not person.secret:
        await enrol(person)
    response = await person.client.post(
        "/v1/me/wallets", json={"label": "ledger", "address": key.address.lower(), **extra}
    )
    assert response.status_code == 201, response.text
    wallet: dict[str, Any] = response.json()
    return wallet


async def challenge(person: Person, wallet_id: str) -> dict[str, Any]:
    response = await person.client.post(f"/v1/me/wallets/{wallet_id}/ownership-challenge")
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def log_in_again(person: Person) -> None:
    mfa_token = (await person.login()).json()["mfa_token"]
    tokens = await person.client.post(
        "/v1/auth/mfa", json={"mfa_token": mfa_token, "code": person.code()}
    )
    assert tokens.status_code == 200, tokens.text
    person.use(tokens.json())


async def prove(person: Person, wallet_id: str, **body: Any) -> httpx.Response:
    return await person.client.post(f"/v1/me/wallets/{wallet_id}/ownership-proof", json=body)


async def test_signing_the_challenge_with_the_wallets_key_proves_ownership(
    person: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    key: LocalAccount = Account.create()
    wallet = await saved_wallet(person, key)
    assert (wallet["ownership"], wallet["ownership_proven_at"], wallet["custody"]) == (
        "unproven",
        None,
        "self_hosted",
    )
    issued = await challenge(person, wallet["id"])
    message = issued["message"]
    lines = message.split("\n")
    assert lines[0].endswith("asks you to prove that you control this Ethereum account:")
    assert lines[1] == key.address  # EIP-55, though it was saved in lower case
    assert "onramp account" in message
    assert f"Nonce: {issued['nonce']}" in lines
    assert f"Request ID: {issued['challenge_id']}" in lines
    assert any(line.startswith("Expiration Time: ") for line in lines)
    assert message.endswith(f"/v1/me/wallets/{wallet['id']}")
    assert "wants you to sign in" not in message  # never usable as a SIWE login

    proven = await prove(
        person,
        wallet["id"],
        challenge_id=issued["challenge_id"],
        signature=sign(key, message),
        message=message,
    )
    assert proven.status_code == 200, proven.text
    assert proven.json()["ownership"] == "proven"
    assert proven.json()["ownership_method"] == "eip191_personal_sign"
    listed = (await person.client.get("/v1/me/wallets")).json()["data"]
    assert [w["ownership"] for w in listed] == ["proven"]

    reused = await prove(
        person, wallet["id"], challenge_id=issued["challenge_id"], signature=sign(key, message)
    )
    assert reused.status_code == 409
    assert reused.headers["content-type"].startswith("application/problem+json")
    assert reused.json()["code"] == "ownership_challenge_used"
    again = await person.client.post(f"/v1/me/wallets/{wallet['id']}/ownership-challenge")
    assert again.status_code == 409
    assert again.json()["code"] == "wallet_ownership_already_proven"

    async with sessions() as session:
        audits = (
            await session.scalars(
                select(AuditRecord).where(AuditRecord.action == "wallet.ownership_proven")
            )
        ).all()
    assert any(a.data["wallet_id"] == wallet["id"] for a in audits)


async def test_a_wrong_key_a_tampered_message_or_a_bad_signature_prove_nothing(
    person: Person,
) -> None:
    key: LocalAccount = Account.create()
    wallet = await saved_wallet(person, key)
    issued = await challenge(person, wallet["id"])
    message, challenge_id = issued["message"], issued["challenge_id"]

    async def refused(signature: str, code: str, status: int = 422, **extra: Any) -> None:
        response = await prove(
            person, wallet["id"], challenge_id=challenge_id, signature=signature, **extra
        )
        assert response.status_code == status, response.text
        assert response.json()["code"] == code

    await refused(sign(Account.create(), message), "ownership_signer_mismatch")
    tampered = message.replace(key.address, Account.create().address)
    await refused(sign(key, tampered), "ownership_signer_mismatch")
    await refused(sign(key, tampered), "ownership_message_mismatch", message=tampered)
    await refused("0x1234", "ownership_signature_invalid")
    await refused("0x" + "00" * 65, "ownership_signature_invalid")
    unknown = await prove(
        person, wallet["id"], challenge_id=str(uuid.uuid4()), signature=sign(key, message)
    )
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "ownership_challenge_not_found"

    # Nothing changed: still unproven, and the challenge still works.
    one = (await person.client.get(f"/v1/me/wallets/{wallet['id']}")).json()
    assert one["ownership"] == "unproven"
    ok = await prove(person, wallet["id"], challenge_id=challenge_id, signature=sign(key, message))
    assert ok.status_code == 200, ok.text


async def test_an_expired_or_superseded_wallets_challenge_proves_nothing(person: Person) -> None:
    key: LocalAccount = Account.create()
    wallet = await saved_wallet(person, key)
    issued = await challenge(person, wallet["id"])
    person.clock.set(person.clock.now() + timedelta(minutes=16))  # TTL 15 minutes by default
    await log_in_again(person)  # the access token lived 10 minutes
    expired = await prove(
        person,
        wallet["id"],
        challenge_id=issued["challenge_id"],
        signature=sign(key, issued["message"]),
    )
    assert expired.status_code == 409
    assert expired.json()["code"] == "ownership_challenge_expired"
    assert (await person.client.get(f"/v1/me/wallets/{wallet['id']}")).json()[
        "ownership"
    ] == "unproven"

    # A challenge belongs to its wallet: it cannot prove another of the customer's wallets.
    other_key: LocalAccount = Account.create()
    other = await saved_wallet(person, other_key)
    fresh = await challenge(person, wallet["id"])
    crossed = await prove(
        person,
        other["id"],
        challenge_id=fresh["challenge_id"],
        signature=sign(other_key, fresh["message"]),
    )
    assert crossed.status_code == 404
    assert crossed.json()["code"] == "ownership_challenge_not_found"


async def test_another_customers_wallet_is_not_found(person: Person, customer: Customer) -> None:
    key: LocalAccount = Account.create()
    wallet = await saved_wallet(person, key)
    issued = await challenge(person, wallet["id"])
    theirs = await customer.client.post(f"/v1/me/wallets/{wallet['id']}/ownership-challenge")
    assert theirs.status_code == 404
    assert theirs.json()["code"] == "wallet_not_found"
    stolen = await customer.client.post(
        f"/v1/me/wallets/{wallet['id']}/ownership-proof",
        json={"challenge_id": issued["challenge_id"], "signature": sign(key, issued["message"])},
    )
    assert stolen.status_code == 404
    assert stolen.json()["code"] == "wallet_not_found"
    mine = (await person.client.get(f"/v1/me/wallets/{wallet['id']}")).json()
    assert mine["ownership"] == "unproven"


async def test_a_hosted_wallet_names_its_provider(person: Person) -> None:
    await enrol(person)
    address = Account.create().address

    async def add(**body: Any) -> httpx.Response:
        return await person.client.post(
            "/v1/me/wallets", json={"label": "exchange", "address": address, **body}
        )

    missing = await add(custody="hosted")
    assert missing.status_code == 422
    assert missing.json()["code"] == "wallet_custody_invalid"
    stray = await add(vasp_name="Example Exchange")
    assert stray.json()["code"] == "wallet_custody_invalid"
    hosted = await add(custody="hosted", vasp_name="Example Exchange GmbH")
    assert hosted.status_code == 201, hosted.text
    assert (hosted.json()["custody"], hosted.json()["vasp_name"]) == (
        "hosted",
        "Example Exchange GmbH",
    )
