"""The caller's address, taken the one way every part of Pantau takes it: the open-data rate
limits, the sign-in lockout and the session list (decision 0026)."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The caller's address: REMOTE_ADDR, or the first address of the header the reverse proxy
    sets (`OPENDATA_CLIENT_IP_HEADER`, from PANTAU_CLIENT_IP_HEADER; a header the proxy does not
    overwrite is never read). IPv6 callers are counted per /64, as one household or office
    usually holds a whole /64. Anything unreadable counts as one shared "unknown"."""
    header = settings.OPENDATA_CLIENT_IP_HEADER or "REMOTE_ADDR"
    raw = (request.META.get(header) or request.META.get("REMOTE_ADDR") or "").split(",")[0]
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)
