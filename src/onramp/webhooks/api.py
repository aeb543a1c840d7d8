"""``/v1/me/webhooks``: a customer's webhook endpoints, their deliveries, replay."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from onramp.auth import Permission, Principal, require
from onramp.core.paging import PageQuery
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.webhooks import deliveries, endpoints
from onramp.webhooks.catalogue import EVENT_TYPES
from onramp.webhooks.schemas import (
    DeliveryList,
    DeliveryOut,
    EventTypeList,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
    WebhookOut,
)
from onramp.webhooks.service import delivery_out, url_policy

router = APIRouter(prefix="/v1/me/webhooks", tags=["webhooks"])

Owner = Annotated[Principal, require(Permission.WEBHOOKS_MANAGE_OWN)]
Limit = Annotated[int, Query(ge=1, le=100)]


_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "webhook_endpoint_not_found"}}


# Beside /v1/me/webhooks, not under it: there "event-types" would also be read as an endpoint id.
catalogue_router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


@catalogue_router.get("/event-types", summary="The event types an endpoint may subscribe to")
async def list_event_types(principal: Owner) -> EventTypeList:
    return EventTypeList(data=list(EVENT_TYPES))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Register an endpoint; its signing secret is in this response only",
    responses={
        409: {"description": "webhook_endpoint_limit"},
        422: {
            "description": "webhook_url_invalid, webhook_url_not_allowed, "
            "webhook_event_types_invalid, request_invalid"
        },
    },
)
async def create_webhook(
    body: WebhookCreate,
    principal: Owner,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> WebhookCreated:
    return await endpoints.register_endpoint(
        session,
        user_id=principal.user_id,
        body=body,
        policy=url_policy(settings),
        max_endpoints=settings.webhooks.max_endpoints_per_customer,
        now=clock.now(),
    )


@router.get("", summary="The caller's endpoints, newest first (secrets never shown)")
async def list_webhooks(
    principal: Owner, session: SessionDep, limit: Limit = 20, before: uuid.UUID | None = None
) -> WebhookList:
    found = await endpoints.own_endpoints(
        session, user_id=principal.user_id, limit=limit, before=before
    )
    return WebhookList(
        data=[endpoints.endpoint_out(e) for e in found],
        next_before=PageQuery(limit=limit, before=before).next_before(found),
    )


@router.get("/{endpoint_id}", summary="One of the caller's endpoints", responses=_NOT_FOUND)
async def get_webhook(endpoint_id: uuid.UUID, principal: Owner, session: SessionDep) -> WebhookOut:
    found = await endpoints.own_endpoint(
        session, user_id=principal.user_id, endpoint_id=endpoint_id
    )
    return endpoints.endpoint_out(found)


@router.delete(
    "/{endpoint_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove an endpoint: nothing more is sent to it",
    responses=_NOT_FOUND,
)
async def delete_webhook(
    endpoint_id: uuid.UUID, principal: Owner, session: SessionDep, clock: ClockDep
) -> Response:
    await endpoints.delete_endpoint(
        session, user_id=principal.user_id, endpoint_id=endpoint_id, now=clock.now()
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{endpoint_id}/rotate-secret",
    summary="Replace the signing secret (the old one stops at once); the new one is shown once",
    responses=_NOT_FOUND,
)
async def rotate_webhook_secret(
    endpoint_id: uuid.UUID, principal: Owner, session: SessionDep, clock: ClockDep
) -> WebhookCreated:
    return await endpoints.rotate_secret(
        session, user_id=principal.user_id, endpoint_id=endpoint_id, now=clock.now()
    )


@router.post(
    "/{endpoint_id}/enable",
    summary="Call a disabled endpoint again (its URL is checked again)",
    responses={**_NOT_FOUND, 422: {"description": "webhook_url_not_allowed"}},
)
async def enable_webhook(
    endpoint_id: uuid.UUID, principal: Owner, session: SessionDep, settings: SettingsDep
) -> WebhookOut:
    return await endpoints.enable_endpoint(
        session, user_id=principal.user_id, endpoint_id=endpoint_id, policy=url_policy(settings)
    )


@router.get(
    "/{endpoint_id}/deliveries",
    summary="The endpoint's delivery log, newest first",
    responses=_NOT_FOUND,
)
async def list_deliveries(
    endpoint_id: uuid.UUID,
    principal: Owner,
    session: SessionDep,
    limit: Limit = 20,
    before: uuid.UUID | None = None,
) -> DeliveryList:
    found = await deliveries.own_deliveries(
        session, user_id=principal.user_id, endpoint_id=endpoint_id, limit=limit, before=before
    )
    return DeliveryList(
        data=[delivery_out(d) for d in found],
        next_before=PageQuery(limit=limit, before=before).next_before(found),
    )


@router.post(
    "/{endpoint_id}/deliveries/{delivery_id}/replay",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send a delivery again (same webhook-id), with a fresh set of attempts",
    responses={
        404: {"description": "webhook_endpoint_not_found, webhook_delivery_not_found"},
        409: {"description": "webhook_endpoint_disabled"},
    },
)
async def replay_delivery(
    endpoint_id: uuid.UUID,
    delivery_id: uuid.UUID,
    principal: Owner,
    session: SessionDep,
    clock: ClockDep,
) -> DeliveryOut:
    replayed = await deliveries.replay(
        session,
        user_id=principal.user_id,
        endpoint_id=endpoint_id,
        delivery_id=delivery_id,
        now=clock.now(),
    )
    return delivery_out(replayed)
