"""The caller's address as every limit counts it (docs/security.md, "Web layer")."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The caller's address: REMOTE_ADDR, or the first address of the header the reverse proxy
    sets (`OPENDATA_CLIENT_IP_HEADER`, setting PANTAU_CLIENT_IP_HEADER). IPv6 callers are counted
    per /64, as one household or office usually holds a whole /64. Anything unreadable counts as
    one shared "unknown"."""
    header = settings.OPENDATA_CLIENT_IP_HEADER or "REMOTE_ADDR"
    raw = (request.META.get(header) or request.META.get("REMOTE_ADDR") or "").split(",")[0]
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)
