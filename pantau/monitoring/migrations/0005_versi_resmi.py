# The official (verified) version of a report, kept apart from the working version.

from django.db import migrations, models
from django.db.models import Exists, F, OuterRef


def freeze_verified(apps, schema_editor):
    """Reports verified before this migration: their current figures are the verified ones."""
    Realisasi = apps.get_model("monitoring", "Realisasi")
    RealisasiIndikator = apps.get_model("monitoring", "RealisasiIndikator")
    Realisasi.objects.filter(status="diverifikasi").update(
        keuangan_resmi=F("keuangan"),
        fisik_resmi=F("fisik"),
        diverifikasi_pada=F("updated_at"),
        versi_resmi=1,
    )
    verified = Realisasi.objects.filter(
        status="diverifikasi",
        sub_kegiatan_id=OuterRef("indikator__sub_kegiatan_id"),
        periode_id=OuterRef("periode_id"),
    )
    RealisasiIndikator.objects.filter(Exists(verified)).update(nilai_resmi=F("nilai"))


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0004_bukti_alasan_klasifikasi_bukti_dasar_pengecualian_and_more'),
        ('organisations', '0006_sel_kecil'),
        ('planning', '0002_indikator_alasan_klasifikasi_and_more'),
    ]

    operations = [
        migrations.AddField(
            model_name='realisasi',
            name='diverifikasi_pada',
            field=models.DateTimeField(blank=True, null=True, verbose_name='versi resmi diverifikasi'),
        ),
        migrations.AddField(
            model_name='realisasi',
            name='fisik_resmi',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='realisasi fisik terverifikasi (%)'),
        ),
        migrations.AddField(
            model_name='realisasi',
            name='keuangan_resmi',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='realisasi keuangan terverifikasi (Rp)'),
        ),
        migrations.AddField(
            model_name='realisasi',
            name='versi',
            field=models.PositiveSmallIntegerField(default=1, verbose_name='versi'),
        ),
        migrations.AddField(
            model_name='realisasi',
            name='versi_resmi',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='versi resmi'),
        ),
        migrations.AddField(
            model_name='realisasiindikator',
            name='nilai_resmi',
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=18, null=True, verbose_name='nilai terverifikasi'),
        ),
        migrations.AddConstraint(
            model_name='realisasi',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('fisik_resmi__isnull', True), ('keuangan_resmi__isnull', True)), models.Q(('fisik_resmi__gte', 0), ('fisik_resmi__lte', 100), ('keuangan_resmi__gte', 0)), _connector='OR'), name='realisasi_versi_resmi_lengkap', violation_error_message='Versi terverifikasi sebuah laporan harus memuat realisasi keuangan dan fisik.'),
        ),
        migrations.RunPython(freeze_verified, migrations.RunPython.noop),
    ]
