"""The archive (issue 14 §5): signing in order by role and scope, the refusals in words, a
final report immutable on every path, the difference against today's data (pure functions,
then the page after a monthly realisation changes), new versions, the download's checksum."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from conftest import PASSWORD, verified
from pantau.audit.models import AuditEvent
from pantau.core.storage import open_private
from pantau.organisations.choices import Role
from pantau.organisations.services import membership_set, user_create
from pantau.organisations.services_kelola import profil_update
from pantau.reports import diff
from pantau.reports.jobs import laporan_run
from pantau.reports.models import LaporanResmi, TandaTanganLaporan
from pantau.reports.selectors import Permintaan, laporan_list, laporan_seri
from pantau.reports.services import laporan_done, laporan_fail_stale, laporan_failed
from pantau.reports.services_arsip import (
    DATA_CHANGED,
    NIP_MISSING,
    giliran,
    laporan_new_version,
    laporan_sign,
    signer_refusal,
)
from pantau.reports.tables import PERSEN, RUPIAH, TEKS, Baris, Kaki, Kolom, Tabel
from pantau.reports.ttd import E81, slots_for

JT = Decimal(1_000_000)
NIP_KEPALA = "197501012000031001"
NIP_VERIF = "198002022005011002"


def _person(user, first, last, nip):
    profil_update(actor=user, user=user, first_name=first, last_name=last, nip=nip)
    user.refresh_from_db()
    return user


def _build(a, who="operator_opd", jenis="form-b", opd="dinkes", bulan=1, fmt="pdf"):
    from pantau.reports.services import laporan_request

    asked = laporan_request(
        actor=a.users[who],
        permintaan=Permintaan(jenis, a.ta, getattr(a, opd) if opd else None, bulan),
        format=fmt,
    )
    made = laporan_run(asked.pk)
    assert made.status == "selesai", made.pesan
    return made


def _pdf_text(data: bytes) -> str | None:
    """The PDF's text (pdftotext), or None when poppler-utils is missing (make setup-pdf)."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    tool = shutil.which("pdftotext")
    if not tool:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "r.pdf"
        pdf.write_bytes(data)
        return subprocess.run(  # noqa: S603 - our own file, a fixed tool
            [tool, "-layout", str(pdf), "-"], capture_output=True, check=True, timeout=60
        ).stdout.decode()


def _messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


@pytest.fixture
def arsip(world):
    a = world.a
    verified(a, a.sub, 1, 100 * JT, 20)
    _person(a.users["kepala_opd"], "Siti", "Rahma", NIP_KEPALA)
    _person(a.users["verifikator"], "Andi", "Bappeda", NIP_VERIF)
    return a


class TestSigningRules:
    def test_who_signs_what_in_order(self):
        e81 = slots_for(jenis=E81, opd_id=1)
        assert [(s.role, s.opd) for s in e81] == [
            (Role.KEPALA_OPD, True),
            (Role.VERIFIKATOR, False),
        ]
        assert [str(s.peran) for s in e81] == ["Disusun oleh", "Dievaluasi oleh"]
        assert [s.role for s in slots_for(jenis="form-b", opd_id=1)] == [Role.KEPALA_OPD]
        assert [s.role for s in slots_for(jenis="rfk", opd_id=1)] == [Role.KEPALA_OPD]
        assert [s.role for s in slots_for(jenis="rfk", opd_id=None)] == [Role.VERIFIKATOR]
        assert [s.role for s in slots_for(jenis="peringkat", opd_id=None)] == [Role.VERIFIKATOR]

    def test_e81_head_of_opd_first_then_bappeda(self, world):
        a = world.a
        report = LaporanResmi(pemda=a.pemda, jenis=E81, opd=a.dinkes, tahun_anggaran=a.ta)
        first = giliran(report, signed=0)
        assert first.urutan == 1
        assert signer_refusal(a.users["kepala_opd"], report, first.slot) == ""
        refused = signer_refusal(a.users["verifikator"], report, first.slot)
        assert "Disusun oleh" in refused and "Kepala Dinas Kesehatan A" in refused
        second = giliran(report, signed=1)
        assert second.urutan == 2
        assert signer_refusal(a.users["verifikator"], report, second.slot) == ""
        assert "Dievaluasi oleh" in signer_refusal(a.users["kepala_opd"], report, second.slot)
        assert giliran(report, signed=2).slot is None

    def test_head_of_another_opd_does_not_fit_the_slot(self, world):
        a = world.a
        other = user_create(actor=None, username="kepala.pupr", password=PASSWORD)
        membership_set(actor=None, user=other, pemda=a.pemda, role="kepala_opd", opd=a.pupr)
        report = LaporanResmi(pemda=a.pemda, jenis="form-b", opd=a.dinkes, tahun_anggaran=a.ta)
        assert signer_refusal(other, report, giliran(report, signed=0).slot) != ""


