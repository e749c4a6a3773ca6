"""Reads of an OPD's Renstra data (decision 0038), scoped to the requesting user: the Renstra
period of a plan year, its sasaran, and per program/kegiatan indicator of the plan the Renstra
target and the realisation of earlier years, with the sasaran its program serves. Formulir E.81
reads its columns 2, 5 and 6 from `renstra_rows`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from pantau.organisations.access import scope_for
from pantau.organisations.rahasia import rahasia_visible_q
from pantau.planning.models import (
    Indikator,
    PeriodeRenstra,
    Program,
    ProgramSasaran,
    RealisasiRenstra,
    Sasaran,
    TahunAnggaran,
    TargetRenstra,
)


def periode_renstra_for(*, user, opd, tahun: int) -> PeriodeRenstra | None:
    """The OPD's Renstra period containing the year, when the user may read the OPD."""
    if not scope_for(user).can_read_opd(opd):
        return None
    return PeriodeRenstra.objects.filter(
        pemda_id=opd.pemda_id, opd=opd, tahun_awal__lte=tahun, tahun_akhir__gte=tahun
    ).first()


def periode_renstra_list(*, user, opd) -> list[PeriodeRenstra]:
    if not scope_for(user).can_read_opd(opd):
        return []
    return list(PeriodeRenstra.objects.filter(pemda_id=opd.pemda_id, opd=opd))


def sasaran_list(*, user, periode: PeriodeRenstra | None) -> list[Sasaran]:
    """The sasaran of a period (reached through `periode_renstra_for`), in code order."""
    if periode is None or not scope_for(user).can_read_opd(periode.opd):
        return []
    return list(Sasaran.objects.filter(pemda_id=periode.pemda_id, periode=periode).order_by("kode"))


@dataclass
class RenstraRow:
    """One program or kegiatan indicator of the plan year with its Renstra data: E.81's row.

    `realisasi` holds the earlier years of the period in year order (empty: none recorded);
    `sasaran` the sasaran of the row's program (of a kegiatan: its program's)."""

    indikator: Indikator
    program: Program
    kegiatan: object | None
    sasaran: list[Sasaran]
    target: TargetRenstra | None
    realisasi: list[RealisasiRenstra] = field(default_factory=list)

    @property
    def tingkat(self) -> str:
        return "program" if self.kegiatan is None else "kegiatan"

    def realisasi_tahun(self, tahun: int) -> RealisasiRenstra | None:
        return next((r for r in self.realisasi if r.tahun == tahun), None)


def renstra_rows(*, user, opd, tahun_anggaran: TahunAnggaran) -> list[RenstraRow]:
    """Every program and kegiatan indicator of the OPD's plan for the year the user may read
    (rahasia rule applied), by program code, then the program's own indicators before its
    kegiatan's, each with its Renstra target, earlier years and sasaran. A fixed number of
    queries whatever the size of the plan."""
    if not scope_for(user).can_read_opd(opd) or opd.pemda_id != tahun_anggaran.pemda_id:
        return []
    indikator = (
        Indikator.objects.filter(rahasia_visible_q(user))
        .select_related("target_renstra")
        .prefetch_related(
            Prefetch("realisasi_renstra", queryset=RealisasiRenstra.objects.order_by("tahun"))
        )
        .order_by("id")
    )
    links = ProgramSasaran.objects.select_related("sasaran").order_by("sasaran__kode")
    programs = (
        Program.objects.filter(pemda_id=opd.pemda_id, opd=opd, tahun_anggaran=tahun_anggaran)
        .order_by("kode")
        .prefetch_related(
            Prefetch("indikator_set", queryset=indikator, to_attr="indikator_list"),
            Prefetch("sasaran_links", queryset=links, to_attr="link_list"),
            "kegiatan_set",
            Prefetch("kegiatan_set__indikator_set", queryset=indikator, to_attr="indikator_list"),
        )
    )
    rows: list[RenstraRow] = []
    for program in programs:
        sasaran = [link.sasaran for link in program.link_list]
        for kegiatan in [None, *sorted(program.kegiatan_set.all(), key=lambda k: k.kode)]:
            owner = program if kegiatan is None else kegiatan
            for ind in owner.indikator_list:
                target = getattr(ind, "target_renstra", None)
                rows.append(
                    RenstraRow(
                        indikator=ind,
                        program=program,
                        kegiatan=kegiatan,
                        sasaran=sasaran,
                        target=target,
                        realisasi=list(ind.realisasi_renstra.all()),
                    )
                )
    return rows


def renstra_program_list(*, user, opd, tahun_anggaran: TahunAnggaran) -> list[Program]:
    """The OPD's programs of the year with `link_list` (their sasaran links), in scope."""
    if not scope_for(user).can_read_opd(opd):
        return []
    links = ProgramSasaran.objects.select_related("sasaran").order_by("sasaran__kode")
    return list(
        Program.objects.filter(pemda_id=opd.pemda_id, opd=opd, tahun_anggaran=tahun_anggaran)
        .order_by("kode")
        .prefetch_related(Prefetch("sasaran_links", queryset=links, to_attr="link_list"))
    )
