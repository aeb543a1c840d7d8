"""The customer's account lists page as the other JSON lists do (``?limit=&before=``, answered
with ``next_before``), and download whole as CSV from their pages: shown with the sessions
(``core.paging``, shared by sessions, API keys, bank accounts, wallets and withdrawals)."""

from __future__ import annotations

import csv
import io

from tests.e2e.conftest import PASSWORD, Customer


async def test_sessions_page_newest_first_and_download_as_csv(customer: Customer) -> None:
    client = customer.client
    for _ in range(2):  # with the registration's, three sessions
        login = {"email": customer.email, "password": PASSWORD}
        assert (await client.post("/v1/auth/login", json=login)).status_code == 200
    whole = (await client.get("/v1/me/sessions")).json()
    assert len(whole["data"]) >= 3
    assert whole["next_before"] is None
    newest = [s["id"] for s in whole["data"]]
    assert newest == sorted(newest, reverse=True)

    first = (await client.get("/v1/me/sessions", params={"limit": 2})).json()
    assert [s["id"] for s in first["data"]] == newest[:2]
    assert first["next_before"] == newest[1]
    rest = await client.get("/v1/me/sessions", params={"limit": 2, "before": newest[1]})
    assert [s["id"] for s in rest.json()["data"]] == newest[2:4]
    too_many = await client.get("/v1/me/sessions", params={"limit": 101})
    assert too_many.status_code == 422

    download = await client.get("/app/security/sessions.csv")
    assert download.status_code == 200, download.text
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["id"] for r in rows] == newest
    assert {"created_at", "ip", "user_agent", "revoked_at"} <= set(rows[0])
