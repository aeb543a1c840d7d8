"""Events as CloudEvents 1.0 JSON on NATS subjects ``onramp.<domain>.<event>.v1``."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any

import orjson
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from onramp.core.tracing import valid_traceparent

SPEC_VERSION = "1.0"


# What the ONRAMP stream captures: an event on any other subject could never be published.
SUBJECT_PATTERN = re.compile(r"onramp\.[a-z][a-z0-9_]*\.[a-z0-9_.]+\.v[0-9]+")


def subject_for(domain: str, name: str, version: int = 1) -> str:
    return f"onramp.{domain}.{name}.v{version}"


def is_event_subject(subject: str) -> bool:
    return SUBJECT_PATTERN.fullmatch(subject) is not None


class CloudEvent(BaseModel):
    """The envelope every event travels in. ``type`` is also the NATS subject."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    specversion: str = SPEC_VERSION
    id: uuid.UUID
    source: str
    type: str
    subject: str | None = None
    time: datetime
    datacontenttype: str = "application/json"
    data: dict[str, Any] = Field(default_factory=dict)
    # CloudEvents extension attribute: follows one money movement across every hop.
    correlationid: str | None = None
    # CloudEvents distributed-tracing extension: the W3C trace context of the span that made the
    # event (core/tracing.py). A malformed value is dropped, never a reason to refuse the event.
    traceparent: Annotated[str | None, BeforeValidator(valid_traceparent)] = None

    def to_json(self) -> bytes:
        return orjson.dumps(self.model_dump(mode="json", exclude_none=True))

    @classmethod
    def from_json(cls, raw: bytes) -> CloudEvent:
        return cls.model_validate_json(raw)
