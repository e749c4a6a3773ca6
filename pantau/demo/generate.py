"""`pantau demo`: a deterministic, realistic Kabupaten Wakatobi built through the services.

Real wilayah (8 kecamatan, 100 desa/kelurahan) and nomenclature; ~30 OPDs named after the
illustrative list; three fiscal years of about 1,500 sub kegiatan each adding up to an APBD of
roughly Rp 900 billion; monthly plans, indicators and realisations up to the current month
with OPDs on track, lagging and critical; one user per role.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from pantau.demo import plan as P  # noqa: N812 - short alias for the plan helpers
from pantau.demo.keys import DEMO_PASSWORD, DEMO_SECOND_FACTOR_USERS, demo_totp_key_hex

# the published demo secrets (a Django-free module for the scripts)
from pantau.demo.renstra import demo_renstra
from pantau.evaluation import rollup
from pantau.monitoring.choices import StatusRealisasi
from pantau.monitoring.services import (
    realisasi_import,
    realisasi_indikator_import,
    tahun_anggaran_open,
)
from pantau.organisations.choices import SECOND_FACTOR_ROLES, JenisOpd, Role
from pantau.organisations.models import Opd, Pemda, Wilayah
from pantau.organisations.services import (
    membership_set,
    opd_create,
    pulau_load,
    reference_admin_grant,
    user_create,
    wilayah_load,
)
from pantau.organisations.services_faktor import faktor_demo_set
from pantau.planning.choices import TahapAnggaran
from pantau.planning.imports import plan_import
from pantau.planning.models import Indikator, SubKegiatan, SumberDana
from pantau.planning.services import nomenklatur_load, sumber_dana_create, tahun_anggaran_set_tahap


def demo_second_factor_ensure() -> list[str]:
    """A demo built before two-factor sign-in: its accounts whose role requires a second factor
    and that have none get the demo key (so `make run` keeps the demo usable). Returns them."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    done = []
    for username in DEMO_SECOND_FACTOR_USERS:
        user = get_user_model().objects.filter(username=username).first()
        if user is not None and not TOTPDevice.objects.filter(user=user).exists():
            faktor_demo_set(user=user, key_hex=demo_totp_key_hex())
            done.append(username)
    return done


WITA = zoneinfo.ZoneInfo("Asia/Makassar")
APBD = {
    0: Decimal("931_000_000_000"),
    -1: Decimal("905_000_000_000"),
    -2: Decimal("880_000_000_000"),
}
KENDALA = [
    "Proses tender mundur karena dokumen penawaran tidak lengkap; tender ulang.",
    "Gelombang tinggi menunda pengiriman material antarpulau.",
    "Penyedia kekurangan tenaga kerja terampil di lokasi.",
    "Revisi DPA menunggu penetapan; pencairan tertunda.",
    "SPJ dari bendahara pembantu belum lengkap.",
    "Lahan belum bersertifikat sehingga pekerjaan belum dapat dimulai.",
]
TINDAK_LANJUT = [
    "Rapat koordinasi dengan PPK dan penyedia; jadwal percepatan disusun.",
    "Menambah jam kerja dan tenaga; pengiriman material dijadwalkan ulang saat cuaca baik.",
    "Berkoordinasi dengan BPKAD untuk percepatan SP2D.",
    "Surat teguran pertama kepada penyedia.",
]


