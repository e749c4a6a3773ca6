"""The database refuses UPDATE and DELETE on audit rows (and TRUNCATE on PostgreSQL), and lets
a chain head only move forward. Created by migration 0005; the `flush` command (tests, a
development reset) lifts them for its own statements and puts them back (decision 0030)."""

from __future__ import annotations

EVENTS = "audit_auditevent"
HEADS = "audit_auditchainhead"
MESSAGE = "audit events are append-only"

_SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON {EVENTS} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {EVENTS} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON {HEADS} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS audit_head_forward BEFORE UPDATE ON {HEADS} "
    f"WHEN NEW.seq < OLD.seq OR NEW.chain <> OLD.chain "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_forward",
]

_PG_CREATE = [
    f"""CREATE OR REPLACE FUNCTION pantau_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME;
END $$""",
    f"CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON {EVENTS} "
    "FOR EACH ROW EXECUTE FUNCTION pantau_audit_refuse()",
    f"CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {EVENTS} "
    "FOR EACH STATEMENT EXECUTE FUNCTION pantau_audit_refuse()",
    f"CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON {HEADS} "
    "FOR EACH ROW EXECUTE FUNCTION pantau_audit_refuse()",
    f"CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON {HEADS} "
    "FOR EACH STATEMENT EXECUTE FUNCTION pantau_audit_refuse()",
    f"CREATE TRIGGER audit_head_forward BEFORE UPDATE ON {HEADS} FOR EACH ROW "
    "WHEN (NEW.seq < OLD.seq OR NEW.chain <> OLD.chain) EXECUTE FUNCTION pantau_audit_refuse()",
]
_PG_DROP = [
    f"DROP TRIGGER IF EXISTS audit_event_no_change ON {EVENTS}",
    f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {EVENTS}",
    f"DROP TRIGGER IF EXISTS audit_head_no_delete ON {HEADS}",
    f"DROP TRIGGER IF EXISTS audit_head_no_truncate ON {HEADS}",
    f"DROP TRIGGER IF EXISTS audit_head_forward ON {HEADS}",
]


def _statements(vendor: str, *, create: bool) -> list[str]:
    if vendor == "postgresql":
        return _PG_CREATE if create else _PG_DROP
    if vendor == "sqlite":
        return _SQLITE_CREATE if create else _SQLITE_DROP
    raise NotImplementedError(f"no audit triggers for {vendor}")


def create(connection) -> None:
    """Put the triggers in place (idempotent)."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, create=False) + _statements(
            connection.vendor, create=True
        ):
            cursor.execute(sql)


def drop(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, create=False):
            cursor.execute(sql)


def present(connection) -> bool:
    """Whether the refusing triggers are in place (the start-up and verify checks)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [EVENTS],
            )
            return cursor.fetchone()[0] >= 2
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [EVENTS],
        )
        return cursor.fetchone()[0] >= 2
