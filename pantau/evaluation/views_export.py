"""Downloads of the evaluation lists (issue 11 §5, decision 0024): a dashboard drill-down (every
row, not one page), the OPD ranking of the dashboard, the OPD list with its progress and one
OPD's plan tree. Each reads through the page's own selectors with the page's parameters (the
helpers of the page views), so a file holds the page's rows, order and figures; what the user
may not read is absent as on the page (evaluation.terbaca)."""

from __future__ import annotations

import functools
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pantau.audit.services_ekspor import ekspor_record
from pantau.core.exports import Kolom, Tabel, format_of, response, semicolon_of
from pantau.core.numbers import int_param
from pantau.evaluation import kelompok as program_group
from pantau.evaluation.choices import Dasar
from pantau.evaluation.periods import bulan_dipilih
from pantau.evaluation.progress import Progress
from pantau.evaluation.selectors import dashboard_for, ketepatan_opd, rincian_for
from pantau.evaluation.selectors_ekspor import rincian_semua
from pantau.evaluation.selectors_opd import opd_progress, plan_tree_for_opd
from pantau.evaluation.views import _pemda_and_period
from pantau.monitoring.models import BULAN
from pantau.organisations.access import access_opd
from pantau.organisations.choices import JenisOpd
from pantau.organisations.selectors import opd_list_for_user, pemda_list_for_user
from pantau.planning.selectors import tahun_anggaran_list, tahun_anggaran_pick

_CENT = Decimal("0.01")  # the score as the page shows it (2 decimals)

PROGRESS_KOLOM = (
    (gettext_lazy("Pagu (Rp)"), "money", 18),
    (gettext_lazy("Realisasi (Rp)"), "money", 18),
    (gettext_lazy("Realisasi keuangan (%)"), "percent", 12),
    (gettext_lazy("Fisik (%)"), "percent", 10),
    (gettext_lazy("Rencana fisik (%)"), "percent", 10),
    (gettext_lazy("Serapan terhadap rencana kas (%)"), "percent", 12),
)


def _kolom(*specs) -> list[Kolom]:
    return [Kolom(str(judul), jenis, lebar) for spec in specs for judul, jenis, lebar in spec]


def _progress(p: Progress) -> tuple:
    return (
        p.pagu,
        p.realisasi,
        p.persen_keuangan,
        p.fisik,
        p.target_fisik,
        p.serapan_terhadap_rencana,
    )


def _fmt(request) -> str:
    fmt = format_of(request)
    if fmt is None:
        raise _BadFormatError
    return fmt


class _BadFormatError(Exception):
    pass


