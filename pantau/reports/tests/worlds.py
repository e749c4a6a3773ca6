"""The fixed dataset of the golden tests, built with the services (as conftest's worlds).

Pemda A, OPD Dinkes, 2026, s.d. Februari (domain.md §7's example, 600/300/100 jt):
  A 1.02.02.2.01.0001 pagu 600 jt, plan: kas 50 jt a month, target fisik 8 % a month
      Jan: Rp 100 jt, fisik 20 %; Feb: Rp 80 jt, fisik 50 %      (verified)
  B 1.02.02.2.01.0002 pagu 300 jt, no plan
      Feb: Rp 150 jt, fisik 80 %                                 (verified)
  C 1.02.02.2.01.0003 pagu 100 jt, no plan
      Jan: Rp 100 jt, fisik 100 %; no February report            (verified)
  D an unverified (submitted only) report of B in March: counts nowhere on the official basis.
"""

from __future__ import annotations

from decimal import Decimal

from conftest import verified

JT = Decimal(1_000_000)


def golden(world):
    from pantau.planning.services import sub_kegiatan_create

    a = world.a
    a.sub3 = sub_kegiatan_create(
        actor=None, kegiatan=a.kegiatan, kode="1.02.02.2.01.0003", pagu_murni=100 * JT
    )
    verified(a, a.sub, 1, 100 * JT, 20)
    verified(a, a.sub, 2, 80 * JT, 50)
    verified(a, a.sub2, 2, 150 * JT, 80)
    verified(a, a.sub3, 1, 100 * JT, 100)
    return a


# ---------------------------------------------------------------- Formulir E.81
#
# Pemda A (seat Wangi-Wangi), OPD Dinkes (kepala dr. Wa Ode Sitti, NIP 197501012000032001),
# Bappeda (badan, bidang 5.01, kepala La Ode Amir, NIP 196801011990031002), 2026, Renstra
# 2025–2029 with sasaran S1 served by program 1.02.02. Reports (verified, Rp spent that month):
#   A (600 jt): Feb 100 jt, Mar 50 jt, Jun 150 jt      → s.d. TW I 150 jt, s.d. TW II 300 jt
#   B (300 jt): Mar 60 jt, Jun 60 jt (kendala, tindak lanjut) → s.d. TW I 60, s.d. TW II 120
#   program/kegiatan (A + B, 900 jt): s.d. TW I 210 jt, s.d. TW II 420 jt
# Indicators (value in March, June):
#   1 program, tren positif "Jumlah pasien dilayani" (orang), target 1200; 200, 350;
#     Renstra 6000 / Rp 5.000 jt; 2025: 1900 / Rp 1.500 jt
#   2 program, tren negatif "Prevalensi stunting" (%), target 20; 24, 22;
#     Renstra 14 / Rp 2.000 jt; 2025: 24 (no Rp)
#   3 kegiatan, persentase "Cakupan layanan kesehatan dasar" (%), target 90; 30, 45;
#     Renstra 95 / Rp 3.000 jt; nothing recorded for 2025
#   4 kegiatan, nilai akhir "Indeks kepuasan pasien" (indeks), target 80; 70, 76; no Renstra
#   5 sub kegiatan A, tren positif "Dokumen rencana induk" (dokumen), target 0; June 2 (note)


def e81(world):
    from pantau.monitoring.services import realisasi_indikator_import
    from pantau.organisations.choices import JenisOpd
    from pantau.organisations.services import opd_create, opd_update, pemda_update
    from pantau.planning.choices import Rumus
    from pantau.planning.services import indikator_create
    from pantau.planning.services_renstra import (
        periode_renstra_create,
        program_sasaran_set,
        renstra_indikator_set,
        sasaran_create,
    )

    a = world.a
    a.pemda = pemda_update(actor=None, pemda=a.pemda, ibu_kota="Wangi-Wangi")
    a.dinkes = opd_update(
        actor=None, opd=a.dinkes, kepala_nama="dr. Wa Ode Sitti", kepala_nip="197501012000032001"
    )
    a.bappeda = opd_create(
        actor=None,
        pemda=a.pemda,
        kode="5.01.5.05.0.00.01.0000",
        nama="Badan Perencanaan Pembangunan Daerah",
        singkatan="Bappeda",
        jenis=JenisOpd.BADAN,
        bidang_urusan="5.01; 5.05",
        kepala_nama="La Ode Amir",
        kepala_nip="196801011990031002",
    )
    periode = periode_renstra_create(actor=None, opd=a.dinkes, tahun_awal=2025, tahun_akhir=2029)
    s1 = sasaran_create(
        actor=None, periode=periode, kode="S1", uraian="Meningkatnya derajat kesehatan masyarakat"
    )
    program_sasaran_set(actor=None, program=a.program, sasaran=[s1])
    verified(a, a.sub, 2, 100 * JT, 20)
    verified(a, a.sub, 3, 50 * JT, 30)
    verified(a, a.sub, 6, 150 * JT, 60)
    verified(a, a.sub2, 3, 60 * JT, 25)
    verified(
        a,
        a.sub2,
        6,
        60 * JT,
        50,
        kendala="Cuaca buruk menghambat pengiriman material",
        tindak_lanjut="Menambah tenaga kerja pada bulan Juli",
    )

    def ind(induk, nama, satuan, rumus, target):
        return indikator_create(
            actor=None, induk=induk, nama=nama, satuan=satuan, rumus=rumus, target_tahunan=target
        )

    a.i1 = ind(a.program, "Jumlah pasien dilayani", "orang", Rumus.TREN_POSITIF, 1200)
    a.i2 = ind(a.program, "Prevalensi stunting", "%", Rumus.TREN_NEGATIF, 20)
    a.i3 = ind(a.kegiatan, "Cakupan layanan kesehatan dasar", "%", Rumus.PERSENTASE, 90)
    a.i4 = ind(a.kegiatan, "Indeks kepuasan pasien", "indeks", Rumus.NILAI_AKHIR, 80)
    a.i5 = ind(a.sub, "Dokumen rencana induk", "dokumen", Rumus.TREN_POSITIF, 0)
    renstra_indikator_set(
        actor=None,
        indikator=a.i1,
        target_k="6000",
        target_rp="5000000000",
        realisasi={2025: ("1900", "1500000000")},
    )
    renstra_indikator_set(
        actor=None,
        indikator=a.i2,
        target_k="14",
        target_rp="2000000000",
        realisasi={2025: ("24", "")},
    )
    renstra_indikator_set(actor=None, indikator=a.i3, target_k="95", target_rp="3000000000")
    rows = []
    for indikator, values in (
        (a.i1, (200, 350)),
        (a.i2, (24, 22)),
        (a.i3, (30, 45)),
        (a.i4, (70, 76)),
    ):
        rows += [
            {"indikator": indikator, "bulan": bulan, "nilai": Decimal(v)}
            for bulan, v in zip((3, 6), values, strict=True)
        ]
    rows.append({"indikator": a.i5, "bulan": 6, "nilai": Decimal(2)})
    realisasi_indikator_import(actor=None, tahun_anggaran=a.ta, rows=rows)
    return a
