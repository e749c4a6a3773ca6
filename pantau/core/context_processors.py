from django.conf import settings
from django.utils.translation import gettext


def pantau(request):
    from pantau.organisations.access import scope_for

    user = getattr(request, "user", None)
    scope = scope_for(user) if user is not None else None
    unread = 0
    if user is not None and user.is_authenticated:
        from pantau.notifications.selectors import unread_count

        unread = unread_count(user=user)
    roles = set(scope.roles.values()) if scope else set()
    return {
        "offline_texts": {
            "title": gettext("Antrean luring: %(n)s laporan di ponsel ini"),
            "waiting": gettext("menunggu sambungan"),
            "failed": gettext("ditolak server"),
            "discard": gettext("buang"),
            "sendNow": gettext("Kirim sekarang"),
            "queued": gettext(
                "Tidak ada sambungan: laporan disimpan di ponsel dan akan dikirim otomatis."
            ),
            "queuedBehind": gettext(
                "Laporan disimpan di ponsel dan dikirim sesudah versi sebelumnya yang masih "
                "di antrean."
            ),
            "refused": gettext("ditolak server (kode %(s)s)"),
            "login": gettext("Sesi Anda berakhir: masuk lagi agar antrean terkirim."),
            "storeFailed": gettext("Laporan tidak dapat disimpan di ponsel:"),
            "empty": gettext("Tidak ada laporan di antrean ponsel ini."),
            "needsConnection": gettext(
                "Perlu sambungan internet: tindakan ini belum dikirim. Coba lagi saat tersambung."
            ),
            "signOutOffline": gettext(
                "Perlu sambungan internet untuk keluar. Halaman yang tersimpan sudah dihapus dari "
                "ponsel ini."
            ),
            "savedAt": gettext("disimpan"),
            "copy": gettext(
                "Anda luring: halaman ini tampil seperti terakhir dimuat; angka terbaru tampil "
                "saat tersambung."
            ),
        },
        "PANTAU_DEBUG": settings.DEBUG,
        "user_roles": sorted(roles),
        "unread_notifications": unread,
        "is_opd_user": bool(roles & {"operator_opd", "kepala_opd"}),
        "is_reviewer": bool(roles & {"verifikator", "admin", "pimpinan", "auditor"}),
        "can_classify": bool(roles & {"verifikator", "admin"}),
    }
