"""Where a webhook may go (no SSRF): the URL's form, then every address its host resolves to.

Checked at registration and again before every delivery (a name may resolve elsewhere later);
the delivery then connects to the address that was checked, never resolving twice.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from onramp.webhooks.errors import WebhookUrlInvalid, WebhookUrlNotAllowed

MAX_URL_LENGTH = 2000
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class UrlPolicy:
    """``allow_private``: plain http and loopback or private addresses too (development)."""

    allow_private: bool = False


@dataclass(frozen=True)
class Target:
    url: str
    scheme: str
    host: str
    port: int


def parse_url(url: str, policy: UrlPolicy) -> Target:
    """The URL's parts, or ``webhook_url_invalid``: https (http only when private addresses are
    allowed), a host, no credentials, no fragment, at most 2000 characters."""
    if not url or len(url) > MAX_URL_LENGTH or not url.isascii() or any(c.isspace() for c in url):
        raise WebhookUrlInvalid()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WebhookUrlInvalid() from exc
    schemes = {"https", "http"} if policy.allow_private else {"https"}
    if parts.scheme not in schemes:
        raise WebhookUrlInvalid("webhook URLs must use https")
    if not parts.hostname or parts.username or parts.password or parts.fragment:
        raise WebhookUrlInvalid()
    default = 443 if parts.scheme == "https" else 80
    return Target(url, parts.scheme, parts.hostname, port or default)


def address_allowed(address: IpAddress, policy: UrlPolicy) -> bool:
    """Link-local (cloud metadata), multicast, unspecified and reserved addresses never; loopback
    and private ones only when the policy allows them; any other (public) address always."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_link_local or address.is_multicast or address.is_unspecified:
        return False
    if address.is_loopback:  # before reserved: ::1 sits in IPv6's reserved ::/8
        return policy.allow_private
    if address.is_reserved:
        return False
    if address.is_private or not address.is_global:
        return policy.allow_private
    return True


async def resolve(host: str, port: int) -> list[IpAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookUrlNotAllowed(f"the host {host!r} does not resolve") from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


async def checked_address(target: Target, policy: UrlPolicy) -> IpAddress:
    """The address to connect to: every address the host resolves to must be allowed (one bad
    address refuses the URL, so a name cannot mix a public address with an internal one)."""
    addresses = await resolve(target.host, target.port)
    if not addresses:
        raise WebhookUrlNotAllowed(f"the host {target.host!r} does not resolve")
    refused = [a for a in addresses if not address_allowed(a, policy)]
    if refused:
        raise WebhookUrlNotAllowed(
            f"the host {target.host!r} resolves to {refused[0]}, which webhooks may not reach"
        )
    return addresses[0]


async def check_url(url: str, policy: UrlPolicy) -> Target:
    target = parse_url(url, policy)
    await checked_address(target, policy)
    return target
