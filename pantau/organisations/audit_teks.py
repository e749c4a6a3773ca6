"""Plain-language descriptions of audit actions (issue 12 §5, decision 0031).

`AKSI` maps each action code to a short label (the filter's choice) and a sentence with the
placeholders `%(pelaku)s` (who: role and user name) and `%(objek)s` (what: the object's name at
the time). Adding an action is one line: `"kode.aksi": A(_("Label"), _("%(pelaku)s ... %(objek)s")),`.
`POLA` holds families of codes written by generic code (the audited admin, classification in
bulk), matched with shell wildcards. A code in neither still reads: "`pelaku` mencatat `code`
pada `objek`" (`describe` falls back), and `pantau/organisations/tests/test_audit_teks.py` fails
for any code used in the source that has no entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from pantau.organisations.choices import Role


@dataclass(frozen=True)
class A:
    label: str | Promise
    kalimat: str | Promise


AKSI: dict[str, A] = {
    # reading and downloading
    "rahasia.read": A(_("Data rahasia dibaca"), _("%(pelaku)s membaca data rahasia %(objek)s")),
    "daftar.ekspor": A(_("Daftar diunduh"), _("%(pelaku)s mengunduh daftar %(objek)s")),
    "audit.ekspor": A(_("Jejak audit diunduh"), _("%(pelaku)s mengunduh jejak audit")),
    # signing in, sessions and the second factor (issue 12 §1, §4)
    # the password step: the second factor, where required, is its own event (user.2fa_verify)
    "user.login": A(_("Masuk"), _("%(pelaku)s masuk dengan kata sandi yang benar")),
    "user.login_failed": A(
        _("Gagal masuk"),
        _("%(pelaku)s mencatat percobaan masuk yang gagal dengan nama pengguna %(objek)s"),
    ),
    "user.logout": A(_("Keluar"), _("%(pelaku)s keluar dari Pantau")),
    "akun.terkunci": A(
        _("Akun terkunci"),
        _(
            "%(pelaku)s mengunci sementara akun %(objek)s setelah terlalu banyak percobaan masuk "
            "yang gagal"
        ),
    ),
    "akun.buka_kunci": A(
        _("Kunci akun dibuka"), _("%(pelaku)s membuka kunci masuk akun %(objek)s")
    ),
    "sesi.akhiri": A(_("Sesi diakhiri"), _("%(pelaku)s mengakhiri sesi masuk akun %(objek)s")),
    "user.password_reset_request": A(
        _("Atur ulang kata sandi diminta"),
        _("%(pelaku)s mencatat permintaan tautan atur ulang kata sandi untuk %(objek)s"),
    ),
    "user.2fa_enrol": A(
        _("Pendaftaran verifikasi dua langkah dimulai"),
        _("%(pelaku)s mulai mendaftarkan aplikasi autentikator untuk %(objek)s"),
    ),
    "user.2fa_enable": A(
        _("Verifikasi dua langkah diaktifkan"),
        _("%(pelaku)s mengaktifkan verifikasi dua langkah untuk %(objek)s"),
    ),
    "user.2fa_verify": A(
        _("Kode verifikasi diterima"), _("%(pelaku)s memasukkan kode verifikasi yang benar")
    ),
    "user.2fa_failed": A(
        _("Kode verifikasi ditolak"),
        _("Kode verifikasi yang salah dimasukkan untuk akun %(objek)s (%(pelaku)s)"),
    ),
    "user.2fa_recovery_used": A(
        _("Kode pemulihan dipakai"), _("%(pelaku)s masuk dengan satu kode pemulihan")
    ),
    "user.2fa_recovery_regenerate": A(
        _("Kode pemulihan dibuat ulang"),
        _("%(pelaku)s membuat sepuluh kode pemulihan baru untuk %(objek)s"),
    ),
    "user.2fa_disable": A(
        _("Verifikasi dua langkah dimatikan"),
        _("%(pelaku)s mematikan verifikasi dua langkah untuk %(objek)s"),
    ),
    "user.2fa_reset": A(
        _("Verifikasi dua langkah disetel ulang"),
        _("%(pelaku)s menyetel ulang verifikasi dua langkah %(objek)s; ia mendaftar lagi"),
    ),
    # pemda, regions, OPDs
    "pemda.create": A(_("Pemda dibuat"), _("%(pelaku)s membuat pemda %(objek)s")),
    "pemda.update": A(_("Pemda diubah"), _("%(pelaku)s mengubah data pemda %(objek)s")),
    "wilayah.create": A(_("Wilayah ditambahkan"), _("%(pelaku)s menambahkan wilayah %(objek)s")),
    "wilayah.update": A(_("Wilayah diubah"), _("%(pelaku)s mengubah wilayah %(objek)s")),
    "pulau.load": A(_("Daftar pulau dimuat"), _("%(pelaku)s memuat daftar pulau %(objek)s")),
    "opd.create": A(_("OPD dibuat"), _("%(pelaku)s membuat OPD %(objek)s")),
    "opd.update": A(_("OPD diubah"), _("%(pelaku)s mengubah OPD %(objek)s")),
    "opd.lebur": A(_("OPD dilebur"), _("%(pelaku)s meleburkan OPD: %(objek)s")),
    "opd.pecah": A(_("OPD dipecah"), _("%(pelaku)s memecah OPD: %(objek)s")),
    # people
    "user.create": A(_("Akun dibuat"), _("%(pelaku)s membuat akun %(objek)s")),
    "user.update": A(_("Akun diubah"), _("%(pelaku)s mengubah akun %(objek)s")),
    "user.activate": A(_("Akun diaktifkan"), _("%(pelaku)s mengaktifkan akun %(objek)s")),
    "user.deactivate": A(_("Akun dinonaktifkan"), _("%(pelaku)s menonaktifkan akun %(objek)s")),
    "user.password_change": A(_("Kata sandi diganti"), _("%(pelaku)s mengganti kata sandi")),
    "user.password_reset": A(
        _("Kata sandi diatur ulang"), _("%(pelaku)s mengatur ulang kata sandi akun %(objek)s")
    ),
    "user.password_reset_by_admin": A(
        _("Kata sandi diatur ulang oleh admin"),
        _("%(pelaku)s mengatur ulang kata sandi akun %(objek)s"),
    ),
    "user.grant_reference_admin": A(
        _("Hak data referensi diberikan"),
        _("%(pelaku)s memberi akun %(objek)s hak mengelola data referensi"),
    ),
    "profil.create": A(_("Profil dibuat"), _("%(pelaku)s membuat profil %(objek)s")),
    "profil.update": A(_("Profil diubah"), _("%(pelaku)s mengubah profil %(objek)s")),
    "membership.create": A(_("Peran diberikan"), _("%(pelaku)s memberi peran: %(objek)s")),
    "membership.update": A(_("Peran diubah"), _("%(pelaku)s mengubah peran: %(objek)s")),
    "membership.delete": A(_("Peran dicabut"), _("%(pelaku)s mencabut peran: %(objek)s")),
    # reference data and years
    "nomenklatur.load": A(_("Nomenklatur dimuat"), _("%(pelaku)s memuat nomenklatur %(objek)s")),
    "kategori.load": A(
        _("Kategori capaian dimuat"), _("%(pelaku)s memuat kategori capaian %(objek)s")
    ),
    "sumber_dana.create": A(
        _("Sumber dana ditambahkan"), _("%(pelaku)s menambahkan sumber dana %(objek)s")
    ),
    "tahun_anggaran.create": A(
        _("Tahun anggaran dibuat"), _("%(pelaku)s membuat tahun anggaran %(objek)s")
    ),
    "tahun_anggaran.set_tahap": A(
        _("Tahap anggaran diubah"), _("%(pelaku)s mengubah tahap anggaran %(objek)s")
    ),
    "tahun_anggaran.melebihi_pagu": A(
        _("Realisasi melebihi pagu baru"),
        _("%(pelaku)s mencatat realisasi yang melebihi pagu baru pada %(objek)s"),
    ),
    "periode.create": A(_("Periode dibuat"), _("%(pelaku)s membuat periode laporan %(objek)s")),
    "periode.reopen": A(_("Periode dibuka kembali"), _("%(pelaku)s membuka kembali %(objek)s")),
    "periode.reopen_scope": A(
        _("Periode dibuka kembali (cakupan)"),
        _("%(pelaku)s mengubah cakupan pembukaan kembali %(objek)s"),
    ),
    # plans
    "program.create": A(_("Program dibuat"), _("%(pelaku)s membuat program %(objek)s")),
    "program.delete": A(_("Program dihapus"), _("%(pelaku)s menghapus program %(objek)s")),
    "kegiatan.create": A(_("Kegiatan dibuat"), _("%(pelaku)s membuat kegiatan %(objek)s")),
    "kegiatan.delete": A(_("Kegiatan dihapus"), _("%(pelaku)s menghapus kegiatan %(objek)s")),
    "sub_kegiatan.create": A(
        _("Sub kegiatan dibuat"), _("%(pelaku)s membuat sub kegiatan %(objek)s")
    ),
    "sub_kegiatan.update": A(
        _("Sub kegiatan diubah"), _("%(pelaku)s mengubah sub kegiatan %(objek)s")
    ),
    "sub_kegiatan.delete": A(
        _("Sub kegiatan dihapus"), _("%(pelaku)s menghapus sub kegiatan %(objek)s")
    ),
    "indikator.create": A(_("Indikator dibuat"), _("%(pelaku)s membuat indikator %(objek)s")),
    "indikator.update": A(_("Indikator diubah"), _("%(pelaku)s mengubah indikator %(objek)s")),
    "indikator.delete": A(_("Indikator dihapus"), _("%(pelaku)s menghapus indikator %(objek)s")),
    # the Renstra data of an OPD (decision 0038)
    "periode_renstra.create": A(
        _("Periode Renstra dibuat"), _("%(pelaku)s menetapkan periode %(objek)s")
    ),
    "periode_renstra.update": A(
        _("Periode Renstra diubah"), _("%(pelaku)s mengubah tahun periode %(objek)s")
    ),
    "sasaran.create": A(_("Sasaran dibuat"), _("%(pelaku)s menambahkan sasaran %(objek)s")),
    "sasaran.update": A(_("Sasaran diubah"), _("%(pelaku)s mengubah sasaran %(objek)s")),
    "sasaran.delete": A(_("Sasaran dihapus"), _("%(pelaku)s menghapus sasaran %(objek)s")),
    "program_sasaran.set": A(
        _("Sasaran program diubah"),
        _("%(pelaku)s mengubah sasaran yang dilayani program %(objek)s"),
    ),
    "target_renstra.set": A(
        _("Target Renstra diubah"),
        _("%(pelaku)s mengubah target Renstra dan realisasi tahun lalu indikator %(objek)s"),
    ),
    "renstra.import": A(
        _("Data Renstra diimpor"), _("%(pelaku)s mengimpor data Renstra %(objek)s dari berkas")
    ),
    "rencana.set": A(_("Rencana bulanan diisi"), _("%(pelaku)s mengisi rencana bulanan %(objek)s")),
    "sumber_dana_rinci.set": A(
        _("Rincian sumber dana diisi"), _("%(pelaku)s mengisi rincian sumber dana %(objek)s")
    ),
    "plan.import": A(_("Rencana diimpor"), _("%(pelaku)s mengimpor rencana %(objek)s")),
    "plan.import_refused": A(
        _("Impor rencana ditolak"), _("Impor rencana %(objek)s oleh %(pelaku)s ditolak")
    ),
    "pemetaan_sipd.set": A(
        _("Pemetaan SIPD diubah"), _("%(pelaku)s mengubah pemetaan SIPD %(objek)s")
    ),
    "sipd.ditolak": A(_("Impor SIPD ditolak"), _("Impor SIPD %(objek)s oleh %(pelaku)s ditolak")),
    "dokumen_rencana.create": A(
        _("Dokumen rencana dibuat"), _("%(pelaku)s membuat dokumen rencana %(objek)s")
    ),
    "dokumen_rencana.open": A(
        _("Revisi rencana dibuka"), _("%(pelaku)s membuka revisi dokumen rencana %(objek)s")
    ),
    "dokumen_rencana.usulan_set": A(
        _("Usulan rencana diisi"), _("%(pelaku)s mengisi usulan pada dokumen rencana %(objek)s")
    ),
    "dokumen_rencana.ajukan": A(
        _("Dokumen rencana diajukan"), _("%(pelaku)s mengajukan dokumen rencana %(objek)s")
    ),
    "dokumen_rencana.validasi": A(
        _("Dokumen rencana divalidasi"), _("%(pelaku)s memvalidasi dokumen rencana %(objek)s")
    ),
    "dokumen_rencana.kunci": A(
        _("Dokumen rencana dikunci"), _("%(pelaku)s mengunci dokumen rencana %(objek)s")
    ),
    "dokumen_rencana.kembalikan": A(
        _("Dokumen rencana dikembalikan"),
        _("%(pelaku)s mengembalikan dokumen rencana %(objek)s"),
    ),
    # imports as jobs
    # backups (issue 13, decision 0033; docs/backup.md)
    "backup.backup": A(_("Pencadangan dimulai"), _("%(pelaku)s memulai pencadangan %(objek)s")),
    "backup.verify": A(
        _("Uji pulih dimulai"), _("%(pelaku)s memulai uji pulih cadangan %(objek)s")
    ),
    "backup.restore": A(
        _("Pemulihan dimulai"), _("%(pelaku)s memulai pemulihan dari cadangan %(objek)s")
    ),
    "backup.backup.selesai": A(
        _("Pencadangan selesai"), _("Pencadangan %(objek)s oleh %(pelaku)s selesai")
    ),
    "backup.verify.selesai": A(
        _("Uji pulih selesai"), _("Uji pulih cadangan %(objek)s oleh %(pelaku)s selesai")
    ),
    "backup.restore.selesai": A(
        _("Pemulihan selesai"), _("Pemulihan dari cadangan %(objek)s oleh %(pelaku)s selesai")
    ),
    "backup.backup.terputus": A(
        _("Pencadangan terputus"),
        _("Pencadangan %(objek)s terhenti sebelum selesai dan dicatat gagal oleh %(pelaku)s"),
    ),
    "backup.verify.terputus": A(
        _("Uji pulih terputus"),
        _("Uji pulih %(objek)s terhenti sebelum selesai dan dicatat gagal oleh %(pelaku)s"),
    ),
    "backup.restore.terputus": A(
        _("Pemulihan terputus"),
        _("Pemulihan %(objek)s terhenti sebelum selesai dan dicatat gagal oleh %(pelaku)s"),
    ),
    "backup.prune": A(
        _("Cadangan lama dihapus"),
        _("%(pelaku)s menghapus cadangan lama %(objek)s menurut aturan penyimpanan"),
    ),
    "backup.key": A(_("Kunci cadangan dibuat"), _("%(pelaku)s membuat kunci cadangan %(objek)s")),
    # official reports (issue 14, decision 0039)
    "laporan_resmi.minta": A(
        _("Laporan resmi diminta"), _("%(pelaku)s meminta pembuatan laporan resmi %(objek)s")
    ),
    "laporan_resmi.buat": A(
        _("Laporan resmi dibuat"), _("%(pelaku)s membuat dan mengarsipkan laporan resmi %(objek)s")
    ),
    "laporan_resmi.gagal": A(
        _("Laporan resmi gagal dibuat"),
        _("Pembuatan laporan resmi %(objek)s oleh %(pelaku)s gagal"),
    ),
    "laporan_resmi.tanda_tangan": A(
        _("Laporan resmi ditandatangani"),
        _("%(pelaku)s menandatangani laporan resmi %(objek)s"),
    ),
    "laporan_resmi.versi_baru": A(
        _("Versi baru laporan resmi diterbitkan"),
        _("%(pelaku)s menerbitkan versi baru laporan resmi %(objek)s"),
    ),
    "e81_catatan.create": A(
        _("Catatan E.81 ditulis"),
        _("%(pelaku)s menulis faktor pendorong, penghambat dan tindak lanjut %(objek)s"),
    ),
    "e81_catatan.update": A(
        _("Catatan E.81 diubah"),
        _("%(pelaku)s mengubah faktor pendorong, penghambat dan tindak lanjut %(objek)s"),
    ),
    "impor.create": A(_("Impor diunggah"), _("%(pelaku)s mengunggah berkas impor %(objek)s")),
    "impor.start": A(_("Impor dimulai"), _("%(pelaku)s memulai impor %(objek)s")),
    "impor.uji.selesai": A(
        _("Uji impor selesai"), _("Uji coba impor %(objek)s oleh %(pelaku)s selesai")
    ),
    "impor.uji.gagal": A(_("Uji impor gagal"), _("Uji coba impor %(objek)s oleh %(pelaku)s gagal")),
    "impor.impor.selesai": A(_("Impor selesai"), _("Impor %(objek)s oleh %(pelaku)s selesai")),
    "impor.impor.gagal": A(_("Impor gagal"), _("Impor %(objek)s oleh %(pelaku)s gagal")),
    "impor.stale": A(
        _("Impor terhenti"), _("%(pelaku)s menandai impor %(objek)s gagal karena terhenti")
    ),
    "impor.berkas_dihapus": A(
        _("Berkas impor dihapus"), _("%(pelaku)s menghapus berkas impor lama %(objek)s")
    ),
    # monthly reports
    "realisasi.create": A(_("Laporan dibuat"), _("%(pelaku)s membuat laporan %(objek)s")),
    "realisasi.update": A(_("Laporan diubah"), _("%(pelaku)s mengubah laporan %(objek)s")),
    "realisasi.submit": A(_("Laporan diajukan"), _("%(pelaku)s mengajukan laporan %(objek)s")),
    "realisasi.approve": A(_("Laporan disetujui"), _("%(pelaku)s menyetujui laporan %(objek)s")),
    "realisasi.return_opd": A(
        _("Laporan dikembalikan (OPD)"), _("%(pelaku)s mengembalikan laporan %(objek)s")
    ),
    "realisasi.verify": A(
        _("Laporan diverifikasi"), _("%(pelaku)s memverifikasi laporan %(objek)s")
    ),
    "realisasi.return_bappeda": A(
        _("Laporan dikembalikan (Bappeda)"), _("%(pelaku)s mengembalikan laporan %(objek)s")
    ),
    "realisasi.correct": A(
        _("Laporan dikoreksi"), _("%(pelaku)s membuka koreksi laporan %(objek)s")
    ),
    "realisasi.verify_bulk": A(
        _("Laporan diverifikasi massal"), _("%(pelaku)s memverifikasi laporan %(objek)s")
    ),
    "realisasi.import": A(_("Laporan diimpor"), _("%(pelaku)s mengimpor laporan %(objek)s")),
    "realisasi.workbook_import": A(
        _("Buku kerja laporan diimpor"),
        _("%(pelaku)s mengimpor buku kerja laporan %(objek)s"),
    ),
    "realisasi.import_ditolak": A(
        _("Impor laporan ditolak"), _("Impor laporan %(objek)s oleh %(pelaku)s ditolak")
    ),
    "realisasi_indikator.create": A(
        _("Capaian indikator diisi"), _("%(pelaku)s mengisi capaian indikator %(objek)s")
    ),
    "realisasi_indikator.update": A(
        _("Capaian indikator diubah"), _("%(pelaku)s mengubah capaian indikator %(objek)s")
    ),
    "realisasi_indikator.import": A(
        _("Capaian indikator diimpor"), _("%(pelaku)s mengimpor capaian indikator %(objek)s")
    ),
    "bukti.create": A(_("Bukti diunggah"), _("%(pelaku)s mengunggah bukti %(objek)s")),
    "bukti.delete": A(_("Bukti dihapus"), _("%(pelaku)s menghapus bukti %(objek)s")),
    "notifikasi.send": A(_("Notifikasi dikirim"), _("%(pelaku)s mengirim notifikasi %(objek)s")),
    "notifikasi.read": A(_("Notifikasi dibaca"), _("%(pelaku)s membaca notifikasi %(objek)s")),
    # Satu Data
    "dataset.create": A(_("Dataset dibuat"), _("%(pelaku)s membuat dataset %(objek)s")),
    "dataset.update": A(_("Dataset diubah"), _("%(pelaku)s mengubah dataset %(objek)s")),
    "dataset.submit": A(
        _("Dataset diajukan"), _("%(pelaku)s mengajukan dataset %(objek)s ke walidata")
    ),
    "dataset.return": A(_("Dataset dikembalikan"), _("%(pelaku)s mengembalikan dataset %(objek)s")),
    "dataset.publish": A(_("Dataset diterbitkan"), _("%(pelaku)s menerbitkan dataset %(objek)s")),
    "dataset.withdraw": A(_("Dataset ditarik"), _("%(pelaku)s menarik dataset %(objek)s")),
    "dataset.refresh": A(
        _("Dataset diperbarui"), _("%(pelaku)s memperbarui isi dataset %(objek)s")
    ),
    "dataset.topik": A(_("Topik dataset diubah"), _("%(pelaku)s mengubah topik dataset %(objek)s")),
    "dataset.skema": A(_("Skema dataset diubah"), _("%(pelaku)s mengubah skema dataset %(objek)s")),
    "dataset.skema.reset": A(
        _("Skema dataset diatur ulang"), _("%(pelaku)s mengatur ulang skema dataset %(objek)s")
    ),
    "dataset.versi": A(
        _("Versi dataset ditambahkan"), _("%(pelaku)s menambahkan versi dataset %(objek)s")
    ),
    "dataset.versi.judul": A(
        _("Judul versi dataset diubah"), _("%(pelaku)s mengubah judul versi dataset %(objek)s")
    ),
}

# Families written by generic code; `%(jenis)s` is the object type's name.
POLA: dict[str, A] = {
    "*.klasifikasi": A(
        _("Klasifikasi informasi diubah"),
        _("%(pelaku)s mengubah klasifikasi %(jenis)s %(objek)s"),
    ),
    "*.create.admin": A(
        _("Dibuat di halaman admin"), _("%(pelaku)s membuat %(jenis)s %(objek)s di halaman admin")
    ),
    "*.update.admin": A(
        _("Diubah di halaman admin"), _("%(pelaku)s mengubah %(jenis)s %(objek)s di halaman admin")
    ),
    "*.delete.admin": A(
        _("Dihapus di halaman admin"),
        _("%(pelaku)s menghapus %(jenis)s %(objek)s di halaman admin"),
    ),
}

PERAN_SINGKAT = {
    Role.PIMPINAN: _("Pimpinan"),
    Role.ADMIN: _("Admin"),
    Role.VERIFIKATOR: _("Verifikator"),
    Role.KEPALA_OPD: _("Kepala OPD"),
    Role.OPERATOR_OPD: _("Operator"),
    Role.AUDITOR: _("Auditor"),
}


def entry_for(code: str) -> A | None:
    """The registry entry of an action code (exact first, then a family), None when unknown."""
    if code in AKSI:
        return AKSI[code]
    for pattern, entry in POLA.items():
        if fnmatchcase(code, pattern):
            return entry
    return None


def action_label(code: str) -> str:
    entry = entry_for(code)
    return str(entry.label) if entry else code


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every registered action, sorted by label, for the filter."""
    return sorted(((code, str(a.label)) for code, a in AKSI.items()), key=lambda c: c[1].lower())


def type_label(object_type: str) -> str:
    """The verbose name of a model label (`planning.subkegiatan` -> "sub kegiatan")."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type.rsplit(".", 1)[-1].replace("_", " ")


def pelaku_text(actor_label: str, role: str | None) -> str:
    if actor_label == "sistem":
        return _g("Sistem")
    peran = PERAN_SINGKAT.get(role) if role else None
    return f"{peran} {actor_label}" if peran else actor_label


def describe(event, role: str | None = None) -> str:
    """One sentence saying what happened, in the active language."""
    pelaku = pelaku_text(event.actor_label, role)
    objek = event.object_repr or event.object_id or type_label(event.object_type)
    entry = entry_for(event.action)
    if entry is None:
        return _g("%(pelaku)s mencatat %(aksi)s pada %(objek)s") % {
            "pelaku": pelaku,
            "aksi": event.action,
            "objek": objek,
        }
    text = str(entry.kalimat) % {
        "pelaku": pelaku,
        "objek": objek,
        "jenis": type_label(event.object_type),
    }
    return text[:1].upper() + text[1:]
