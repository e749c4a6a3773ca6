"""Roll-up tables: kept current by every write, equal to a recomputation from the raw rows."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.evaluation import rollup
from pantau.evaluation.models import RingkasanOpd, RingkasanSubKegiatan
from pantau.monitoring.models import PeriodeLaporan
from pantau.monitoring.services import realisasi_import, realisasi_save
from pantau.planning.services import rencana_set, sub_kegiatan_update

pytestmark = pytest.mark.django_db


V, R = "terverifikasi", "dilaporkan"


def test_world_is_rolled_up_and_consistent(world):
    assert RingkasanSubKegiatan.objects.filter(sub_kegiatan=world.a.sub).count() == 24  # 2 bases
    assert rollup.check() == []
    row = RingkasanOpd.objects.get(opd=world.a.dinkes, dasar=V, bulan=6)
    assert row.pagu == Decimal(900_000_000) and row.jumlah_sub == 2
    assert row.pagu_rencana == Decimal(600_000_000)  # only sub has a plan
    assert row.rencana_kas == Decimal(300_000_000)


def test_writes_update_rollups_in_the_same_transaction(world, clock):
    from conftest import verify_report
    from pantau.monitoring.services import realisasi_transition

    clock.set("2026-02-05 10:00")
    jan = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1)
    report = realisasi_save(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub,
        periode=jan,
        keuangan=Decimal(30_000_000),
        fisik=Decimal(5),
    )

    def sub_row(dasar, bulan=1):
        return RingkasanSubKegiatan.objects.get(sub_kegiatan=world.a.sub, dasar=dasar, bulan=bulan)

    # a draft counts on neither basis
    assert (sub_row(V).realisasi, sub_row(R).realisasi, sub_row(R).dilaporkan) == (0, 0, False)
    realisasi_transition(actor=world.a.users["operator_opd"], realisasi=report, name="submit")
    assert sub_row(R).realisasi == Decimal(30_000_000) and sub_row(V).realisasi == 0
    verify_report(world.a, report, skip_submit=True)
    r = sub_row(V, bulan=3)
    assert (r.realisasi, r.fisik, r.dilaporkan) == (Decimal(30_000_000), Decimal(5), False)
    assert sub_row(V).dilaporkan
    opd = RingkasanOpd.objects.get(opd=world.a.dinkes, dasar=V, bulan=1)
    assert opd.realisasi == Decimal(30_000_000)
    # status: planned 8% in January, 5% done -> 3 points behind = kuning
    assert sub_row(V).status_fisik == "kuning"
    assert rollup.check() == []


def test_check_finds_tampering_and_command_reports_it(world):
    RingkasanOpd.objects.filter(opd=world.a.dinkes, dasar=V, bulan=5).update(realisasi=Decimal(1))
    RingkasanSubKegiatan.objects.filter(sub_kegiatan=world.a.sub2, bulan=2).delete()
    diffs = rollup.check()
    assert {(d.table, d.field) for d in diffs} >= {("opd", "realisasi"), ("sub", "(baris)")}
    with pytest.raises(CommandError, match="selisih"):
        call_command("evaluation_check")
    call_command("evaluation_check", perbaiki=True)
    assert rollup.check() == []


def test_threshold_change_refreshes_flags(world):
    from pantau.organisations.services import pemda_update

    realisasi_import(
        actor=None,
        tahun_anggaran=world.a.ta,
        historical=True,
        rows=[
            {
                "sub_kegiatan": world.a.sub,
                "bulan": 1,
                "keuangan": Decimal(1),
                "fisik": Decimal(0),
                "status": "diverifikasi",
            }
        ],
    )
    row = RingkasanSubKegiatan.objects.filter(sub_kegiatan=world.a.sub, dasar=V, bulan=1)
    assert row.get().status_fisik == "kuning"
    pemda_update(actor=None, pemda=world.a.pemda, kritis_deviasi_awal=Decimal(5))
    assert row.get().status_fisik == "kritis"
    assert rollup.check() == []


operation = st.one_of(
    st.tuples(
        st.just("report"),
        st.sampled_from(["sub", "sub2", "sub_pupr"]),
        st.integers(1, 12),
        st.integers(0, 40),
        st.integers(0, 100),
    ),
    st.tuples(st.just("pagu"), st.sampled_from(["sub2", "sub_pupr"]), st.integers(40, 90)),
    # a workflow step on the first report of a sub kegiatan (refused steps change nothing)
    st.tuples(
        st.just("step"),
        st.sampled_from(["sub", "sub2", "sub_pupr"]),
        st.sampled_from(["submit", "approve", "verify", "return_bappeda", "correct"]),
    ),
    st.tuples(st.just("plan"), st.sampled_from(["sub2", "sub_pupr"]), st.integers(1, 100)),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(operation, max_size=8))
def test_property_rollups_equal_recomputation(world, ops):
    """Whatever sequence of writes happens, the stored roll-ups equal a recomputation."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction

    class RollbackError(Exception):
        pass

    try:
        with transaction.atomic():
            tenant = world.a
            for op in ops:
                sub = getattr(tenant, op[1])
                sub.refresh_from_db()
                try:
                    if op[0] == "report":
                        realisasi_import(
                            actor=None,
                            tahun_anggaran=tenant.ta,
                            rows=[
                                {
                                    "sub_kegiatan": sub,
                                    "bulan": op[2],
                                    "keuangan": Decimal(op[3]) * 1_000_000,
                                    "fisik": Decimal(op[4]),
                                }
                            ],
                        )
                    elif op[0] == "step":
                        _step(tenant, sub, op[2])
                    elif op[0] == "pagu":
                        sub_kegiatan_update(
                            actor=None, sub_kegiatan=sub, pagu_murni=Decimal(op[2]) * 10_000_000
                        )
                    else:
                        kas = sub.pagu_murni / 12
                        rows = [
                            (kas.quantize(Decimal(1)), Decimal(min(100, m * op[2] // 12 + m)))
                            for m in range(1, 13)
                        ]
                        rows[-1] = (sub.pagu_murni - sum(k for k, _f in rows[:-1]), Decimal(100))
                        rencana_set(actor=None, sub_kegiatan=sub, tahap="murni", rows=rows)
                except (ValidationError, PermissionDenied):
                    pass  # refused writes change nothing, roll-ups included
            assert rollup.check() == []
            raise RollbackError
    except RollbackError:
        pass


def _step(tenant, sub, name):
    from pantau.monitoring.models import Realisasi
    from pantau.monitoring.services import realisasi_transition

    report = Realisasi.objects.filter(sub_kegiatan=sub).order_by("periode__bulan").first()
    if report is None:
        return
    role = {"approve": "kepala_opd", "verify": "verifikator", "return_bappeda": "verifikator"}
    actor = tenant.users[role.get(name, "operator_opd")]
    realisasi_transition(actor=actor, realisasi=report, name=name, catatan="Catatan uji.")


def test_indicator_rollup_follows_values(world, clock):
    from pantau.evaluation.models import RingkasanIndikator
    from pantau.monitoring.services import realisasi_indikator_save
    from pantau.planning.choices import Rumus
    from pantau.planning.services import indikator_create

    ind = indikator_create(
        actor=None,
        induk=world.a.sub,
        nama="Orang dilatih",
        satuan="orang",
        rumus=Rumus.TREN_POSITIF,
        target_tahunan=Decimal(1200),
        target_tw1=Decimal(200),
        target_tw2=Decimal(300),
        target_tw3=Decimal(400),
        target_tw4=Decimal(300),
    )
    assert (
        RingkasanIndikator.objects.get(indikator=ind, dasar=V, triwulan=1).catatan == "tanpa_data"
    )
    clock.set("2026-03-20 09:00")
    march = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=3)
    report = realisasi_save(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub,
        periode=march,
        keuangan=Decimal(0),
        fisik=Decimal(24),
    )
    realisasi_indikator_save(
        actor=world.a.users["operator_opd"], indikator=ind, periode=march, nilai=Decimal(250)
    )

    def tw(n, dasar=V):
        return RingkasanIndikator.objects.get(indikator=ind, dasar=dasar, triwulan=n)

    assert tw(1).realisasi is None and tw(1, R).realisasi is None  # a draft's value: not yet
    from conftest import verify_report

    verify_report(world.a, report)
    assert (tw(1).target, tw(1).realisasi, tw(1).capaian) == (
        Decimal(200),
        Decimal(250),
        Decimal(125),
    )
    assert tw(2).target == Decimal(500) and tw(2).capaian == Decimal(50)  # 250 of 200 + 300
    assert rollup.check() == []
    RingkasanIndikator.objects.filter(indikator=ind, dasar=V, triwulan=1).update(capaian=Decimal(1))
    assert [d.table for d in rollup.check()] == ["indikator"]


def _rows_by_basis_alone(monkeypatch, ids) -> list[dict]:
    """The month rows with each basis computed on its own (no basis copied from another)."""
    out = []
    for dasar in rollup.BASES:
        with monkeypatch.context() as m:
            m.setattr(rollup, "BASES", (dasar,))
            out += [vars(r) for r in rollup.compute_subs(ids)]
    return sorted(out, key=lambda r: (r["sub_kegiatan_id"], r["dasar"], r["bulan"]))


def test_a_basis_without_reports_copied_equals_computed(world, clock, monkeypatch):
    """`compute_subs` copies the plan-only rows of a sub kegiatan to the other basis when
    neither has a counted report; with no report, a submitted one (counted on one basis only)
    and a verified one, the rows equal each basis computed on its own."""
    from conftest import verify_report
    from pantau.monitoring.services import realisasi_transition

    ids = [world.a.sub.pk, world.a.sub2.pk]

    def same() -> None:
        got = sorted(
            (vars(r) for r in rollup.compute_subs(ids)),
            key=lambda r: (r["sub_kegiatan_id"], r["dasar"], r["bulan"]),
        )
        assert len(got) == 48
        assert got == _rows_by_basis_alone(monkeypatch, ids)

    same()
    clock.set("2026-02-05 10:00")
    jan = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1)
    report = realisasi_save(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub,
        periode=jan,
        keuangan=Decimal(30_000_000),
        fisik=Decimal(5),
    )
    realisasi_transition(actor=world.a.users["operator_opd"], realisasi=report, name="submit")
    same()
    verify_report(world.a, report, skip_submit=True)
    same()


class TestSecondBasisCopiedInSql:
    """Rows of a basis without counted reports (values) are written by the database as copies
    of the first basis's rows (`rollup._copy_basis`, decision 0021 "Performance"): only the
    rows that differ go through Python, and the stored rows still equal a full recompute."""

    def _inserted(self, monkeypatch) -> list:
        rows: list = []
        original = rollup.insert_rows

        def recording(model, batch):
            rows.extend(batch)
            return original(model, batch)

        monkeypatch.setattr(rollup, "insert_rows", recording)
        return rows

    def test_sub_and_indicator_rows_without_reports_copied(self, world, clock, monkeypatch):
        from pantau.evaluation.models import RingkasanIndikator
        from pantau.monitoring.services import realisasi_indikator_save, realisasi_transition
        from pantau.planning.services import indikator_create

        def indikator(induk, nama):
            return indikator_create(
                actor=None, induk=induk, nama=nama, satuan="unit", rumus=4,
                target_tahunan=Decimal(4), target_tw4=Decimal(4),
            )  # fmt: skip

        reported, quiet = indikator(world.a.sub, "Dilaporkan"), indikator(world.a.sub2, "Sepi")
        clock.set("2026-02-05 10:00")
        jan = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1)
        operator = world.a.users["operator_opd"]
        report = realisasi_save(
            actor=operator,
            sub_kegiatan=world.a.sub,
            periode=jan,
            keuangan=Decimal(30_000_000),
            fisik=Decimal(5),
        )
        realisasi_indikator_save(actor=operator, indikator=reported, periode=jan, nilai=Decimal(1))
        realisasi_transition(actor=operator, realisasi=report, name="submit")  # counted as R only
        inserted = self._inserted(monkeypatch)
        rollup.refresh_subs([world.a.sub.pk, world.a.sub2.pk])
        rollup.refresh_indicators([reported.pk, quiet.pk])
        by_key = {}
        for r in inserted:
            key = getattr(r, "sub_kegiatan_id", None) or ("i", getattr(r, "indikator_id", None))
            by_key.setdefault(key, set()).add(r.dasar)
        assert by_key[world.a.sub.pk] == {V, R}  # a report counted on one basis: both computed
        assert by_key[world.a.sub2.pk] == {V}  # none: the second basis copied in SQL
        assert by_key[("i", reported.pk)] == {V, R}
        assert by_key[("i", quiet.pk)] == {V}
        assert RingkasanSubKegiatan.objects.filter(sub_kegiatan=world.a.sub2).count() == 24
        assert RingkasanIndikator.objects.filter(indikator=quiet).count() == 8
        fields = ["bulan", *rollup.SUB_FIELDS]
        stored = RingkasanSubKegiatan.objects.filter(sub_kegiatan=world.a.sub2).order_by("bulan")
        assert list(stored.filter(dasar=R).values_list(*fields)) == list(
            stored.filter(dasar=V).values_list(*fields)
        )
        assert rollup.check() == []


