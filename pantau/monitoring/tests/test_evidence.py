"""EXIF handling with real JPEG files, limits, private storage and public copies."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from pantau.audit.models import AuditEvent
from pantau.monitoring.evidence import distance_m, open_private, process_upload
from pantau.monitoring.models import Bukti, PeriodeLaporan
from pantau.monitoring.services import bukti_add, bukti_remove, realisasi_save
from pantau.monitoring.tests.photos import jpeg, jpeg_with_corrupt_exif, pdf
from pantau.planning.services import sub_kegiatan_update

pytestmark = pytest.mark.django_db


class TestProcessUpload:
    def test_reads_time_and_gps(self):
        out = process_upload(name="a.jpg", data=jpeg(), tz="Asia/Makassar")
        assert out.jenis == "foto" and out.content_type == "image/jpeg"
        assert out.taken_at.isoformat() == "2026-02-03T09:15:00+08:00"
        assert abs(out.latitude - Decimal("-5.3114")) < Decimal("0.0001")
        assert abs(out.longitude - Decimal("123.5872")) < Decimal("0.0001")
        assert out.warnings == []

    def test_public_copy_and_thumbnail_carry_no_exif(self):
        out = process_upload(name="a.jpg", data=jpeg(size=(2400, 1800)), tz="Asia/Makassar")
        for data in (out.public, out.thumbnail):
            with Image.open(io.BytesIO(data)) as img:
                assert len(img.getexif()) == 0
                assert max(img.size) <= 1600
        assert b"PantauCam" not in out.public and b"PantauCam" in out.original

    def test_missing_exif_is_a_warning(self):
        out = process_upload(name="a.jpg", data=jpeg(taken=None, lat=None), tz="Asia/Makassar")
        codes = {w["kode"] for w in out.warnings}
        assert codes == {"tanpa_waktu", "tanpa_gps"}

    def test_corrupt_exif_is_a_warning_not_a_crash(self):
        out = process_upload(name="rusak.jpg", data=jpeg_with_corrupt_exif(), tz="Asia/Makassar")
        assert out.jenis == "foto" and out.thumbnail
        assert out.warnings and out.taken_at is None

    @pytest.mark.parametrize(
        ("data", "fragment"),
        [
            (b"", "kosong"),
            (b"hello, I am not an image", "bukan foto"),
            (b"GIF89a" + b"\x00" * 20, "bukan foto"),
            (jpeg()[:200], "bukan foto"),  # truncated
        ],
    )
    def test_bad_files_refused(self, data, fragment):
        with pytest.raises(ValidationError) as exc:
            process_upload(name="x.jpg", data=data, tz="Asia/Makassar")
        assert fragment in exc.value.messages[0]

    def test_size_limits(self, settings):
        settings.UPLOAD_MAX_PHOTO_MB = 0
        with pytest.raises(ValidationError, match="lebih dari 0 MB"):
            process_upload(name="a.jpg", data=jpeg(), tz="Asia/Makassar")
        settings.UPLOAD_MAX_PDF_MB = 0
        with pytest.raises(ValidationError, match="lebih dari 0 MB"):
            process_upload(name="a.pdf", data=pdf(), tz="Asia/Makassar")

    def test_pdf_accepted(self):
        out = process_upload(name="ba.pdf", data=pdf(), tz="Asia/Makassar")
        assert out.jenis == "dokumen" and out.content_type == "application/pdf"

    def test_distance(self):
        # Wanci to Tomia is roughly 60 km
        assert (
            55_000
            < distance_m(
                Decimal("-5.3114"), Decimal("123.5872"), Decimal("-5.7531"), Decimal("123.9444")
            )
            < 70_000
        )


@pytest.fixture
def report(world, clock):
    clock.set("2026-02-05 10:00")
    sub_kegiatan_update(
        actor=None,
        sub_kegiatan=world.a.sub,
        latitude=Decimal("-5.3114"),
        longitude=Decimal("123.5872"),
    )
    periode = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1)
    return realisasi_save(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub,
        periode=periode,
        keuangan=Decimal(10_000_000),
        fisik=Decimal(5),
    )


class TestBuktiAdd:
    def test_photo_stored_privately_with_audit(self, world, report, settings):
        b = bukti_add(
            actor=world.a.users["operator_opd"],
            realisasi=report,
            name="lokasi.jpg",
            data=jpeg(taken="2026:01:20 10:00:00"),
        )
        assert b.jenis == "foto" and b.jarak_m is not None and b.jarak_m < 50
        assert b.peringatan == []
        assert open_private(b.berkas).read_bytes() == jpeg(taken="2026:01:20 10:00:00")
        assert str(settings.PRIVATE_ROOT) in str(open_private(b.thumbnail))
        assert AuditEvent.objects.filter(action="bukti.create", object_id=str(b.pk)).exists()

    def test_far_and_old_photo_warned(self, world, report):
        b = bukti_add(
            actor=world.a.users["operator_opd"],
            realisasi=report,
            name="jauh.jpg",
            data=jpeg(taken="2025:12:01 10:00:00", lat=-5.7531, lng=123.9444),
        )
        codes = {w["kode"] for w in b.peringatan}
        assert codes == {"foto_jauh", "foto_lama"}
        assert b.jarak_m > 50_000

    def test_duplicate_file_refused(self, world, report):
        data = jpeg()
        bukti_add(actor=world.a.users["operator_opd"], realisasi=report, name="a.jpg", data=data)
        with pytest.raises(ValidationError, match="sudah dilampirkan"):
            bukti_add(
                actor=world.a.users["operator_opd"], realisasi=report, name="b.jpg", data=data
            )

    def test_nothing_kept_when_refused(self, world, report, settings):
        with pytest.raises(ValidationError):
            bukti_add(
                actor=world.a.users["operator_opd"], realisasi=report, name="x.jpg", data=b"nope"
            )
        assert Bukti.objects.count() == 0
        assert not list(settings.PRIVATE_ROOT.rglob("*")) or not any(
            p.is_file() for p in settings.PRIVATE_ROOT.rglob("*")
        )

    @pytest.mark.parametrize("role", ["kepala_opd", "verifikator", "pimpinan", "admin", "auditor"])
    def test_only_operator_attaches(self, world, report, role):
        with pytest.raises(PermissionDenied):
            bukti_add(actor=world.a.users[role], realisasi=report, name="a.jpg", data=jpeg())

    def test_other_pemda_operator_refused(self, world, report):
        with pytest.raises(PermissionDenied):
            bukti_add(
                actor=world.b.users["operator_opd"], realisasi=report, name="a.jpg", data=jpeg()
            )

    def test_remove_deletes_files_after_commit(
        self, world, report, django_capture_on_commit_callbacks
    ):
        b = bukti_add(
            actor=world.a.users["operator_opd"], realisasi=report, name="a.jpg", data=jpeg()
        )
        path = open_private(b.berkas)
        with django_capture_on_commit_callbacks(execute=True):
            bukti_remove(actor=world.a.users["operator_opd"], bukti=b)
        assert not path.exists()
        assert AuditEvent.objects.filter(action="bukti.delete").exists()
