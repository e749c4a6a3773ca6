"""Downloads of the monitoring lists (issue 11 §5, decision 0024): the monthly report list of an
OPD (the page `monitoring:daftar` and the desktop grid show the same rows) and the compliance
list. Each reads through the page's own selectors, with the page's parameters, so the file holds
the rows of the page in its order."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pantau.audit.services_ekspor import ekspor_record
from pantau.core.exports import Kolom, Tabel, format_of, response, semicolon_of
from pantau.core.numbers import int_param
from pantau.monitoring import selectors
from pantau.monitoring.choices import StatusRealisasi
from pantau.monitoring.workflow import today_in
from pantau.organisations.access import access_opd, scope_for
from pantau.organisations.selectors import opd_list_for_user, pemda_list_for_user

KURANG = {
    "laporan": lambda: _("belum diisi"),
    "bukti": lambda: _("tanpa foto/dokumen"),
    "penjelasan": lambda: _("peringatan belum dijelaskan"),
}
KEADAAN = {
    "tepat_waktu": lambda: _("Lengkap, tepat waktu"),
    "terlambat": lambda: _("Lengkap, sebagian terlambat"),
    "berjalan": lambda: _("Sedang berjalan"),
    "tidak_lengkap": lambda: _("Ada yang tidak melapor"),
    "tanpa_rencana": lambda: _("Tanpa rencana"),
}


def status_label(status: str) -> str:
    if status == "belum":
        return _("Belum dimulai")
    return str(StatusRealisasi(status).label)


def _opd_for(request):
    """The OPD of the list, as the page chooses it: ?opd= for pemda-wide roles, else the
    user's own OPD."""
    opd_id = int_param(request.GET.get("opd"))
    if opd_id:
        return access_opd(request.user, opd_id)
    own = opd_list_for_user(user=request.user).first()
    if own is None:
        raise Http404
    return own


def _periode_daftar(opd, tahun, bulan):
    """The period of the monthly list, chosen as the page chooses it."""
    periode = selectors.periode_default(opd=opd, tahun=tahun)
    if periode is None:
        raise Http404
    if bulan and 1 <= bulan <= 12:
        periode = (
            selectors.compliance_period(
                pemda=opd.pemda, tahun=periode.tahun_anggaran.tahun, bulan=bulan
            )
            or periode
        )
    return periode


DAFTAR_KOLOM = (
    (gettext_lazy("Kode sub kegiatan"), "text", 22),
    (gettext_lazy("Sub kegiatan"), "text", 50),
    (gettext_lazy("Pagu (Rp)"), "money", 18),
    (gettext_lazy("Status"), "text", 20),
    (gettext_lazy("Realisasi keuangan (Rp)"), "money", 18),
    (gettext_lazy("Realisasi fisik (%)"), "percent", 12),
    (gettext_lazy("Fisik bulan lalu (%)"), "percent", 12),
    (gettext_lazy("Jumlah bukti"), "number", 10),
    (gettext_lazy("Kekurangan"), "text", 30),
    (gettext_lazy("Kendala"), "text", 40),
)


def _kolom(spec) -> list[Kolom]:
    return [Kolom(str(judul), jenis, lebar) for judul, jenis, lebar in spec]


