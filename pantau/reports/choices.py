from django.db import models
from django.utils.translation import gettext_lazy as _


class Jenis(models.TextChoices):
    """The kinds of official report (docs/reports.md). OPD kinds need an OPD; RFK may be the
    pemda's (no OPD); ranking and summary are always the pemda's."""

    FORM_B = "form-b", _("Form B")
    RFK = "rfk", _("Realisasi Fisik dan Keuangan (RFK)")
    PERINGKAT = "peringkat", _("Peringkat OPD")
    RINGKASAN = "ringkasan", _("Ringkasan realisasi pemda")
    E81 = "e81", _("Formulir E.81")


PEMDA_KINDS = frozenset({Jenis.PERINGKAT, Jenis.RINGKASAN})
OPD_KINDS = frozenset({Jenis.FORM_B, Jenis.E81})  # RFK: either
QUARTER_KINDS = frozenset({Jenis.RINGKASAN, Jenis.E81})  # per triwulan; bulan = its last month


class Format(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


class Status(models.TextChoices):
    ANTRI = "antri", _("antri")
    BERJALAN = "berjalan", _("sedang dibuat")
    SELESAI = "selesai", _("selesai")
    GAGAL = "gagal", _("gagal")


class Tahap(models.TextChoices):
    """Draft until every signature its kind needs is there; then final and immutable
    (`reports.ttd` says who signs what; docs/reports.md "Archive")."""

    DRAF = "draf", _("draf")
    FINAL = "final", _("final")
