from django.db import models
from django.utils.translation import gettext_lazy as _


class TingkatWilayah(models.TextChoices):
    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA_KELURAHAN = "desa_kelurahan", _("Desa/Kelurahan")


class JenisDesa(models.TextChoices):
    DESA = "desa", _("Desa")
    KELURAHAN = "kelurahan", _("Kelurahan")


class JenisOpd(models.TextChoices):
    DINAS = "dinas", _("Dinas")
    BADAN = "badan", _("Badan")
    SEKRETARIAT = "sekretariat", _("Sekretariat")
    INSPEKTORAT = "inspektorat", _("Inspektorat")
    KECAMATAN = "kecamatan", _("Kecamatan")
    RSUD = "rsud", _("RSUD")
    SATUAN = "satuan", _("Satuan/Kantor")


class Role(models.TextChoices):
    PIMPINAN = "pimpinan", _("Pimpinan (Bupati, Wakil, Sekda)")
    ADMIN = "admin", _("Admin (Diskominfo, walidata)")
    VERIFIKATOR = "verifikator", _("Verifikator (Bappeda)")
    KEPALA_OPD = "kepala_opd", _("Kepala OPD")
    OPERATOR_OPD = "operator_opd", _("Operator OPD")
    AUDITOR = "auditor", _("Auditor (Inspektorat)")


# Roles that read every OPD of their pemda, and roles bound to one OPD.
PEMDA_WIDE_ROLES = frozenset({Role.PIMPINAN, Role.ADMIN, Role.VERIFIKATOR, Role.AUDITOR})
OPD_ROLES = frozenset({Role.KEPALA_OPD, Role.OPERATOR_OPD})

# Roles whose holders must sign in with a second factor (decision 0027); superusers too.
SECOND_FACTOR_ROLES = frozenset({Role.PIMPINAN, Role.ADMIN, Role.VERIFIKATOR})
