"""GET /v1/orders filtered as the dashboard's history filters it: by state and by the UTC days
the orders were placed on (both included); a range that ends before it starts is refused."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.devstack.stack import Stack
from tests.e2e.conftest import register

pytestmark = pytest.mark.integration


async def test_orders_are_filtered_by_state_and_by_the_days_they_were_placed(
    stack: Stack, session: AsyncSession
) -> None:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client:
        customer = await register(client, stack)
        old = await customer.order(await customer.quote("100.00"))
        new = await customer.order(await customer.quote("200.00"))
        await session.execute(
            text(
                "UPDATE orders SET state = 'expired', created_at = '2025-01-10T23:59:00Z'"
                " WHERE id = :id"
            ),
            {"id": uuid.UUID(old["id"])},
        )
        await session.commit()

        async def ids(**params: str) -> list[str]:
            answer = await client.get("/v1/orders", params=params)
            assert answer.status_code == 200, answer.text
            return [o["id"] for o in answer.json()["data"]]

        assert await ids() == [new["id"], old["id"]]
        assert await ids(state="expired") == [old["id"]]
        assert await ids(state="awaiting_funds") == [new["id"]]
        assert await ids(placed_from="2025-01-10", placed_to="2025-01-10") == [old["id"]]
        assert await ids(placed_to="2025-01-09") == []
        assert await ids(placed_from="2025-01-11") == [new["id"]]
        assert await ids(state="expired", placed_from="2025-01-11") == []

        backwards = await client.get(
            "/v1/orders", params={"placed_from": "2025-01-11", "placed_to": "2025-01-10"}
        )
        assert backwards.status_code == 422
        assert backwards.json()["code"] == "order_filter_invalid"
        assert (await client.get("/v1/orders", params={"state": "lost"})).status_code == 422
