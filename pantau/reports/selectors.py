"""Reads of the reports app: who may read which report, the report's table for a user (scope
and classification applied as on the dashboards), and the archive (decision 0039)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext as _

from pantau.evaluation.choices import Dasar
from pantau.organisations.access import scope_for
from pantau.organisations.choices import PEMDA_WIDE_ROLES
from pantau.organisations.models import Opd
from pantau.reports import builders, builders_pemda
from pantau.reports.choices import OPD_KINDS, PEMDA_KINDS, Jenis
from pantau.reports.models import LaporanResmi
from pantau.reports.tables import Tabel


@dataclass(frozen=True)
class Permintaan:
    """What a report is of: kind, year, OPD (None: the pemda), the period and the basis."""

    jenis: str
    tahun_anggaran: object
    opd: Opd | None
    bulan: int
    triwulan: int | None = None
    dasar: str = Dasar.TERVERIFIKASI

    @property
    def pemda(self):
        return self.tahun_anggaran.pemda


def permintaan_of(laporan: LaporanResmi) -> Permintaan:
    """What an archived report is of (to build it, or its table of today, again)."""
    return Permintaan(
        jenis=laporan.jenis,
        tahun_anggaran=laporan.tahun_anggaran,
        opd=laporan.opd,
        bulan=laporan.bulan,
        triwulan=laporan.triwulan,
        dasar=laporan.dasar,
    )


def may_read(user, pemda_id: int, opd) -> bool:
    """An OPD's report: its people and the pemda-wide roles; the pemda's: pemda-wide roles."""
    scope = scope_for(user)
    if opd is not None:
        return opd.pemda_id == pemda_id and scope.can_read_opd(opd)
    return scope.role_in(pemda_id) in PEMDA_WIDE_ROLES and pemda_id in scope.pemda_ids


def permintaan_check(user, p: Permintaan) -> None:
    """Http404 when the user may not read the report; ValueError for a kind without its OPD."""
    if p.jenis in OPD_KINDS and p.opd is None:
        raise Http404
    if p.jenis in PEMDA_KINDS and p.opd is not None:
        raise Http404
    if not may_read(user, p.tahun_anggaran.pemda_id, p.opd):
        raise Http404


def _rahasia_readers(user, pemda_id: int) -> bool:
    from pantau.organisations.rahasia import rahasia_readers

    return rahasia_readers(user, pemda_id)


def tabel_for(*, user, p: Permintaan) -> tuple[Tabel, bool]:
    """The report's table as this user may read it, and whether it holds a rahasia item."""
    permintaan_check(user, p)
    dasar_label = str(Dasar(p.dasar).label)
    if p.jenis == Jenis.FORM_B:
        return _form_b(user, p, dasar_label)
    if p.jenis == Jenis.RFK:
        return _rfk_opd(user, p, dasar_label) if p.opd else _rfk_pemda(user, p, dasar_label)
    if p.jenis == Jenis.PERINGKAT:
        return _peringkat(user, p, dasar_label)
    if p.jenis == Jenis.E81:
        return _e81(user, p, dasar_label)
    return _ringkasan(user, p, dasar_label)


def _subs(user, p: Permintaan, where: str):
    from pantau.organisations.rahasia import audit_rahasia_list, rahasia_visible_q
    from pantau.planning.models import SubKegiatan

    subs = list(
        SubKegiatan.objects.filter(opd=p.opd, tahun_anggaran=p.tahun_anggaran)
        .filter(rahasia_visible_q(user))
        .select_related("kegiatan__program", "kecamatan", "desa")
        .order_by("kode")
    )
    audit_rahasia_list(user=user, objs=subs, where=where)
    return subs, any(s.klasifikasi == "rahasia" for s in subs)


def _sub_rows(p: Permintaan, bulan: int) -> dict:
    from pantau.evaluation.models import RingkasanSubKegiatan

    return {
        r.sub_kegiatan_id: r
        for r in RingkasanSubKegiatan.objects.filter(
            opd=p.opd, tahun_anggaran=p.tahun_anggaran, dasar=p.dasar, bulan=bulan
        )
    }


