"""Every backup, verification and restore run (issue 13 §1–3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BackupRun(models.Model):
    class Kind(models.TextChoices):
        BACKUP = "backup", _("cadangan")
        VERIFY = "verify", _("uji pulih")
        RESTORE = "restore", _("pemulihan")

    class Status(models.TextChoices):
        RUNNING = "running", _("berjalan")
        OK = "ok", _("berhasil")
        FAILED = "failed", _("gagal")

    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    started = models.DateTimeField(_("mulai"))
    finished = models.DateTimeField(_("selesai"), null=True, blank=True)
    reason = models.TextField(_("alasan"), blank=True)
    # the backup file's name (the same in every target) and, per target, what was written:
    # [{"target": 1, "name": ..., "size": ..., "sha256": ..., "ok": true, "error": ""}]
    name = models.CharField(_("nama berkas"), max_length=100, blank=True, db_index=True)
    files = models.JSONField(_("berkas per tujuan"), default=list, blank=True)
    size = models.BigIntegerField(_("ukuran"), null=True, blank=True)
    manifest_sha256 = models.CharField(_("checksum manifes"), max_length=64, blank=True)
    schema_version = models.JSONField(_("versi skema"), default=dict, blank=True)
    audit_heads = models.JSONField(_("kepala rantai audit"), default=dict, blank=True)
    engine = models.CharField(_("mesin basis data"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("proses cadangan")
        verbose_name_plural = _("proses cadangan")
        ordering = ["-started", "-id"]
        indexes = [models.Index(fields=["kind", "status", "-started"], name="backup_run_latest")]

    def __str__(self) -> str:
        return f"{self.kind} {self.name or self.pk} {self.status}"
