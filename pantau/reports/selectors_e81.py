"""Reads of Formulir E.81 (docs/reports.md, docs/domain.md §11): for one OPD, year and quarter,
every indicator row the user may read (program and kegiatan indicators with their Renstra data
from `planning.selectors_renstra.renstra_rows`, sub kegiatan indicators of the sub kegiatan the
user may read), each quarter's counted values (`evaluation.rollup.indikator_nilai_bulanan`, the
dashboards' counting rule on the chosen basis), the money of each program, kegiatan and sub
kegiatan from the sub kegiatan roll-up rows, the quarter's realisation notes for the footer's
draft, the edited footer texts and the Bappeda that evaluates it. Scope and the rahasia rule
are applied here; the table is built by `builders_e81`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from pantau.organisations.choices import JenisOpd, Role
from pantau.organisations.models import Opd
from pantau.reports.models import E81Catatan

PLANNING_BIDANG = "5.01"  # bidang urusan Perencanaan (unsur penunjang): the pemda's Bappeda


@dataclass
class E81Item:
    """One indicator row of the form with what its columns are computed from."""

    indikator: object
    tingkat: str  # program / kegiatan / sub
    kode: str
    nama: str
    sasaran: list = field(default_factory=list)
    target: object | None = None  # TargetRenstra (program and kegiatan indicators only)
    lalu: list = field(default_factory=list)  # RealisasiRenstra of earlier years, in order
    bulan: dict[int, Decimal] = field(default_factory=dict)  # counted values per month
    pagu: Decimal | None = None  # the owner's Σ pagu in force at the quarter's end
    kumulatif: dict[int, Decimal | None] = field(default_factory=dict)  # Rp s.d. TW t
    sub_ids: list[int] = field(default_factory=list)


@dataclass
class E81Data:
    opd: Opd
    ta: object
    pemda: object
    triwulan: int
    dasar_label: str
    tata_letak: str
    items: list[E81Item]
    periode: object | None  # the OPD's Renstra period containing the year
    catatan: E81Catatan | None
    kendala: list[tuple[str, int, str]]  # (sub kegiatan "kode nama", bulan, text)
    tindak_lanjut: list[tuple[str, int, str]]
    catatan_indikator: list[tuple[str, int, str]]  # (indicator, bulan, note)
    bappeda: Opd | None
    ada_data: bool  # any counted value or realisation in the year up to the quarter
    rahasia: bool


def bappeda_for(pemda) -> Opd | None:
    """The pemda's Bappeda: its active badan whose bidang urusan is planning (5.01)."""
    for opd in Opd.objects.filter(pemda=pemda, jenis=JenisOpd.BADAN, aktif=True).order_by("kode"):
        if PLANNING_BIDANG in [p.strip()[:4] for p in opd.bidang_urusan.split(";")]:
            return opd
    return None


def e81_catatan_get(*, opd, tahun_anggaran, triwulan: int) -> E81Catatan | None:
    return E81Catatan.objects.filter(
        opd=opd, tahun_anggaran=tahun_anggaran, triwulan=triwulan
    ).first()


def e81_catatan_editable(*, opd, tahun_anggaran, triwulan: int) -> bool:
    """Whether the footer texts may still be changed: not once the newest built E.81 of the OPD's
    quarter carries a signature (the head of the OPD signed what it says; docs/reports.md). A new
    version issued from the final report is an unsigned draft again, and the texts open with it."""
    from pantau.reports.choices import Jenis, Status
    from pantau.reports.models import LaporanResmi

    newest = (
        LaporanResmi.objects.filter(
            jenis=Jenis.E81,
            opd=opd,
            tahun_anggaran=tahun_anggaran,
            triwulan=triwulan,
            status=Status.SELESAI,
        )
        .order_by("-versi", "-id")
        .first()
    )
    return newest is None or not newest.tanda_tangan.exists()


