"""Topics of the catalogue (CKAN groups), each mapped to an EU data-theme for DCAT."""

from django.db import migrations

TOPIK = [
    ("ekonomi", "Ekonomi", "ECON"),
    ("infrastruktur", "Infrastruktur dan Pekerjaan Umum", "TRAN"),
    ("kependudukan", "Kependudukan", "SOCI"),
    ("kesehatan", "Kesehatan", "HEAL"),
    ("keuangan-daerah", "Keuangan Daerah", "GOVE"),
    ("lingkungan-hidup", "Lingkungan Hidup", "ENVI"),
    ("pariwisata", "Pariwisata dan Kebudayaan", "EDUC"),
    ("pembangunan-daerah", "Pembangunan Daerah", "GOVE"),
    ("pemerintahan", "Pemerintahan", "GOVE"),
    ("pendidikan", "Pendidikan", "EDUC"),
    ("perikanan-kelautan", "Perikanan dan Kelautan", "AGRI"),
    ("sosial", "Sosial", "SOCI"),
]


def load(apps, schema_editor):
    Topik = apps.get_model("opendata", "Topik")
    for nama, judul, tema in TOPIK:
        Topik.objects.update_or_create(nama=nama, defaults={"judul": judul, "tema_eu": tema})


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