def _form_b(user, p: Permintaan, dasar_label: str) -> tuple[Tabel, bool]:
    subs, rahasia = _subs(user, p, "laporan: Form B")
    rows = _sub_rows(p, p.bulan)
    table = builders.form_b(
        opd=p.opd,
        ta=p.tahun_anggaran,
        bulan=p.bulan,
        dasar_label=dasar_label,
        subs=subs,
        rows=rows,
    )
    return table, rahasia


def _rfk_opd(user, p: Permintaan, dasar_label: str) -> tuple[Tabel, bool]:
    from pantau.evaluation.progress import from_sub_row

    subs, rahasia = _subs(user, p, "laporan: RFK")
    rows = _sub_rows(p, p.bulan)
    before = _sub_rows(p, p.bulan - 1) if p.bulan > 1 else None
    items = []
    for sub in subs:
        row = rows.get(sub.pk)
        if before is None:
            sebelum = Decimal(0)
        else:
            prev = before.get(sub.pk)
            sebelum = prev.realisasi if prev is not None else None
        notes = []
        if row is not None and not row.dilaporkan:
            notes.append(_("belum melapor bulan ini (angka laporan terakhir)"))
        items.append((sub.kode, sub.nama, from_sub_row(row) if row else None, sebelum, notes))
    table = builders.rfk(
        judul_unit=f"{p.opd.kode} {p.opd.nama}",
        ta=p.tahun_anggaran,
        bulan=p.bulan,
        dasar_label=dasar_label,
        items=items,
        satuan=_("Sub Kegiatan"),
        nama_berkas=f"rfk-{p.opd.kode}-{p.tahun_anggaran.tahun}-{p.bulan:02d}",
    )
    if not p.opd.aktif:
        table.catatan.append(_("OPD ini sudah dinonaktifkan."))
    return table, rahasia


def _opds(p: Permintaan, progress: dict) -> list[Opd]:
    """The pemda's OPDs for the year: active ones and those with sub kegiatan in it (an OPD
    deactivated mid-year keeps its year, as on the dashboard)."""
    ids = [k for k, v in progress.items() if v.jumlah_sub]
    return list(
        Opd.objects.filter(pemda=p.pemda).filter(Q(aktif=True) | Q(pk__in=ids)).order_by("kode")
    )


def _rahasia_counted(user, pemda_id: int) -> bool:
    """The pemda's sums count rahasia items for their readers only (evaluation.terbaca)."""
    from pantau.planning.models import SubKegiatan

    return _rahasia_readers(user, pemda_id) and (
        SubKegiatan.objects.filter(pemda_id=pemda_id, klasifikasi="rahasia").exists()
    )


def _rfk_pemda(user, p: Permintaan, dasar_label: str) -> tuple[Tabel, bool]:
    from pantau.evaluation.selectors_opd import opd_progress

    ta = p.tahun_anggaran
    now = opd_progress(user=user, tahun_anggaran=ta, bulan=p.bulan, dasar=p.dasar)
    before = (
        opd_progress(user=user, tahun_anggaran=ta, bulan=p.bulan - 1, dasar=p.dasar)
        if p.bulan > 1
        else None
    )
    items = []
    for opd in _opds(p, now):
        progress = now.get(opd.pk)
        if progress is not None and not progress.jumlah_sub:
            progress = None
        sebelum = Decimal(0) if before is None else getattr(before.get(opd.pk), "realisasi", None)
        notes = [] if opd.aktif else [_("OPD dinonaktifkan")]
        if progress is None:
            notes.append(_("tidak ada sub kegiatan"))
        elif progress.dilaporkan < progress.jumlah_sub:
            notes.append(
                _("%(n)d dari %(m)d sub kegiatan belum melapor bulan ini")
                % {"n": progress.jumlah_sub - progress.dilaporkan, "m": progress.jumlah_sub}
            )
        items.append((opd.kode, opd.nama, progress, sebelum, notes))
    table = builders.rfk(
        judul_unit=p.pemda.nama,
        ta=ta,
        bulan=p.bulan,
        dasar_label=dasar_label,
        items=items,
        satuan=_("Perangkat Daerah"),
        nama_berkas=f"rfk-pemda-{ta.tahun}-{p.bulan:02d}",
    )
    table.besar = True
    return table, _rahasia_counted(user, p.pemda.pk)