def _refuse_bad_format(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _BadFormatError:
            return HttpResponseBadRequest(_("Format unduhan tidak dikenal."))

    return wrapped


def _dasar_label(dasar: str) -> str:
    return str(Dasar(dasar).label)


def _send(request, *, daftar, fmt, tabel, baris, saringan, pemda, opd_id=None):
    ekspor_record(
        actor=request.user,
        daftar=daftar,
        format=fmt,
        saringan=saringan,
        jumlah_baris=len(baris),
        pemda_id=pemda.pk,
        opd_id=opd_id,
    )
    tabel.pemda, tabel.zona_waktu = pemda.nama, pemda.zona_waktu
    return response(tabel, fmt, semicolon=semicolon_of(request))


# --- dashboard drill-down ---------------------------------------------------------------------

RINCIAN_SUB_KOLOM = (
    (gettext_lazy("Kode sub kegiatan"), "text", 22),
    (gettext_lazy("Sub kegiatan"), "text", 50),
    (gettext_lazy("OPD"), "text", 16),
    (gettext_lazy("Pagu (Rp)"), "money", 18),
    (gettext_lazy("Realisasi (Rp)"), "money", 18),
    (gettext_lazy("Fisik (%)"), "percent", 10),
    (gettext_lazy("Rencana fisik (%)"), "percent", 10),
    (gettext_lazy("Rencana kas (Rp)"), "money", 18),
    (gettext_lazy("Peringatan"), "text", 30),
    (gettext_lazy("Melebihi pagu"), "text", 10),
    (gettext_lazy("Sudah melapor"), "text", 10),
)
RINCIAN_INDIKATOR_KOLOM = (
    (gettext_lazy("Indikator"), "text", 50),
    (gettext_lazy("OPD"), "text", 16),
    (gettext_lazy("Satuan"), "text", 12),
    (gettext_lazy("Target"), "number", 12),
    (gettext_lazy("Realisasi"), "number", 12),
    (gettext_lazy("Capaian (%)"), "percent", 12),
    (gettext_lazy("Kategori"), "text", 16),
    (gettext_lazy("Catatan"), "text", 30),
)


RINCIAN_JUDUL = {
    "sub": gettext_lazy("Sub kegiatan di balik pagu, realisasi dan fisik"),
    "kritis": gettext_lazy("Sub kegiatan kritis"),
    "uang": gettext_lazy("Uang terserap tanpa kemajuan fisik"),
    "kas": gettext_lazy("Realisasi di atas rencana kas"),
    "belum": gettext_lazy("Sub kegiatan yang belum melapor"),
    "melebihi": gettext_lazy("Realisasi melebihi pagu yang berlaku"),
    "indikator": gettext_lazy("Indikator di balik capaian"),
}


def _peringatan(r) -> str:
    """The warnings of a roll-up row in words, most serious first (as the page's badges)."""
    words = []
    if r.status_fisik == "kritis":
        words.append(_("Kritis"))
    if r.uang_tanpa_fisik:
        words.append(_("Uang tanpa fisik"))
    if r.di_atas_rencana_kas:
        words.append(_("Di atas rencana kas"))
    return ", ".join(words)


def _ya(value) -> str:
    return _("ya") if value else _("tidak")


def _rincian_rows(rincian, rows) -> tuple[list[Kolom], list[tuple]]:
    if rincian.jenis == "indikator":
        return _kolom(RINCIAN_INDIKATOR_KOLOM), [
            (
                r.indikator.nama,
                r.opd.singkatan or r.opd.nama,
                r.indikator.satuan,
                r.target,
                r.realisasi,
                r.hasil.persen,
                r.kategori.nama if r.kategori and r.hasil.persen is not None else "",
                str(r.catatan_label) if r.hasil.persen is None else "",
            )
            for r in rows
        ]
    return _kolom(RINCIAN_SUB_KOLOM), [
        (
            r.sub_kegiatan.kode,
            r.sub_kegiatan.nama,
            r.opd.singkatan or r.opd.nama,
            r.pagu,
            r.realisasi,
            r.fisik,
            r.target_fisik,
            r.rencana_kas,
            _peringatan(r),
            _ya(r.melebihi_pagu),
            _ya(r.dilaporkan),
        )
        for r in rows
    ]


@login_required
@_refuse_bad_format
def rincian_unduh(request, jenis: str):
    """Every row behind one dashboard figure, as the drill-down page lists them."""
    fmt = _fmt(request)
    pemda, ta, period, dasar, kalender = _pemda_and_period(request)
    if ta is None:
        raise Http404
    kelompok = program_group.kelompok_parse(request.GET.get("program"))
    kecamatan = (request.GET.get("kecamatan") or "")[:20] or None
    data = rincian_for(
        user=request.user,
        tahun_anggaran=ta,
        bulan=period.bulan_akhir,
        jenis=jenis,
        opd_id=int_param(request.GET.get("opd")),
        kecamatan=kecamatan,
        dasar=dasar,
        kalender=kalender,
        catatan=request.GET.get("catatan"),
        kelompok=kelompok,
    )
    kolom, baris = _rincian_rows(data, rincian_semua(user=request.user, rincian=data))
    saringan = [(_("Tahun"), str(ta.tahun)), (_("Periode"), str(period.label))]
    saringan.append((_("Angka"), _dasar_label(dasar)))
    if kelompok:
        saringan.append((_("Program"), str(program_group.label(kelompok))))
    if data.opd:
        saringan.append((_("OPD"), data.opd.singkatan or data.opd.nama))
    if data.kecamatan:
        saringan.append((_("Kecamatan"), data.kecamatan.nama))
    if data.catatan:
        saringan.append((_("Catatan"), data.catatan_label))
    tabel = Tabel(
        judul=str(RINCIAN_JUDUL[jenis]),
        lembar=_("Rincian %(jenis)s") % {"jenis": jenis},
        kolom=kolom,
        baris=baris,
        saringan=saringan,
    )
    return _send(
        request,
        daftar=f"evaluation:rincian:{jenis}",
        fmt=fmt,
        tabel=tabel,
        baris=baris,
        saringan={
            "tahun": ta.tahun,
            "periode": period.kode,
            "dasar": dasar,
            "program": kelompok,
            "opd": data.opd.pk if data.opd else None,
            "kecamatan": kecamatan,
            "catatan": data.catatan,
        },
        pemda=pemda,
        opd_id=data.opd.pk if data.opd else None,
    )


# --- ranking ----------------------------------------------------------------------------------

PERINGKAT_KOLOM = (
    (gettext_lazy("Peringkat"), "number", 10),
    (gettext_lazy("Kode OPD"), "text", 24),
    (gettext_lazy("OPD"), "text", 45),
    (gettext_lazy("Skor"), "number", 10),
    (gettext_lazy("Capaian indikator (%)"), "percent", 12),
    (gettext_lazy("Serapan terhadap rencana kas (%)"), "percent", 12),
    (gettext_lazy("Fisik terhadap rencana (%)"), "percent", 12),
    (gettext_lazy("Laporan tepat waktu (%)"), "percent", 12),
    (gettext_lazy("Realisasi keuangan (%)"), "percent", 12),
    (gettext_lazy("Fisik (%)"), "percent", 10),
    (gettext_lazy("Sub kegiatan kritis"), "number", 10),
    (gettext_lazy("Komponen tidak terdefinisi"), "text", 30),
)


@login_required
@_refuse_bad_format
def peringkat_unduh(request):
    """The OPD ranking of the dashboard, with the same year, period, basis and programme group."""
    fmt = _fmt(request)
    pemda, ta, period, dasar, kalender = _pemda_and_period(request)
    if ta is None:
        raise Http404
    years = list(tahun_anggaran_list(user=request.user, pemda=pemda))
    kelompok = program_group.kelompok_parse(request.GET.get("program"))
    _periode, ketepatan = ketepatan_opd(user=request.user, tahun_anggaran=ta, kelompok=kelompok)
    board = dashboard_for(
        user=request.user,
        tahun_anggaran=ta,
        bulan=period.bulan_akhir,
        ketepatan=ketepatan,
        tahun_lalu=next((y for y in years if y.tahun == ta.tahun - 1), None),
        bulan_awal=period.bulan_awal,
        dasar=dasar,
        kalender=kalender,
        kelompok=kelompok,
    )
    baris = [
        (
            r.skor.peringkat if r.skor else None,
            r.opd.kode,
            r.opd.nama,
            r.skor.nilai.quantize(_CENT) if r.skor and r.skor.nilai is not None else None,
            r.capaian,
            r.serapan_terhadap_rencana,
            r.fisik_terhadap_rencana,
            r.ketepatan,
            r.progress.persen_keuangan,
            r.progress.fisik,
            r.kritis,
            r.skor.catatan_label if r.skor else _("tanpa anggaran"),
        )
        for r in board.opd_rows
    ]
    saringan = [
        (_("Tahun"), str(ta.tahun)),
        (_("Periode"), str(period.label)),
        (_("Angka"), _dasar_label(dasar)),
    ]
    if kelompok:
        saringan.append((_("Program"), str(program_group.label(kelompok))))
    tabel = Tabel(
        judul=_("Peringkat OPD"), kolom=_kolom(PERINGKAT_KOLOM), baris=baris, saringan=saringan
    )
    return _send(
        request,
        daftar="evaluation:peringkat",
        fmt=fmt,
        tabel=tabel,
        baris=baris,
        saringan={"tahun": ta.tahun, "periode": period.kode, "dasar": dasar, "program": kelompok},
        pemda=pemda,
    )


# --- OPD list and OPD plan tree -----------------------------------------------------------------

OPD_KOLOM = (
    (gettext_lazy("Kode OPD"), "text", 24),
    (gettext_lazy("OPD"), "text", 45),
    (gettext_lazy("Singkatan"), "text", 14),
    (gettext_lazy("Jumlah sub kegiatan"), "number", 10),
)


@login_required
@_refuse_bad_format
def opd_list_unduh(request):
    """The OPD list of one pemda with each OPD's progress, filtered as the page is."""
    fmt = _fmt(request)
    q = request.GET.get("q", "").strip()[:100]
    jenis = request.GET.get("jenis", "")
    jenis = jenis if jenis in JenisOpd.values else ""
    dasar = Dasar.parse(request.GET.get("dasar"))
    pemda = pemda_list_for_user(user=request.user).first()
    if pemda is None:
        raise Http404
    ta = tahun_anggaran_pick(user=request.user, pemda=pemda, tahun=request.GET.get("tahun"))
    if ta is None:
        raise Http404
    bulan, _kalender = bulan_dipilih(ta, request.GET.get("bulan"))
    progress = opd_progress(user=request.user, tahun_anggaran=ta, bulan=bulan, dasar=dasar)
    opds = [
        o for o in opd_list_for_user(user=request.user, q=q, jenis=jenis) if o.pemda_id == pemda.pk
    ]
    baris = []
    for opd in opds:
        p = progress.get(opd.id, Progress())
        baris.append((opd.kode, opd.nama, opd.singkatan, p.jumlah_sub, *_progress(p)))
    saringan = [
        (_("Tahun"), str(ta.tahun)),
        (_("Bulan"), str(BULAN[bulan - 1])),
        (_("Angka"), _dasar_label(dasar)),
    ]
    if q:
        saringan.append((_("Cari"), q))
    if jenis:
        saringan.append((_("Jenis"), str(JenisOpd(jenis).label)))
    tabel = Tabel(
        judul=_("Daftar OPD"),
        kolom=_kolom(OPD_KOLOM, PROGRESS_KOLOM),
        baris=baris,
        saringan=saringan,
    )
    return _send(
        request,
        daftar="organisations:opd-list",
        fmt=fmt,
        tabel=tabel,
        baris=baris,
        saringan={"tahun": ta.tahun, "bulan": bulan, "dasar": dasar, "q": q, "jenis": jenis},
        pemda=pemda,
    )


POHON_KOLOM = (
    (gettext_lazy("Tingkat"), "text", 12),
    (gettext_lazy("Kode"), "text", 24),
    (gettext_lazy("Nama"), "text", 50),
    (gettext_lazy("Kecamatan"), "text", 16),
    (gettext_lazy("Sumber dana"), "text", 12),
)


@login_required
@_refuse_bad_format
def opd_detail_unduh(request, pk: int):
    """One OPD's plan tree (program, kegiatan, sub kegiatan, in the page's order) with progress."""
    fmt = _fmt(request)
    opd = access_opd(request.user, pk)
    ta = tahun_anggaran_pick(user=request.user, pemda=opd.pemda, tahun=request.GET.get("tahun"))
    if ta is None:
        raise Http404
    dasar = Dasar.parse(request.GET.get("dasar"))
    bulan, _kalender = bulan_dipilih(ta, request.GET.get("bulan"))
    tree = plan_tree_for_opd(
        user=request.user, opd=opd, tahun_anggaran=ta, bulan=bulan, dasar=dasar
    )
    baris = []
    for pn in tree:
        baris.append((_("Program"), pn.obj.kode, pn.obj.nama, "", "", *_progress(pn.progress)))
        for kn in pn.children:
            baris.append((_("Kegiatan"), kn.obj.kode, kn.obj.nama, "", "", *_progress(kn.progress)))
            for sn in kn.children:
                sub = sn.obj
                baris.append(
                    (
                        _("Sub kegiatan"),
                        sub.kode,
                        sub.nama,
                        sub.kecamatan.nama if sub.kecamatan else "",
                        sub.sumber_dana.kode if sub.sumber_dana else "",
                        *_progress(sn.progress),
                    )
                )
    tabel = Tabel(
        judul=_("Rencana dan kemajuan OPD"),
        kolom=_kolom(POHON_KOLOM, PROGRESS_KOLOM),
        baris=baris,
        saringan=[
            (_("OPD"), opd.singkatan or opd.nama),
            (_("Tahun"), str(ta.tahun)),
            (_("Bulan"), str(BULAN[bulan - 1])),
            (_("Angka"), _dasar_label(dasar)),
        ],
    )
    return _send(
        request,
        daftar="organisations:opd-detail",
        fmt=fmt,
        tabel=tabel,
        baris=baris,
        saringan={"opd": opd.pk, "tahun": ta.tahun, "bulan": bulan, "dasar": dasar},
        pemda=opd.pemda,
        opd_id=opd.pk,
    )