class TestSign:
    def test_head_of_opd_signs_form_b_and_it_becomes_final(
        self, arsip, django_capture_on_commit_callbacks
    ):
        a = arsip
        draft = _build(a)
        assert draft.tahap == "draf" and draft.versi == 1
        snapshot = Tabel.dari_json(draft.tabel)
        assert snapshot.versi() == draft.versi_data  # the stored table is the one built
        assert [(t.peran, t.nama) for t in snapshot.tanda_tangan] == [("Mengetahui", "")]
        old_file, old_sha = draft.berkas, draft.sha256
        with django_capture_on_commit_callbacks(execute=True):
            signed = laporan_sign(actor=a.users["kepala_opd"], laporan=draft, tempat="Wangi-Wangi")
        assert signed.tahap == "final"
        assert signed.versi_data == draft.versi_data  # signing changes no figure
        assert signed.berkas != old_file  # a new stored file (its checksum below)
        # (its bytes differ from the draft's once the formats draw the signature block, the
        # E.81 work; until then the PDF may come out byte for byte the same)
        data = open_private(signed.berkas).read_bytes()
        assert hashlib.sha256(data).hexdigest() == signed.sha256
        assert data[:4] == b"%PDF"
        text = _pdf_text(data)
        if text is not None:  # the signed PDF is the stored table's: same data version shown
            assert f"versi data {draft.versi_data[:12]}" in text
        with pytest.raises(FileNotFoundError):
            open_private(old_file)  # the draft's file was replaced
        slot = Tabel.dari_json(signed.tabel).tanda_tangan[0]
        assert (slot.nama, slot.nip, slot.tempat) == ("Siti Rahma", NIP_KEPALA, "Wangi-Wangi")
        assert slot.jabatan == "Kepala Dinas Kesehatan A"
        assert isinstance(slot.tanggal, dt.date)
        ttd = TandaTanganLaporan.objects.get(laporan=signed)
        assert (ttd.urutan, ttd.nip, ttd.sha256_berkas) == (1, NIP_KEPALA, signed.sha256)
        event = AuditEvent.objects.filter(action="laporan_resmi.tanda_tangan").get()
        assert event.object_id == str(signed.pk)
        assert event.changes["sha256"] == [old_sha, signed.sha256]
        assert event.changes["_summary"]["versi_data"] == draft.versi_data
        assert event.changes["_summary"]["tahap"] == "final"

    def test_date_is_today_in_the_pemdas_time_zone(self, arsip, clock):
        a = arsip
        draft = _build(a)
        # 2026-03-31 17:30 UTC is 2026-04-01 01:30 WITA (Asia/Makassar, UTC+8)
        clock.set("2026-03-31T17:30:00+00:00")
        signed = laporan_sign(actor=a.users["kepala_opd"], laporan=draft, tempat="Wangi-Wangi")
        assert TandaTanganLaporan.objects.get(laporan=signed).tanggal == dt.date(2026, 4, 1)

    def test_pemda_report_signed_by_bappeda(self, arsip):
        a = arsip
        draft = _build(a, who="verifikator", jenis="rfk", opd=None)
        with pytest.raises(Http404):  # the head of an OPD does not read the pemda's RFK
            laporan_sign(actor=a.users["kepala_opd"], laporan=draft, tempat="Wangi-Wangi")
        signed = laporan_sign(actor=a.users["verifikator"], laporan=draft, tempat="Wangi-Wangi")
        assert signed.tahap == "final"
        assert TandaTanganLaporan.objects.get(laporan=signed).jabatan == "Bappeda"

    def test_refusals_in_words_change_nothing(self, arsip):
        a = arsip
        draft = _build(a)
        before = (AuditEvent.objects.count(), draft.sha256)
        with pytest.raises(ValidationError) as wrong_role:
            laporan_sign(actor=a.users["operator_opd"], laporan=draft, tempat="Wangi-Wangi")
        assert "peran Anda tidak dapat menandatanganinya" in _messages(wrong_role)
        with pytest.raises(ValidationError) as bappeda:
            laporan_sign(actor=a.users["verifikator"], laporan=draft, tempat="Wangi-Wangi")
        assert "Kepala Dinas Kesehatan A" in _messages(bappeda)
        with pytest.raises(ValidationError) as no_place:
            laporan_sign(actor=a.users["kepala_opd"], laporan=draft, tempat="  ")
        assert "tempat" in _messages(no_place)
        draft.refresh_from_db()
        assert (AuditEvent.objects.count(), draft.sha256) == before
        assert draft.tahap == "draf" and not TandaTanganLaporan.objects.exists()

    def test_missing_nip_is_refused_with_the_house_text(self, world):
        a = world.a
        verified(a, a.sub, 1, 100 * JT, 20)
        _person(a.users["kepala_opd"], "Siti", "Rahma", "")
        draft = _build(a)
        with pytest.raises(ValidationError) as exc:
            laporan_sign(actor=a.users["kepala_opd"], laporan=draft, tempat="Wangi-Wangi")
        assert _messages(exc) == "Lengkapi NIP Anda di profil sebelum menandatangani."
        with translation.override("en"):
            assert str(NIP_MISSING) != "Lengkapi NIP Anda di profil sebelum menandatangani."

    def test_another_opds_head_gets_404(self, arsip):
        a = arsip
        other = user_create(actor=None, username="kepala.pupr", password=PASSWORD)
        membership_set(actor=None, user=other, pemda=a.pemda, role="kepala_opd", opd=a.pupr)
        _person(other, "Kepala", "PUPR", NIP_VERIF)
        with pytest.raises(Http404):
            laporan_sign(actor=other, laporan=_build(a), tempat="Wangi-Wangi")

    def test_changed_data_since_the_draft_is_refused(self, arsip):
        a = arsip
        draft = _build(a)
        verified(a, a.sub2, 1, 30 * JT, 10)  # a new verified January report changes Form B
        with pytest.raises(ValidationError) as exc:
            laporan_sign(actor=a.users["kepala_opd"], laporan=draft, tempat="Wangi-Wangi")
        assert _messages(exc) == str(DATA_CHANGED)
        fresh = _build(a)  # built again, the new draft signs
        assert laporan_sign(actor=a.users["kepala_opd"], laporan=fresh, tempat="W").final

    def test_a_report_not_built_is_refused(self, arsip):
        from pantau.reports.services import laporan_request

        a = arsip
        queued = laporan_request(
            actor=a.users["operator_opd"],
            permintaan=Permintaan("form-b", a.ta, a.dinkes, 1),
            format="xlsx",
        )
        with pytest.raises(ValidationError) as exc:
            laporan_sign(actor=a.users["kepala_opd"], laporan=queued, tempat="Wangi-Wangi")
        assert "selesai dibuat" in _messages(exc)


