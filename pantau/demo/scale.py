"""Deterministic data at benchmark scale (docs/quality.md "Data scales"; `bench/scale.py`).

`build_scale(pemda=N, years=Y)` creates N pemdas, each with the demo's ~30 OPDs and a full plan
(~1,500 sub kegiatan a year from the nomenclature), monthly plans, indicators, monthly
realisations and indicator values for Y fiscal years, through the same services as the demo
(`plan_import`, `realisasi_import`, `realisasi_indikator_import`), so the roll-up tables are
kept current exactly as in production. The first pemda is Kabupaten Wakatobi with its real
wilayah; the others are synthetic kabupaten (codes 74.51, 74.52, ...) that reuse its wilayah
shape. The same arguments always give the same rows.

`bulk=True` is the fast path: the same generator and the same services, but the roll-ups are
refreshed once per pemda-year instead of once per import call (`rollup.deferred()`); the rows it
produces are identical (a test compares both paths).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from contextlib import nullcontext
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from pantau.demo import generate as G  # noqa: N812 - the demo's building blocks
from pantau.demo import plan as P  # noqa: N812
from pantau.evaluation import rollup
from pantau.organisations.choices import JenisOpd, Role
from pantau.organisations.models import Pemda
from pantau.organisations.services import membership_set, user_create, wilayah_load
from pantau.planning.models import Nomenklatur, SumberDana
from pantau.planning.services import nomenklatur_load, sumber_dana_create

SCALES = {"regency": (1, 2), "province": (18, 2)}  # (pemda, years) of `bench/run.py`
APBD_RANGE = (Decimal("700_000_000_000"), Decimal("1_400_000_000_000"))


def pemda_codes(count: int) -> list[str]:
    return ["74.07"] + [f"74.{51 + i:02d}" for i in range(count - 1)]


def _wilayah_csv(kode: str, folder: Path) -> Path:
    """Wakatobi's wilayah file, renamed to a synthetic kabupaten for codes other than 74.07."""
    source = P.DATA / "wakatobi_wilayah_kepmendagri_2025.csv"
    if kode == "74.07":
        return source
    out = folder / f"wilayah_{kode}.csv"
    with source.open(encoding="utf-8") as src, out.open("w", encoding="utf-8", newline="") as dst:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames)
        writer.writeheader()
        for row in reader:
            row = {
                k: v.replace("74.07", kode, 1) if k in ("kode", "kode_induk") else v
                for k, v in row.items()
            }
            if row["tingkat"] == "kabupaten":
                row["nama"] = f"Kabupaten Skala {kode}"
                row["kode_induk"] = "74"
            writer.writerow(row)
    return out


def build_scale(
    *,
    pemda: int,
    years: int,
    today: dt.date,
    seed: int = 2026,
    bulk: bool = True,
    opd_limit: int | None = None,
    log=print,
) -> list[Pemda]:
    """Create the pemdas (one transaction each) and return them; idempotent per pemda code.
    `opd_limit` keeps only the first OPDs (small data for tests)."""
    first_year = today.year - years + 1
    with transaction.atomic():
        for year in range(first_year, today.year + 1):
            if not Nomenklatur.objects.filter(tahun=year).exists():
                nomenklatur_load(
                    actor=None,
                    path=P.DATA / "nomenklatur_kepmendagri_050-5889_partial.csv",
                    tahun=year,
                    sumber="Kepmendagri 050-5889/2021 (sebagian)",
                )
        for row in P.read_csv("sumber_dana.csv"):
            if not SumberDana.objects.filter(kode=row["kode"]).exists():
                sumber_dana_create(actor=None, kode=row["kode"], nama=row["nama"])
    out = []
    index = P.nomenclature_index()
    with tempfile.TemporaryDirectory() as folder:
        for number, kode in enumerate(pemda_codes(pemda)):
            existing = Pemda.objects.filter(kode=kode).first()
            if existing is not None:
                out.append(existing)
                continue
            log(f"Pemda {kode} ({number + 1}/{pemda})...")
            out.append(
                _build_pemda(
                    kode=kode,
                    folder=Path(folder),
                    years=range(first_year, today.year + 1),
                    today=today,
                    seed=seed,
                    index=index,
                    bulk=bulk,
                    opd_limit=opd_limit,
                )
            )
    return out


@transaction.atomic
def _build_pemda(*, kode, folder, years, today, seed, index, bulk, opd_limit) -> Pemda:
    pemda = wilayah_load(actor=None, path=_wilayah_csv(kode, folder), sumber="bench").pemda
    rng = random.Random(f"{seed}-{kode}")  # seeded demo data, not security # nosec B311
    opds = G._create_opds(rng, pemda)[:opd_limit]
    user = user_create(actor=None, username=f"pimpinan.{kode}", password=G.DEMO_PASSWORD)
    membership_set(actor=None, user=user, pemda=pemda, role=Role.PIMPINAN, opd=None)
    profiles = G._profiles(rng, opds)
    selections = {
        opd.id: P.pick_subs(
            random.Random(f"{seed}-{kode}-{opd.kode}"),  # seeded demo data # nosec B311
            index,
            G._bidang(opd),
            fraction=0.5 if opd.jenis == JenisOpd.KECAMATAN else 0.88,
        )
        for opd in opds
    }
    low, high = APBD_RANGE
    for year in years:
        year_rng = random.Random(f"{seed}-{kode}-{year}")  # seeded demo data # nosec B311
        apbd = P.rupiah(low + (high - low) * Decimal(str(year_rng.random())))
        with rollup.deferred() if bulk else nullcontext():
            G._build_year(
                rng=year_rng,
                pemda=pemda,
                year=year,
                apbd=apbd,
                opds=opds,
                selections=selections,
                profiles=profiles,
                today=today,
            )
    return pemda
