"""The demo's Renstra data (decision 0038): per OPD with a plan, a five-year Renstra period that
begins the year before the demo's first year, two sasaran (administration and the OPD's own
affairs), the sasaran each program serves, and for the program and kegiatan indicators of the
last two demo years a Renstra target (K, Rp) with the realisation of the earlier years of the
period. Deterministic: every figure comes from a generator seeded by OPD and year."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from pantau.organisations.models import Opd
from pantau.planning.models import Indikator, Program, SubKegiatan, TahunAnggaran
from pantau.planning.services_renstra import (
    periode_renstra_create,
    program_sasaran_set_many,
    renstra_indikator_set_many,
    sasaran_create,
)

LENGTH = 5  # a Renstra PD runs five years


def _round(value: Decimal, places: str = "1") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _factor(rng: random.Random, lo: str, hi: str) -> Decimal:
    """A factor between lo and hi in steps of 0.01, as a Decimal (never a float)."""
    low, high = int(Decimal(lo) * 100), int(Decimal(hi) * 100)
    return Decimal(rng.randint(low, high)) / 100


def demo_renstra(*, seed: int, years: list[int], opds: list[Opd]) -> int:
    """Fill the Renstra data of the demo; returns how many indicators received a target."""
    first = years[0] - 1
    done = 0
    for opd in opds:
        tas = list(TahunAnggaran.objects.filter(pemda_id=opd.pemda_id, tahun__in=years))
        if not Program.objects.filter(opd=opd, tahun_anggaran__in=tas).exists():
            continue
        periode = periode_renstra_create(
            actor=None, opd=opd, tahun_awal=first, tahun_akhir=first + LENGTH - 1
        )
        admin = sasaran_create(
            actor=None,
            periode=periode,
            kode="S1",
            uraian=f"Meningkatnya akuntabilitas kinerja dan tata kelola {opd.singkatan}",
            indikator="Nilai evaluasi SAKIP perangkat daerah",
        )
        urusan = sasaran_create(
            actor=None,
            periode=periode,
            kode="S2",
            uraian=f"Meningkatnya capaian urusan yang menjadi kewenangan {opd.nama}",
            indikator="Persentase capaian indikator kinerja utama perangkat daerah",
        )
        for ta in sorted(tas, key=lambda t: t.tahun):
            programs = list(Program.objects.filter(opd=opd, tahun_anggaran=ta).order_by("kode"))
            links = {}
            for n, program in enumerate(programs):
                penunjang = program.kode.split(".")[2] == "01"
                # the first substantive program also carries the OPD's accountability
                links[program.pk] = (
                    [admin] if penunjang else [admin, urusan] if n == 1 else [urusan]
                )
            program_sasaran_set_many(actor=None, opd=opd, tahun_anggaran=ta, links=links)
            if ta.tahun >= years[-2]:
                rng = random.Random(f"{seed}-renstra-{opd.kode}-{ta.tahun}")  # nosec B311
                done += _targets(rng, opd, ta, first)
    return done


def _pagu(opd: Opd, ta: TahunAnggaran) -> tuple[dict, dict]:
    """The year's pagu per program and per kegiatan (murni), from the plan."""
    subs = SubKegiatan.objects.filter(opd=opd, tahun_anggaran=ta)
    per_program = dict(
        subs.values("kegiatan__program_id")
        .annotate(t=Sum("pagu_murni"))
        .values_list("kegiatan__program_id", "t")
    )
    per_kegiatan = dict(
        subs.values("kegiatan_id").annotate(t=Sum("pagu_murni")).values_list("kegiatan_id", "t")
    )
    return per_program, per_kegiatan


def _targets(rng: random.Random, opd: Opd, ta: TahunAnggaran, first: int) -> int:
    per_program, per_kegiatan = _pagu(opd, ta)
    indicators = Indikator.objects.filter(
        opd=opd, tahun_anggaran=ta, sub_kegiatan__isnull=True
    ).order_by("id")
    values = {}
    for ind in indicators:
        pagu = (
            per_program.get(ind.program_id) if ind.program_id else per_kegiatan.get(ind.kegiatan_id)
        ) or Decimal(0)
        additive = ind.rumus == 1
        yearly = ind.target_tahunan
        # additive: the period's total; a level or percentage: the value aimed at in the end
        target_k = yearly * LENGTH if additive else min(yearly + rng.randint(1, 5), Decimal(100))
        target_rp = _round(pagu * LENGTH * _factor(rng, "0.95", "1.15"), "1000")
        realisasi = {}
        for year in range(first, ta.tahun):
            k = yearly * _factor(rng, "0.75", "1.00")
            rp = _round(pagu * _factor(rng, "0.82", "0.97"), "1000")
            realisasi[year] = (_round(k, "0.01"), rp)
        values[ind.pk] = (_round(target_k, "0.01"), target_rp, realisasi)
    return renstra_indikator_set_many(actor=None, opd=opd, tahun_anggaran=ta, values=values)