def test_compute_subs_reads_values_not_model_instances(world, monkeypatch):
    """The month rows read the sub kegiatan, its year and its pemda's thresholds as values in
    one query (`rollup._plan_subs`): building those model instances cost more than the rows."""
    from pantau.organisations.models import Opd, Pemda
    from pantau.planning.models import SubKegiatan, TahunAnggaran

    built = []
    for model in (SubKegiatan, TahunAnggaran, Opd, Pemda):
        original = model.from_db.__func__

        def counting(cls, *args, _original=original, **kwargs):
            built.append(cls.__name__)
            return _original(cls, *args, **kwargs)

        monkeypatch.setattr(model, "from_db", classmethod(counting))
    rows = rollup.compute_subs([world.a.sub.pk, world.a.sub2.pk])
    assert built == []
    assert len(rows) == 48 and rollup.check() == []


@pytest.mark.parametrize("in_bulk", [False, True], ids=["now", "deferred"])
def test_refresh_year_in_a_bulk_load_recomputes_at_its_end(world, in_bulk):
    """`refresh_year` (a change of budget version) inside `rollup.deferred()` (the demo's bulk
    load) leaves the recomputation to the block's end, with the same rows as at once: a
    tampered row is repaired, a deleted one rebuilt, the rows of an OPD without sub kegiatan in
    the year removed."""
    from contextlib import nullcontext

    from pantau.organisations.choices import JenisOpd
    from pantau.organisations.services import opd_create

    ta = world.a.ta
    empty = opd_create(
        actor=None,
        pemda=world.a.pemda,
        kode="1.03.0.00.0.00.09.0000",
        nama="Badan Tanpa Rencana",
        singkatan="BTR",
        jenis=JenisOpd.BADAN,
    )
    stale = RingkasanOpd.objects.filter(opd=world.a.dinkes, tahun_anggaran=ta).first()
    stale.pk, stale.opd = None, empty
    stale.save()
    RingkasanOpd.objects.filter(opd=world.a.dinkes, dasar=V, bulan=5).update(realisasi=1)
    RingkasanSubKegiatan.objects.filter(sub_kegiatan=world.a.sub2, bulan=2).delete()
    assert rollup.check(pemda=world.a.pemda)
    with rollup.deferred() if in_bulk else nullcontext():
        rollup.refresh_year(ta)
        tampered = RingkasanOpd.objects.get(opd=world.a.dinkes, dasar=V, bulan=5).realisasi
        assert (tampered == 1) is in_bulk
        assert not RingkasanOpd.objects.filter(opd=empty).exists()
    assert rollup.check(pemda=world.a.pemda) == []