@pytest.fixture
def final(arsip):
    draft = _build(arsip, fmt="xlsx")
    return laporan_sign(actor=arsip.users["kepala_opd"], laporan=draft, tempat="Wangi-Wangi")


class TestFinalImmutable:
    def _unchanged(self, laporan, before):
        laporan.refresh_from_db()
        assert (laporan.sha256, laporan.berkas, laporan.tahap, laporan.status) == before

    def test_every_path_is_refused(self, arsip, final):
        a = arsip
        before = (final.sha256, final.berkas, final.tahap, final.status)
        with pytest.raises(ValidationError) as resign:
            laporan_sign(actor=a.users["kepala_opd"], laporan=final, tempat="Wangi-Wangi")
        assert "sudah final" in _messages(resign)
        table = Tabel.dari_json(final.tabel)
        with pytest.raises(ValidationError) as rebuild:
            laporan_done(
                laporan=final, actor=None, name="x.xlsx", data=b"x", tabel=table, rahasia=False
            )
        assert "sudah final" in _messages(rebuild)
        with pytest.raises(ValidationError):
            laporan_failed(laporan=final, message="rusak")
        assert laporan_run(final.pk).sha256 == final.sha256  # a queued build only
        LaporanResmi.objects.filter(pk=final.pk).update(
            updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        )
        assert final.pk not in laporan_fail_stale()
        with pytest.raises(ProtectedError):  # its signature keeps it
            LaporanResmi.objects.filter(pk=final.pk).delete()
        assert LaporanResmi not in admin.site._registry
        assert TandaTanganLaporan not in admin.site._registry
        self._unchanged(final, before)

    def test_signed_file_is_checked_at_download(self, arsip, final, client):
        client.force_login(arsip.users["operator_opd"])
        url = reverse("reports:unduh", args=[final.pk])
        ok = client.get(url)
        assert ok.status_code == 200
        assert hashlib.sha256(b"".join(ok.streaming_content)).hexdigest() == final.sha256
        path = open_private(final.berkas)
        path.write_bytes(path.read_bytes() + b"tampered")
        refused = client.get(url, follow=True)
        assert refused.redirect_chain[0][0] == reverse("reports:arsip", args=[final.pk])
        assert "checksum SHA-256 berbeda" in refused.content.decode()
        assert refused["Content-Type"].startswith("text/html")


