"""Regression tests for the second review (idempotency keys, rules by month, bad input, periods)."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import ExifTags, Image

from conftest import PASSWORD
from pantau.monitoring.evidence import process_upload
from pantau.monitoring.models import KunciPengiriman, PeriodeLaporan, Realisasi
from pantau.monitoring.services import (
    laporan_kirim,
    periode_reopen,
    realisasi_save,
    realisasi_transition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _february(clock):
    clock.set("2026-02-05 10:00")


def jan(tenant):
    return PeriodeLaporan.objects.select_related("tahun_anggaran").get(
        tahun_anggaran=tenant.ta, bulan=1
    )


class TestKeys:
    def send(self, world, sub, keuangan="1.000", kunci="q" * 32):
        return laporan_kirim(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=sub,
            periode=jan(world.a),
            kunci=kunci,
            fields={"keuangan": keuangan, "fisik": "1"},
            files=[],
        )

    def test_key_reused_for_other_sub_is_refused_not_answered_ok(self, world):
        self.send(world, world.a.sub)
        with pytest.raises(ValidationError) as exc:
            self.send(world, world.a.sub2)
        assert exc.value.error_list[0].code == "kunci_dipakai"
        assert not Realisasi.objects.filter(sub_kegiatan=world.a.sub2).exists()

    def test_key_reused_for_other_content_is_refused(self, world):
        self.send(world, world.a.sub)
        with pytest.raises(ValidationError, match="isi yang lain"):
            self.send(world, world.a.sub, keuangan="2.000")
        assert Realisasi.objects.get().keuangan == Decimal(1000)

    def test_same_content_replays(self, world):
        first, _ = self.send(world, world.a.sub)
        again, new = self.send(world, world.a.sub)
        assert (again.pk, new) == (first.pk, False)
        assert KunciPengiriman.objects.get().sub_kegiatan_id == world.a.sub.pk

    def test_sync_endpoint_answers_409(self, client, world):
        client.login(username="operator_opd.a", password=PASSWORD)
        url = reverse("monitoring:laporan", args=[world.a.sub.pk, 1])
        client.post(url, {"kunci": "w" * 32, "keuangan": "1", "fisik": "1"}, HTTP_X_PANTAU_SYNC="1")
        response = client.post(
            url, {"kunci": "w" * 32, "keuangan": "2", "fisik": "1"}, HTTP_X_PANTAU_SYNC="1"
        )
        assert response.status_code == 409 and "isi yang lain" in response.json()["errors"][0]


def test_gap_warning_judged_at_the_reports_month(world, clock):
    op = world.a.users["operator_opd"]
    r1 = realisasi_save(
        actor=op,
        sub_kegiatan=world.a.sub,
        periode=jan(world.a),
        keuangan=Decimal(40_000_000),
        fisik=Decimal(8),
    )
    realisasi_transition(actor=op, realisasi=r1, name="submit")
    realisasi_transition(actor=world.a.users["kepala_opd"], realisasi=r1, name="approve")
    clock.set("2026-03-02 10:00")
    feb = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=2)
    realisasi_save(
        actor=op,
        sub_kegiatan=world.a.sub,
        periode=feb,
        keuangan=Decimal(300_000_000),
        fisik=Decimal(9),
        penjelasan="Uang muka",
    )
    realisasi_transition(
        actor=world.a.users["verifikator"], realisasi=r1, name="verify"
    )  # February ignored
    r1.refresh_from_db()
    assert r1.status == "diverifikasi" and r1.peringatan == []


def test_submit_after_cutoff_refused_but_returned_report_allowed(world, clock):
    op = world.a.users["operator_opd"]
    r = realisasi_save(
        actor=op,
        sub_kegiatan=world.a.sub,
        periode=jan(world.a),
        keuangan=Decimal(1),
        fisik=Decimal(1),
    )
    clock.set("2026-03-20 10:00")
    with pytest.raises(ValidationError, match="sudah ditutup"):
        realisasi_transition(actor=op, realisasi=r, name="submit")
    Realisasi.objects.filter(pk=r.pk).update(status="dikembalikan")
    realisasi_transition(actor=op, realisasi=r, name="submit")


def test_reopen_changes_no_report(world, clock):
    op = world.a.users["operator_opd"]
    a = realisasi_save(
        actor=op,
        sub_kegiatan=world.a.sub,
        periode=jan(world.a),
        keuangan=Decimal(1),
        fisik=Decimal(1),
    )
    b = realisasi_save(
        actor=op,
        sub_kegiatan=world.a.sub2,
        periode=jan(world.a),
        keuangan=Decimal(1),
        fisik=Decimal(1),
    )
    Realisasi.objects.filter(pk=a.pk).update(status="diverifikasi")
    Realisasi.objects.filter(pk=b.pk).update(status="disetujui")
    clock.set("2026-03-01 10:00")
    periode_reopen(
        actor=world.a.users["admin"],
        periode=jan(world.a),
        opd=world.a.dinkes,
        alasan="Koreksi SP2D Januari yang salah input",
    )
    assert dict(Realisasi.objects.values_list("pk", "status")) == {
        a.pk: "diverifikasi",  # verified stays verified (issue 9 §1.9)
        b.pk: "disetujui",
    }


class TestBadInput:
    def test_exif_year_one_is_a_warning(self):
        image = Image.new("RGB", (16, 16))
        exif = Image.Exif()
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "0001:01:01 00:00:00"
        buf = io.BytesIO()
        image.save(buf, "JPEG", exif=exif)
        out = process_upload(name="a.jpg", data=buf.getvalue(), tz="Asia/Makassar")
        assert out.taken_at is None and "exif_waktu" in {w["kode"] for w in out.warnings}

    def test_decompression_bomb_refused(self, settings):
        buf = io.BytesIO()
        Image.new("1", (9000, 9000)).save(buf, "PNG")  # 81 megapixels, a few KB
        with pytest.raises(ValidationError, match="megapiksel"):
            process_upload(name="bom.png", data=buf.getvalue(), tz="Asia/Makassar")

    def test_strange_query_and_field_values_do_not_crash(self, client, world):
        client.login(username="operator_opd.a", password=PASSWORD)
        assert (
            client.get(
                reverse("monitoring:daftar") + "?tahun=99999999999999999999&bulan=²"
            ).status_code
            == 200
        )
        url = reverse("monitoring:laporan", args=[world.a.sub.pk, 1])
        response = client.post(
            url, {"kunci": "x" * 32, "keuangan": "1", "fisik": "1", "indikator-²": "5"}
        )
        assert response.status_code == 302
        client.login(username="verifikator.a", password=PASSWORD)
        assert (
            client.get(reverse("monitoring:kepatuhan") + "?tahun=99999999999999999999").status_code
            == 200
        )

    def test_oversized_upload_refused_before_reading(self, client, world, settings):
        from django.core.files.uploadedfile import SimpleUploadedFile

        settings.UPLOAD_MAX_PHOTO_MB = settings.UPLOAD_MAX_PDF_MB = 1
        client.login(username="operator_opd.a", password=PASSWORD)
        big = SimpleUploadedFile(
            "besar.jpg", b"\xff" * (1024 * 1024 + 1), content_type="image/jpeg"
        )
        response = client.post(
            reverse("monitoring:laporan", args=[world.a.sub.pk, 1]),
            {"kunci": "y" * 32, "keuangan": "1", "fisik": "1", "bukti": big},
        )
        assert response.status_code == 422 and "lebih dari 1 MB" in response.text
        assert not Realisasi.objects.exists()


def test_compliance_counts_returned_reports_as_not_in(world, clock):
    from pantau.monitoring.selectors import compliance

    op = world.a.users["operator_opd"]
    r = realisasi_save(
        actor=op,
        sub_kegiatan=world.a.sub,
        periode=jan(world.a),
        keuangan=Decimal(1),
        fisik=Decimal(1),
    )
    realisasi_transition(actor=op, realisasi=r, name="submit")
    realisasi_transition(
        actor=world.a.users["kepala_opd"], realisasi=r, name="return_opd", catatan="Perbaiki"
    )
    clock.set("2026-02-20 10:00")
    row = next(
        x
        for x in compliance(user=world.a.users["verifikator"], periode=jan(world.a))
        if x.opd == world.a.dinkes
    )
    assert (row.tepat_waktu, row.tidak_ada) == (0, 2)