@dataclass
class DemoResult:
    pemda: Pemda
    users: list[tuple[str, str, str]] = field(default_factory=list)
    years: dict[int, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def demo_exists() -> bool:
    return Pemda.objects.filter(kode="74.07").exists()


@transaction.atomic
def build_demo(*, today: dt.date, seed: int = 2026, log=print) -> DemoResult:
    """Build the whole demo in one transaction: it exists whole or not at all."""
    actor = None  # system
    log("Wilayah Wakatobi (Kepmendagri 300.2.2-2430/2025)...")
    loaded = wilayah_load(
        actor=actor,
        path=P.DATA / "wakatobi_wilayah_kepmendagri_2025.csv",
        sumber="Kepmendagri 300.2.2-2430 Tahun 2025 (via cahyadsn/wilayah)",
    )
    pemda = loaded.pemda
    from pantau.organisations.services import pemda_update

    # the seat of government: the place above the signatures of Formulir E.81
    pemda = pemda_update(actor=actor, pemda=pemda, ibu_kota="Wangi-Wangi")
    pulau_load(actor=actor, pemda=pemda, path=P.DATA / "wakatobi_pulau_kepmendagri_2025.csv")
    result = DemoResult(pemda=pemda)
    years = [today.year - 2, today.year - 1, today.year]
    for year in years:
        log(f"Nomenklatur {year}...")
        nomenklatur_load(
            actor=actor,
            path=P.DATA / "nomenklatur_kepmendagri_050-5889_partial.csv",
            tahun=year,
            sumber="Kepmendagri 050-5889/2021 (sebagian)",
        )
    for row in P.read_csv("sumber_dana.csv"):
        if not SumberDana.objects.filter(kode=row["kode"]).exists():
            sumber_dana_create(actor=actor, kode=row["kode"], nama=row["nama"])
    rng = random.Random(seed)  # seeded demo data, not security # nosec B311
    opds = _create_opds(rng, pemda)
    result.users = _create_users(pemda, opds)
    profiles = _profiles(rng, opds)
    index = P.nomenclature_index()
    selections = {
        opd.id: P.pick_subs(
            random.Random(f"{seed}-{opd.kode}"),  # seeded demo data # nosec B311
            index,
            _bidang(opd),
            fraction=0.5 if opd.jenis == JenisOpd.KECAMATAN else 0.88,
        )
        for opd in opds
    }
    for offset, year in zip((-2, -1, 0), years, strict=True):
        log(f"Rencana dan realisasi TA {year}...")
        # a bulk load: the roll-ups that the year's plan imports, its APBD-P and its reports
        # ask for are computed once, at the end of the year (the same rows, `rollup.check()`)
        with rollup.deferred():
            result.years[year] = _build_year(
                rng=random.Random(f"{seed}-{year}"),  # seeded demo data # nosec B311
                pemda=pemda,
                year=year,
                apbd=APBD[offset],
                opds=opds,
                selections=selections,
                profiles=profiles,
                today=today,
            )
    log("Renstra: periode, sasaran, target akhir periode dan realisasi tahun lalu...")
    targets = demo_renstra(seed=seed, years=years, opds=opds)
    result.notes.append(f"Target Renstra: {targets} indikator program/kegiatan")
    log("Data terbuka (klasifikasi, dataset sektoral, dataset pembangunan)...")
    result.notes += _open_data(pemda=pemda, opds=opds, years=years)
    empty = [o.singkatan for o in opds if not selections[o.id]]
    if empty:
        result.notes.append(
            "Tanpa rencana (bidang urusan tidak ada di nomenklatur parsial): " + ", ".join(empty)
        )
    return result


def _bidang(opd: Opd) -> list[str]:
    return [part.strip()[:4] for part in opd.bidang_urusan.split(";") if part.strip()]


def _jenis(nama: str) -> str:
    for prefix, jenis in (
        ("Dinas", JenisOpd.DINAS),
        ("Badan", JenisOpd.BADAN),
        ("Sekretariat", JenisOpd.SEKRETARIAT),
        ("Inspektorat", JenisOpd.INSPEKTORAT),
        ("Kecamatan", JenisOpd.KECAMATAN),
        ("RSUD", JenisOpd.RSUD),
    ):
        if nama.startswith(prefix):
            return jenis
    return JenisOpd.SATUAN


def _create_opds(rng: random.Random, pemda: Pemda) -> list[Opd]:
    kecamatan = {
        w.nama.replace("-", " ").lower(): w for w in Wilayah.objects.filter(pemda=pemda).kecamatan()
    }
    opds = []
    for row in P.read_csv("wakatobi_opd_ilustratif.csv"):
        nama = row["nama"].replace(" (dan Kebudayaan)", "").replace(" (unit di bawah Dinkes)", "")
        jenis = _jenis(nama)
        wilayah = None
        if jenis == JenisOpd.KECAMATAN:
            wilayah = kecamatan.get(nama.removeprefix("Kecamatan ").replace("-", " ").lower())
        kepala, nip = P.person(rng)
        opds.append(
            opd_create(
                actor=None,
                pemda=pemda,
                kode=row["kode_organisasi_ilustratif"],
                nama=nama,
                singkatan=row["singkatan"],
                jenis=jenis,
                wilayah=wilayah,
                bidang_urusan="; ".join(
                    p.strip().split(" ")[0] for p in row["urusan_utama"].split(";")
                ),
                kepala_nama=kepala,
                kepala_nip=nip,
            )
        )
    return opds


def _create_users(pemda: Pemda, opds: list[Opd]) -> list[tuple[str, str, str]]:
    by_short = {o.singkatan: o for o in opds}
    specs = [
        ("bupati", "Bupati", "Wakatobi", Role.PIMPINAN, None, "Kepala Daerah"),
        ("admin.kominfo", "Admin", "Diskominfo-SP", Role.ADMIN, None, "Pranata Komputer"),
        (
            "verifikator.bappeda",
            "Verifikator",
            "Bappelitbangda",
            Role.VERIFIKATOR,
            None,
            "Perencana Ahli Muda",
        ),
        (
            "kepala.dinkes",
            "Kepala",
            "Dinas Kesehatan",
            Role.KEPALA_OPD,
            by_short["Dinkes"],
            "Kepala Dinas Kesehatan",
        ),
        (
            "operator.dinkes",
            "Operator",
            "Dinas Kesehatan",
            Role.OPERATOR_OPD,
            by_short["Dinkes"],
            "Pengelola Data Pelaporan",
        ),
        (
            "auditor.inspektorat",
            "Auditor",
            "Inspektorat",
            Role.AUDITOR,
            None,
            "Auditor Ahli Pertama",
        ),
    ]
    out = []
    for username, first, last, role, opd, jabatan in specs:
        user = user_create(
            actor=None, username=username, password=DEMO_PASSWORD, first_name=first, last_name=last
        )
        membership_set(actor=None, user=user, pemda=pemda, role=role, opd=opd, jabatan=jabatan)
        if role == Role.ADMIN:
            reference_admin_grant(actor=None, user=user)
        if role in SECOND_FACTOR_ROLES:
            faktor_demo_set(user=user, key_hex=demo_totp_key_hex())
        out.append(
            (
                username,
                DEMO_PASSWORD,
                str(Role(role).label) + (f" · {opd.singkatan}" if opd else ""),
            )
        )
    return out


def _profiles(rng: random.Random, opds: list[Opd]) -> dict[int, tuple[str, float]]:
    """Each OPD's performance: on track, lagging or critical, with its year-end absorption."""
    shuffled = sorted(opds, key=lambda o: o.kode)
    rng.shuffle(shuffled)
    out = {}
    for i, opd in enumerate(shuffled):
        if i < 3:
            out[opd.id] = ("kritis", rng.uniform(0.55, 0.7))
        elif i < 11:
            out[opd.id] = ("terlambat", rng.uniform(0.8, 0.9))
        else:
            out[opd.id] = ("baik", rng.uniform(0.94, 0.99))
    return out


def _build_year(*, rng, pemda, year, apbd, opds, selections, profiles, today) -> dict:
    ta = tahun_anggaran_open(actor=None, pemda=pemda, tahun=year)
    past = year < today.year
    perubahan = past  # APBD-P enacted in earlier years; the current year still runs on murni
    weights = {
        o.id: P.OPD_SHARE.get(
            o.singkatan, P.KECAMATAN_SHARE if o.jenis == JenisOpd.KECAMATAN else 1.0
        )
        for o in opds
        if selections[o.id]
    }
    whole = sum(weights.values())
    kecamatan = list(Wilayah.objects.filter(pemda=pemda).kecamatan())
    desa = {}
    for w in Wilayah.objects.filter(pemda=pemda, tingkat="desa_kelurahan"):
        desa.setdefault(w.induk_id, []).append(w)
    pulau = {
        r["kode"]: (Decimal(r["lat"]), Decimal(r["lng"]))
        for r in P.read_csv("wakatobi_pulau_kepmendagri_2025.csv")
    }
    sumber = {s.kode: s for s in SumberDana.objects.all()}
    curves = {}
    for opd in opds:
        picks = [
            p for p in selections[opd.id] if rng.random() > 0.04
        ]  # plans vary a little by year
        if not picks:
            continue
        total = apbd * Decimal(str(weights[opd.id] / whole))
        amounts = P.split_pagu(rng, total, picks)
        programs: dict[str, dict] = {}
        for pick, pagu in zip(picks, amounts, strict=True):
            prog = programs.setdefault(
                pick.program,
                {
                    "kode": pick.program,
                    "kegiatan": {},
                    "indikator": [P.indikator_program(rng, pick.program, pick.penunjang)],
                },
            )
            keg = prog["kegiatan"].setdefault(
                pick.kegiatan,
                {
                    "kode": pick.kegiatan,
                    "sub_kegiatan": [],
                    "indikator": [P.indikator_output(rng, pick.nama)],
                },
            )
            curve = P.s_curve(rng, routine=pick.penunjang)
            lead = 0 if pick.penunjang else rng.choice([0, 1, 1, 2])
            spec = {
                "kode": pick.kode,
                "pagu_murni": pagu,
                "rencana": {TahapAnggaran.MURNI: P.monthly_plan(pagu, curve, lead)},
                "indikator": [P.indikator_output(rng, pick.nama)],
                **_place(rng, opd, pick, kecamatan, desa, pulau, sumber),
            }
            pptk, nip = P.person(rng)
            spec.update(pptk_nama=pptk, pptk_nip=nip)
            if perubahan:
                factor = Decimal(str(rng.choice([1, 1, 1, 0.9, 1.1, 0.95, 1.05])))
                pagu_p = P.rupiah(pagu * factor)
                spec["pagu_perubahan"] = pagu_p
                spec["rencana"][TahapAnggaran.PERUBAHAN] = P.monthly_plan(pagu_p, curve, lead)
            keg["sub_kegiatan"].append(spec)
            curves[(opd.id, pick.kode, pick.kegiatan)] = (curve, lead)
        tree = [{**p, "kegiatan": list(p["kegiatan"].values())} for p in programs.values()]
        plan_import(actor=None, tahun_anggaran=ta, opd=opd, programs=tree)
    if perubahan:
        ta = tahun_anggaran_set_tahap(
            actor=None,
            tahun_anggaran=ta,
            tahap=TahapAnggaran.PERUBAHAN,
            tanggal=dt.date(year, 9, 30),
        )
    last_month = 12 if past else today.month
    rows = _realisations(rng, ta, profiles, curves, last_month, today)
    realisasi_import(actor=None, tahun_anggaran=ta, rows=rows, historical=True)
    ind_rows = _indicator_values(rng, ta, profiles, last_month, today)
    realisasi_indikator_import(actor=None, tahun_anggaran=ta, rows=ind_rows)
    subs = SubKegiatan.objects.filter(tahun_anggaran=ta)
    return {
        "sub_kegiatan": subs.count(),
        "pagu": sum((s.pagu for s in subs.select_related("tahun_anggaran")), Decimal(0)),
        "realisasi": len(rows),
        "indikator": len(ind_rows),
    }


def _place(rng, opd, pick, kecamatan, desa, pulau, sumber) -> dict:
    out: dict = {
        "sumber_dana": sumber["DAU"]
        if pick.penunjang
        else sumber[rng.choice(["DAU", "PAD", "DAK-NF", "DBH"])]
    }
    if opd.jenis == JenisOpd.KECAMATAN and opd.wilayah_id:
        kec = opd.wilayah
    elif pick.works and not pick.penunjang:
        kec = rng.choice(kecamatan)
        out["sumber_dana"] = sumber[rng.choice(["DAK-F", "DAU", "DAK-F", "BANKEU-PROV"])]
    else:
        return out
    out["kecamatan"] = kec
    if pick.works and not pick.penunjang:
        out["desa"] = rng.choice(desa[kec.id])
        # synthetic bench pemdas (pantau/demo/scale.py) reuse Wakatobi's islands by kecamatan number
        lat, lng = pulau[P.KECAMATAN_PULAU["74.07." + kec.kode.split(".")[2]]]
        out["latitude"] = (-lat + Decimal(str(round(rng.uniform(-0.03, 0.03), 6)))).quantize(
            Decimal("0.000001")
        )
        out["longitude"] = (lng + Decimal(str(round(rng.uniform(-0.03, 0.03), 6)))).quantize(
            Decimal("0.000001")
        )
    return out


def _status(rng, year, bulan, today, kind) -> str | None:
    """Workflow state of a month's report as of `today` (None = not reported yet)."""
    months_ago = (today.year - year) * 12 + today.month - bulan
    if months_ago >= 2:
        return StatusRealisasi.DIVERIFIKASI
    r = rng.random()
    if months_ago == 1:
        if kind == "kritis" and r < 0.5:
            return None
        return (
            StatusRealisasi.DIVERIFIKASI
            if r < 0.55
            else StatusRealisasi.DISETUJUI
            if r < 0.75
            else StatusRealisasi.DIAJUKAN
            if r < 0.92
            else StatusRealisasi.DIKEMBALIKAN
        )
    if months_ago == 0:  # the current month: its report is due next month
        return None if r < 0.65 else StatusRealisasi.DRAFT
    return None


def _realisations(rng, ta, profiles, curves, last_month, today) -> list[dict]:
    rows = []
    subs = (
        SubKegiatan.objects.filter(tahun_anggaran=ta)
        .select_related("tahun_anggaran")
        .order_by("id")
    )
    for sub in subs:
        kind, final = profiles[sub.opd_id]
        curve, lead = curves[(sub.opd_id, sub.kode, _kegiatan_kode(sub.kode))]
        pagu = sub.pagu
        spend = min(1.0, final * rng.uniform(0.93, 1.05))
        # physical work keeps to plan in OPDs on track, lags in the others
        build = min(
            1.0,
            {
                "baik": rng.uniform(0.97, 1.03),
                "terlambat": rng.uniform(0.9, 0.98),
                "kritis": rng.uniform(0.6, 0.8),
            }[kind],
        )
        idle = rng.random() < 0.02 and sub.kode.split(".")[2] != "01"  # paid but not built
        done_money = Decimal(0)
        last_fisik = Decimal(0)
        for bulan in range(1, last_month + 1):
            status = _status(rng, ta.tahun, bulan, today, kind)
            if status is None:
                break
            lag = 1 - (1 - spend) * min(1.0, bulan / 9)
            cum = min(pagu, P.rupiah(pagu * curve[bulan - 1] * Decimal(str(lag))))
            cum = max(cum, done_money)
            fisik_plan = curve[min(11, bulan - 1 + lead)] * 100
            factor = Decimal(str(0.25 if idle else 1 - (1 - build) * min(1.0, bulan / 9)))
            fisik = max(
                last_fisik, min(Decimal(100), (fisik_plan * factor).quantize(Decimal("0.01")))
            )
            behind = fisik_plan - fisik > 10
            rows.append(
                {
                    "sub_kegiatan": sub,
                    "bulan": bulan,
                    "keuangan": cum - done_money,
                    "fisik": fisik,
                    "status": status,
                    "diajukan_pada": _submitted_at(rng, ta.tahun, bulan, status, kind),
                    "kendala": rng.choice(KENDALA) if behind else "",
                    "tindak_lanjut": rng.choice(TINDAK_LANJUT) if behind else "",
                }
            )
            done_money, last_fisik = cum, fisik
    return rows


def _submitted_at(rng, year: int, bulan: int, status: str, kind: str):
    """When a report was first submitted: mostly before the 10th of the next month, late more
    often for lagging and critical OPDs."""
    if status == StatusRealisasi.DRAFT:
        return None
    y, m = (year + 1, 1) if bulan == 12 else (year, bulan + 1)
    late = rng.random() < {"baik": 0.05, "terlambat": 0.25, "kritis": 0.45}[kind]
    day = rng.randint(11, 20) if late else rng.randint(1, 10)
    return dt.datetime(y, m, day, rng.randint(8, 16), rng.randint(0, 59), tzinfo=WITA)


def _kegiatan_kode(kode: str) -> str:
    return kode.rsplit(".", 1)[0]


def _indicator_values(rng, ta, profiles, last_month, today) -> list[dict]:
    rows = []
    for ind in Indikator.objects.filter(tahun_anggaran=ta).order_by("id"):
        _kind, final = profiles[ind.opd_id]
        target = ind.target_tahunan
        for tw in range(1, 5):
            bulan = tw * 3
            if bulan > last_month or (ta.tahun == today.year and bulan >= today.month):
                break
            level = Decimal(str(min(1.15, final * rng.uniform(0.92, 1.1))))
            if ind.rumus == 1:
                quarter = ind.targets_triwulan[tw - 1] or (target / 4)
                value = (quarter * level).quantize(Decimal(1))
            elif ind.rumus == 2:
                value = (target * (Decimal("1.25") - Decimal("0.05") * tw) / level).quantize(
                    Decimal("0.01")
                )
            elif ind.rumus == 3:
                value = min(
                    Decimal(100), (target * level * Decimal(tw) / 4).quantize(Decimal("0.01"))
                )
            else:
                value = (target * level).quantize(Decimal("0.01"))
            rows.append({"indikator": ind, "bulan": bulan, "nilai": value})
    return rows


def _open_data(*, pemda: Pemda, opds: list[Opd], years: list[int]) -> list[str]:
    """The Walidata's work in the demo: located public works classified `publik`, three sectoral
    datasets made from the real Kepmendagri reference data, and the development series of the
    last two years, approved and published."""
    import csv
    import io

    from django.contrib.auth import get_user_model

    from pantau.opendata import development
    from pantau.opendata import services as od
    from pantau.opendata import services_tabel as tabel
    from pantau.opendata.models import Topik
    from pantau.organisations.services import pemda_update

    walidata = get_user_model().objects.get(username="admin.kominfo")
    pemda = pemda_update(
        actor=walidata,
        pemda=pemda,
        walidata_nama="Walidata Kabupaten Wakatobi (Diskominfo-SP)",
        walidata_email="data@wakatobikab.example",
    )
    n_publik = od.klasifikasi_set_many(
        actor=walidata,
        model=SubKegiatan,
        pks=SubKegiatan.objects.filter(pemda=pemda, latitude__isnull=False).values_list(
            "pk", flat=True
        ),
        klasifikasi="publik",
        kelas_kip="berkala",
    )
    od.klasifikasi_set_many(  # and their output indicators: achievement on the portal
        actor=walidata,
        model=Indikator,
        pks=Indikator.objects.filter(pemda=pemda, sub_kegiatan__latitude__isnull=False).values_list(
            "pk", flat=True
        ),
        klasifikasi="publik",
        kelas_kip="berkala",
    )
    by_short = {o.singkatan: o for o in opds}
    topik = {t.nama: t for t in Topik.objects.all()}
    wilayah = P.read_csv("wakatobi_wilayah_kepmendagri_2025.csv")
    kecamatan = [r for r in wilayah if r["tingkat"] == "kecamatan"]
    rows = [["kode_kecamatan", "kecamatan", "jumlah_desa", "jumlah_kelurahan"]]
    for k in kecamatan:
        desa = [r for r in wilayah if r["kode_induk"] == k["kode"]]
        rows.append(
            [
                k["kode"],
                k["nama"],
                sum(r["jenis"] == "desa" for r in desa),
                sum(r["jenis"] == "kelurahan" for r in desa),
            ]
        )
    pulau = P.read_csv("wakatobi_pulau_kepmendagri_2025.csv")
    ringkasan = P.read_csv("wakatobi_ringkasan_kepmendagri_2025.csv")[0]
    specs = [
        (
            "jumlah-desa-kelurahan-per-kecamatan-2025",
            "Jumlah Desa dan Kelurahan per Kecamatan 2025",
            "Setda",
            ["pemerintahan"],
            "Jumlah desa dan kelurahan di setiap kecamatan Kabupaten Wakatobi menurut Kepmendagri "
            "300.2.2-2430 Tahun 2025.",
            "kecamatan",
            rows,
            [
                ("kode_kecamatan", "Kode kecamatan (Kepmendagri)", "string", False),
                ("kecamatan", "Kecamatan", "string", False),
                ("jumlah_desa", "Jumlah desa", "integer", False),
                ("jumlah_kelurahan", "Jumlah kelurahan", "integer", False),
            ],
        ),
        (
            "penduduk-dan-luas-wilayah-2025",
            "Penduduk dan Luas Wilayah Kabupaten Wakatobi 2025",
            "Disdukcapil",
            ["kependudukan"],
            "Jumlah penduduk menurut jenis kelamin dan luas wilayah Kabupaten Wakatobi (Kepmendagri "
            "300.2.2-2430 Tahun 2025; luas menurut BIG).",
            "kabupaten",
            [
                [
                    "kode_wilayah",
                    "wilayah",
                    "penduduk_laki_laki",
                    "penduduk_perempuan",
                    "jumlah_penduduk",
                    "luas_km2",
                ],
                [
                    ringkasan["kode"],
                    ringkasan["nama"],
                    ringkasan["pria"],
                    ringkasan["wanita"],
                    ringkasan["total_penduduk"],
                    ringkasan["luas_km2"],
                ],
            ],
            [
                ("kode_wilayah", "Kode wilayah (Kepmendagri)", "string", False),
                ("wilayah", "Wilayah", "string", False),
                ("penduduk_laki_laki", "Penduduk laki-laki (jiwa)", "integer", True),
                ("penduduk_perempuan", "Penduduk perempuan (jiwa)", "integer", True),
                ("jumlah_penduduk", "Jumlah penduduk (jiwa)", "integer", True),
                ("luas_km2", "Luas wilayah (km²)", "number", False),
            ],
        ),
        (
            "pulau-kabupaten-wakatobi-2025",
            "Pulau di Kabupaten Wakatobi 2025",
            "DKP",
            ["perikanan-kelautan", "lingkungan-hidup"],
            "Daftar pulau di Kabupaten Wakatobi dengan koordinat titik tengah, status berpenghuni "
            "dan luas (Kepmendagri 300.2.2-2430 Tahun 2025).",
            "kabupaten",
            [["kode_pulau", "nama_pulau", "lintang", "bujur", "berpenghuni", "luas_km2"]]
            + [
                [
                    r["kode"],
                    r["nama"],
                    f"-{r['lat']}",
                    r["lng"],
                    "ya" if r["status"] == "BP" else "tidak",
                    "" if r["luas_km2"] in ("", "NULL") else r["luas_km2"],
                ]
                for r in pulau
            ],
            [
                ("kode_pulau", "Kode pulau (Kepmendagri)", "string", False),
                ("nama_pulau", "Nama pulau", "string", False),
                ("lintang", "Lintang (derajat)", "number", False),
                ("bujur", "Bujur (derajat)", "number", False),
                ("berpenghuni", "Berpenghuni (ya/tidak)", "string", False),
                ("luas_km2", "Luas (km²)", "number", False),
            ],
        ),
    ]
    for nama, judul, produsen, topics, deskripsi, tingkat, table, kolom in specs:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(table)
        ds = od.dataset_create(
            actor=walidata,
            opd=by_short[produsen],
            nama=nama,
            judul=judul,
            deskripsi=deskripsi,
            frekuensi="tahunan",
            periode_awal=dt.date(2025, 1, 1),
            periode_akhir=dt.date(2025, 12, 31),
            tahun=2025,
            tingkat_penyajian=tingkat,
            kata_kunci="wilayah, kepmendagri",
            metode="Kepmendagri 300.2.2-2430 Tahun 2025",
            topik=[topik[t] for t in topics if t in topik],
        )
        tabel.skema_set(  # the producer's declared schema: titles, types, person counts
            actor=walidata,
            dataset=ds,
            fields=[{"name": n, "title": t, "type": k, "jumlah_orang": o} for n, t, k, o in kolom],
        )
        tabel.versi_upload(
            actor=walidata, dataset=ds, content=buf.getvalue().encode(), filename=f"{nama}.csv"
        )
        od.dataset_submit(actor=walidata, dataset=ds)
        od.dataset_publish(actor=walidata, dataset=ds, kelas_kip="setiap_saat")
    for year in years[-2:]:
        for ds in development.refresh(pemda=pemda, tahun=year, actor=walidata):
            od.dataset_publish(actor=walidata, dataset=ds, kelas_kip="berkala")
    return [
        f"Data terbuka: {n_publik} sub kegiatan publik, 3 dataset sektoral, "
        f"{2 * len(years[-2:])} dataset pembangunan"
    ]
