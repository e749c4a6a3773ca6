"""Evaluation reference data: category (predikat) tables, read from data, never hard-coded."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pantau.core.models import TenantModel, TimestampedModel
from pantau.evaluation.choices import Dasar


def _dasar_field():
    return models.CharField(_("dasar angka"), max_length=13, choices=Dasar.choices)


# The official category names (Permendagri 86/2017, the LKjIP and SPBE scales) in the reader's
# language; letters (AKIP) and a pemda's own labels are shown as stored.
_NAMA_KATEGORI = {
    "Sangat Tinggi": _("Sangat Tinggi"),
    "Tinggi": _("Tinggi"),
    "Sedang": _("Sedang"),
    "Rendah": _("Rendah"),
    "Sangat Rendah": _("Sangat Rendah"),
    "Sangat Baik": _("Sangat Baik"),
    "Baik": _("Baik"),
    "Cukup": _("Cukup"),
    "Kurang": _("Kurang"),
    "Sangat Kurang": _("Sangat Kurang"),
    "Memuaskan": _("Memuaskan"),
}


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
                fields=["skema", "label"],
                name="kategori_label_unik_per_skema",
                violation_error_message=_("Label kategori ini sudah ada di skema tersebut."),
            ),
            models.UniqueConstraint(
                fields=["skema", "urutan"],
                name="kategori_urutan_unik_per_skema",
                violation_error_message=_("Urutan kategori ini sudah dipakai di skema tersebut."),
            ),
            models.CheckConstraint(
                condition=Q(batas_bawah__isnull=True)
                | Q(batas_atas__isnull=True)
                | Q(batas_bawah__lte=models.F("batas_atas")),
                name="kategori_batas_berurutan",
                violation_error_message=_(
                    "Batas bawah kategori tidak boleh di atas batas atasnya."
                ),
            ),
        ]

    @property
    def nama(self) -> str:
        """The label in the reader's language (`_NAMA_KATEGORI`), else as stored."""
        known = _NAMA_KATEGORI.get(self.label)
        return str(known) if known is not None else self.label

    def __str__(self) -> str:
        return f"{self.skema}: {self.label}"

    def contains(self, value) -> bool:
        lo, hi = self.batas_bawah, self.batas_atas
        below = lo is not None and (value < lo or (value == lo and not self.bawah_inklusif))
        above = hi is not None and (value > hi or (value == hi and not self.atas_inklusif))
        return not below and not above


