from django.db import models
from django.utils.translation import gettext_lazy as _


class TingkatNomenklatur(models.TextChoices):
    URUSAN = "urusan", _("Urusan")
    BIDANG_URUSAN = "bidang_urusan", _("Bidang urusan")
    PROGRAM = "program", _("Program")
    KEGIATAN = "kegiatan", _("Kegiatan")
    SUB_KEGIATAN = "sub_kegiatan", _("Sub kegiatan")


class TahapAnggaran(models.TextChoices):
    MURNI = "murni", _("APBD murni")
    PERUBAHAN = "perubahan", _("APBD perubahan")


# `TahapAnggaran.values` builds its list anew on every access: a set for the per-row checks
TAHAP_VALUES = frozenset(TahapAnggaran.values)


class Rumus(models.IntegerChoices):
    """The four formula types of docs/domain.md §8."""

    TREN_POSITIF = 1, _("Tren positif (semakin tinggi semakin baik, dijumlahkan)")
    TREN_NEGATIF = 2, _("Tren negatif (semakin rendah semakin baik)")
    PERSENTASE = 3, _("Persentase kumulatif")
    NILAI_AKHIR = 4, _("Nilai akhir")


class JenisIndikator(models.TextChoices):
    OUTCOME = "outcome", _("Outcome (program)")
    OUTPUT = "output", _("Output (kegiatan / sub kegiatan)")


class JenisDokumen(models.TextChoices):
    """The kind of a plan version (docs/domain.md §6): the DPA, a shift, the amendment."""

    MURNI = "murni", _("DPA murni")
    PERGESERAN = "pergeseran", _("Pergeseran")
    PERUBAHAN = "perubahan", _("APBD perubahan (DPPA)")


class StatusDokumen(models.TextChoices):
    DRAFT = "draft", _("Draf")
    DIAJUKAN = "diajukan", _("Diajukan kepala OPD")
    DIVALIDASI = "divalidasi", _("Divalidasi Bappeda")
    DIKUNCI = "dikunci", _("Dikunci (DPA)")


class JenisPemetaanSipd(models.TextChoices):
    """What a SIPD value of a mapping row stands for (docs/user-guide.md, "Impor dari SIPD")."""

    UNIT = "unit", _("Unit SIPD (id_sub_skpd / kode_sub_skpd) → OPD")
    DANA = "dana", _("Sumber dana SIPD (kodedana / namadana) → sumber dana")
    KECAMATAN = "kecamatan", _("Kecamatan SIPD (idcamat / camatteks) → kecamatan")
    DESA = "desa", _("Desa/kelurahan SIPD (idlurah / lurahteks) → desa/kelurahan")
    RUMUS = "rumus", _("Satuan indikator SIPD (satuanoutput) → rumus capaian")
