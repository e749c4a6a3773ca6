"""Evaluation reference data: category (predikat) tables, read from data, never hard-coded."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pantau.core.models import TimestampedModel


class KategoriPenilaian(TimestampedModel):
    """One category of a scheme (e.g. capaian_kinerja_p86_2017 / Tinggi: 76 ≤ x < 91).

    A missing bound is open on that side. Inclusivity differs between schemes (capaian:
    [lower, upper); AKIP: (lower, upper]) and is stored per row, parsed from the source's rule.
    """

    skema = models.CharField(_("skema"), max_length=60, db_index=True)
    label = models.CharField(_("kategori"), max_length=80)
    urutan = models.PositiveSmallIntegerField(_("urutan"), help_text=_("1 = kategori terbaik"))
    batas_bawah = models.DecimalField(
        _("batas bawah"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    batas_atas = models.DecimalField(
        _("batas atas"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    bawah_inklusif = models.BooleanField(_("batas bawah termasuk"), default=True)
    atas_inklusif = models.BooleanField(_("batas atas termasuk"), default=False)
    aturan_batas = models.CharField(_("aturan batas (sumber)"), max_length=200)
    warna = models.CharField(_("warna"), max_length=7, blank=True)
    catatan = models.CharField(_("catatan"), max_length=300, blank=True)
    sumber = models.TextField(_("sumber"), blank=True)

    class Meta:
        ordering = ["skema", "urutan"]
        verbose_name = _("kategori penilaian")
        verbose_name_plural = _("kategori penilaian")
        constraints = [
            models.UniqueConstraint(
                fields=["skema", "label"], name="kategori_label_unik_per_skema"
            ),
            models.UniqueConstraint(
                fields=["skema", "urutan"], name="kategori_urutan_unik_per_skema"
            ),
            models.CheckConstraint(
                condition=Q(batas_bawah__isnull=True)
                | Q(batas_atas__isnull=True)
                | Q(batas_bawah__lte=models.F("batas_atas")),
                name="kategori_batas_berurutan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skema}: {self.label}"

    def contains(self, value) -> bool:
        lo, hi = self.batas_bawah, self.batas_atas
        below = lo is not None and (value < lo or (value == lo and not self.bawah_inklusif))
        above = hi is not None and (value > hi or (value == hi and not self.atas_inklusif))
        return not below and not above
