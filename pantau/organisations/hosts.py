"""Public host names of the pemdas (`Pemda.domain_publik`): one spelling, validated, and one
pemda per host (docs/security.md, "Tenants and the pemda admin").

A host name is stored the way a browser sends it in the `Host` header: lower case, without a
port or a trailing dot, internationalised names in their ASCII (IDNA 2008, "xn--") form.
"""

from __future__ import annotations

import re
from collections import defaultdict

import idna
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_PORT = re.compile(r":\d{0,5}$")


def normalise_host(value: str) -> str:
    """The stored spelling of a host name typed by a person or sent by a client: lower case,
    no surrounding space, port or trailing dot, IDNA labels encoded. Raises ValidationError
    (in Indonesian) when the result is not a host name; the empty string stays empty."""
    name = (value or "").strip()
    if not name:
        return ""
    name = _PORT.sub("", name.rstrip(".")).rstrip(".")
    if not name or any(ch.isspace() for ch in name) or "/" in name or "@" in name:
        raise _invalid(value)
    if not name.isascii():
        try:
            name = idna.encode(name, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise _invalid(value) from exc
    name = name.lower()
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise _invalid(value)
    if any(label.startswith("xn--") for label in labels):
        try:
            idna.decode(name)
        except idna.IDNAError as exc:
            raise _invalid(value) from exc
    return name


def validate_host(value: str) -> None:
    """Field validator: the value, once normalised, is a host name."""
    normalise_host(value)


def request_host(host: str) -> str:
    """The normalised host of a request (`request.get_host()`); "" when it is not a host name."""
    try:
        return normalise_host(host)
    except ValidationError:
        return ""


def _invalid(value: str) -> ValidationError:
    return ValidationError(
        _(
            "'%(host)s' bukan nama host yang sah. Tulis nama host saja, misalnya "
            "data.wakatobikab.go.id (tanpa http://, garis miring atau spasi)."
        )
        % {"host": value},
        code="invalid_host",
    )


def claimed_hosts(rows) -> dict[str, list[tuple[str, str]]]:
    """Normalised host -> [(kode, nama), ...] of the pemdas whose `domain_publik` names it,
    from rows of (kode, nama, domain_publik). Values that are not host names are skipped."""
    claims: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for kode, nama, domain in rows:
        host = request_host(domain)
        if host:
            claims[host].append((kode, nama))
    return dict(claims)


def duplicate_hosts() -> dict[str, list[tuple[str, str]]]:
    """The host names that more than one pemda claims (active or not), with their pemdas."""
    from pantau.organisations.models import Pemda

    rows = Pemda.objects.exclude(domain_publik="").values_list("kode", "nama", "domain_publik")
    return {host: ps for host, ps in claimed_hosts(rows).items() if len(ps) > 1}
