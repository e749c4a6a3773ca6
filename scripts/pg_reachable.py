"""Exit 0 when the PostgreSQL server named by the URL accepts a connection, else 1."""

import sys

import dj_database_url
import psycopg

cfg = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        connect_timeout=3,
    ).close()
except psycopg.Error as exc:
    print(f"PostgreSQL: {exc}".strip())
    sys.exit(1)
