"""Reads of the plan, scoped to the requesting user (tenancy and OPD scope)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from pantau.organisations.access import scope_for
from pantau.organisations.models import Pemda
from pantau.planning.models import SubKegiatan, TahunAnggaran


def today_in(pemda: Pemda) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(pemda.zona_waktu)).date()


def tahun_anggaran_list(*, user, pemda: Pemda) -> QuerySet[TahunAnggaran]:
    if pemda.id not in scope_for(user).roles:
        return TahunAnggaran.objects.none()
    return TahunAnggaran.objects.filter(pemda=pemda).order_by("-tahun")


def tahun_anggaran_pick(*, user, pemda: Pemda, tahun: int | str | None) -> TahunAnggaran | None:
    """The requested year, else the current year in the pemda's time zone, else the latest."""
    years = list(tahun_anggaran_list(user=user, pemda=pemda))
    if not years:
        return None
    wanted = str(tahun) if tahun else str(today_in(pemda).year)
    return next((y for y in years if str(y.tahun) == wanted), years[0])


def sub_kegiatan_visible(*, user) -> QuerySet[SubKegiatan]:
    scope = scope_for(user)
    return SubKegiatan.objects.filter(Q(pemda_id__in=scope.pemda_ids) | Q(opd_id__in=scope.opd_ids))


def plan_subs_for_opd(*, user, opd, tahun_anggaran: TahunAnggaran) -> QuerySet[SubKegiatan]:
    """The sub kegiatan of one OPD's plan for a year (with kegiatan and program), in scope."""
    from pantau.organisations.rahasia import rahasia_visible_q

    return (
        sub_kegiatan_visible(user=user)
        .filter(opd=opd, tahun_anggaran=tahun_anggaran)
        .filter(rahasia_visible_q(user))
        .select_related("kegiatan__program", "sumber_dana", "tahun_anggaran")
        .order_by("kegiatan__program__kode", "kegiatan__kode", "kode")
    )


def access_sub_kegiatan_in_plan(*, user, opd, tahun_anggaran: TahunAnggaran, pk: int):
    from django.http import Http404

    sub = plan_subs_for_opd(user=user, opd=opd, tahun_anggaran=tahun_anggaran).filter(pk=pk).first()
    if sub is None:
        raise Http404
    return sub


def rencana_rows(*, sub: SubKegiatan, tahap: str) -> list:
    from pantau.planning.models import RencanaBulanan

    return list(RencanaBulanan.objects.filter(sub_kegiatan=sub, tahap=tahap).order_by("bulan"))


def dokumen_list(*, opd, tahun_anggaran: TahunAnggaran):
    """The versions of an OPD's plan for a year (callers have checked access to the OPD)."""
    from pantau.planning.models import DokumenRencana

    return list(
        DokumenRencana.objects.filter(opd=opd, tahun_anggaran=tahun_anggaran).order_by("-versi")
    )


def sumber_dana_list():
    from pantau.planning.models import SumberDana

    return list(SumberDana.objects.order_by("kode"))


def sumber_rinci_rows(*, sub: SubKegiatan, tahap: str) -> list:
    from pantau.planning.models import SumberDanaSubKegiatan

    return list(
        SumberDanaSubKegiatan.objects.filter(sub_kegiatan=sub, tahap=tahap).select_related(
            "sumber_dana"
        )
    )


def wilayah_choices(*, pemda: Pemda) -> list:
    """The pemda's kecamatan, each with its desa/kelurahan, for the location of a sub kegiatan."""
    from pantau.organisations.choices import TingkatWilayah
    from pantau.organisations.models import Wilayah

    rows = Wilayah.objects.filter(
        pemda=pemda, tingkat__in=[TingkatWilayah.KECAMATAN, TingkatWilayah.DESA_KELURAHAN]
    ).order_by("kode")
    kecamatan: dict = {}
    desa = []
    for w in rows:
        if w.tingkat == TingkatWilayah.KECAMATAN:
            kecamatan[w.pk] = {"obj": w, "desa": []}
        else:
            desa.append(w)
    for d in desa:
        if d.induk_id in kecamatan:
            kecamatan[d.induk_id]["desa"].append(d)
    return list(kecamatan.values())


