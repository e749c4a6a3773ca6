"""The locks a report's save and submission take on PostgreSQL: the rows they change, never
the pemda, OPD or year they join to.

`select_for_update()` with `select_related()` locks every joined row FOR UPDATE. A report's save
joined the pemda, so every save of the pemda's reports held its pemda row in that mode; every
other transaction that inserts a row pointing at the pemda (an audit event, at its commit's
foreign-key check, FOR KEY SHARE) then waited for it, while holding its audit chain head, which
the save wanted next: PostgreSQL's deadlock detector killed one of the two. B5 found it (13 of
300 operators got a 500 at month end). The rule is now `of=("self",)` on every lock
(tests/test_architecture.py); this test proves the effect on the real engine."""

from decimal import Decimal

import psycopg
import pytest
from django.db import connection, transaction

from conftest import World
from pantau.monitoring.models import PeriodeLaporan
from pantau.monitoring.services import realisasi_save, realisasi_transition

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks: PostgreSQL only (SQLite has none)"
    ),
]


def _other_connection():
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"],
        user=s["USER"] or None,
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        password=s["PASSWORD"] or None,
        autocommit=False,
    )


def _free(other, table, pk) -> bool:
    """Whether another transaction may take the foreign-key check's lock on the row now."""
    try:
        with other.cursor() as cur:
            cur.execute(f'SELECT 1 FROM "{table}" WHERE id = %s FOR KEY SHARE NOWAIT', [pk])  # noqa: S608 # nosec B608 - fixed table names
        return True
    except psycopg.errors.LockNotAvailable:
        return False
    finally:
        other.rollback()


def test_a_report_save_and_submit_leave_the_pemda_opd_and_year_free(nomen_csv, clock):
    clock.set("2026-02-05 10:00")  # January's period is open
    w = World(nomen_csv)
    a = w.a
    periode = PeriodeLaporan.objects.get(tahun_anggaran=a.ta, bulan=1)
    other = _other_connection()
    try:
        with transaction.atomic():
            r = realisasi_save(
                actor=a.users["operator_opd"],
                sub_kegiatan=a.sub,
                periode=periode,
                keuangan=Decimal("30000000"),
                fisik=Decimal(5),
            )
            realisasi_transition(actor=a.users["operator_opd"], realisasi=r, name="submit")
            held = {
                "organisations_pemda": _free(other, "organisations_pemda", a.pemda.pk),
                "organisations_opd": _free(other, "organisations_opd", a.dinkes.pk),
                "planning_tahunanggaran": _free(other, "planning_tahunanggaran", a.ta.pk),
            }
            # the report's own sub kegiatan is locked (the proof that the probe can fail)
            sub_locked = not _free(other, "planning_subkegiatan", a.sub.pk)
        assert held == dict.fromkeys(held, True)
        assert sub_locked
    finally:
        other.close()
