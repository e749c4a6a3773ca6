"""Reads of the open-data management screens (signed-in users): scoped like every other read.
OPD roles see their own OPD's datasets; pemda-wide roles see every dataset of their pemda;
reads of a `rahasia` dataset are audited."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from pantau.monitoring.selectors import bukti_visible_q
from pantau.opendata.models import Dataset
from pantau.organisations.access import scope_for
from pantau.organisations.rahasia import audit_rahasia_list, audit_rahasia_read, rahasia_visible_q


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


def table_columns(ds: Dataset, latest=None) -> list[dict]:
    """The dataset's columns as declared (system series: as their latest version has them),
    with the type in words, for the management screens."""
    from pantau.opendata import skema

    declared = skema.fields(ds.skema) or (skema.fields(latest.skema) if latest else [])
    return [{**f, "jenis": skema.type_name(f.get("type", "string"))} for f in declared]


def skema_columns(ds: Dataset) -> list[dict]:
    """The columns the schema screen edits: the declared ones (with the waiting upload's example
    values), else the schema proposed from the waiting upload."""
    from pantau.opendata import skema

    proposal = {f["name"]: f for f in skema.fields((ds.unggahan_tertunda or {}).get("usulan"))}
    declared = skema.fields(ds.skema)
    if not declared:
        return list(proposal.values())
    out = []
    for f in declared:
        seen = proposal.get(f["name"], {})
        same = seen.get("type") == f.get("type")
        out.append(
            {
                **f,
                "contoh": seen.get("contoh", []),
                "tidak_sesuai": seen.get("tidak_sesuai", 0) if same else 0,
            }
        )
    return out


def history(ds: Dataset):
    return (
        ds.publikasi.select_related("versi", "oleh")
        .prefetch_related("oleh__memberships__opd")
        .order_by("-created_at", "-pk")
    )


# ---- classification screen (Walidata and Bappeda's verifier) ---------------------------------

KLASIFIKASI_ROLES = ("admin", "verifikator")
KLASIFIKASI_MODELS = {"sub": "planning.SubKegiatan", "indikator": "planning.Indikator"}


def klasifikasi_pemda(*, user):
    """The pemda where the user sets classification levels (Walidata or verifier), or 404."""
    from pantau.organisations.selectors import pemda_list_for_user

    scope = scope_for(user)
    pemda = next(
        (p for p in pemda_list_for_user(user=user) if scope.role_in(p.pk) in KLASIFIKASI_ROLES),
        None,
    )
    if pemda is None:
        raise Http404
    return pemda


def klasifikasi_subs(*, user, tahun_anggaran, opd_id=None, level: str = "", q: str = ""):
    """The year's sub kegiatan with their level and how many of their indicators and photos are
    public (rahasia ones only for their readers). Counts are subqueries: one query a page."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from pantau.monitoring.models import Bukti
    from pantau.planning.models import Indikator, SubKegiatan

    pemda = klasifikasi_pemda(user=user)
    if tahun_anggaran.pemda_id != pemda.pk:
        raise Http404

    def count(model, link, **filters):
        inner = (
            model.objects.filter(**{link: OuterRef("pk")}, **filters)
            # counts only what the user may see (evidence: it and its sub kegiatan)
            .filter(bukti_visible_q(user) if model is Bukti else rahasia_visible_q(user))
            .order_by()
            .values(link)
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(inner, output_field=IntegerField()), 0)

    qs = (
        SubKegiatan.objects.filter(tahun_anggaran=tahun_anggaran)
        .filter(rahasia_visible_q(user))
        .select_related("opd")
        .annotate(
            n_indikator=count(Indikator, "sub_kegiatan"),
            n_indikator_publik=count(Indikator, "sub_kegiatan", klasifikasi="publik"),
            n_foto=count(Bukti, "realisasi__sub_kegiatan", jenis="foto"),
            n_foto_publik=count(
                Bukti, "realisasi__sub_kegiatan", jenis="foto", klasifikasi="publik"
            ),
        )
        .order_by("opd__kode", "kode")
    )
    if opd_id:
        qs = qs.filter(opd_id=opd_id)
    if level:
        qs = qs.filter(klasifikasi=level)
    if q:
        qs = qs.filter(Q(nama__icontains=q) | Q(kode__startswith=q))
    return qs


def klasifikasi_halaman(*, user, rows, halaman):
    """One page (50) of the classification list; the rahasia sub kegiatan it shows are audited."""
    from django.core.paginator import Paginator

    page = Paginator(rows, 50).get_page(halaman)
    audit_rahasia_list(user=user, objs=list(page), where="daftar klasifikasi")
    return page


def klasifikasi_sub(*, user, pk: int):
    """One sub kegiatan of the classification screen with its indicators and evidence (rahasia
    items only for their readers; every rahasia item shown is recorded as read)."""
    from pantau.monitoring.models import Bukti
    from pantau.planning.models import Indikator, SubKegiatan

    pemda = klasifikasi_pemda(user=user)
    sub = (
        SubKegiatan.objects.filter(pemda=pemda, pk=pk)
        .filter(rahasia_visible_q(user))
        .select_related("opd", "tahun_anggaran", "kecamatan")
        .first()
    )
    if sub is None:
        raise Http404
    indicators = list(
        Indikator.objects.filter(sub_kegiatan=sub).filter(rahasia_visible_q(user)).order_by("pk")
    )
    evidence = list(
        Bukti.objects.filter(realisasi__sub_kegiatan=sub)
        .filter(bukti_visible_q(user))
        .select_related("realisasi__periode__tahun_anggaran")
        .order_by("-realisasi__periode__bulan", "pk")
    )
    audit_rahasia_list(user=user, objs=[sub, *indicators, *evidence], where="klasifikasi")
    return sub, indicators, evidence


def klasifikasi_item(*, user, jenis: str, pk: int):
    """The sub kegiatan, indicator or evidence a classification form changes (same scope)."""
    from pantau.monitoring.models import Bukti
    from pantau.planning.models import Indikator, SubKegiatan

    model = {"sub": SubKegiatan, "indikator": Indikator, "bukti": Bukti}.get(jenis)
    if model is None:
        raise Http404
    pemda = klasifikasi_pemda(user=user)
    qs = model.objects.filter(pemda=pemda, pk=pk)
    if jenis == "bukti":  # evidence: the one rule of monitoring.selectors.bukti_visible_q
        qs = qs.filter(bukti_visible_q(user))
    else:  # an indicator of a rahasia sub kegiatan is out of reach like the sub itself
        qs = qs.filter(rahasia_visible_q(user))
        if jenis == "indikator":
            qs = qs.filter(rahasia_visible_q(user, "sub_kegiatan__"))
    obj = qs.first()
    if obj is None:
        raise Http404
    return obj


def sub_of(obj) -> int | None:
    """The sub kegiatan a classified item belongs to (where its form returns to)."""
    name = obj._meta.model_name
    if name == "bukti":
        return obj.realisasi.sub_kegiatan_id
    if name == "indikator":
        return obj.sub_kegiatan_id
    return obj.pk
