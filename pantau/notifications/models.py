"""In-app notifications (e-mail copies are sent by the task queue)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pantau.core.models import TenantModel


class Notifikasi(TenantModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifikasi"
    )
    judul = models.CharField(_("judul"), max_length=200)
    isi = models.TextField(_("isi"))
    url = models.CharField(_("tautan"), max_length=300, blank=True)
    # Deduplication key (for example one reminder per user, period and day).
    kunci = models.CharField(max_length=120, null=True, blank=True, unique=True)
    dibaca_pada = models.DateTimeField(_("dibaca"), null=True, blank=True)
    email_terkirim = models.BooleanField(_("e-mail terkirim"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        indexes = [
            models.Index(fields=["user", "dibaca_pada"], name="notifikasi_user_belum_dibaca")
        ]

    def __str__(self) -> str:
        return self.judul
