"""Progress per OPD and the OPD's plan tree, read from the roll-up tables (the OPD pages and the
home page). Scoped like every selector; a fixed number of queries whatever the plan's size."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from pantau.evaluation.choices import Dasar
from pantau.evaluation.models import RingkasanOpd, RingkasanSubKegiatan
from pantau.evaluation.progress import Progress, from_opd_row, from_sub_row, total
from pantau.organisations.access import scope_for
from pantau.organisations.models import Opd
from pantau.planning.models import Kegiatan, Program, SubKegiatan, TahunAnggaran


def opd_progress(
    *, user, tahun_anggaran: TahunAnggaran, bulan: int, dasar: str = Dasar.TERVERIFIKASI
) -> dict[int, Progress]:
    """Progress per visible OPD of the pemda for the year up to `bulan` on one basis (verified
    by default), read from the roll-up table (one query, whatever the number of reports); for
    a user who may not read every rahasia sub kegiatan, without them (evaluation.terbaca)."""
    from pantau.evaluation.kelompok import SEMUA, opd_angka
    from pantau.evaluation.terbaca import saring_sub

    scope = scope_for(user)
    if tahun_anggaran.pemda_id in scope.pemda_ids:
        saring = saring_sub(user, tahun_anggaran.pemda_id)
        if saring is not None:  # a pemda-wide role that may not read rahasia: sums without
            figures = opd_angka(tahun_anggaran, bulan, SEMUA, dasar, saring)
            return {opd_id: f.progress for opd_id, f in figures.items()}
    rows = RingkasanOpd.objects.filter(
        tahun_anggaran=tahun_anggaran, dasar=dasar, bulan=bulan
    ).filter(Q(pemda_id__in=scope.pemda_ids) | Q(opd_id__in=scope.opd_ids))
    return {row.opd_id: from_opd_row(row) for row in rows}


@dataclass
class Node:
    obj: object
    progress: Progress
    children: list[Node] = field(default_factory=list)


def plan_tree_for_opd(
    *,
    user,
    opd: Opd,
    tahun_anggaran: TahunAnggaran,
    bulan: int,
    dasar: str = Dasar.TERVERIFIKASI,
) -> list[Node]:
    """The OPD's program → kegiatan → sub kegiatan tree with progress up to `bulan` on one
    basis (verified by default).

    A fixed number of queries whatever the size of the plan.
    """
    if not scope_for(user).can_read_opd(opd) or tahun_anggaran.pemda_id != opd.pemda_id:
        raise Http404
    programs = list(Program.objects.filter(opd=opd, tahun_anggaran=tahun_anggaran).order_by("kode"))
    kegiatan = list(Kegiatan.objects.filter(program__in=programs).order_by("kode"))
    from pantau.organisations.rahasia import audit_rahasia_list, rahasia_visible_q

    subs = (
        SubKegiatan.objects.filter(opd=opd, tahun_anggaran=tahun_anggaran)
        .filter(rahasia_visible_q(user))
        .select_related("kecamatan", "sumber_dana")
        .order_by("kode")
    )
    rows = {
        r.sub_kegiatan_id: r
        for r in RingkasanSubKegiatan.objects.filter(
            opd=opd, tahun_anggaran=tahun_anggaran, dasar=dasar, bulan=bulan
        )
    }
    subs = list(subs)
    audit_rahasia_list(user=user, objs=subs, where="pohon kinerja OPD")
    sub_nodes: dict[int, list[Node]] = {}
    for sub in subs:
        row = rows.get(sub.pk)
        progress = from_sub_row(row) if row else Progress(jumlah_sub=1)
        node = Node(sub, progress)
        node.status_fisik = row.status_fisik if row else ""
        sub_nodes.setdefault(sub.kegiatan_id, []).append(node)
    keg_nodes: dict[int, list[Node]] = {}
    for keg in kegiatan:
        children = sub_nodes.get(keg.id, [])
        keg_nodes.setdefault(keg.program_id, []).append(
            Node(keg, total(c.progress for c in children), children)
        )
    tree = []
    for program in programs:
        children = keg_nodes.get(program.id, [])
        tree.append(Node(program, total(c.progress for c in children), children))
    return tree