def e81_may_edit(user, opd) -> bool:
    """The head of the OPD and its operators write the footer; everyone else reads it."""
    from pantau.monitoring.workflow import role_for

    return role_for(user, opd) in {Role.KEPALA_OPD, Role.OPERATOR_OPD}


def _subs(user, opd, ta):
    from pantau.organisations.rahasia import audit_rahasia_list, rahasia_visible_q
    from pantau.planning.models import SubKegiatan

    subs = list(
        SubKegiatan.objects.filter(opd=opd, tahun_anggaran=ta)
        .filter(rahasia_visible_q(user))
        .select_related("kegiatan__program", "tahun_anggaran")
        .order_by("kode")
    )
    audit_rahasia_list(user=user, objs=subs, where="laporan: Formulir E.81")
    return subs


def _money(p, subs, triwulan: int) -> tuple[dict, dict]:
    """Per sub kegiatan: pagu at the quarter's end, and cumulative realisation at each
    quarter's end up to the quarter (None: no roll-up row for that month)."""
    from pantau.evaluation.models import RingkasanSubKegiatan

    months = [t * 3 for t in range(1, triwulan + 1)]
    rows = {
        (r.sub_kegiatan_id, r.bulan): r
        for r in RingkasanSubKegiatan.objects.filter(
            opd=p.opd, tahun_anggaran=p.tahun_anggaran, dasar=p.dasar, bulan__in=months
        )
    }
    pagu, kum = {}, {}
    for sub in subs:
        last = rows.get((sub.pk, triwulan * 3))
        pagu[sub.pk] = last.pagu if last is not None else sub.pagu
        kum[sub.pk] = {
            t: (rows[(sub.pk, t * 3)].realisasi if (sub.pk, t * 3) in rows else None)
            for t in range(1, triwulan + 1)
        }
    return pagu, kum


def _sum(values) -> Decimal | None:
    values = list(values)
    if not values or any(v is None for v in values):
        return None
    return sum(values, Decimal(0))


def _owner_money(item: E81Item, pagu: dict, kum: dict, triwulan: int) -> None:
    item.pagu = _sum(pagu[s] for s in item.sub_ids) if item.sub_ids else None
    item.kumulatif = {
        t: (_sum(kum[s][t] for s in item.sub_ids) if item.sub_ids else None)
        for t in range(1, triwulan + 1)
    }


def _items(user, p, subs) -> list[E81Item]:
    from pantau.organisations.rahasia import rahasia_visible_q
    from pantau.planning.models import Indikator
    from pantau.planning.selectors_renstra import renstra_rows

    by_program: dict[int, list[int]] = {}
    by_kegiatan: dict[int, list[int]] = {}
    for s in subs:
        by_program.setdefault(s.kegiatan.program_id, []).append(s.pk)
        by_kegiatan.setdefault(s.kegiatan_id, []).append(s.pk)
    items: list[E81Item] = []
    sasaran_of: dict[int, list] = {}
    for row in renstra_rows(user=user, opd=p.opd, tahun_anggaran=p.tahun_anggaran):
        owner = row.kegiatan or row.program
        sasaran_of[row.program.pk] = row.sasaran
        items.append(
            E81Item(
                indikator=row.indikator,
                tingkat=row.tingkat,
                kode=owner.kode,
                nama=owner.nama,
                sasaran=row.sasaran,
                target=row.target,
                lalu=[r for r in row.realisasi if r.tahun < p.tahun_anggaran.tahun],
                sub_ids=(by_kegiatan if row.kegiatan else by_program).get(owner.pk, []),
            )
        )
    visible = {s.pk: s for s in subs}
    for ind in (
        Indikator.objects.filter(sub_kegiatan_id__in=list(visible))
        .filter(rahasia_visible_q(user))
        .order_by("id")
    ):
        sub = visible[ind.sub_kegiatan_id]
        items.append(
            E81Item(
                indikator=ind,
                tingkat="sub",
                kode=sub.kode,
                nama=sub.nama,
                sasaran=sasaran_of.get(sub.kegiatan.program_id, []),
                sub_ids=[sub.pk],
            )
        )

    def order(item: E81Item):
        first = item.sasaran[0].kode if item.sasaran else "~"
        program = item.kode.split(".")
        return (first, ".".join(program[:3]), item.tingkat != "program", item.kode)

    return sorted(items, key=order)


