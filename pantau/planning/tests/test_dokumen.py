"""Plan versions and approval (decision 0020): every step, who may take it, the guard on every
planning write, the difference between versions, and a revision applied only on locking."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pantau.audit.models import AuditEvent
from pantau.notifications.models import Notifikasi
from pantau.planning import services as ps
from pantau.planning.choices import Rumus
from pantau.planning.imports import plan_import
from pantau.planning.models import DokumenRencana, RencanaBulanan, SubKegiatan
from pantau.planning.plan_content import plan_diff
from pantau.planning.services_dokumen import (
    allowed_langkah,
    dokumen_content_for_diff,
    dokumen_create,
    dokumen_revisi_open,
    dokumen_transition,
    dokumen_usulan_set,
)

pytestmark = pytest.mark.django_db


def _u(world, role, tenant="a"):
    return getattr(world, tenant).users[role]


def _locked(world):
    a = world.a
    doc = dokumen_create(actor=_u(world, "operator_opd"), tahun_anggaran=a.ta, opd=a.dinkes)
    for name, role in (("ajukan", "kepala_opd"), ("validasi", "verifikator"), ("kunci", "admin")):
        doc = dokumen_transition(actor=_u(world, role), dokumen=doc, name=name)
    return doc


def _rows(total, n=12):
    each = Decimal(total) / n
    return [(each, Decimal(m * 100) / n) for m in range(1, n + 1)]


class TestTransitions:
    def test_the_full_path_is_audited_and_notices_the_next_person(
        self, world, django_capture_on_commit_callbacks
    ):
        a = world.a
        doc = dokumen_create(actor=_u(world, "operator_opd"), tahun_anggaran=a.ta, opd=a.dinkes)
        assert (doc.versi, doc.jenis, doc.status) == (1, "murni", "draft")
        with django_capture_on_commit_callbacks(execute=True):
            doc = dokumen_transition(actor=_u(world, "kepala_opd"), dokumen=doc, name="ajukan")
        assert doc.status == "diajukan"
        assert Notifikasi.objects.filter(user=_u(world, "verifikator")).count() == 1
        doc = dokumen_transition(actor=_u(world, "verifikator"), dokumen=doc, name="validasi")
        with django_capture_on_commit_callbacks(execute=True):
            doc = dokumen_transition(actor=_u(world, "admin"), dokumen=doc, name="kunci")
        assert doc.status == "dikunci" and doc.dikunci_pada is not None
        assert str(a.sub.pk) in doc.isi["subs"]
        assert Notifikasi.objects.filter(user=_u(world, "operator_opd")).count() == 1
        actions = list(
            AuditEvent.objects.filter(action__startswith="dokumen_rencana.")
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert actions == [
            "dokumen_rencana.create",
            "dokumen_rencana.ajukan",
            "dokumen_rencana.validasi",
            "dokumen_rencana.kunci",
        ]

    @pytest.mark.parametrize(
        ("name", "role"),
        [
            ("ajukan", "operator_opd"),
            ("ajukan", "verifikator"),
            ("ajukan", "pimpinan"),
            ("validasi", "kepala_opd"),
            ("validasi", "admin"),
            ("kunci", "kepala_opd"),
            ("kunci", "auditor"),
        ],
    )
    def test_only_the_right_role_takes_a_step(self, world, name, role):
        a = world.a
        doc = dokumen_create(actor=None, tahun_anggaran=a.ta, opd=a.dinkes)
        before = {"ajukan": "draft", "validasi": "diajukan", "kunci": "divalidasi"}[name]
        DokumenRencana.objects.filter(pk=doc.pk).update(status=before)
        with pytest.raises(PermissionDenied):
            dokumen_transition(actor=_u(world, role), dokumen=doc, name=name)
        doc.refresh_from_db()
        assert doc.status == before

    def test_the_head_of_another_opd_or_pemda_cannot_submit(self, world):
        a = world.a
        doc = dokumen_create(actor=None, tahun_anggaran=a.ta, opd=a.pupr)
        with pytest.raises(PermissionDenied):
            dokumen_transition(actor=_u(world, "kepala_opd"), dokumen=doc, name="ajukan")
        with pytest.raises(PermissionDenied):
            dokumen_transition(actor=_u(world, "verifikator", "b"), dokumen=doc, name="validasi")

    def test_a_step_from_the_wrong_status_is_refused(self, world):
        doc = dokumen_create(actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes)
        with pytest.raises(ValidationError):
            dokumen_transition(actor=_u(world, "verifikator"), dokumen=doc, name="validasi")
        assert allowed_langkah(_u(world, "verifikator"), doc) == []
        assert [t.name for t in allowed_langkah(_u(world, "kepala_opd"), doc)] == ["ajukan"]

    @pytest.mark.parametrize("start", ["diajukan", "divalidasi"])
    def test_return_needs_a_note_and_goes_back_to_draft(
        self, world, start, django_capture_on_commit_callbacks
    ):
        doc = dokumen_create(actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes)
        DokumenRencana.objects.filter(pk=doc.pk).update(status=start)
        with pytest.raises(ValidationError):
            dokumen_transition(actor=_u(world, "verifikator"), dokumen=doc, name="kembalikan")
        with django_capture_on_commit_callbacks(execute=True):
            doc = dokumen_transition(
                actor=_u(world, "verifikator"),
                dokumen=doc,
                name="kembalikan",
                catatan="Pagu salah.",
            )
        assert (doc.status, doc.catatan) == ("draft", "Pagu salah.")
        note = Notifikasi.objects.get(user=_u(world, "kepala_opd"))
        assert "Pagu salah." in note.isi

    def test_a_locked_version_cannot_be_returned(self, world):
        doc = _locked(world)
        with pytest.raises(ValidationError):
            dokumen_transition(
                actor=_u(world, "admin"), dokumen=doc, name="kembalikan", catatan="x"
            )

    def test_a_second_first_version_is_refused(self, world):
        dokumen_create(actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes)
        with pytest.raises(ValidationError):
            dokumen_create(actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes)
        assert DokumenRencana.objects.count() == 1


def _every_write(world, write):
    a = world.a
    a.dinkes.bidang_urusan = "1.02; 1.03"  # the writes below add a PU program to the Dinkes
    a.dinkes.save(update_fields=["bidang_urusan"])
    if write == "kegiatan_create":  # a program without that kegiatan, made before any document
        a.spare = ps.program_create(actor=None, tahun_anggaran=a.ta, opd=a.dinkes, kode="1.03.03")
    return {
        "program_create": lambda: ps.program_create(
            actor=None, tahun_anggaran=a.ta, opd=a.dinkes, kode="1.03.03"
        ),
        "kegiatan_create": lambda: ps.kegiatan_create(
            actor=None, program=a.spare, kode="1.03.03.2.01"
        ),
        "sub_kegiatan_create": lambda: ps.sub_kegiatan_create(
            actor=None, kegiatan=a.kegiatan, kode="1.02.02.2.01.0003", pagu_murni=1
        ),
        "sub_kegiatan_update": lambda: ps.sub_kegiatan_update(
            actor=None, sub_kegiatan=a.sub2, pptk_nama="Baru"
        ),
        "rencana_set": lambda: ps.rencana_set(
            actor=None, sub_kegiatan=a.sub2, tahap="murni", rows=_rows(300_000_000)
        ),
        "indikator_create": lambda: ps.indikator_create(
            actor=None,
            induk=a.sub2,
            nama="X",
            satuan="unit",
            rumus=Rumus.TREN_POSITIF,
            target_tahunan=1,
        ),
        "plan_import": lambda: plan_import(
            actor=None,
            tahun_anggaran=a.ta,
            opd=a.dinkes,
            programs=[{"kode": "1.03.03", "kegiatan": []}],
        ),
    }


WRITES = [
    "program_create",
    "kegiatan_create",
    "sub_kegiatan_create",
    "sub_kegiatan_update",
    "rencana_set",
    "indikator_create",
    "plan_import",
]


class TestGuard:
    @pytest.mark.parametrize("write", WRITES)
    @pytest.mark.parametrize("status", ["diajukan", "divalidasi", "dikunci"])
    def test_every_planning_write_is_refused_while_a_version_is_under_way(
        self, world, write, status
    ):
        run = _every_write(world, write)[write]
        doc = dokumen_create(actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes)
        DokumenRencana.objects.filter(pk=doc.pk).update(status=status)
        count = AuditEvent.objects.count()
        with pytest.raises(ValidationError, match="tidak dapat diubah"):
            run()
        assert AuditEvent.objects.count() == count
        assert SubKegiatan.objects.get(pk=world.a.sub2.pk).pptk_nama == ""

    @pytest.mark.parametrize("write", WRITES)
    def test_a_murni_draft_and_no_document_are_edited_as_before(self, world, write):
        run = _every_write(world, write)[write]
        if write != "plan_import":
            dokumen_create(actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes)
        run()

    @pytest.mark.parametrize("write", WRITES)
    def test_the_plan_of_a_deactivated_opd_is_kept_as_it_was(self, world, write):
        # a merged, split or deactivated OPD's plan is history: no path writes it
        run = _every_write(world, write)[write]
        type(world.a.dinkes).objects.filter(pk=world.a.dinkes.pk).update(aktif=False)
        count = AuditEvent.objects.count()
        with pytest.raises(ValidationError, match="tidak aktif"):
            run()
        assert AuditEvent.objects.count() == count
        assert SubKegiatan.objects.get(pk=world.a.sub2.pk).pptk_nama == ""

    def test_indikator_update_is_guarded(self, world):
        ind = _every_write(world, "indikator_create")["indikator_create"]()
        doc = dokumen_create(actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes)
        DokumenRencana.objects.filter(pk=doc.pk).update(status="diajukan")
        with pytest.raises(ValidationError):
            ps.indikator_update(actor=None, indikator=ind, target_tahunan=5)

    def test_another_opds_plan_is_not_held(self, world):
        _locked(world)
        ps.sub_kegiatan_update(actor=None, sub_kegiatan=world.a.sub_pupr, pptk_nama="PUPR")

    def test_a_revision_draft_refuses_direct_edits(self, world):
        doc = _locked(world)
        dokumen_revisi_open(actor=_u(world, "operator_opd"), dokumen=doc, jenis="pergeseran")
        with pytest.raises(ValidationError, match="usulan"):
            ps.sub_kegiatan_update(actor=None, sub_kegiatan=world.a.sub2, pptk_nama="x")


class TestRevisions:
    def test_a_pergeseran_changes_the_figures_only_when_locked(self, world):
        a = world.a
        v1 = _locked(world)
        v2 = dokumen_revisi_open(actor=_u(world, "operator_opd"), dokumen=v1, jenis="pergeseran")
        assert (v2.versi, v2.status) == (2, "draft")
        # 120 million moved from one sub kegiatan to the other: the OPD's total stays
        for sub, pagu in ((a.sub, 480_000_000), (a.sub2, 420_000_000)):
            dokumen_usulan_set(
                actor=_u(world, "operator_opd"),
                dokumen=v2,
                sub_kegiatan=sub,
                pagu=Decimal(pagu),
                rows=_rows(pagu),
            )
        v2 = dokumen_transition(actor=_u(world, "kepala_opd"), dokumen=v2, name="ajukan")
        v2 = dokumen_transition(actor=_u(world, "verifikator"), dokumen=v2, name="validasi")
        assert SubKegiatan.objects.get(pk=a.sub.pk).pagu_murni == Decimal(600_000_000)
        before, after = dokumen_content_for_diff(v2)
        diff = plan_diff(before, after)
        rows = {r["kode"]: r for r in diff["rows"]}
        assert set(rows) == {a.sub.kode, a.sub2.kode}
        row = rows[a.sub.kode]
        assert (row["pagu_sebelum"], row["pagu_sesudah"]) == (
            Decimal(600_000_000),
            Decimal(480_000_000),
        )
        assert len(row["bulan"]) == 12
        assert diff["selisih"] == Decimal(0)
        dokumen_transition(actor=_u(world, "verifikator"), dokumen=v2, name="kunci")
        sub = SubKegiatan.objects.get(pk=a.sub.pk)
        assert sub.pagu_murni == Decimal(480_000_000)
        assert SubKegiatan.objects.get(pk=a.sub2.pk).pagu_murni == Decimal(420_000_000)
        kas = sum(r.anggaran_kas for r in RencanaBulanan.objects.filter(sub_kegiatan=sub))
        assert kas == Decimal(480_000_000)

    def test_a_pergeseran_that_changes_the_opd_total_is_not_submitted(self, world):
        a = world.a
        v2 = dokumen_revisi_open(actor=None, dokumen=_locked(world), jenis="pergeseran")
        dokumen_usulan_set(
            actor=None, dokumen=v2, sub_kegiatan=a.sub, pagu=480_000_000, rows=_rows(480_000_000)
        )
        with pytest.raises(ValidationError, match="jumlahnya harus tetap"):
            dokumen_transition(actor=_u(world, "kepala_opd"), dokumen=v2, name="ajukan")
        v2.refresh_from_db()
        assert v2.status == "draft"
        # nor locked, if it somehow got that far
        DokumenRencana.objects.filter(pk=v2.pk).update(status="divalidasi")
        with pytest.raises(ValidationError, match="APBD perubahan"):
            dokumen_transition(actor=_u(world, "verifikator"), dokumen=v2, name="kunci")
        assert SubKegiatan.objects.get(pk=a.sub.pk).pagu_murni == Decimal(600_000_000)

    def test_an_apbd_p_sets_the_perubahan_pagu_and_moves_the_year_on_locking(self, world):
        a = world.a
        v1 = _locked(world)
        v2 = dokumen_revisi_open(actor=_u(world, "kepala_opd"), dokumen=v1, jenis="perubahan")
        dokumen_usulan_set(
            actor=None, dokumen=v2, sub_kegiatan=a.sub2, pagu=360_000_000, rows=_rows(360_000_000)
        )
        for name, role in (("ajukan", "kepala_opd"), ("validasi", "verifikator")):
            v2 = dokumen_transition(actor=_u(world, role), dokumen=v2, name=name)
        a.ta.refresh_from_db()
        assert a.ta.tahap == "murni"
        assert SubKegiatan.objects.get(pk=a.sub2.pk).pagu_perubahan is None
        dokumen_transition(actor=_u(world, "admin"), dokumen=v2, name="kunci")
        a.ta.refresh_from_db()
        sub2 = SubKegiatan.objects.get(pk=a.sub2.pk)
        assert a.ta.tahap == "perubahan" and sub2.pagu_perubahan == Decimal(360_000_000)
        assert RencanaBulanan.objects.filter(sub_kegiatan=sub2, tahap="perubahan").count() == 12
        with pytest.raises(ValidationError):
            dokumen_revisi_open(actor=None, dokumen=v2, jenis="perubahan")

    def test_a_proposal_with_a_wrong_cash_plan_is_refused(self, world):
        v2 = dokumen_revisi_open(actor=None, dokumen=_locked(world), jenis="pergeseran")
        with pytest.raises(ValidationError, match="harus sama dengan pagu"):
            dokumen_usulan_set(
                actor=None, dokumen=v2, sub_kegiatan=world.a.sub, pagu=1000, rows=_rows(900)
            )
        v2.refresh_from_db()
        assert v2.usulan == {}

    def test_a_proposal_for_another_opds_sub_kegiatan_is_refused(self, world):
        v2 = dokumen_revisi_open(actor=None, dokumen=_locked(world), jenis="pergeseran")
        with pytest.raises(ValidationError):
            dokumen_usulan_set(
                actor=None, dokumen=v2, sub_kegiatan=world.a.sub_pupr, pagu=12, rows=_rows(12)
            )
        with pytest.raises(PermissionDenied):
            dokumen_usulan_set(
                actor=_u(world, "verifikator"),
                dokumen=v2,
                sub_kegiatan=world.a.sub,
                pagu=12,
                rows=_rows(12),
            )

    def test_a_revision_opens_only_from_the_locked_latest_version(self, world):
        doc = dokumen_create(actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes)
        with pytest.raises(ValidationError):
            dokumen_revisi_open(actor=None, dokumen=doc, jenis="pergeseran")
        v1 = doc
        DokumenRencana.objects.filter(pk=v1.pk).update(status="dikunci")
        dokumen_revisi_open(actor=None, dokumen=v1, jenis="pergeseran")
        with pytest.raises(ValidationError):
            dokumen_revisi_open(actor=None, dokumen=v1, jenis="pergeseran")

    def test_the_diff_names_added_removed_and_changed_indicators(self, world):
        a = world.a
        ind = ps.indikator_create(
            actor=None, induk=a.sub, nama="Gedung", satuan="unit", rumus=1, target_tahunan=1
        )
        v1 = _locked(world)
        before = v1.isi
        after = {**before, "subs": {k: dict(v) for k, v in before["subs"].items()}}
        sub = after["subs"][str(a.sub.pk)]
        sub["indikator"] = {"999": {"nama": "Baru", "satuan": "unit", "rumus": 1, "target": []}}
        row = plan_diff(before, after)["rows"][0]
        assert {(i["status"], i["nama"]) for i in row["indikator"]} == {
            ("baru", "Baru"),
            ("dihapus", ind.nama),
        }
