"""Base models shared by every domain app. No domain logic here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True


class TenantModel(TimestampedModel):
    """A row owned by exactly one pemda (the tenant).

    High-volume tables inherit this too, so that every query, index and a later sharding by
    pemda can filter on the row's own column without a join.
    """

    pemda = models.ForeignKey(
        "organisations.Pemda",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pemda"),
        db_index=True,
    )

    class Meta:
        abstract = True
