"""The audit trail: one row per change, written in the same transaction as the change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    # The actor's username at the time, kept when the user is renamed; "sistem" for commands.
    actor_label = models.CharField(_("label pelaku"), max_length=150)
    pemda = models.ForeignKey(
        "organisations.Pemda",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pemda"),
    )
    opd = models.ForeignKey(
        "organisations.Opd",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("OPD"),
    )
    action = models.CharField(_("aksi"), max_length=64, db_index=True)
    object_type = models.CharField(_("jenis objek"), max_length=64)
    object_id = models.CharField(_("ID objek"), max_length=64, blank=True)
    object_repr = models.CharField(_("objek"), max_length=255, blank=True)
    # {"field": [before, after]}; values are JSON (Decimals as strings). Bulk loads put a
    # summary under "_summary" instead.
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("peristiwa audit")
        verbose_name_plural = _("peristiwa audit")
        indexes = [
            models.Index(fields=["pemda", "at"], name="audit_pemda_at"),
            # the audit viewer's pages: newest first by (at, id) within a pemda, keyset cursor
            models.Index(fields=["pemda", "-at", "-id"], name="audit_pemda_at_id"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            # the open-data catalogue's change token: latest event per object type and pemda
            models.Index(fields=["object_type", "pemda", "id"], name="audit_objek_pemda"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
