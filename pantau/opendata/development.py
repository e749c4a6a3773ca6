"""Development data published as datasets, refreshed automatically (issue 5, item 2).

Two series per pemda and fiscal year, produced from planning and monitoring at the level their
rows allow:
- `realisasi-sub-kegiatan-<tahun>`: one row per *public* sub kegiatan and verified monthly report
  (pagu, money that month and cumulative, cumulative physical progress); restricted sub kegiatan
  and unverified reports are never in it;
- `pagu-realisasi-opd-<tahun>`: per OPD, the budget and the verified realisation (aggregates,
  public by domain.md §16.3), with the number of sub kegiatan.
`refresh` writes a new version only when the rows changed. The Walidata approves a series once
(`dataset_publish`); later versions of an approved series are published by the system, since
their rows come from reports Bappeda has verified. Runs from the task queue every 30 minutes
and from `pantau opendata refresh`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from pantau.audit.services import save_audited, snapshot
from pantau.core.classification import Klasifikasi
from pantau.monitoring.models import Realisasi
from pantau.opendata import services as od
from pantau.opendata import services_tabel
from pantau.opendata.models import Dataset, Publikasi, StatusDataset, Topik
from pantau.organisations.models import Opd
from pantau.planning.models import SubKegiatan, TahunAnggaran

SUB_SCHEMA = {
    "fields": [
        {"name": "tahun", "type": "integer", "title": "Tahun anggaran"},
        {"name": "bulan", "type": "integer", "title": "Bulan", "description": "1-12"},
        {
            "name": "kode_sub_kegiatan",
            "type": "string",
            "title": "Kode sub kegiatan",
            "description": "Kepmendagri 050-5889/2021",
        },
        {"name": "nama_sub_kegiatan", "type": "string", "title": "Nama sub kegiatan"},
        {"name": "kode_organisasi", "type": "string", "title": "Kode OPD"},
        {"name": "nama_opd", "type": "string", "title": "OPD"},
        {
            "name": "kode_kecamatan",
            "type": "string",
            "title": "Kode kecamatan",
            "description": "Kepmendagri 300.2.2-2430/2025",
        },
        {"name": "kecamatan", "type": "string", "title": "Kecamatan"},
        {"name": "pagu", "type": "number", "title": "Pagu (Rp)", "constraints": {"minimum": 0}},
        {
            "name": "realisasi_keuangan_bulan",
            "type": "number",
            "title": "Realisasi keuangan bulan itu (Rp)",
            "description": "dasar SP2D",
        },
        {
            "name": "realisasi_keuangan_kumulatif",
            "type": "number",
            "title": "Realisasi keuangan kumulatif (Rp)",
        },
        {"name": "realisasi_fisik", "type": "number", "title": "Realisasi fisik kumulatif (%)"},
        {
            "name": "versi_apbd",
            "type": "string",
            "title": "Versi APBD",
            "constraints": {"enum": ["murni", "perubahan"]},
        },
    ],
    "missingValues": [""],
}
OPD_SCHEMA = {
    "fields": [
        {"name": "tahun", "type": "integer", "title": "Tahun anggaran"},
        {"name": "kode_organisasi", "type": "string", "title": "Kode OPD"},
        {"name": "nama_opd", "type": "string", "title": "OPD"},
        {"name": "jumlah_sub_kegiatan", "type": "integer", "title": "Jumlah sub kegiatan"},
        {"name": "pagu", "type": "number", "title": "Pagu (Rp)", "constraints": {"minimum": 0}},
        {
            "name": "realisasi_keuangan",
            "type": "number",
            "title": "Realisasi keuangan terverifikasi (Rp)",
        },
        {"name": "persen_realisasi", "type": "number", "title": "Realisasi (%)"},
    ],
    "missingValues": [""],
}


def _money(value) -> float:
    return float(Decimal(value or 0).quantize(Decimal("0.01")))


def sub_rows(ta: TahunAnggaran) -> list[dict]:
    perubahan = ta.tahap == "perubahan"
    reports = (
        Realisasi.objects.filter(
            periode__tahun_anggaran=ta,
            keuangan_resmi__isnull=False,  # the verified version (kept during a correction)
            sub_kegiatan__klasifikasi=Klasifikasi.PUBLIK,
        )
        .select_related("sub_kegiatan__opd", "sub_kegiatan__kecamatan", "periode")
        .order_by("sub_kegiatan__opd__kode", "sub_kegiatan__kode", "periode__bulan")
    )
    rows, cumulative = [], {}
    for r in reports:
        sub = r.sub_kegiatan
        pagu = sub.pagu_for(ta.tahap)  # a pagu cut to Rp 0 is Rp 0
        cumulative[sub.pk] = cumulative.get(sub.pk, Decimal(0)) + r.keuangan_resmi
        rows.append(
            {
                "tahun": ta.tahun,
                "bulan": r.periode.bulan,
                "kode_sub_kegiatan": sub.kode,
                "nama_sub_kegiatan": sub.nama,
                "kode_organisasi": sub.opd.kode,
                "nama_opd": sub.opd.nama,
                "kode_kecamatan": sub.kecamatan.kode if sub.kecamatan else None,
                "kecamatan": sub.kecamatan.nama if sub.kecamatan else None,
                "pagu": _money(pagu),
                "realisasi_keuangan_bulan": _money(r.keuangan_resmi),
                "realisasi_keuangan_kumulatif": _money(cumulative[sub.pk]),
                "realisasi_fisik": float(r.fisik_resmi),
                "versi_apbd": "perubahan" if perubahan else "murni",
            }
        )
    return rows


def opd_rows(ta: TahunAnggaran) -> list[dict]:
    pagu = Coalesce("pagu_perubahan", "pagu_murni") if ta.tahap == "perubahan" else "pagu_murni"
    budget = {
        r["opd_id"]: r
        for r in SubKegiatan.objects.filter(tahun_anggaran=ta)
        .exclude(klasifikasi=Klasifikasi.RAHASIA)  # never derivable from a public total
        .values("opd_id")
        .annotate(n=Count("id"), pagu=Sum(pagu))
    }
    spent = dict(
        Realisasi.objects.filter(periode__tahun_anggaran=ta, keuangan_resmi__isnull=False)
        .exclude(sub_kegiatan__klasifikasi=Klasifikasi.RAHASIA)
        .values("opd_id")
        .annotate(s=Sum("keuangan_resmi"))
        .values_list("opd_id", "s")
    )
    rows = []
    for opd in Opd.objects.filter(pemda=ta.pemda, pk__in=budget).order_by("kode"):
        b = budget[opd.pk]
        real = spent.get(opd.pk) or Decimal(0)
        rows.append(
            {
                "tahun": ta.tahun,
                "kode_organisasi": opd.kode,
                "nama_opd": opd.nama,
                "jumlah_sub_kegiatan": b["n"],
                "pagu": _money(b["pagu"]),
                "realisasi_keuangan": _money(real),
                "persen_realisasi": round(float(real * 100 / b["pagu"]), 2) if b["pagu"] else None,
            }
        )
    return rows


SERIES = {
    "realisasi-sub-kegiatan": (
        "Realisasi Fisik dan Keuangan per Sub Kegiatan Tahun {tahun}",
        "Realisasi bulanan keuangan (Rp, dasar SP2D) dan fisik (%) setiap sub kegiatan APBD "
        "{pemda} tahun {tahun} yang dinyatakan publik, hanya dari laporan yang telah "
        "diverifikasi Bappeda. Diperbarui otomatis.",
        SUB_SCHEMA,
        sub_rows,
        "bulanan",
    ),
    "pagu-realisasi-opd": (
        "Pagu dan Realisasi Anggaran per Perangkat Daerah Tahun {tahun}",
        "Pagu APBD dan realisasi keuangan terverifikasi setiap perangkat daerah {pemda} tahun "
        "{tahun}. Diperbarui otomatis.",
        OPD_SCHEMA,
        opd_rows,
        "bulanan",
    ),
}


def _owner(pemda) -> Opd | None:
    """The OPD that produces development data: the planning agency (bidang 5.01), else the
    first OPD."""
    opds = Opd.objects.filter(pemda=pemda, aktif=True).order_by("kode")
    return next((o for o in opds if o.bidang_urusan.startswith("5.01")), None) or opds.first()


@transaction.atomic
def refresh(*, pemda, tahun: int, actor=None) -> list[Dataset]:
    """Create or update the development series of a pemda's year; returns the datasets."""
    ta = TahunAnggaran.objects.select_related("pemda").filter(pemda=pemda, tahun=tahun).first()
    owner = _owner(pemda)
    if ta is None or owner is None:
        return []
    out = []
    for key, (judul, deskripsi, schema, produce, frekuensi) in SERIES.items():
        nama = f"{key}-{tahun}"
        ds = Dataset.objects.select_for_update(of=("self",)).filter(pemda=pemda, nama=nama).first()
        if ds is None:
            ds = od.dataset_create(
                actor=actor,
                opd=owner,
                nama=nama,
                judul=judul.format(tahun=tahun),
                deskripsi=deskripsi.format(tahun=tahun, pemda=pemda.nama),
                frekuensi=frekuensi,
                periode_awal=dt.date(tahun, 1, 1),
                periode_akhir=dt.date(tahun, 12, 31),
                tahun=tahun,
                kata_kunci="apbd, realisasi, pembangunan",
                metode="Laporan bulanan realisasi fisik dan keuangan (Pantau), diverifikasi Bappeda",
                konsep="Realisasi anggaran dan kemajuan fisik pembangunan daerah",
                sumber_sistem=key,
                topik=list(
                    Topik.objects.filter(nama__in=["keuangan-daerah", "pembangunan-daerah"])
                ),
            )
        rows = produce(ta)
        body = json.dumps(rows, sort_keys=True, default=str).encode()
        digest = hashlib.sha256(body).hexdigest()
        latest = ds.versi.order_by("-nomor").first()
        if latest is None or latest.sha256 != digest:
            services_tabel._new_version(
                actor=actor,
                dataset=ds,
                schema=schema,
                rows=rows,
                nama_berkas=f"{nama}.json",
                fmt="sistem",
                content=body,
                catatan=f"Diperbarui otomatis {timezone.now():%Y-%m-%d %H:%M}",
            )
            _publish_if_approved(ds, actor)
        out.append(ds)
    return out


