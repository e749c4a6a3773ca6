from django.conf import settings
from django.utils.translation import gettext


def pantau(request):
    """What every page needs and no domain owns: the offline queue's texts and DEBUG. The user's
    roles come from `organisations.context_processors.roles`, the unread notices from
    `notifications.context_processors.unread` (decision 0018)."""
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
                "Perlu sambungan internet untuk keluar: Anda masih masuk. Halaman yang tersimpan "
                "sudah dihapus dari ponsel ini; coba lagi saat tersambung."
            ),
            "signingOut": gettext("Sedang keluar…"),
            "savedAt": gettext("disimpan"),
            "copy": gettext(
                "Anda luring: halaman ini tampil seperti terakhir dimuat; angka terbaru tampil "
                "saat tersambung."
            ),
        },
        "PANTAU_DEBUG": settings.DEBUG,
    }
