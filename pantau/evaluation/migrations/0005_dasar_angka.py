# Roll-ups per basis (verified / as reported), pagu murni beside the pagu in force

from django.db import migrations, models


def forget_rollups(apps, schema_editor):
    """The roll-ups are derived data: the old rows counted every report, drafts included, and
    carry no basis. They are dropped here and rebuilt from the raw rows by
    `pantau evaluation_check --perbaiki` (run by `pantau demo --if-empty` and the upgrade
    procedure in docs/operations.md)."""
    for name in ("RingkasanSubKegiatan", "RingkasanOpd", "RingkasanIndikator"):
        apps.get_model("evaluation", name).objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0005_versi_resmi'),
        ('evaluation', '0004_ringkasanindikator'),
        ('organisations', '0006_sel_kecil'),
        ('planning', '0002_indikator_alasan_klasifikasi_and_more'),
    ]

    operations = [
        migrations.RunPython(forget_rollups, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='ringkasanindikator',
            name='ringkasan_indikator_tw_unik',
        ),
        migrations.RemoveConstraint(
            model_name='ringkasanopd',
            name='ringkasan_opd_bulan_unik',
        ),
        migrations.RemoveConstraint(
            model_name='ringkasansubkegiatan',
            name='ringkasan_sub_bulan_unik',
        ),
        migrations.RemoveIndex(
            model_name='ringkasanindikator',
            name='ringkasan_ind_lookup',
        ),
        migrations.RemoveIndex(
            model_name='ringkasanopd',
            name='ringkasan_opd_lookup',
        ),
        migrations.RemoveIndex(
            model_name='ringkasansubkegiatan',
            name='ringkasan_sub_lookup',
        ),
        migrations.AddField(
            model_name='ringkasanindikator',
            name='dasar',
            field=models.CharField(choices=[('terverifikasi', 'terverifikasi'), ('dilaporkan', 'sesuai laporan')], default='terverifikasi', max_length=13, verbose_name='dasar angka'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='ringkasanopd',
            name='dasar',
            field=models.CharField(choices=[('terverifikasi', 'terverifikasi'), ('dilaporkan', 'sesuai laporan')], default='terverifikasi', max_length=13, verbose_name='dasar angka'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='ringkasanopd',
            name='melebihi_pagu',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='ringkasanopd',
            name='pagu_murni',
            field=models.DecimalField(decimal_places=2, default=0, max_digits=20),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='ringkasansubkegiatan',
            name='dasar',
            field=models.CharField(choices=[('terverifikasi', 'terverifikasi'), ('dilaporkan', 'sesuai laporan')], default='terverifikasi', max_length=13, verbose_name='dasar angka'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='ringkasansubkegiatan',
            name='melebihi_pagu',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='ringkasansubkegiatan',
            name='pagu_murni',
            field=models.DecimalField(decimal_places=2, default=0, max_digits=18),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name='ringkasanindikator',
            index=models.Index(fields=['pemda', 'tahun_anggaran', 'dasar', 'triwulan', 'opd'], name='ringkasan_ind_dasar_lookup'),
        ),
        migrations.AddIndex(
            model_name='ringkasanopd',
            index=models.Index(fields=['pemda', 'tahun_anggaran', 'dasar', 'bulan'], name='ringkasan_opd_dasar_lookup'),
        ),
        migrations.AddIndex(
            model_name='ringkasansubkegiatan',
            index=models.Index(fields=['pemda', 'tahun_anggaran', 'dasar', 'bulan', 'opd'], name='ringkasan_sub_dasar_lookup'),
        ),
        migrations.AddConstraint(
            model_name='ringkasanindikator',
            constraint=models.UniqueConstraint(fields=('indikator', 'dasar', 'triwulan'), name='ringkasan_indikator_dasar_tw_unik'),
        ),
        migrations.AddConstraint(
            model_name='ringkasanopd',
            constraint=models.UniqueConstraint(fields=('opd', 'tahun_anggaran', 'dasar', 'bulan'), name='ringkasan_opd_dasar_bulan_unik'),
        ),
        migrations.AddConstraint(
            model_name='ringkasansubkegiatan',
            constraint=models.UniqueConstraint(fields=('sub_kegiatan', 'dasar', 'bulan'), name='ringkasan_sub_dasar_bulan_unik'),
        ),
    ]
