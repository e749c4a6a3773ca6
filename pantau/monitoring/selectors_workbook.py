"""What the realisation workbook holds: the template (the plan's sub kegiatan, figures empty) and
the export (the same workbook filled with the reports), within the user's scope and
classification (decision 0022)."""

from __future__ import annotations

from django.http import Http404

from pantau.core.tabular import MONTH_NAMES
from pantau.monitoring.models import Realisasi, RealisasiIndikator
from pantau.monitoring.workbook import WorkbookData
from pantau.organisations.access import scope_for
from pantau.planning.models import Indikator, SubKegiatan, TahunAnggaran


def realisasi_workbook_data(
    *, user, tahun_anggaran: TahunAnggaran, opd=None, bulan: int | None = None, filled: bool
) -> WorkbookData:
    """The rows of the template (`filled=False`: every sub kegiatan for the month, or for all
    twelve) or of the export (`filled=True`: the reports and indicator values there are).
    One OPD, or the whole pemda for the pemda-wide roles; another's answers 404."""
    from pantau.organisations.rahasia import audit_rahasia_list, rahasia_visible_q

    scope = scope_for(user)
    if opd is not None:
        if opd.pemda_id != tahun_anggaran.pemda_id or not scope.can_read_opd(opd):
            raise Http404
    elif tahun_anggaran.pemda_id not in scope.pemda_ids:
        raise Http404
    subs_qs = SubKegiatan.objects.filter(tahun_anggaran=tahun_anggaran).filter(
        rahasia_visible_q(user)
    )
    if opd is not None:
        subs_qs = subs_qs.filter(opd=opd)
    subs = list(subs_qs.select_related("opd").order_by("opd__kode", "kode"))
    audit_rahasia_list(user=user, objs=subs, where="buku kerja realisasi")
    months = [bulan] if bulan else list(range(1, 13))
    data = WorkbookData(
        tahun=tahun_anggaran.tahun,
        judul=opd.nama if opd is not None else tahun_anggaran.pemda.nama,
        kode_sub=sorted({s.kode for s in subs}),
    )
    indicators = list(
        Indikator.objects.filter(sub_kegiatan__in=[s.pk for s in subs])
        .filter(rahasia_visible_q(user))
        .order_by("nama", "pk")
    )
    by_sub = {s.pk: s for s in subs}
    indicators.sort(
        key=lambda i: (by_sub[i.sub_kegiatan_id].opd.kode, by_sub[i.sub_kegiatan_id].kode, i.nama)
    )
    reports = _report_values(by_sub, months)
    values = _indicator_values(indicators, months)
    # the template carries what is already reported (a month verified or on its way shows its
    # figures: filling it again would be refused), the export only those rows
    for sub in subs:
        pagu = sub.pagu_for(tahun_anggaran.tahap)
        for m in months:
            found = reports.get((sub.pk, m))
            if found is None and filled:
                continue
            data.realisasi.append(
                [sub.opd.kode, sub.kode, sub.nama, pagu, MONTH_NAMES[m], *(found or [None] * 4)]
            )
    for ind in indicators:
        sub = by_sub[ind.sub_kegiatan_id]
        for m in months:
            found = values.get((ind.pk, m))
            if found is None and filled:
                continue
            data.indikator.append(
                [
                    sub.opd.kode,
                    sub.kode,
                    ind.nama,
                    ind.satuan,
                    MONTH_NAMES[m],
                    *(found or [None] * 2),
                ]
            )
    return data


def _report_values(by_sub: dict, months: list[int]) -> dict:
    """(sub id, month) -> [keuangan, fisik, kendala, tindak lanjut] of the stored reports."""
    reports = Realisasi.objects.filter(
        sub_kegiatan_id__in=list(by_sub), periode__bulan__in=months
    ).values_list(
        "sub_kegiatan_id", "periode__bulan", "keuangan", "fisik", "kendala", "tindak_lanjut"
    )
    return {
        (sub_id, m): [keuangan, fisik, kendala or None, tindak_lanjut or None]
        for sub_id, m, keuangan, fisik, kendala, tindak_lanjut in reports
    }


def _indicator_values(indicators: list, months: list[int]) -> dict:
    """(indicator id, month) -> [nilai, catatan] of the stored values."""
    values = RealisasiIndikator.objects.filter(
        indikator_id__in=[i.pk for i in indicators], periode__bulan__in=months
    ).values_list("indikator_id", "periode__bulan", "nilai", "catatan")
    return {
        (ind_id, m): [nilai.normalize(), catatan or None] for ind_id, m, nilai, catatan in values
    }
