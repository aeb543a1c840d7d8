"""The screening API for compliance officers: the CLI's `screen names` / `screen address` over
HTTP (JSON rows or a CSV body), and the screening records and re-screens to read back."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.devstack.stack import Stack
from tests.compliance.helpers import CURRENT, SEMENOV_ETH, load
from tests.e2e.conftest import Customer
from tests.e2e.test_kyc import compliance_officer


@pytest.fixture
async def version(sessions: async_sessionmaker[AsyncSession]) -> str:
    """The current list, loaded before the test's customer registers (so it is screened on it,
    whether or not an earlier test loaded a list)."""
    return await load(sessions, CURRENT)


async def test_officers_screen_names_and_addresses(
    stack: Stack, version: str, customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    headers = await compliance_officer(stack, sessions)
    async with httpx.AsyncClient(base_url=stack.api_url, headers=headers) as officer:
        rows = await officer.post(
            "/v1/compliance/screen/names",
            json={
                "rows": [
                    {"name": "Semenov Roman", "date_of_birth": "1988-02-14"},
                    {"name": "Ada Lovelace"},
                ]
            },
        )
        assert rows.status_code == 200, rows.text
        body = rows.json()
        assert version in body["list_versions"]
        hit, clear = body["data"]
        assert (hit["decision"], hit["entry_uid"], hit["entry_name"]) == (
            "hit",
            "44718",
            "Semenov, Roman",
        )
        assert clear["decision"] == "clear"

        csv = await officer.post(
            "/v1/compliance/screen/names",
            content="name,date_of_birth,country\nRoman SEMENOV,,\nJane Doe,1990,\n",
            headers={"Content-Type": "text/csv"},
        )
        assert csv.status_code == 200, csv.text
        assert [r["decision"] for r in csv.json()["data"]] == ["hit", "clear"]

        bad_csv = await officer.post(
            "/v1/compliance/screen/names",
            content="a,b,c,d\n",
            headers={"Content-Type": "text/csv"},
        )
        assert bad_csv.status_code == 422
        assert bad_csv.json()["code"] == "screening_batch_invalid"
        empty = await officer.post("/v1/compliance/screen/names", json={"rows": []})
        assert empty.status_code == 422
        assert empty.json()["code"] == "screening_batch_invalid"

        listed = await officer.get(f"/v1/compliance/screen/address/{SEMENOV_ETH.lower()}")
        assert listed.status_code == 200, listed.text
        assert (listed.json()["decision"], listed.json()["entry_uid"]) == ("hit", "44718")
        unlisted = await officer.get("/v1/compliance/screen/address/0x" + "ab" * 20)
        assert unlisted.json()["decision"] == "clear"

        # The customer's registration screen is on record, hit or clear.
        records = await officer.get(
            "/v1/compliance/screenings", params={"customer_id": customer.user_id}
        )
        assert records.status_code == 200, records.text
        assert [(r["point"], r["decision"]) for r in records.json()["data"]] == [
            ("registration", "clear")
        ]
        jobs = await officer.get("/v1/compliance/rescreens")
        assert version in {j["version_id"] for j in jobs.json()["data"]}

    for path in ("/v1/compliance/screenings", f"/v1/compliance/screen/address/{SEMENOV_ETH}"):
        denied = await customer.client.get(path)
        assert denied.status_code == 403
        assert denied.json()["code"] == "permission_denied"
    denied = await customer.client.post(
        "/v1/compliance/screen/names", json={"rows": [{"name": "x"}]}
    )
    assert denied.status_code == 403
