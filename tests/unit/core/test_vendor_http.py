"""The vendor HTTP client against a scripted vendor: what is retried and what never is, how long
it waits, which error each failure becomes, and the signing hook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from onramp.core.errors import Conflict, NotFound, OnrampError, Unavailable
from onramp.core.vendor_http import (
    VendorErrors,
    VendorHttpClient,
    VendorRetry,
    answer_summary,
    bearer_token,
)
from tests.unit.core.scripted_vendor import ScriptedVendor


class AcmeUnavailable(Unavailable):
    code = "acme_unavailable"


class AcmeNotConfigured(Unavailable):
    code = "acme_not_configured"


class AcmeRejected(Conflict):
    code = "acme_rejected"


class AcmeNotFound(NotFound):
    code = "acme_not_found"


def acme_error(status: int, body: Mapping[str, Any] | None) -> OnrampError:
    if status == 404:
        return AcmeNotFound(answer_summary("acme", status, body))
    if status >= 500 or body is None:
        return AcmeUnavailable(answer_summary("acme", status, body))
    return AcmeRejected(answer_summary("acme", status, body))


ERRORS = VendorErrors(
    unavailable=AcmeUnavailable, for_status=acme_error, not_configured=AcmeNotConfigured
)


@dataclass
class Setup:
    vendor: ScriptedVendor
    sleeps: list[float]
    signed: list[httpx.Request]

    def client(self, **overrides: Any) -> VendorHttpClient:
        async def no_wait(seconds: float) -> None:
            self.sleeps.append(seconds)

        def sign(request: httpx.Request) -> None:
            self.signed.append(request)
            request.headers["X-Acme-Signature"] = f"sig:{request.method}:{request.url.path}"

        options: dict[str, Any] = {
            "vendor": "acme",
            "base_url": "http://acme.test/",
            "errors": ERRORS,
            "retry": VendorRetry(attempts=3, base_delay=0.2, max_delay=0.3),
            "signer": sign,
            "transport": self.vendor.transport(),
            "sleep": no_wait,
        }
        return VendorHttpClient(**(options | overrides))


@pytest.fixture
def setup() -> Setup:
    return Setup(ScriptedVendor(), [], [])


def refused(url: str = "http://acme.test/x") -> httpx.ConnectError:
    return httpx.ConnectError("refused", request=httpx.Request("GET", url))


async def test_a_read_is_retried_after_a_transient_answer(setup: Setup) -> None:
    setup.vendor.script = [httpx.Response(503), httpx.Response(429)]

    answer = await setup.client().request("GET", "/things/1")

    assert answer == {"ok": True}
    assert len(setup.vendor.received) == 3
    assert setup.sleeps == [0.2, 0.3]  # doubling, capped at max_delay


async def test_a_read_gives_up_after_the_last_attempt_as_the_adapters_unavailable(
    setup: Setup,
) -> None:
    setup.vendor.script = [refused(), httpx.ReadTimeout("slow"), refused(), refused()]

    with pytest.raises(AcmeUnavailable, match="acme: ConnectError") as caught:
        await setup.client().request("GET", "/things/1")

    assert len(setup.vendor.received) == 3
    assert setup.sleeps == [0.2, 0.3]  # between tries only, never after the last
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


async def test_backoff_stays_under_its_cap_however_many_attempts() -> None:
    retry = VendorRetry(attempts=50, base_delay=0.1, max_delay=2.0)

    delays = [retry.delay(n) for n in range(1, 50)]

    assert delays[:4] == pytest.approx([0.1, 0.2, 0.4, 0.8])
    assert max(delays) == 2.0
    assert sum(delays) <= 2.0 * 49


def test_a_call_is_tried_at_least_once() -> None:
    with pytest.raises(ValueError, match="at least once"):
        VendorRetry(attempts=0)


@pytest.mark.parametrize(
    "failure", [httpx.Response(503), refused()], ids=["503", "connection refused"]
)
async def test_a_post_is_never_sent_twice_unless_the_adapter_says_it_is_idempotent(
    setup: Setup, failure: httpx.Response | Exception
) -> None:
    setup.vendor.script = [failure]

    with pytest.raises(AcmeUnavailable):
        await setup.client().request("POST", "/checks", json={"level": "tier1"})

    assert len(setup.vendor.received) == 1
    assert setup.sleeps == []


async def test_a_keyed_post_is_retried_with_the_same_body(setup: Setup) -> None:
    setup.vendor.script = [httpx.Response(502)]

    await setup.client().request(
        "POST", "/payments", json={"amount": "1.00"}, headers={"Idempotency-Key": "k1"},
        idempotent=True,
    )  # fmt: skip

    first, second = setup.vendor.received
    assert first.content == second.content == b'{"amount":"1.00"}'
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"] == "k1"


@pytest.mark.parametrize(
    ("status", "error"), [(404, AcmeNotFound), (409, AcmeRejected), (422, AcmeRejected)]
)
async def test_a_definite_answer_is_not_retried_and_becomes_the_adapters_error(
    setup: Setup, status: int, error: type[OnrampError]
) -> None:
    setup.vendor.script = [
        httpx.Response(status, json={"code": "nope", "detail": "Jane Doe, DE89 3704..."})
    ]

    with pytest.raises(error) as caught:
        await setup.client().request("GET", "/things/1")

    assert len(setup.vendor.received) == 1
    assert caught.value.code == error.code
    # The vendor's code only: its detail may echo personal data we sent.
    assert caught.value.detail == f"acme answered {status} nope"


async def test_an_error_page_is_handed_over_as_no_body(setup: Setup) -> None:
    setup.vendor.script = [httpx.Response(400, content=b"<html>bad gateway config</html>")]

    with pytest.raises(AcmeUnavailable, match="acme answered 400 $"):
        await setup.client().request("GET", "/things/1")


async def test_a_success_that_is_not_json_is_unavailable_and_not_retried(setup: Setup) -> None:
    setup.vendor.script = [httpx.Response(200, content=b"<html>")]

    with pytest.raises(AcmeUnavailable, match="acme: JSONDecodeError"):
        await setup.client().request("GET", "/things/1")
    assert len(setup.vendor.received) == 1


async def test_an_empty_success_is_an_empty_object(setup: Setup) -> None:
    setup.vendor.script = [httpx.Response(204)]

    assert await setup.client().request("DELETE", "/things/1") == {}


async def test_without_a_base_url_nothing_is_sent(setup: Setup) -> None:
    with pytest.raises(AcmeNotConfigured):
        await setup.client(base_url="").request("GET", "/things/1")
    assert setup.vendor.received == []


async def test_the_signer_sees_every_attempt_as_sent_and_its_headers_go_out(
    setup: Setup,
) -> None:
    setup.vendor.script = [httpx.Response(500)]

    await setup.client(headers={"Accept": "application/json"}).request(
        "PUT", "/things/1", json={"name": "x"}
    )

    assert len(setup.signed) == 2
    assert all(r.content == b'{"name":"x"}' for r in setup.signed)
    for sent in setup.vendor.received:
        assert sent.headers["x-acme-signature"] == "sig:PUT:/things/1"
        assert sent.headers["accept"] == "application/json"
        assert str(sent.url) == "http://acme.test/things/1"


async def test_a_bearer_token_signer_sends_the_key_and_no_header_without_one(
    setup: Setup,
) -> None:
    await setup.client(signer=bearer_token("KEY:1")).request("GET", "/a")
    await setup.client(signer=bearer_token("")).request("GET", "/b")

    with_key, without = setup.vendor.received
    assert with_key.headers["authorization"] == "Bearer KEY:1"
    assert "authorization" not in without.headers


async def test_one_error_type_for_everything(setup: Setup) -> None:
    errors = VendorErrors.all_as(AcmeUnavailable, vendor="acme", not_configured="set ACME_URL")
    setup.vendor.script = [httpx.Response(422, json={"code": "refused"})]

    with pytest.raises(AcmeUnavailable, match="acme answered 422 refused"):
        await setup.client(errors=errors).request("POST", "/payments", json={})
    with pytest.raises(AcmeUnavailable, match="set ACME_URL"):
        await setup.client(errors=errors, base_url="").request("GET", "/a")


async def test_creating_a_client_makes_no_call(setup: Setup) -> None:
    setup.client()
    assert setup.vendor.received == []


async def test_an_answer_outside_the_input_rule_is_the_vendor_unavailable_and_not_retried(
    setup: Setup,
) -> None:
    setup.vendor.script = [httpx.Response(200, content=b'{"id": "p\\u0000"}')]

    with pytest.raises(AcmeUnavailable, match=r"acme answered \$\.id: must not contain control"):
        await setup.client().request("GET", "/things/1")

    assert len(setup.vendor.received) == 1
