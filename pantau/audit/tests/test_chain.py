"""The tamper-evident audit trail (issue 12 §4, R8): the hash chain, the refusing database, the
verification and the head outside the database. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from pantau.audit import chain, triggers
from pantau.audit.models import AuditChainHead, AuditEvent, AuditImmutableError
from pantau.audit.services import audit_bulk, audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _head_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def _verify(*args: str) -> tuple[int, str, str]:
    """Run `pantau audit verify` and return (exit status, stdout, stderr)."""
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


class TestChainAppend:
    def test_each_pemda_is_one_unbroken_chain(self, world):
        for tenant in (world.a, world.b):
            rows = list(
                AuditEvent.objects.filter(pemda=tenant.pemda)
                .order_by("seq")
                .values_list("chain", "seq", "prev_hash", "hash")
            )
            assert rows and {r[0] for r in rows} == {f"pemda:{tenant.pemda.pk}"}
            assert [r[1] for r in rows] == list(range(1, len(rows) + 1))
            assert rows[0][2] == ""
            assert all(rows[i][2] == rows[i - 1][3] for i in range(1, len(rows)))
            head = AuditChainHead.objects.get(chain=rows[0][0])
            assert (head.seq, head.hash) == (rows[-1][1], rows[-1][3])
        # the nomenclature load has no pemda: the system chain
        assert AuditEvent.objects.filter(action="nomenklatur.load").get().chain == "sistem"
        assert _verify()[0] == 0

    def test_hash_taken_before_insert_is_the_hash_of_the_row_read_back(self, world):
        changes = {
            "zeta": ["ä", "ü"],
            "alpha": {"b": 1, "a": [Decimal("1.50").to_eng_string(), None]},
            7: "angka sebagai kunci",
            "teks": "Rp 1.234.567 \u2014 \u201ckutip\u201d",
            "pecahan": 0.1,
            "besar": 12345678901234567,
        }
        with transaction.atomic():
            event = audit_record(
                actor=world.a.users["admin"],
                action="uji.rantai",
                obj=world.a.dinkes,
                object_id=12,
                changes=changes,
            )
        stored = AuditEvent.objects.get(pk=event.pk)
        assert stored.hash == event.hash == chain.event_hash(stored)
        assert stored.at == event.at and stored.at.microsecond == event.at.microsecond
        assert stored.object_id == "12"

    def test_the_first_event_of_a_new_chain_creates_its_head(self, world):
        assert not AuditChainHead.objects.filter(chain="pemda:999999").exists()
        pemda_id = world.a.pemda.pk
        with transaction.atomic():
            audit_record(actor=None, action="uji.satu", pemda_id=pemda_id)
            audit_record(actor=None, action="uji.dua", pemda_id=pemda_id)
        last = AuditEvent.objects.filter(chain=f"pemda:{pemda_id}").order_by("-seq")[:2]
        assert [e.action for e in last] == ["uji.dua", "uji.satu"]
        assert last[0].prev_hash == last[1].hash

    def test_bulk_is_one_insert_per_batch_and_chained(self, world):
        entries = [
            ("planning.subkegiatan", i, f"Sub {i}", world.a.pemda.pk, world.a.dinkes.pk, {"i": i})
            for i in range(1, 1201)
        ]
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            audit_bulk(actor=world.a.users["admin"], action="uji.massal", entries=entries)
        inserts = [q for q in ctx.captured_queries if "INSERT INTO" in q["sql"].upper()]
        inserts = [q for q in inserts if "audit_auditevent" in q["sql"]]
        fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
        per_insert = min(500, connection.ops.bulk_batch_size(fields, entries) or 500)
        assert len(inserts) == -(-1200 // per_insert)  # 500 a batch, fewer where SQLite limits
        rows = list(
            AuditEvent.objects.filter(action="uji.massal")
            .order_by("seq")
            .values_list("seq", flat=True)
        )
        assert len(rows) == 1200 and rows == list(range(rows[0], rows[0] + 1200))
        assert _verify()[0] == 0


class TestDatabaseRefuses:
    def test_orm_update_and_delete_fail(self, world):
        event = AuditEvent.objects.filter(pemda=world.a.pemda).first()
        with pytest.raises(AuditImmutableError):
            AuditEvent.objects.filter(pk=event.pk).update(action="x")
        with pytest.raises(AuditImmutableError):
            AuditEvent.objects.filter(pk=event.pk).delete()
        with pytest.raises(AuditImmutableError):
            event.delete()
        event.action = "x"
        with pytest.raises(AuditImmutableError):
            event.save()
        assert AuditEvent.objects.get(pk=event.pk).action != "x"

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
            "DELETE FROM audit_auditevent WHERE id = %s",
            "DELETE FROM audit_auditchainhead WHERE id > %s",
            "UPDATE audit_auditchainhead SET seq = 0 WHERE id > %s",
        ],
    )
    def test_raw_sql_update_and_delete_fail(self, world, statement):
        event = AuditEvent.objects.filter(pemda=world.a.pemda).first()
        param = event.pk if "auditevent" in statement else 0
        with pytest.raises(DatabaseError), transaction.atomic():
            _sql(statement, [param])
        assert AuditEvent.objects.get(pk=event.pk).action == event.action
        assert AuditChainHead.objects.filter(seq__gt=0).count() == 3

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
    def test_truncate_fails(self, world):
        with pytest.raises(DatabaseError), transaction.atomic():
            _sql("TRUNCATE audit_auditevent CASCADE")
        assert AuditEvent.objects.exists()

    def test_triggers_are_in_place(self, world):
        assert triggers.present(connection)


class TestVerify:
    def _tamper(self, statement, params=()):
        triggers.drop(connection)  # the attacker's first step; rolled back with the test
        _sql(statement, params)

    def _middle(self, world) -> AuditEvent:
        rows = AuditEvent.objects.filter(pemda=world.a.pemda).order_by("seq")
        return rows[len(rows) // 2]

    def test_an_edited_row_is_named(self, world):
        event = self._middle(world)
        self._tamper(
            "UPDATE audit_auditevent SET object_repr = 'dipalsukan' WHERE id = %s", [event.pk]
        )
        status, _out, err = _verify()
        assert status == 2
        assert f"rantai pemda:{world.a.pemda.pk}, urutan {event.seq}, peristiwa #{event.pk}" in err
        assert "isi berubah" in err
        assert f"pemda:{world.b.pemda.pk}" not in err  # the other pemda's chain is intact

    def test_an_edited_changes_json_is_named(self, world):
        event = self._middle(world)
        forged = json.dumps({**event.changes, "nilai": ["1", "2"]})
        self._tamper("UPDATE audit_auditevent SET changes = %s WHERE id = %s", [forged, event.pk])
        status, _out, err = _verify()
        assert status == 2 and f"peristiwa #{event.pk}: isi berubah" in err

    def test_a_deleted_row_is_named(self, world):
        event = self._middle(world)
        after = AuditEvent.objects.get(chain=event.chain, seq=event.seq + 1)
        self._tamper("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        status, _out, err = _verify()
        assert status == 2
        assert f"urutan {after.seq}, peristiwa #{after.pk}: baris hilang" in err
        assert f"seharusnya {event.seq}, ditemukan {after.seq}" in err

    def test_a_deleted_last_row_is_caught_by_the_head(self, world):
        key = f"pemda:{world.a.pemda.pk}"
        last = AuditEvent.objects.filter(chain=key).order_by("-seq").first()
        self._tamper("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
        status, _out, err = _verify()
        assert status == 2 and f"rantai {key}, urutan {last.seq}: baris hilang" in err

    def test_a_forged_row_is_named(self, world):
        key = f"pemda:{world.a.pemda.pk}"
        last = AuditEvent.objects.filter(chain=key).order_by("-seq").first()
        # a well-formed row with its own correct hash, but linked to nothing
        forged = AuditEvent(
            at=last.at,
            actor_label="admin.a",
            action="rahasia.read",
            object_type="x",
            object_id="1",
            object_repr="palsu",
            changes={},
            pemda_id=world.a.pemda.pk,
            chain=key,
            seq=last.seq + 1,
            prev_hash="0" * 64,
        )
        forged.hash = chain.event_hash(forged)
        self._tamper(
            "INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, "
            "object_repr, changes, pemda_id, chain, seq, prev_hash, hash) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                forged.at,
                forged.actor_label,
                forged.action,
                forged.object_type,
                forged.object_id,
                forged.object_repr,
                "{}",
                forged.pemda_id,
                key,
                forged.seq,
                forged.prev_hash,
                forged.hash,
            ],
        )
        status, _out, err = _verify()
        new_id = AuditEvent.objects.get(chain=key, seq=last.seq + 1).pk
        assert status == 2
        assert f"urutan {last.seq + 1}, peristiwa #{new_id}: baris disisipkan" in err

    def test_a_correctly_linked_forged_tail_is_caught_by_the_head_table(self, world):
        key = f"pemda:{world.a.pemda.pk}"
        last = AuditEvent.objects.filter(chain=key).order_by("-seq").first()
        forged = AuditEvent(
            at=last.at, actor_label="x", action="x", object_type="x", object_id="", object_repr="",
            changes={}, pemda_id=world.a.pemda.pk, chain=key, seq=last.seq + 1, prev_hash=last.hash,
        )  # fmt: skip
        forged.hash = chain.event_hash(forged)
        forged.save(force_insert=True)  # bypasses the head: as a raw INSERT would
        status, _out, err = _verify()
        assert status == 2 and f"rantai {key}, urutan {last.seq + 1}: baris disisipkan" in err

    def test_a_cut_tail_is_caught_by_the_head_file(self, world, settings):
        key = f"pemda:{world.a.pemda.pk}"
        path = chain.head_file_write()
        last = AuditEvent.objects.filter(chain=key).order_by("-seq").first()
        # the attacker removes the last row and winds the head table back to match
        self._tamper("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
        _sql(
            "UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE chain = %s",
            [last.seq - 1, last.prev_hash, key],
        )
        # the database alone looks whole; only the missing guard is reported (exit 3)
        assert _verify("--tanpa-kepala")[0] == 3
        status, out, err = _verify()
        assert status == 2 and str(path) in out
        assert f"rantai {key}, urutan {last.seq}: baris hilang" in err

    def test_a_rewritten_history_is_caught_by_the_head_file(self, world):
        key = f"pemda:{world.a.pemda.pk}"
        chain.head_file_write()
        # every hash recomputed after an edit: consistent in the database, not with the file
        triggers.drop(connection)
        rows = list(AuditEvent.objects.filter(chain=key).order_by("seq"))
        prev = ""
        for row in rows:
            if row.seq == 2:
                row.object_repr = "ditulis ulang"
            row.prev_hash = prev
            row.hash = chain.event_hash(row)
            prev = row.hash
            _sql(
                "UPDATE audit_auditevent SET object_repr = %s, prev_hash = %s, hash = %s "
                "WHERE id = %s",
                [row.object_repr, row.prev_hash, row.hash, row.pk],
            )
        _sql("UPDATE audit_auditchainhead SET hash = %s WHERE chain = %s", [prev, key])
        assert _verify("--tanpa-kepala")[0] == 3
        status, _out, err = _verify()
        assert status == 2 and f"rantai {key}, urutan {rows[-1].seq}: kepala rantai" in err

    def test_missing_triggers_alone_fail_the_check(self, world):
        triggers.drop(connection)  # rolled back with the test
        status, _out, err = _verify("--tanpa-kepala")
        assert status == 3 and "tidak terpasang" in err

    def test_english_output(self, world):
        event = self._middle(world)
        self._tamper("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
        status, _out, err = _verify("--bahasa", "en")
        assert status == 2 and f"event #{event.pk}: content changed" in err

    def test_an_intact_trail_passes_against_its_head_file(self, world):
        path = chain.head_file_write()
        with transaction.atomic():
            audit_record(actor=None, action="uji.setelah", pemda_id=world.a.pemda.pk)
        status, out, _err = _verify()
        assert status == 0 and str(path) in out and "Rantai audit utuh" in out


class TestHeadFile:
    def test_written_once_a_day_with_every_chain(self, world, settings):
        import datetime as dt

        from pantau.audit.tasks import audit_head_write

        path = chain.head_file_write()
        body = json.loads(path.read_text())
        assert path.parent == settings.DATA_DIR / "audit"
        assert path.name.startswith("kepala-") and path.suffix == ".json"
        assert body["rantai"] == chain.chain_heads()
        assert set(body["rantai"]) == {
            "sistem",
            f"pemda:{world.a.pemda.pk}",
            f"pemda:{world.b.pemda.pk}",
        }
        # a second write the same day keeps the first file
        with transaction.atomic():
            audit_record(actor=None, action="uji.lagi", pemda_id=world.a.pemda.pk)
        assert audit_head_write.call_local() == str(path)
        assert json.loads(path.read_text()) == body
        tomorrow = chain.head_file_write(now=dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=1))
        assert tomorrow != path and chain.head_file_latest() == tomorrow
        assert not list(path.parent.glob(".kepala-*"))  # no temporary file left

    def test_the_command_writes_it(self, world, settings):
        import io

        out = io.StringIO()
        call_command("audit", "kepala", stdout=out)
        assert chain.head_file_latest() is not None and "kepala-" in out.getvalue()


@pytest.mark.django_db(transaction=True)
class TestConcurrency:
    def test_concurrent_appenders_do_not_fork_a_chain(self, nomen_csv):
        from pantau.organisations.services import pemda_create

        pemda = pemda_create(actor=None, kode="74.99", nama="Kabupaten Uji Serentak")
        per_thread, threads, errors = 15, 4, []
        barrier = threading.Barrier(threads)

        def work(n):
            try:
                barrier.wait()
                for i in range(per_thread):
                    with transaction.atomic():
                        audit_record(actor=None, action=f"uji.{n}.{i}", pemda_id=pemda.pk)
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                connections.close_all()

        pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        assert not errors
        seqs = list(
            AuditEvent.objects.filter(chain=f"pemda:{pemda.pk}")
            .order_by("seq")
            .values_list("seq", flat=True)
        )
        assert seqs == list(range(1, threads * per_thread + 2))  # + pemda.create
        assert _verify()[0] == 0

    def test_flush_empties_the_trail_and_keeps_the_triggers(self, nomen_csv):
        from pantau.organisations.services import pemda_create

        pemda_create(actor=None, kode="74.98", nama="Kabupaten Uji Kosong")
        call_command("flush", interactive=False, verbosity=0)
        assert not AuditEvent.objects.exists() and not AuditChainHead.objects.exists()
        assert triggers.present(connection)
        with pytest.raises(DatabaseError), transaction.atomic():
            pemda_create(actor=None, kode="74.97", nama="Kabupaten Uji Lagi")
            _sql("DELETE FROM audit_auditevent")