def _col(key, jenis=TEKS, judul=None):
    return Kolom(key, judul or key, jenis)


def _table(rows, kaki=(), catatan=(), ringkasan=()):
    return Tabel(
        jenis="form-b",
        judul=["Form B"],
        kolom=[
            _col("no"),
            _col("kode"),
            _col("uraian"),
            _col("pagu", RUPIAH),
            _col("fisik", PERSEN),
        ],
        baris=[
            Baris({"no": i + 1, "kode": k, "uraian": u, "pagu": p, "fisik": f}, t, kosong)
            for i, (k, u, p, f, t, kosong) in enumerate(rows)
        ],
        kaki=list(kaki),
        catatan=list(catatan),
        ringkasan=list(ringkasan),
    )


class TestDiff:
    OLD = [
        ("1.02.02", "Program", Decimal(900), Decimal(10), "program", {}),
        ("1.02.02.2.01.0001", "Sub A", Decimal(600), Decimal(20), "sub", {}),
        ("1.02.02.2.01.0002", "Sub B", Decimal(300), None, "sub", {"fisik": "belum melapor"}),
    ]

    def test_equal_tables_have_no_difference(self):
        got = diff.beda(_table(self.OLD), _table(self.OLD))
        assert got.kosong and got.jumlah == 0

    def test_rows_are_matched_by_key_not_position(self):
        new = [self.OLD[2], self.OLD[0], self.OLD[1]]  # reordered: numbers change, nothing else
        assert diff.beda(_table(self.OLD), _table(new)).kosong

    def test_added_removed_and_changed_cells(self):
        new = [
            ("1.02.02", "Program", Decimal(900), Decimal(10), "program", {}),
            ("1.02.02.2.01.0001", "Sub A", Decimal(650), Decimal(20), "sub", {}),
            ("1.02.02.2.01.0003", "Sub C", Decimal(50), Decimal(5), "sub", {}),
        ]
        got = diff.beda(_table(self.OLD), _table(new))
        assert [lbl for lbl, _r in got.ditambah] == ["1.02.02.2.01.0003 · Sub C"]
        assert [lbl for lbl, _r in got.dihapus] == ["1.02.02.2.01.0002 · Sub B"]
        (changed,) = got.diubah
        assert changed.label == "1.02.02.2.01.0001 · Sub A"
        (cell,) = changed.sel
        assert cell.kolom.key == "pagu"
        assert (cell.lama.sel["pagu"], cell.baru.sel["pagu"]) == (Decimal(600), Decimal(650))
        assert got.jumlah == 3

    def test_a_gap_reason_and_a_figure_for_a_gap_are_changes(self):
        reason = [*self.OLD[:2], (*self.OLD[2][:5], {"fisik": "dikembalikan"})]
        got = diff.beda(_table(self.OLD), _table(reason))
        assert [c.kolom.key for c in got.diubah[0].sel] == ["fisik"]
        figure = [
            *self.OLD[:2],
            ("1.02.02.2.01.0002", "Sub B", Decimal(300), Decimal(0), "sub", {}),
        ]
        got = diff.beda(_table(self.OLD), _table(figure))
        (cell,) = got.diubah[0].sel  # None -> 0 is a change (never a silent zero)
        assert (cell.lama.sel["fisik"], cell.baru.sel["fisik"]) == (None, Decimal(0))

    def test_decimal_scale_is_not_a_change(self):
        scaled = [(*self.OLD[0][:2], Decimal("900.00"), *self.OLD[0][3:]), *self.OLD[1:]]
        assert diff.beda(_table(self.OLD), _table(scaled)).kosong

    def test_footer_summary_and_notes(self):
        old = _table(
            self.OLD,
            kaki=[Kaki("pendorong", "Faktor pendorong", "Cuaca baik"), Kaki("x", "Lama", "a")],
            catatan=["catatan tetap", "catatan lama"],
            ringkasan=[("Realisasi", Decimal(100), RUPIAH)],
        )
        new = _table(
            self.OLD,
            kaki=[Kaki("pendorong", "Faktor pendorong", "Cuaca buruk"), Kaki("y", "Baru", "b")],
            catatan=["catatan tetap", "catatan baru"],
            ringkasan=[("Realisasi", Decimal(120), RUPIAH)],
        )
        got = diff.beda(old, new)
        assert [(t.label, t.lama, t.baru) for t in got.kaki] == [
            ("Faktor pendorong", "Cuaca baik", "Cuaca buruk"),
            ("Baru", None, "b"),
            ("Lama", "a", None),
        ]
        assert [(t.lama, t.baru, t.jenis) for t in got.ringkasan] == [
            (Decimal(100), Decimal(120), RUPIAH)
        ]
        assert (got.catatan_ditambah, got.catatan_dihapus) == (["catatan baru"], ["catatan lama"])
        assert not got.diubah and got.jumlah == 6

    def test_indicator_is_part_of_the_key_and_repeats_are_kept(self):
        def row(ind, val):
            return Baris({"kode": "1.02.02", "indikator": ind, "nilai": val})

        def t(rows):
            return Tabel("e81", ["E.81"], [_col("kode"), _col("indikator"), _col("nilai")], rows)

        got = diff.beda(t([row("A", 1), row("B", 2)]), t([row("B", 2), row("A", 3)]))
        assert [(b.label, [c.kolom.key for c in b.sel]) for b in got.diubah] == [
            ("1.02.02 · A", ["nilai"])
        ]
        twice = diff.keyed([row("A", 1), row("A", 2)])
        assert len(twice) == 2