def _notes(p, subs, inds) -> tuple[list, list, list]:
    from pantau.monitoring.models import Realisasi, RealisasiIndikator
    from pantau.monitoring.selectors import SUBMITTED

    months = range(p.triwulan * 3 - 2, p.triwulan * 3 + 1)
    kendala, lanjut, catatan = [], [], []
    reports = (
        Realisasi.objects.filter(
            sub_kegiatan__in=subs, periode__bulan__in=list(months), status__in=list(SUBMITTED)
        )
        .filter(~Q(kendala="") | ~Q(tindak_lanjut=""))
        .select_related("sub_kegiatan", "periode")
        .order_by("sub_kegiatan__kode", "periode__bulan")
    )
    for r in reports:
        label = f"{r.sub_kegiatan.kode} {r.sub_kegiatan.nama}"
        if r.kendala.strip():
            kendala.append((label, r.periode.bulan, r.kendala.strip()))
        if r.tindak_lanjut.strip():
            lanjut.append((label, r.periode.bulan, r.tindak_lanjut.strip()))
    for v in (
        RealisasiIndikator.objects.filter(indikator__in=inds, periode__bulan__in=list(months))
        .exclude(catatan="")
        .select_related("indikator", "periode")
        .order_by("indikator_id", "periode__bulan")
    ):
        catatan.append((v.indikator.nama, v.periode.bulan, v.catatan.strip()))
    return kendala, lanjut, catatan


def e81_data(*, user, p, dasar_label: str) -> E81Data:
    """Everything Formulir E.81 of `p` (an OPD, a year, a quarter) shows to this user; the
    caller (`selectors.tabel_for`) has checked that the user may read the OPD's reports."""
    from pantau.evaluation.rollup import indikator_nilai_bulanan
    from pantau.organisations.models import Pemda
    from pantau.planning.selectors_renstra import periode_renstra_for

    triwulan = p.triwulan or max(1, (p.bulan + 2) // 3)
    pemda = Pemda.objects.get(pk=p.tahun_anggaran.pemda_id)  # its layout and seat as they are now
    subs = _subs(user, p.opd, p.tahun_anggaran)
    items = _items(user, p, subs)
    pagu, kum = _money(p, subs, triwulan)
    values = indikator_nilai_bulanan([i.indikator for i in items], p.dasar)
    for item in items:
        item.bulan = dict(values.get(item.indikator.pk, {}))
        _owner_money(item, pagu, kum, triwulan)
    quarter = type(p)(p.jenis, p.tahun_anggaran, p.opd, triwulan * 3, triwulan, p.dasar)
    kendala, lanjut, catatan = _notes(quarter, subs, [i.indikator for i in items])
    ada = any(m <= triwulan * 3 for i in items for m in i.bulan) or any(
        v for s in kum.values() for v in s.values()
    )
    rahasia = any(s.klasifikasi == "rahasia" for s in subs) or any(
        i.indikator.klasifikasi == "rahasia" for i in items
    )
    return E81Data(
        opd=p.opd,
        ta=p.tahun_anggaran,
        pemda=pemda,
        triwulan=triwulan,
        dasar_label=dasar_label,
        tata_letak=pemda.e81_tata_letak,
        items=items,
        periode=periode_renstra_for(user=user, opd=p.opd, tahun=p.tahun_anggaran.tahun),
        catatan=e81_catatan_get(opd=p.opd, tahun_anggaran=p.tahun_anggaran, triwulan=triwulan),
        kendala=kendala,
        tindak_lanjut=lanjut,
        catatan_indikator=catatan,
        bappeda=bappeda_for(pemda),
        ada_data=ada,
        rahasia=rahasia,
    )
