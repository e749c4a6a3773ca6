"""The audit trail: one row per change, written in the same transaction as the change.

The rows of one pemda (and the rows without a pemda) form a hash chain (`pantau.audit.chain`,
decision 0030); the database refuses UPDATE and DELETE on them (triggers, migration 0005) and so
does the ORM (`AuditEventQuerySet`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditImmutableError(Exception):
    """Audit events are appended, never changed or removed."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError("audit events cannot be updated")

    def delete(self):
        raise AuditImmutableError("audit events cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutableError("audit events cannot be updated")

    # QuerySet.update_or_create / get_or_create go through update()/create(); no other path.


class AuditEvent(models.Model):
    # Set explicitly by the writer (pantau.audit.chain) so the hash covers what is stored.
    at = models.DateTimeField(_("waktu"), db_index=True)
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
    # The hash chain: "pemda:<id>" or "sistem", the event's place in it, the previous event's
    # hash ("" for the first) and this event's own SHA-256 (pantau.audit.chain.event_hash).
    chain = models.CharField(_("rantai"), max_length=32)
    seq = models.PositiveBigIntegerField(_("urutan"))
    prev_hash = models.CharField(_("hash sebelumnya"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEventQuerySet.as_manager()

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
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "seq"],
                name="audit_rantai_urutan_unik",
                violation_error_message=_("Satu urutan hanya satu kali dalam satu rantai."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AuditImmutableError("audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("audit events cannot be deleted")


class AuditChainHead(models.Model):
    """The last event of each chain: the row an appender locks (`select_for_update`) so two
    transactions never take the same place in a chain. Created on demand."""

    chain = models.CharField(_("rantai"), max_length=32, unique=True)
    seq = models.PositiveBigIntegerField(_("urutan"), default=0)
    hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("kepala rantai audit")
        verbose_name_plural = _("kepala rantai audit")

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq}"