def refresh_for_subs(*, subs) -> int:
    """Rebuild the existing development series of the years of `subs`, whose level just changed
    (`klasifikasi_set_many`, in its transaction): a sub kegiatan made `rahasia` leaves the
    public series at once, so that no public total differs from another by its amount, not even
    until the half-hourly refresh. Series not created yet are left to that refresh. Returns the
    number of series rebuilt."""
    count = 0
    for ta in TahunAnggaran.objects.filter(
        pk__in={s.tahun_anggaran_id for s in subs}
    ).select_related("pemda"):
        names = [f"{key}-{ta.tahun}" for key in SERIES]
        if Dataset.objects.filter(pemda=ta.pemda, nama__in=names).exists():
            count += len(refresh(pemda=ta.pemda, tahun=ta.tahun))
    return count


def _publish_if_approved(ds: Dataset, actor) -> None:
    """A series the Walidata approved once follows its data: the new version goes public."""
    ds = Dataset.objects.select_for_update(of=("self",)).get(pk=ds.pk)
    if ds.disetujui_pada is None or ds.status == StatusDataset.DITARIK:
        return
    latest = ds.versi.order_by("-nomor").first()
    before = snapshot(ds)
    od._show_version(ds, latest, timezone.now())
    save_audited(actor=actor, obj=ds, action="dataset.refresh", before=before)
    od._log(
        ds,
        Publikasi.Aksi.DIPERBARUI,
        actor,
        "Pembaruan otomatis dari laporan terverifikasi.",
        latest,
    )


def refresh_all(*, actor=None) -> int:
    """Every pemda's current and previous year (the task queue's periodic job)."""
    from pantau.organisations.models import Pemda

    count = 0
    year = timezone.now().year
    for pemda in Pemda.objects.filter(aktif=True):
        for tahun in (year - 1, year):
            count += len(refresh(pemda=pemda, tahun=tahun, actor=actor))
    return count
