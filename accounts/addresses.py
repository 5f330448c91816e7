"""The client's address: the one function that django-axes (lockouts and login records) and
every rate limit ask, so that they all count the same person.

Straight to the portal (development, or no proxy), it is `REMOTE_ADDR`; a `X-Forwarded-For`
header is then ignored, since anyone can send one. Behind the TLS load balancer
(`settings.BEHIND_TLS_PROXY`), `REMOTE_ADDR` is the balancer's own address, the same for every
client: the client's is the entry the trusted proxies appended to `X-Forwarded-For`. Each
proxy appends the address it received the request from, so with `settings.TRUSTED_PROXY_COUNT`
proxies in front of the portal it is the N-th entry from the right; entries further left were
sent by the client itself and may be anything. Settings are read at each call.
"""

import ipaddress
import logging
import re

from django.conf import settings

logger = logging.getLogger(__name__)

# "[2001:db8::1]", "[2001:db8::1]:443" or "203.0.113.7:52100": the address inside.
BRACKETS_OR_PORT = re.compile(r"^\[(?P<ipv6>[^\]]+)\](?::\d+)?$|^(?P<ipv4>[^:]+):\d+$")


def normalise(value: str) -> str | None:
    """`value` as one canonical IP address, or None when it is not one. Takes what proxies
    write: "[2001:db8::1]:443" or "203.0.113.7:52100" (a port), "fe80::1%eth0" (a zone), and
    gives an IPv4 client seen through an IPv6 socket ("::ffff:203.0.113.7") as IPv4."""
    value = value.strip()
    match = BRACKETS_OR_PORT.match(value)
    if match is not None:
        value = match["ipv6"] or match["ipv4"]
    value = value.partition("%")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def client_address(request) -> str:
    """The address of the client that sent `request` (`AXES_CLIENT_IP_CALLABLE`); "" when
    even `REMOTE_ADDR` is not an address (a Unix socket)."""
    remote = normalise(request.META.get("REMOTE_ADDR") or "") or ""
    if not settings.BEHIND_TLS_PROXY:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR") or ""
    entries = header.split(",") if header.strip() else []
    count = settings.TRUSTED_PROXY_COUNT
    if count < 1 or len(entries) < count:
        # Not through the proxies as configured (a health check on the machine itself, say):
        # whatever sent it is the client.
        return remote
    forwarded = normalise(entries[-count])
    if forwarded is None:
        logger.warning("X-Forwarded-For without an address where the proxy writes it.")
        return remote
    return forwarded
