"""What goes wrong with a webhook endpoint or a delivery (stable codes, no HTTP)."""

from __future__ import annotations

from onramp.core.errors import Conflict, InvalidInput, NotFound


class WebhookUrlInvalid(InvalidInput):
    code = "webhook_url_invalid"
    title = "The webhook URL is not a valid https URL of at most 2000 characters"


class WebhookUrlNotAllowed(InvalidInput):
    # Resolved to loopback, private, link-local, multicast or reserved: never called (SSRF).
    code = "webhook_url_not_allowed"
    title = "The webhook URL's host resolves to an address webhooks may not reach"


class WebhookEventTypesInvalid(InvalidInput):
    code = "webhook_event_types_invalid"
    title = "Name one or more event types from GET /v1/webhooks/event-types"


class WebhookEndpointLimit(Conflict):
    code = "webhook_endpoint_limit"
    title = "You have as many webhook endpoints as allowed; delete one first"


class WebhookEndpointNotFound(NotFound):
    code = "webhook_endpoint_not_found"
    title = "Webhook endpoint not found"


class WebhookDeliveryNotFound(NotFound):
    code = "webhook_delivery_not_found"
    title = "Webhook delivery not found"


class WebhookEndpointDisabled(Conflict):
    code = "webhook_endpoint_disabled"
    title = "The webhook endpoint is disabled; enable it before replaying a delivery"
