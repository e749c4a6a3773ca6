"""Deterministic, realistic plan data for the demo: which sub kegiatan each OPD runs, budgets,
locations, monthly plans (S-curves) and indicators. Pure functions of a seeded PRNG."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "fixtures" / "data"
THOUSAND = Decimal(1000)

# Share of the APBD by OPD abbreviation (illustrative, shaped like a kabupaten budget).
OPD_SHARE = {
    "Disdik": 22,
    "Dinkes": 11,
    "RSUD": 7,
    "DPUPR": 14,
    "Setda": 6,
    "Setwan": 5,
    "BPKAD": 4,
    "Bappelitbangda": 1.6,
    "Diskominfo-SP": 1.5,
    "Dispar": 1.8,
    "DKP": 2.2,
    "Dishub": 2.0,
    "DLH": 1.5,
    "Dinsos": 1.6,
    "Disdukcapil": 1.0,
    "Satpol PP": 1.2,
    "BPBD": 1.3,
    "BKPSDM": 1.2,
    "Bapenda": 1.1,
    "Inspektorat": 1.0,
    "Kesbangpol": 0.7,
    "DPMPTSP": 0.7,
}
KECAMATAN_SHARE = 0.55
# Islands (Kepmendagri pulau codes) where each kecamatan lies, for plausible coordinates.
KECAMATAN_PULAU = {
    "74.07.01": "74.07.40124",
    "74.07.05": "74.07.40124",
    "74.07.02": "74.07.40029",
    "74.07.06": "74.07.40029",
    "74.07.03": "74.07.40115",
    "74.07.07": "74.07.40115",
    "74.07.04": "74.07.40019",
    "74.07.08": "74.07.40019",
}
WORKS_BIDANG = {"1.03", "1.04", "2.15", "3.25", "3.26", "2.11"}
WORKS_WORDS = ("Pembangunan", "Rehabilitasi", "Peningkatan", "Pemeliharaan", "Penyediaan Sarana")
FIRST = [
    "Ahmad",
    "Siti",
    "La Ode",
    "Wa Ode",
    "Muhammad",
    "Nur",
    "Hasan",
    "Rahmawati",
    "Arifin",
    "Sitti",
    "Abdul",
    "Hasniah",
    "Rusdin",
    "Marlina",
    "Safrudin",
    "Jumriati",
    "Baharuddin",
]
LAST = [
    "Hamid",
    "Salim",
    "Rahman",
    "Syukur",
    "Ramli",
    "Halim",
    "Tamrin",
    "Sahrir",
    "Ilyas",
    "Mansur",
    "Samsu",
    "Hidayat",
    "Nasrun",
    "Basri",
    "Zainal",
]


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def person(rng: random.Random) -> tuple[str, str]:
    """A plausible name and an 18-digit NIP (birth date, appointment month, sex, sequence)."""
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    born = f"{rng.randint(1968, 1990)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    tmt = f"{int(born[:4]) + rng.randint(23, 30)}{rng.randint(1, 12):02d}"
    return name, f"{born}{tmt}{rng.randint(1, 2)}{rng.randint(1, 999):03d}"


def rupiah(value: Decimal) -> Decimal:
    return (value / THOUSAND).quantize(Decimal(1), rounding=ROUND_HALF_UP) * THOUSAND


def s_curve(rng: random.Random, *, routine: bool) -> list[Decimal]:
    """Cumulative planned fraction for months 1..12 (ends at exactly 1)."""
    if routine:
        return [Decimal(m) / 12 for m in range(1, 13)]
    start = rng.randint(2, 5)
    weights = [0.0] * 12
    for m in range(start - 1, 12):
        x = (m - (start - 1)) / max(1, 11 - (start - 1))
        weights[m] = 0.3 + 4 * x * (1 - x) + (0.6 if m == 11 else 0)
    cum, out = 0.0, []
    whole = sum(weights)
    for w in weights:
        cum += w / whole
        out.append(Decimal(str(round(cum, 4))))
    out[-1] = Decimal(1)
    return out


def monthly_plan(pagu: Decimal, curve: list[Decimal], lead: int) -> list[tuple[Decimal, Decimal]]:
    """Anggaran kas per month (Σ = pagu exactly) and cumulative target fisik (physical work
    runs `lead` months ahead of payments)."""
    kas, done = [], Decimal(0)
    for m in range(12):
        cum = rupiah(pagu * curve[m]) if m < 11 else pagu
        cum = min(max(cum, done), pagu)
        kas.append(cum - done)
        done = cum
    fisik = []
    for m in range(12):
        f = curve[min(11, m + lead)] * 100
        fisik.append(min(Decimal(100), f.quantize(Decimal("0.01"))))
    fisik[-1] = Decimal(100)
    for m in range(1, 12):
        fisik[m] = max(fisik[m], fisik[m - 1])
    return list(zip(kas, fisik, strict=True))


@dataclass
class SubPick:
    kode: str
    nama: str
    kegiatan: str
    program: str
    penunjang: bool
    works: bool


def nomenclature_index() -> dict[str, dict]:
    """Programs, kegiatan and sub kegiatan of the (partial) nomenclature by bidang urusan."""
    from pantau.planning import codes

    rows = read_csv("nomenklatur_kepmendagri_050-5889_partial.csv")
    by_code = {codes.normalise(r["kode"]): r for r in rows}
    index: dict[str, dict] = {}
    for kode, row in by_code.items():
        if row["tingkat"] != "sub_kegiatan":
            continue
        kegiatan = codes.parent(kode)
        program = codes.parent(kegiatan)
        if kegiatan not in by_code or program not in by_code:
            continue  # the partial file lacks some parents: skip those rows
        bidang = kode[:4]
        index.setdefault(bidang, {}).setdefault(program, {}).setdefault(kegiatan, []).append(
            SubPick(
                kode,
                " ".join(row["nomenklatur"].split()),
                kegiatan,
                program,
                program.endswith(".01"),
                bidang in WORKS_BIDANG or any(w in row["nomenklatur"] for w in WORKS_WORDS),
            )
        )
    return index


def pick_subs(
    rng: random.Random, index: dict, bidang_list: list[str], *, fraction: float
) -> list[SubPick]:
    picks: list[SubPick] = []
    for position, bidang in enumerate(bidang_list):
        for program, kegiatan_map in sorted(index.get(bidang, {}).items()):
            penunjang = program.endswith(".01")
            if penunjang and position > 0:
                continue  # one support program per OPD, from its main bidang
            for _kegiatan, subs in sorted(kegiatan_map.items()):
                if not penunjang and rng.random() > fraction + 0.1:
                    continue
                chosen = [s for s in subs if penunjang or rng.random() < fraction]
                if penunjang:
                    chosen = [s for s in chosen if rng.random() < 0.8 or "Gaji" in s.nama]
                picks.extend(chosen or subs[:1])
    return picks


def split_pagu(rng: random.Random, total: Decimal, picks: list[SubPick]) -> list[Decimal]:
    """Budget of each pick: salaries take a large share, works are larger, the rest lognormal."""
    weights = []
    for p in picks:
        if "Gaji" in p.nama:
            w = 1.2 * len(picks)
        elif p.works:
            w = rng.lognormvariate(1.2, 0.8)
        else:
            w = rng.lognormvariate(0.0, 0.7)
        weights.append(w)
    whole = sum(weights)
    return [max(Decimal(25_000_000), rupiah(total * Decimal(str(w / whole)))) for w in weights]


INDIKATOR_PROGRAM = {
    "1.01": ("Angka partisipasi murni SD/MI", "%", 3, (94, 99)),
    "1.02": ("Prevalensi stunting pada balita", "%", 2, (14, 20)),
    "1.03": ("Persentase panjang jalan kabupaten dalam kondisi mantap", "%", 3, (70, 85)),
    "2.16": ("Indeks SPBE perangkat daerah", "indeks", 4, (3, 4)),
    "3.26": ("Jumlah kunjungan wisatawan", "orang", 1, (18000, 30000)),
    "3.25": ("Produksi perikanan tangkap", "ton", 1, (9000, 14000)),
    "7.01": ("Indeks kepuasan masyarakat atas layanan kecamatan", "indeks", 4, (78, 86)),
}
SATUAN_BY_WORD = [
    ("Gaji", "bulan"),
    ("Dokumen", "dokumen"),
    ("Laporan", "laporan"),
    ("Pelatihan", "orang"),
    ("Pembangunan", "unit"),
    ("Rehabilitasi", "unit"),
    ("Pemeliharaan", "unit"),
    ("Pengadaan", "paket"),
    ("Koordinasi", "laporan"),
    ("Fasilitasi", "kegiatan"),
    ("Sosialisasi", "kegiatan"),
    ("Penyediaan", "paket"),
]


def indikator_program(rng: random.Random, program_kode: str, penunjang: bool) -> dict:
    if penunjang:
        nama, satuan, rumus, (lo, hi) = (
            "Nilai evaluasi SAKIP perangkat daerah",
            "nilai",
            4,
            (62, 78),
        )
    else:
        nama, satuan, rumus, (lo, hi) = INDIKATOR_PROGRAM.get(
            program_kode[:4], ("Persentase capaian sasaran program", "%", 3, (85, 100))
        )
    target = Decimal(rng.randint(int(lo), int(hi)))
    spec = {"nama": nama, "satuan": satuan, "rumus": rumus, "target_tahunan": target}
    if rumus == 1:
        q = [rupiah_int(target * Decimal(f)) for f in ("0.15", "0.25", "0.30")]
        spec.update(target_tw1=q[0], target_tw2=q[1], target_tw3=q[2], target_tw4=target - sum(q))
    else:
        spec["target_tw4"] = target
    return spec


def rupiah_int(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def indikator_output(rng: random.Random, nama: str) -> dict:
    satuan = next((s for word, s in SATUAN_BY_WORD if word in nama), "kegiatan")
    if satuan == "bulan":
        return {
            "nama": f"Jumlah bulan terpenuhinya {nama[0].lower()}{nama[1:]}",
            "satuan": satuan,
            "rumus": 1,
            "target_tahunan": Decimal(12),
            "target_tw1": Decimal(3),
            "target_tw2": Decimal(3),
            "target_tw3": Decimal(3),
            "target_tw4": Decimal(3),
        }
    target = Decimal(rng.choice([1, 2, 3, 4, 4, 6, 8, 10, 12, 20, 25, 40]))
    return {
        "nama": f"Jumlah {satuan} hasil {nama[0].lower()}{nama[1:]}",
        "satuan": satuan,
        "rumus": 1,
        "target_tahunan": target,
    }
