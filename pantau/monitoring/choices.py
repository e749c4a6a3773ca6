from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusRealisasi(models.TextChoices):
    DRAFT = "draft", _("Draf")
    DIAJUKAN = "diajukan", _("Diajukan")
    DISETUJUI = "disetujui", _("Disetujui kepala OPD")
    DIKEMBALIKAN = "dikembalikan", _("Dikembalikan")
    DIVERIFIKASI = "diverifikasi", _("Diverifikasi")
