"""Start-up checks of tenancy: a public host name claimed by two pemdas stops the server.

The database constraint `pemda_domain_publik_unik` keeps new claims unique; this check catches
rows loaded around it (a restored dump, raw SQL, spellings that differ only by a port or a
trailing dot) so that the portal never has to choose between two pemdas. It runs with every
management command that checks (`runserver`, `migrate`, `check`) and when the WSGI application
starts (config/wsgi.py).
"""

from __future__ import annotations

from django.core.checks import Error
from django.db import DatabaseError


def check_public_hosts(app_configs=None, **kwargs) -> list[Error]:
    from pantau.organisations.hosts import duplicate_hosts

    try:
        twice = duplicate_hosts()
    except DatabaseError:  # no database yet, or not migrated: nothing can be claimed
        return []
    return [
        Error(
            f"Nama host portal publik {host!r} diklaim oleh lebih dari satu pemda: "
            + ", ".join(f"{kode} {nama}" for kode, nama in pemdas)
            + ".",
            hint=(
                "Satu nama host hanya untuk satu pemda. Kosongkan domain_publik pemda yang "
                "bukan pemiliknya, mis. `pantau pemda_host KODE --hapus`."
            ),
            id="organisations.E001",
        )
        for host, pemdas in sorted(twice.items())
    ]