class TestDifferencePage:
    def test_page_shows_the_change_after_a_new_verified_report(self, arsip, final, client):
        a = arsip
        client.force_login(a.users["verifikator"])
        url = reverse("reports:perbedaan", args=[final.pk])
        same = client.get(url)
        assert same.status_code == 200
        assert "Tidak ada perbedaan" in same.content.decode()
        # sub B (pagu Rp 300 jt) gets a verified January report: Rp 30 jt, fisik 10 %
        verified(a, a.sub2, 1, 30 * JT, 10)
        page = client.get(url).content.decode()
        assert "Tidak ada perbedaan" not in page
        assert 'data-diubah="1.02.02.2.01.0002' in page
        # realisasi keuangan 30 jt / 300 jt = 10,00 %; Rp 30.000.000 as the new cell
        assert "<ins>30.000.000</ins>" in page
        assert "<ins>10,00</ins>" in page

    def test_other_opd_gets_404(self, arsip, final, client):
        a = arsip
        stranger = user_create(actor=None, username="operator.pupr", password=PASSWORD)
        membership_set(actor=None, user=stranger, pemda=a.pemda, role="operator_opd", opd=a.pupr)
        client.force_login(stranger)
        for name in ("arsip", "perbedaan", "unduh"):
            assert client.get(reverse(f"reports:{name}", args=[final.pk])).status_code == 404
        for name in ("tanda-tangan", "versi-baru"):
            assert client.post(reverse(f"reports:{name}", args=[final.pk])).status_code == 404


