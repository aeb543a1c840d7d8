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


async def test_sessions_filter_by_state_in_json_and_csv(customer: Customer) -> None:
    client = customer.client
    login = {"email": customer.email, "password": PASSWORD}
    assert (await client.post("/v1/auth/login", json=login)).status_code == 200
    every = [s["id"] for s in (await client.get("/v1/me/sessions")).json()["data"]]
    ended = every[0]  # the newest, another than the registration's the client uses
    assert (await client.delete(f"/v1/me/sessions/{ended}")).status_code == 204

    gone = (await client.get("/v1/me/sessions", params={"state": "ended"})).json()
    assert [s["id"] for s in gone["data"]] == [ended]
    still = (await client.get("/v1/me/sessions", params={"state": "open"})).json()
    assert [s["id"] for s in still["data"]] == every[1:]
    anyway = (await client.get("/v1/me/sessions", params={"state": ""})).json()
    assert [s["id"] for s in anyway["data"]] == every

    bad = await client.get("/v1/me/sessions", params={"state": "closed"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")

    download = await client.get("/app/security/sessions.csv", params={"state": "ended"})
    assert download.status_code == 200, download.text
    assert [r["id"] for r in csv.DictReader(io.StringIO(download.text))] == [ended]
    page = await client.get("/app/security", params={"state": "ended"})
    assert page.status_code == 200
    assert 'href="/app/security/sessions.csv?state=ended"' in page.text
