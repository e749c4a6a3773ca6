"""Reads of the open-data management screens (signed-in users): scoped like every other read.
OPD roles see their own OPD's datasets; pemda-wide roles see every dataset of their pemda;
reads of a `rahasia` dataset are audited."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from pantau.audit.services import audit_rahasia_list, audit_rahasia_read, rahasia_visible_q
from pantau.opendata.models import Dataset
from pantau.organisations.access import scope_for


def datasets_for(*, user, status: str | None = None):
    """Datasets the user may manage or read; `rahasia` ones only for leadership, the Walidata,
    the Inspektorat and the producing OPD."""
    scope = scope_for(user)
    qs = Dataset.objects.filter(Q(pemda_id__in=scope.pemda_ids) | Q(opd_id__in=scope.opd_ids))
    qs = qs.filter(rahasia_visible_q(user))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("opd", "versi_terbit").order_by("status", "judul")


def dataset_list(*, user, status: str | None = None) -> list[Dataset]:
    """The management list: the datasets of `datasets_for`, the rahasia titles it shows audited."""
    rows = list(datasets_for(user=user, status=status))
    audit_rahasia_list(user=user, objs=rows, where="daftar dataset")
    return rows


def dataset_for(*, user, pk: int) -> Dataset:
    ds = datasets_for(user=user).select_related("opd__pemda").filter(pk=pk).first()
    if ds is None:
        raise Http404
    audit_rahasia_read(user=user, obj=ds, where="kelola dataset")
    return ds


def versions(ds: Dataset):
    return ds.versi.select_related("diunggah_oleh").order_by("-nomor")


def preview(versi, limit: int = 10) -> list[list]:
    names = versi.kolom
    return [[row.data.get(n) for n in names] for row in versi.baris.order_by("nomor")[:limit]]


def history(ds: Dataset):
    return ds.publikasi.select_related("versi", "oleh").order_by("-created_at", "-pk")
