"""A list update re-screens every verified customer and active destination: newly listed
addresses are blocked (and their unpaid orders held), delisted ones no longer hit."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack
from onramp.kyc.models import KycCase
from onramp.wallets.models import DestinationWallet
from tests.compliance.helpers import (
    CURRENT,
    TORNADO_2025_03_04,
    TORNADO_ETH,
    alerts_about,
    load,
    records_about,
    wait_rescreened,
)
from tests.e2e.conftest import place_order
from tests.e2e.mfa_people import Person
from tests.e2e.test_kyc import compliance_officer


async def _approved_kyc(
    sessions: async_sessionmaker[AsyncSession], customer_id: uuid.UUID, person: Person
) -> uuid.UUID:
    """An approved case of a customer whose verified name is a listed person's."""
    case_id = uuid7()
    now = person.clock.now()
    async with unit_of_work(sessions) as session:
        case = KycCase(
            id=case_id,
            customer_id=customer_id,
            tier_requested=1,
            tier_granted=1,
            status="approved",
            vendor="sandbox",
            attempts=1,
            reasons=[],
            document_types=["PASSPORT"],
            created_at=now,
            submitted_at=now,
            reviewed_at=now,
        )
        case.given_names = "Roman"
        case.surname = "Semenov"
        case.date_of_birth = "1988-02-14"
        case.nationality = "RU"
        session.add(case)
    return case_id


async def test_delisted_entry_no_longer_hits_after_the_list_update(
    stack: Stack, person: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    me = uuid.UUID((await person.client.get("/v1/me")).json()["id"])
    # A wallet saved while the address was not listed (the current issue does not list it).
    await load(sessions, CURRENT)
    wallet_id = uuid7()
    async with unit_of_work(sessions) as session:
        session.add(
            DestinationWallet(
                id=wallet_id,
                customer_id=me,
                label="mixer",
                address=TORNADO_ETH,
                created_at=person.clock.now(),
            )
        )
    created = await place_order(person.client, "50.00", TORNADO_ETH)
    assert created.status_code == 201, created.text
    order_id = created.json()["id"]

    # The 2025-03-04 issue lists Tornado Cash: the load enqueues a re-screen of everyone.
    listed_version = await load(sessions, TORNADO_2025_03_04)
    job = await wait_rescreened(sessions, listed_version)
    assert job.hits >= 2, job.hits
    assert job.screened >= 2, job.screened

    (wallet_alert,) = await alerts_about(sessions, "destination_wallet", str(wallet_id))
    assert wallet_alert.dedupe_key == f"rescreen:{listed_version}:destination_wallet:{wallet_id}"
    assert wallet_alert.evidence["entry_uid"] == "39796"
    (order_alert,) = await alerts_about(sessions, "order", order_id)
    assert (order_alert.action, str(order_alert.order_id)) == ("hold", order_id)

    # The saved wallet is blocked for new orders.
    wallets = (await person.client.get("/v1/me/wallets")).json()["data"]
    assert [(w["id"], w["blocked"]) for w in wallets] == [(str(wallet_id), True)]
    refused = await place_order(person.client, "50.00", TORNADO_ETH)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "destination_sanctioned"

    # The current issue delists Tornado Cash, and a verified customer now matches a listed name.
    case_id = await _approved_kyc(sessions, me, person)
    current_version = await load(sessions, CURRENT)
    await wait_rescreened(sessions, current_version)

    order_records = await records_about(sessions, "order", order_id)
    by_version = {
        tuple(r.list_versions): r.decision for r in order_records if r.point == "rescreen"
    }
    assert any(listed_version in v and d == "hit" for v, d in by_version.items())
    assert any(
        current_version in v and listed_version not in v and d == "clear"
        for v, d in by_version.items()
    )
    assert len(await alerts_about(sessions, "order", order_id)) == 1  # no new alert
    (kyc_alert,) = await alerts_about(sessions, "kyc_case", str(case_id))
    assert kyc_alert.dedupe_key == f"rescreen:{current_version}:kyc_case:{case_id}"
    assert (kyc_alert.kind, kyc_alert.evidence["entry_uid"]) == ("sanctions_name", "44718")
    assert "Semenov" not in str(kyc_alert.evidence)

    # The delisted address screens clear for a compliance officer too.
    headers = await compliance_officer(stack, sessions)
    async with httpx.AsyncClient(base_url=stack.api_url, headers=headers) as officer:
        screened = await officer.get(f"/v1/compliance/screen/address/{TORNADO_ETH}")
    assert screened.status_code == 200, screened.text
    assert screened.json()["decision"] == "clear"