def _peringkat(user, p: Permintaan, dasar_label: str) -> tuple[Tabel, bool]:
    from pantau.evaluation.selectors import dashboard_for, ketepatan_opd

    ta = p.tahun_anggaran
    _periode, ketepatan = ketepatan_opd(user=user, tahun_anggaran=ta)
    dash = dashboard_for(
        user=user, tahun_anggaran=ta, bulan=p.bulan, ketepatan=ketepatan, dasar=p.dasar
    )
    table = builders_pemda.peringkat(dashboard=dash, ta=ta, bulan=p.bulan, dasar_label=dasar_label)
    return table, _rahasia_counted(user, p.pemda.pk)


def _ringkasan(user, p: Permintaan, dasar_label: str) -> tuple[Tabel, bool]:
    from pantau.evaluation.selectors_opd import opd_progress

    ta = p.tahun_anggaran
    triwulan = p.triwulan or max(1, (p.bulan + 2) // 3)
    progress = opd_progress(user=user, tahun_anggaran=ta, bulan=triwulan * 3, dasar=p.dasar)
    items = [(opd, progress.get(opd.pk)) for opd in _opds(p, progress)]
    table = builders_pemda.ringkasan(
        pemda=p.pemda, ta=ta, triwulan=triwulan, dasar_label=dasar_label, items=items
    )
    return table, _rahasia_counted(user, p.pemda.pk)


def _e81(user, p: Permintaan, dasar_label: str) -> tuple[Tabel, bool]:
    from pantau.reports.builders_e81 import e81
    from pantau.reports.selectors_e81 import e81_data

    data = e81_data(user=user, p=p, dasar_label=dasar_label)
    return e81(data), data.rahasia


# ---------------------------------------------------------------- the archive


def _visible_q(user) -> Q:
    scope = scope_for(user)
    wide = [pk for pk in scope.pemda_ids if scope.role_in(pk) in PEMDA_WIDE_ROLES]
    readers = [pk for pk in wide if _rahasia_readers(user, pk)]
    visible = Q(pemda_id__in=wide) | Q(opd_id__in=list(scope.opd_ids))
    # a report holding rahasia items: for the pemda's rahasia readers and the OPD's own people
    return visible & (
        Q(memuat_rahasia=False) | Q(pemda_id__in=readers) | Q(opd_id__in=list(scope.opd_ids))
    )


def laporan_list(*, user, pemda=None, opd=None, jenis: str = "", limit: int = 50):
    """The generated reports this user may read, newest first."""
    qs = LaporanResmi.objects.filter(_visible_q(user))
    if pemda is not None:
        qs = qs.filter(pemda=pemda)
    if opd is not None:
        qs = qs.filter(opd=opd)
    if jenis in Jenis.values:
        qs = qs.filter(jenis=jenis)
    newer = LaporanResmi.objects.filter(pendahulu=OuterRef("pk")).exclude(status="gagal")
    qs = qs.annotate(
        digantikan=Exists(newer),
        jumlah_ttd=Count("tanda_tangan"),
    )
    return list(qs.select_related("tahun_anggaran", "opd", "dibuat_oleh")[:limit])


def access_laporan(user, pk: int) -> LaporanResmi:
    """The report when the user may read it; Http404 for missing and not allowed alike."""
    from pantau.reports.jobs import with_live_progress

    found = (
        LaporanResmi.objects.filter(_visible_q(user))
        .select_related("tahun_anggaran__pemda", "opd", "dibuat_oleh")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return with_live_progress(found)


def laporan_seri(*, user, laporan: LaporanResmi) -> list[LaporanResmi]:
    """The versions of a report's series the user may read, oldest first: its predecessors
    and the versions issued after it (a failed build of a new version included, marked)."""
    visible = LaporanResmi.objects.filter(_visible_q(user)).select_related("tahun_anggaran")
    chain = [laporan]
    current = laporan
    while current.pendahulu_id is not None and len(chain) < 100:
        current = visible.filter(pk=current.pendahulu_id).first()
        if current is None:
            break
        chain.insert(0, current)
    current = laporan
    while len(chain) < 100:
        after = list(visible.filter(pendahulu=current).order_by("id"))
        chain += after
        live = [r for r in after if r.status != "gagal"]
        if not live:
            break
        current = live[-1]
    return chain


def tanda_tangan_list(*, laporan: LaporanResmi) -> list:
    """The signatures of a report the caller may already read (access_laporan), in order."""
    return list(laporan.tanda_tangan.select_related("penanda").order_by("urutan"))