@login_required
def daftar_unduh(request):
    """The monthly report list of one OPD and period as XLSX or CSV."""
    fmt = format_of(request)
    if fmt is None:
        return HttpResponseBadRequest(_("Format unduhan tidak dikenal."))
    opd = _opd_for(request)
    tahun = int_param(request.GET.get("tahun"), lo=2000, hi=2100)
    periode = _periode_daftar(opd, tahun, int_param(request.GET.get("bulan"), lo=1, hi=12))
    rows = selectors.entry_rows(user=request.user, opd=opd, periode=periode)
    baris = [
        (
            row.sub.kode,
            row.sub.nama,
            row.sub.pagu,
            status_label(row.status),
            row.report.keuangan if row.report else None,
            row.report.fisik if row.report else None,
            row.fisik_sebelumnya,
            row.jumlah_bukti,
            ", ".join(KURANG[k]() for k in row.kurang),
            row.report.kendala if row.report else "",
        )
        for row in rows
    ]
    ekspor_record(
        actor=request.user,
        daftar="monitoring:daftar",
        format=fmt,
        saringan={"opd": opd.pk, "tahun": periode.tahun_anggaran.tahun, "bulan": periode.bulan},
        jumlah_baris=len(baris),
        pemda_id=opd.pemda_id,
        opd_id=opd.pk,
    )
    tabel = Tabel(
        judul=_("Laporan bulanan"),
        kolom=_kolom(DAFTAR_KOLOM),
        baris=baris,
        pemda=opd.pemda.nama,
        zona_waktu=opd.pemda.zona_waktu,
        saringan=[(_("OPD"), opd.singkatan or opd.nama), (_("Periode"), str(periode))],
    )
    return response(tabel, fmt, semicolon=semicolon_of(request))


KEPATUHAN_KOLOM = (
    (gettext_lazy("Kode OPD"), "text", 24),
    (gettext_lazy("OPD"), "text", 45),
    (gettext_lazy("Keadaan"), "text", 26),
    (gettext_lazy("Jumlah sub kegiatan"), "number", 12),
    (gettext_lazy("Tepat waktu"), "number", 10),
    (gettext_lazy("Terlambat"), "number", 10),
    (gettext_lazy("Belum"), "number", 10),
    (gettext_lazy("Tidak melapor"), "number", 10),
    (gettext_lazy("% tepat waktu"), "percent", 12),
)


@login_required
def kepatuhan_unduh(request):
    """The compliance list of one period (Bappeda's view) as XLSX or CSV."""
    from pantau.monitoring.views import COMPLIANCE_ROLES

    fmt = format_of(request)
    if fmt is None:
        return HttpResponseBadRequest(_("Format unduhan tidak dikenal."))
    scope = scope_for(request.user)
    pemda = pemda_list_for_user(user=request.user).filter(pk__in=scope.pemda_ids).first()
    if pemda is None or scope.role_in(pemda.pk) not in COMPLIANCE_ROLES:
        raise Http404
    periode = selectors.compliance_period(
        pemda=pemda,
        tahun=int_param(request.GET.get("tahun"), None, lo=2000, hi=2100),
        bulan=int_param(request.GET.get("bulan")),
    )
    if periode is None:
        raise Http404
    rows = selectors.compliance(user=request.user, periode=periode)
    baris = [
        (
            r.opd.kode,
            r.opd.nama,
            KEADAAN[r.keadaan](),
            r.jumlah_sub,
            r.tepat_waktu,
            r.terlambat,
            r.belum,
            r.tidak_ada,
            r.persen_tepat_waktu,
        )
        for r in rows
    ]
    ekspor_record(
        actor=request.user,
        daftar="monitoring:kepatuhan",
        format=fmt,
        saringan={"tahun": periode.tahun_anggaran.tahun, "bulan": periode.bulan},
        jumlah_baris=len(baris),
        pemda_id=pemda.pk,
    )
    tabel = Tabel(
        judul=_("Kepatuhan laporan"),
        nama_berkas=f"{_('Kepatuhan laporan')} {periode}",
        kolom=_kolom(KEPATUHAN_KOLOM),
        baris=baris,
        pemda=pemda.nama,
        zona_waktu=pemda.zona_waktu,
        saringan=[
            (_("Periode"), str(periode)),
            (_("Batas"), periode.batas_waktu.strftime("%d/%m/%Y")),
            (_("Per tanggal"), today_in(pemda).strftime("%d/%m/%Y")),
        ],
    )
    return response(tabel, fmt, semicolon=semicolon_of(request))