class RingkasanSubKegiatan(TenantModel):
    """Roll-up row: one sub kegiatan at the end of one month (cumulative figures). Kept current
    by the services that write realisation, plans and budgets; `pantau evaluation check`
    recomputes every row from the raw data and reports differences."""

    tahun_anggaran = models.ForeignKey(
        "planning.TahunAnggaran", on_delete=models.CASCADE, related_name="+"
    )
    opd = models.ForeignKey("organisations.Opd", on_delete=models.CASCADE, related_name="+")
    sub_kegiatan = models.ForeignKey(
        "planning.SubKegiatan", on_delete=models.CASCADE, related_name="ringkasan"
    )
    dasar = _dasar_field()
    bulan = models.PositiveSmallIntegerField()
    pagu = models.DecimalField(max_digits=18, decimal_places=2)  # in force at the month's end
    pagu_murni = models.DecimalField(max_digits=18, decimal_places=2)
    realisasi = models.DecimalField(max_digits=18, decimal_places=2)  # cumulative to the month
    rencana_kas = models.DecimalField(max_digits=18, decimal_places=2, null=True)  # None: no plan
    target_fisik = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    fisik = models.DecimalField(max_digits=6, decimal_places=2)  # latest report up to the month
    dilaporkan = models.BooleanField(default=False)  # a report exists for this month
    status_fisik = models.CharField(max_length=15)  # hijau / kuning / kritis / tanpa_rencana
    uang_tanpa_fisik = models.BooleanField(default=False)
    # cumulative realisation above the pagu in force: to be corrected (an APBD-P cut it, say)
    melebihi_pagu = models.BooleanField(default=False)
    # physical progress projected at 31 December (last month's rate); None without a plan
    proyeksi_fisik = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    di_atas_rencana_kas = models.BooleanField(default=False)  # cumulative spending > cash plan
    # the most serious warning (warnings.keparahan): level 0-3 and its size in points
    tingkat_peringatan = models.PositiveSmallIntegerField(default=0)
    keparahan = models.DecimalField(max_digits=7, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("ringkasan sub kegiatan")
        verbose_name_plural = _("ringkasan sub kegiatan")
        constraints = [
            models.UniqueConstraint(
                fields=["sub_kegiatan", "dasar", "bulan"],
                name="ringkasan_sub_dasar_bulan_unik",
                violation_error_message=_("Ringkasan sub kegiatan untuk bulan ini sudah ada."),
            )
        ]
        indexes = [
            models.Index(
                fields=["pemda", "tahun_anggaran", "dasar", "bulan", "opd"],
                name="ringkasan_sub_dasar_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sub_kegiatan_id} · {self.bulan}"


class RingkasanOpd(TenantModel):
    """Roll-up row: one OPD at the end of one month, summed from its sub kegiatan rows."""

    tahun_anggaran = models.ForeignKey(
        "planning.TahunAnggaran", on_delete=models.CASCADE, related_name="+"
    )
    opd = models.ForeignKey("organisations.Opd", on_delete=models.CASCADE, related_name="+")
    dasar = _dasar_field()
    bulan = models.PositiveSmallIntegerField()
    pagu = models.DecimalField(max_digits=20, decimal_places=2)
    pagu_murni = models.DecimalField(max_digits=20, decimal_places=2)
    realisasi = models.DecimalField(max_digits=20, decimal_places=2)
    pagu_rencana = models.DecimalField(max_digits=20, decimal_places=2)
    # Σ realisasi of the same sub kegiatan as pagu_rencana / rencana_kas (those with a plan)
    realisasi_rencana = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    rencana_kas = models.DecimalField(max_digits=20, decimal_places=2)
    fisik_x_pagu = models.DecimalField(max_digits=24, decimal_places=4)
    fisik_x_pagu_rencana = models.DecimalField(max_digits=24, decimal_places=4)
    target_fisik_x_pagu = models.DecimalField(max_digits=24, decimal_places=4)
    jumlah_sub = models.PositiveIntegerField()
    dilaporkan = models.PositiveIntegerField()
    kritis = models.PositiveIntegerField()
    uang_tanpa_fisik = models.PositiveIntegerField()
    melebihi_pagu = models.PositiveIntegerField(default=0)
    di_atas_rencana_kas = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ringkasan OPD")
        verbose_name_plural = _("ringkasan OPD")
        constraints = [
            models.UniqueConstraint(
                fields=["opd", "tahun_anggaran", "dasar", "bulan"],
                name="ringkasan_opd_dasar_bulan_unik",
                violation_error_message=_("Ringkasan OPD untuk bulan ini sudah ada."),
            )
        ]
        indexes = [
            models.Index(
                fields=["pemda", "tahun_anggaran", "dasar", "bulan"],
                name="ringkasan_opd_dasar_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.opd_id} · {self.bulan}"


class RingkasanIndikator(TenantModel):
    """Roll-up row: the achievement of one indicator up to the end of one quarter (s.d. TW n)."""

    tahun_anggaran = models.ForeignKey(
        "planning.TahunAnggaran", on_delete=models.CASCADE, related_name="+"
    )
    opd = models.ForeignKey("organisations.Opd", on_delete=models.CASCADE, related_name="+")
    indikator = models.ForeignKey(
        "planning.Indikator", on_delete=models.CASCADE, related_name="ringkasan"
    )
    dasar = _dasar_field()
    triwulan = models.PositiveSmallIntegerField()
    target = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    realisasi = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    capaian = models.DecimalField(max_digits=12, decimal_places=4, null=True)  # None: undefined
    catatan = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("ringkasan indikator")
        verbose_name_plural = _("ringkasan indikator")
        constraints = [
            models.UniqueConstraint(
                fields=["indikator", "dasar", "triwulan"],
                name="ringkasan_indikator_dasar_tw_unik",
                violation_error_message=_("Ringkasan indikator untuk triwulan ini sudah ada."),
            )
        ]
        indexes = [
            models.Index(
                fields=["pemda", "tahun_anggaran", "dasar", "triwulan", "opd"],
                name="ringkasan_ind_dasar_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indikator_id} · TW {self.triwulan}"