def plan_tree(*, user, opd, tahun_anggaran: TahunAnggaran) -> list:
    """Programs of the OPD and year with their kegiatan and sub kegiatan (empty ones too); the
    indicators of programs and kegiatan the user may read in `indikator_list`."""
    from django.db.models import Prefetch

    from pantau.organisations.rahasia import rahasia_visible_q
    from pantau.planning.models import Indikator, Kegiatan, Program

    scope = scope_for(user)
    if not scope.can_read_opd(opd):
        return []
    subs = (
        SubKegiatan.objects.filter(rahasia_visible_q(user))
        .select_related("tahun_anggaran", "sumber_dana")
        .order_by("kode")
    )
    indikator = Indikator.objects.filter(rahasia_visible_q(user)).order_by("id")
    kegiatan = Kegiatan.objects.order_by("kode").prefetch_related(
        Prefetch("sub_kegiatan_set", queryset=subs),
        Prefetch("indikator_set", queryset=indikator, to_attr="indikator_list"),
    )
    return list(
        Program.objects.filter(opd=opd, tahun_anggaran=tahun_anggaran)
        .order_by("kode")
        .prefetch_related(
            Prefetch("kegiatan_set", queryset=kegiatan),
            Prefetch("indikator_set", queryset=indikator, to_attr="indikator_list"),
        )
    )


def nomenklatur_search(
    *, tahun: int, tingkat: str, induk_kode: str = "", q: str = "", exclude=(), bidang=()
):
    """Up to 20 nomenclature rows of the year and level, under the parent code, matching the
    words of `q` in code or name; codes already in the plan left out; when `bidang` is given
    (the OPD's bidang urusan, `validation.opd_bidang_urusan`), only codes under one of them."""
    from pantau.planning.models import Nomenklatur

    qs = Nomenklatur.objects.filter(tahun=tahun, tingkat=tingkat).exclude(kode__in=list(exclude))
    if bidang:
        under = Q()
        for b in bidang:
            under |= Q(kode__startswith=f"{b}.")
        qs = qs.filter(under)
    if induk_kode:
        qs = qs.filter(kode__startswith=f"{induk_kode}.")
    for word in q.split()[:5]:
        qs = qs.filter(Q(kode__startswith=word) | Q(nama__icontains=word))
    return list(qs.order_by("kode")[:20])


def indikator_for_sub(*, user, sub: SubKegiatan) -> list:
    """The indicators of a sub kegiatan the caller has reached through access checks, without
    the `rahasia` ones the user may not read."""
    return indikator_for_induk(user=user, induk=sub)


def indikator_for_induk(*, user, induk) -> list:
    """The indicators of a program, kegiatan or sub kegiatan the caller has reached through
    access checks (`plan_tree`, `access_sub_kegiatan_in_plan`), without the `rahasia` ones the
    user may not read."""
    from pantau.organisations.rahasia import rahasia_visible_q
    from pantau.planning.models import Indikator, Kegiatan, Program

    field = (
        "program"
        if isinstance(induk, Program)
        else "kegiatan"
        if isinstance(induk, Kegiatan)
        else "sub_kegiatan"
    )
    return list(
        Indikator.objects.filter(**{field: induk}).filter(rahasia_visible_q(user)).order_by("id")
    )


def content_visible_to(*, user, opd, content: dict | None) -> dict | None:
    """A plan snapshot without the `rahasia` sub kegiatan (and indicators) the user may not
    read: the difference never shows what the tree would hide."""
    from pantau.organisations.rahasia import rahasia_readers

    if content is None or rahasia_readers(user, opd.pemda_id) or opd.pk in scope_for(user).opd_ids:
        return content
    subs = {}
    for key, sub in content["subs"].items():
        if sub.get("klasifikasi") == "rahasia":
            continue
        indikator = {
            k: v for k, v in sub.get("indikator", {}).items() if v.get("klasifikasi") != "rahasia"
        }
        subs[key] = {**sub, "indikator": indikator}
    return {**content, "subs": subs}


def sub_kegiatan_count(*, tahun_anggaran: TahunAnggaran, opds) -> int:
    """How many sub kegiatan of these OPDs a plan file of the year holds (its download record
    carries the figure; the OPDs come from `importable_opds`, already the user's scope)."""
    return SubKegiatan.objects.filter(tahun_anggaran=tahun_anggaran, opd__in=opds).count()
