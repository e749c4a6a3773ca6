"""Writes of monitoring data: reporting periods, monthly realisation, indicator values."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record, save_audited, snapshot
from pantau.core.numbers import to_decimal
from pantau.monitoring.choices import LOCKED_STATUSES
from pantau.monitoring.models import (
    PeriodeLaporan,
    Realisasi,
    RealisasiIndikator,
    default_batas_waktu,
)
from pantau.monitoring.rules import check_nilai_indikator, check_realisasi
from pantau.organisations.models import Pemda
from pantau.planning.models import Indikator, SubKegiatan, TahunAnggaran
from pantau.planning.services import tahun_anggaran_create


@transaction.atomic
def tahun_anggaran_open(*, actor, pemda: Pemda, tahun: int) -> TahunAnggaran:
    """Create a fiscal year with its twelve monthly reporting periods and their cut-offs."""
    ta = tahun_anggaran_create(actor=actor, pemda=pemda, tahun=tahun)
    for bulan in range(1, 13):
        periode = PeriodeLaporan(
            pemda=pemda,
            tahun_anggaran=ta,
            bulan=bulan,
            batas_waktu=default_batas_waktu(tahun, bulan, pemda.hari_batas_laporan),
        )
        save_audited(actor=actor, obj=periode, action="periode.create")
    return ta


def _kumulatif_lain(sub: SubKegiatan, exclude_id: int | None) -> Decimal:
    qs = Realisasi.objects.filter(sub_kegiatan=sub)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.aggregate(total=Sum("keuangan"))["total"] or Decimal(0)


@transaction.atomic
def realisasi_save(
    *,
    actor,
    sub_kegiatan: SubKegiatan,
    periode: PeriodeLaporan,
    keuangan,
    fisik,
    kendala: str = "",
    tindak_lanjut: str = "",
) -> Realisasi:
    """Create or update the draft monthly report of a sub kegiatan for a period."""
    sub = (
        SubKegiatan.objects.select_for_update()
        .select_related("tahun_anggaran")
        .get(pk=sub_kegiatan.pk)
    )
    if periode.tahun_anggaran_id != sub.tahun_anggaran_id:
        raise ValidationError(_("Periode ini bukan milik tahun anggaran sub kegiatan tersebut."))
    keuangan = to_decimal(keuangan, label=_("Realisasi keuangan"))
    fisik = to_decimal(fisik, label=_("Realisasi fisik"))
    obj = Realisasi.objects.filter(sub_kegiatan=sub, periode=periode).first()
    if obj is not None and obj.status in LOCKED_STATUSES:
        raise ValidationError(_("Laporan ini sudah diverifikasi dan terkunci."))
    errors = check_realisasi(
        pagu=sub.pagu,
        keuangan=keuangan,
        fisik=fisik,
        kumulatif_lain=_kumulatif_lain(sub, obj.pk if obj else None),
    )
    if errors:
        raise ValidationError(errors)
    before = snapshot(obj) if obj else None
    if obj is None:
        obj = Realisasi(pemda_id=sub.pemda_id, opd_id=sub.opd_id, sub_kegiatan=sub, periode=periode)
    obj.keuangan, obj.fisik = keuangan, fisik
    obj.kendala, obj.tindak_lanjut = kendala.strip(), tindak_lanjut.strip()
    action = "realisasi.create" if before is None else "realisasi.update"
    return save_audited(actor=actor, obj=obj, action=action, before=before)


@transaction.atomic
def realisasi_indikator_save(
    *, actor, indikator: Indikator, periode: PeriodeLaporan, nilai, catatan: str = ""
) -> RealisasiIndikator:
    ind = Indikator.objects.select_for_update().get(pk=indikator.pk)
    if periode.tahun_anggaran_id != ind.tahun_anggaran_id:
        raise ValidationError(_("Periode ini bukan milik tahun anggaran indikator tersebut."))
    nilai = to_decimal(nilai, label=_("Nilai indikator"))
    previous = (
        RealisasiIndikator.objects.filter(indikator=ind, periode__bulan__lt=periode.bulan)
        .order_by("-periode__bulan")
        .values_list("nilai", flat=True)
        .first()
    )
    errors = check_nilai_indikator(
        rumus=ind.rumus, satuan=ind.satuan, nilai=nilai, sebelumnya=previous
    )
    if errors:
        raise ValidationError(errors)
    obj = RealisasiIndikator.objects.filter(indikator=ind, periode=periode).first()
    before = snapshot(obj) if obj else None
    if obj is None:
        obj = RealisasiIndikator(
            pemda_id=ind.pemda_id, opd_id=ind.opd_id, indikator=ind, periode=periode
        )
    obj.nilai, obj.catatan = nilai, catatan.strip()
    action = "realisasi_indikator.create" if before is None else "realisasi_indikator.update"
    return save_audited(actor=actor, obj=obj, action=action, before=before)


@transaction.atomic
def realisasi_import(*, actor, tahun_anggaran: TahunAnggaran, rows: list[dict]) -> int:
    """Bulk-create monthly reports (a workbook import or the demo): all rows or none.

    Each row: sub_kegiatan (object), bulan, keuangan, fisik, optional kendala, tindak_lanjut,
    status. The same rules as `realisasi_save` are applied with cumulative sums per sub kegiatan.
    """
    periods = {p.bulan: p for p in PeriodeLaporan.objects.filter(tahun_anggaran=tahun_anggaran)}
    subs = {r["sub_kegiatan"].pk: r["sub_kegiatan"] for r in rows}
    taken = set(
        Realisasi.objects.filter(sub_kegiatan_id__in=subs).values_list(
            "sub_kegiatan_id", "periode__bulan"
        )
    )
    totals: dict[int, Decimal] = dict(
        Realisasi.objects.filter(sub_kegiatan_id__in=subs)
        .values("sub_kegiatan_id")
        .annotate(t=Sum("keuangan"))
        .values_list("sub_kegiatan_id", "t")
    )
    errors: list[str] = []
    objs: list[Realisasi] = []
    for number, row in enumerate(rows, start=1):
        sub = row["sub_kegiatan"]
        where = f"{number}. {sub.kode} bulan {row['bulan']}"
        periode = periods.get(row["bulan"])
        if sub.tahun_anggaran_id != tahun_anggaran.pk or periode is None:
            errors.append(f"{where}: " + _("periode tidak ada di tahun anggaran ini."))
            continue
        if (sub.pk, row["bulan"]) in taken:
            errors.append(
                f"{where}: " + _("Realisasi sub kegiatan ini untuk periode ini sudah ada.")
            )
            continue
        taken.add((sub.pk, row["bulan"]))
        keuangan = to_decimal(row["keuangan"], label=_("Realisasi keuangan"))
        fisik = to_decimal(row["fisik"], label=_("Realisasi fisik"))
        before = totals.get(sub.pk, Decimal(0))
        for message in check_realisasi(
            pagu=sub.pagu_for(tahun_anggaran.tahap),
            keuangan=keuangan,
            fisik=fisik,
            kumulatif_lain=before,
        ):
            errors.append(f"{where}: {message}")
        totals[sub.pk] = before + keuangan
        objs.append(
            Realisasi(
                pemda_id=sub.pemda_id,
                opd_id=sub.opd_id,
                sub_kegiatan=sub,
                periode=periode,
                keuangan=keuangan,
                fisik=fisik,
                kendala=row.get("kendala", ""),
                tindak_lanjut=row.get("tindak_lanjut", ""),
                status=row.get("status", "draft"),
            )
        )
    if errors:
        raise ValidationError(errors[:100])
    Realisasi.objects.bulk_create(objs, batch_size=1000)
    audit_record(
        actor=actor,
        action="realisasi.import",
        obj=tahun_anggaran,
        changes={
            "_summary": {
                "rows": len(objs),
                "keuangan": str(sum((o.keuangan for o in objs), Decimal(0))),
            }
        },
    )
    return len(objs)


@transaction.atomic
def realisasi_indikator_import(*, actor, tahun_anggaran: TahunAnggaran, rows: list[dict]) -> int:
    """Bulk-create indicator values: rows of indikator (object), bulan, nilai. All or none."""
    periods = {p.bulan: p for p in PeriodeLaporan.objects.filter(tahun_anggaran=tahun_anggaran)}
    errors: list[str] = []
    objs: list[RealisasiIndikator] = []
    last: dict[int, Decimal] = {}
    for number, row in enumerate(
        sorted(rows, key=lambda r: (r["indikator"].pk, r["bulan"])), start=1
    ):
        ind = row["indikator"]
        nilai = to_decimal(row["nilai"], label=_("Nilai indikator"))
        for message in check_nilai_indikator(
            rumus=ind.rumus, satuan=ind.satuan, nilai=nilai, sebelumnya=last.get(ind.pk)
        ):
            errors.append(f"{number}. {ind.nama[:50]}: {message}")
        last[ind.pk] = nilai
        objs.append(
            RealisasiIndikator(
                pemda_id=ind.pemda_id,
                opd_id=ind.opd_id,
                indikator=ind,
                periode=periods[row["bulan"]],
                nilai=nilai,
            )
        )
    if errors:
        raise ValidationError(errors[:100])
    RealisasiIndikator.objects.bulk_create(objs, batch_size=1000)
    audit_record(
        actor=actor,
        action="realisasi_indikator.import",
        obj=tahun_anggaran,
        changes={"_summary": {"rows": len(objs)}},
    )
    return len(objs)