class TestNewVersion:
    def test_refused_while_data_unchanged_or_not_final(self, arsip, final):
        a = arsip
        with pytest.raises(ValidationError) as same:
            laporan_new_version(actor=a.users["kepala_opd"], laporan=final)
        assert "belum berubah" in _messages(same)
        with pytest.raises(ValidationError) as draft:
            laporan_new_version(actor=a.users["kepala_opd"], laporan=_build(a))
        assert "sudah final" in _messages(draft)

    def test_chain_of_versions(self, arsip, final, client):
        a = arsip
        verified(a, a.sub2, 1, 30 * JT, 10)
        client.force_login(a.users["kepala_opd"])
        response = client.post(reverse("reports:versi-baru", args=[final.pk]))
        second = LaporanResmi.objects.get(pendahulu=final)
        assert response["Location"] == reverse("reports:arsip", args=[second.pk])
        assert (second.versi, second.status, second.tahap) == (2, "selesai", "draf")
        assert second.versi_data != final.versi_data
        assert AuditEvent.objects.filter(action="laporan_resmi.versi_baru").count() == 1
        with pytest.raises(ValidationError) as again:
            laporan_new_version(actor=a.users["kepala_opd"], laporan=final)
        assert "versi 2" in _messages(again)
        # the new version goes through signing again
        page = client.get(reverse("reports:arsip", args=[second.pk])).content.decode()
        assert "Tanda tangani" in page and "Versi 1" in page
        client.post(reverse("reports:tanda-tangan", args=[second.pk]), {"tempat": "Wangi-Wangi"})
        second.refresh_from_db()
        assert second.final
        assert [r.versi for r in laporan_seri(user=a.users["kepala_opd"], laporan=final)] == [1, 2]
        listed = {r.pk: r for r in laporan_list(user=a.users["kepala_opd"])}
        assert listed[final.pk].digantikan and not listed[second.pk].digantikan
        assert (listed[final.pk].jumlah_ttd, listed[second.pk].jumlah_ttd) == (1, 1)
        old = client.get(reverse("reports:arsip", args=[final.pk])).content.decode()
        assert "digantikan oleh" in old and "Terbitkan versi baru" not in old
        # the superseded final stays downloadable, and immutable
        got = client.get(reverse("reports:unduh", args=[final.pk]))
        assert got.status_code == 200
        assert hashlib.sha256(b"".join(got.streaming_content)).hexdigest() == final.sha256


class TestDetailPage:
    def test_buttons_by_role(self, arsip, client):
        a = arsip
        draft = _build(a)
        url = reverse("reports:arsip", args=[draft.pk])
        client.force_login(a.users["operator_opd"])
        page = client.get(url).content.decode()
        assert "Menunggu tanda tangan: Mengetahui" in page and "Tanda tangani" not in page
        client.force_login(a.users["kepala_opd"])
        assert "Tanda tangani" in client.get(url).content.decode()
        # the operator's POST is refused in words and changes nothing
        client.force_login(a.users["operator_opd"])
        refused = client.post(reverse("reports:tanda-tangan", args=[draft.pk]), {"tempat": "W"})
        assert refused.status_code == 302
        draft.refresh_from_db()
        assert draft.tahap == "draf"
        client.force_login(a.users["kepala_opd"])
        done = client.post(
            reverse("reports:tanda-tangan", args=[draft.pk]), {"tempat": "Wangi-Wangi"}, follow=True
        )
        page = done.content.decode()
        assert 'data-tahap="final"' in page and "Siti Rahma" in page and NIP_KEPALA in page
        assert "Terbitkan versi baru" in page
        assert "1/1 tanda tangan" in client.get(reverse("reports:index")).content.decode()
