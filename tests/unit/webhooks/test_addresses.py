"""Where a webhook may go: https only and public addresses only unless private ones are allowed
(development); link-local, multicast, unspecified and reserved addresses never."""

from __future__ import annotations

import ipaddress

import pytest

from onramp.webhooks.addresses import UrlPolicy, address_allowed, check_url, parse_url
from onramp.webhooks.errors import WebhookUrlInvalid, WebhookUrlNotAllowed

PRODUCTION = UrlPolicy(allow_private=False)
DEVELOPMENT = UrlPolicy(allow_private=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hook",  # plain http
        "ftp://example.com/hook",
        "https:///no-host",
        "https://user:pw@example.com/hook",  # credentials in the URL
        "https://example.com/hook#part",
        "https://example.com/a b",
        "https://example.com:99999/",
        "https://exämple.com/",
        "https://example.com/" + "a" * 2000,
        "",
    ],
)
def test_a_malformed_or_plain_http_url_is_refused_in_production(url: str) -> None:
    with pytest.raises(WebhookUrlInvalid):
        parse_url(url, PRODUCTION)


def test_plain_http_is_allowed_only_with_private_addresses() -> None:
    target = parse_url("http://127.0.0.1:8080/hook", DEVELOPMENT)
    assert (target.scheme, target.host, target.port) == ("http", "127.0.0.1", 8080)
    assert parse_url("https://example.com/x", PRODUCTION).port == 443


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "::1", "fd00::1", "100.64.0.1"],
)
def test_loopback_and_private_addresses_only_in_development(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert not address_allowed(ip, PRODUCTION)
    assert address_allowed(ip, DEVELOPMENT)


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",
        "fe80::1",
        "224.0.0.1",
        "ff02::1",
        "0.0.0.0",  # noqa: S104 - the address refused, not bound
        "240.0.0.1",
        "::ffff:169.254.169.254",
    ],
)
def test_link_local_multicast_and_reserved_addresses_never(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert not address_allowed(ip, PRODUCTION)
    assert not address_allowed(ip, DEVELOPMENT)


def test_an_ipv4_mapped_private_address_counts_as_private() -> None:
    assert not address_allowed(ipaddress.ip_address("::ffff:10.0.0.1"), PRODUCTION)
    assert address_allowed(ipaddress.ip_address("93.184.216.34"), PRODUCTION)


@pytest.mark.parametrize(
    "url", ["https://127.0.0.1/hook", "https://10.0.0.1/hook", "https://[::1]:8443/hook"]
)
async def test_a_url_naming_an_internal_address_is_refused_in_production(url: str) -> None:
    with pytest.raises(WebhookUrlNotAllowed):
        await check_url(url, PRODUCTION)


async def test_a_name_resolving_to_loopback_is_refused_in_production() -> None:
    with pytest.raises(WebhookUrlNotAllowed, match="127.0.0.1|::1"):
        await check_url("https://localhost/hook", PRODUCTION)
    assert (await check_url("http://localhost:9/hook", DEVELOPMENT)).host == "localhost"
