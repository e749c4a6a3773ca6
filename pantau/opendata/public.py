"""THE GATE: every read made for the public (portal pages, CKAN API, DCAT, exports, sitemap)
goes through the functions of this module, and nothing else of the public code touches a model
(tests/test_architecture.py enforces it).

What the public may see (docs/domain.md §16, docs/opendata-interop.md §1):
- datasets classified `publik` that the Walidata approved (`versi_terbit`), not withdrawn, of the
  pemda that serves the request's host, and only their approved version's rows;
- development activities: sub kegiatan classified `publik`, with realisation figures only from
  reports Bappeda has verified, and evidence photos classified `publik` (their EXIF-free copy);
- aggregates of the pemda's budget (pagu and verified realisation totals);
- OPD names and codes (never the head's name or NIP: personal data are never read here).
Anything else answers "not found", exactly as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
)

from pantau.core.classification import Klasifikasi
from pantau.monitoring.models import Bukti, Realisasi
from pantau.opendata.models import BarisData, Dataset, Publikasi, StatusDataset, Topik
from pantau.organisations.hosts import request_host
from pantau.organisations.models import Opd, Pemda, Wilayah
from pantau.planning.models import SubKegiatan, TahunAnggaran

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
VISIBLE_STATUS = [StatusDataset.TERBIT, StatusDataset.DIAJUKAN, StatusDataset.DIKEMBALIKAN]
# A report counts publicly through its verified version (which a correction in progress keeps).
VERIFIED_Q = Q(keuangan_resmi__isnull=False)
_log = logging.getLogger(__name__)


# --- the catalogue's pemda -------------------------------------------------------------------


_HOSTS: dict[str, tuple[float, int | None]] = {}


def catalogue_pemda(host: str) -> Pemda | None:
    """The pemda whose catalogue a host serves: the one that claims the host name, else the
    configured default, else the only active pemda of a single-pemda install. A host that two
    active pemdas claim (data loaded around the constraint) serves no catalogue at all: which
    one owns it is never guessed. The answer per host is remembered for a minute in the
    process."""
    import time

    name = request_host(host)
    now = time.monotonic()
    hit = _HOSTS.get(name)
    if hit is not None and now - hit[0] < 60:
        return Pemda.objects.filter(pk=hit[1], aktif=True).first() if hit[1] else None
    pemda = _resolve_host(name)
    _HOSTS[name] = (now, pemda.pk if pemda else None)
    return pemda


def _resolve_host(name: str) -> Pemda | None:
    active = Pemda.objects.filter(aktif=True)
    if name:
        claims = [
            pk
            for pk, domain in active.exclude(domain_publik="").values_list("pk", "domain_publik")
            if request_host(domain) == name
        ]
        if len(claims) > 1:
            _log.error(
                "Host %s is claimed by %d pemdas (ids %s): no catalogue is served on it "
                "until one claim is removed (pantau check reports it).",
                name,
                len(claims),
                sorted(claims),
            )
            return None
        if claims:
            return active.get(pk=claims[0])
    if settings.OPENDATA_DEFAULT_PEMDA:
        return active.filter(kode=settings.OPENDATA_DEFAULT_PEMDA).first()
    only = list(active.exclude(domain_publik__gt="")[:2])
    return only[0] if len(only) == 1 else None


def forget_hosts() -> None:
    """After a pemda's host name or the default changed (and in tests)."""
    _HOSTS.clear()


# --- datasets --------------------------------------------------------------------------------


def datasets(pemda: Pemda):
    """Public, approved, not withdrawn datasets of the pemda, with what their dicts need."""
    return (
        Dataset.objects.filter(
            pemda=pemda,
            klasifikasi=Klasifikasi.PUBLIK,
            status__in=VISIBLE_STATUS,
            versi_terbit__isnull=False,
        )
        .select_related("opd", "versi_terbit", "pemda")
        .prefetch_related("topik")
    )


def dataset(pemda: Pemda, key: str) -> Dataset | None:
    """A public dataset by id (UUID) or name; None when it is unknown *or* not public."""
    key = str(key or "").strip()
    if not key or len(key) > 100:
        return None
    qs = datasets(pemda)
    found = qs.filter(nama=key).first()
    if found is None and len(key) == 36:
        try:
            found = qs.filter(uid=key).first()
        except Exception:  # not a UUID
            return None
    return found


def dataset_by_resource(pemda: Pemda, resource_id: str, changed=None) -> tuple[Dataset, str] | None:
    """The public dataset and format of a resource id (ids.resource_id), else None. `changed`:
    the caller's `last_change(pemda)` when it has it already."""
    key = str(resource_id or "").strip().lower()
    if len(key) != 36:
        return None
    found = _resource_index(pemda, changed).get(key)
    if found is None:
        return None
    ds = datasets(pemda).filter(pk=found[0]).first()  # visibility checked again, always
    return (ds, found[1]) if ds is not None else None


def _resource_index(pemda: Pemda, changed=None) -> dict[str, tuple[int, str]]:
    """resource id → (dataset pk, format) of the pemda's public datasets, cached until any of
    its datasets changes (the key is `last_change`), so a lookup is not a scan of the catalogue."""
    from django.core.cache import cache

    from pantau.opendata.ids import FORMATS
    from pantau.opendata.ids import resource_id as rid

    changed = last_change(pemda) if changed is None else changed
    key = f"opendata:resources:{pemda.pk}:{changed}"
    index = cache.get(key)
    if index is None:
        index = {
            rid(uid, fmt): (pk, fmt)
            for pk, uid in datasets(pemda).values_list("pk", "uid")
            for fmt in FORMATS
        }
        cache.set(key, index, 3600)
    return index


def rows(ds: Dataset):
    """The rows of the approved version of a public dataset (BarisData, ordered by `_id`).
    Their `data` is as stored: public code passes it through `suppress` (or uses `records`)."""
    return BarisData.objects.filter(versi_id=ds.versi_terbit_id).order_by("nomor")


def suppresses(ds: Dataset) -> bool:
    """Whether the dataset has person-count columns with small cells to hide."""
    return bool(ds.kolom_sel_kecil) and ds.ambang_sel_kecil > 1


def _hidden(value, ambang: int) -> bool:
    """Whether a value of a person-count column may not be public: a count from 1 to below the
    minimum cell size, whatever type it arrived in (the number 3 or the text "3"), and anything
    that is not a plain count (words such as "tiga", "20x5", a negative number), which could
    spell a small count out. Empty cells and zero stay as they are."""
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return True
    try:
        number = Decimal(str(value).strip())
    except (ArithmeticError, ValueError):
        return True
    return not number.is_finite() or not (number == 0 or number >= ambang)


def suppress(ds: Dataset, data: dict) -> dict:
    """A row as the public may see it: in the person-count columns of the dataset, a value from
    1 to below the minimum cell size (or not a plain count) is replaced by null (§16.3)."""
    if not suppresses(ds):
        return data
    out = dict(data)
    for name in ds.kolom_sel_kecil:
        if _hidden(out.get(name), ds.ambang_sel_kecil):
            out[name] = None
    return out


def csv_download(ds: Dataset) -> bytes:
    """The CSV a visitor downloads (suppressed cells empty); its digest is published."""
    from pantau.opendata.tables import csv_bytes

    declared = ds.versi_terbit.skema.get("fields", [])
    types = {f["name"]: f.get("type", "string") for f in declared}
    return csv_bytes([f["name"] for f in declared], (data for _n, data in records(ds)), types)


def records(ds: Dataset, limit: int | None = None):
    """(row number, data as the public may see it) of the approved version, in order."""
    qs = rows(ds).values_list("nomor", "data")
    if limit is not None:
        qs = qs[:limit]
    for nomor, data in qs.iterator(2000):
        yield nomor, suppress(ds, data)


class _JsonText(Func):
    """The text (or number) of one key of the row's JSON: JSON_EXTRACT on SQLite, ->> on
    PostgreSQL. The key is a schema column name, validated as an identifier at upload."""

    output_field = TextField()

    def __init__(self, key: str, output_field=None):
        if not IDENTIFIER.match(key):
            raise ValueError(key)
        self.key = key
        super().__init__(F("data"), output_field=output_field or TextField())

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"JSON_EXTRACT({sql}, '$.{self.key}')", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        text = f"({sql} ->> '{self.key}')"
        if isinstance(self.output_field, FloatField):
            text = f"CAST({text} AS double precision)"
        return text, params


def rows_where(ds: Dataset, conditions: list[tuple[str, str, object]], *, descending=False):
    """Rows of the approved version filtered in the database: (column, op, value) with op in
    eq/gt/gte/lt/lte/in; `_id` is the row number."""
    if suppresses(ds):
        # a filter on the stored values would find the hidden small cells: row-by-row path only
        raise ValueError("rows_where cannot filter a dataset with suppressed cells")
    types = {f["name"]: f.get("type", "string") for f in ds.versi_terbit.skema.get("fields", [])}
    qs = rows(ds)
    for index, (column, op, value) in enumerate(conditions):
        if column == "_id":
            target = "nomor"
        else:
            target = f"v{index}"
            numeric = types.get(column) in ("integer", "number", "year")
            qs = qs.annotate(**{target: _JsonText(column, FloatField() if numeric else None)})
        qs = qs.filter(**{target if op == "eq" else f"{target}__{op}": value})
    return qs.order_by("-nomor" if descending else "nomor")


def organisations(pemda: Pemda):
    """The pemda's active OPDs with the number of public datasets each produces."""
    public = Q(
        datasets__klasifikasi=Klasifikasi.PUBLIK,
        datasets__status__in=VISIBLE_STATUS,
        datasets__versi_terbit__isnull=False,
    )
    return (
        Opd.objects.filter(pemda=pemda, aktif=True)
        .annotate(package_count=Count("datasets", filter=public, distinct=True))
        .only("id", "kode", "nama", "singkatan", "created_at", "pemda_id")
    )


def topics(pemda: Pemda):
    """Topics with the number of public datasets of the pemda in each."""
    public = Q(
        dataset__pemda=pemda,
        dataset__klasifikasi=Klasifikasi.PUBLIK,
        dataset__status__in=VISIBLE_STATUS,
        dataset__versi_terbit__isnull=False,
    )
    return Topik.objects.annotate(package_count=Count("dataset", filter=public, distinct=True))


def publication_log(pemda: Pemda, limit: int = 100):
    """Publications and updates of datasets that are public now."""
    return (
        Publikasi.objects.filter(
            dataset__in=datasets(pemda),
            aksi__in=[Publikasi.Aksi.TERBIT, Publikasi.Aksi.DIPERBARUI],
        )
        .select_related("dataset", "versi", "dataset__opd")
        .order_by("-created_at", "-pk")[:limit]
    )


def last_change(pemda: Pemda) -> str:
    """A token that changes whenever anything the pemda's catalogue shows changes: a dataset,
    an OPD (organisation), the pemda itself (its name, its Walidata) or a topic (group). It is
    the id of the latest audit event on those objects: every write goes through an audited
    service (tests/test_architecture.py), ids only grow, and no server clock is involved, so a
    cache keyed on it never outlives a change, in any process. One plain SQL statement of four
    index lookups (audit_objek_pemda): it runs on every API call."""
    from django.db import connection

    from pantau.audit.models import AuditEvent

    table = AuditEvent._meta.db_table
    # table name from the model's metadata, values as parameters
    sql = (
        f"SELECT MAX(m) FROM ("  # noqa: S608 - table name from the model, values are parameters # nosec B608
        f"SELECT MAX(id) AS m FROM {table} WHERE object_type = %s AND pemda_id = %s "
        f"UNION ALL SELECT MAX(id) FROM {table} WHERE object_type = %s AND pemda_id = %s "
        f"UNION ALL SELECT MAX(id) FROM {table} WHERE object_type = %s AND object_id = %s "
        f"UNION ALL SELECT MAX(id) FROM {table} WHERE object_type = %s) AS perubahan"
    )
    params = [
        Dataset._meta.label_lower,
        pemda.pk,
        Opd._meta.label_lower,
        pemda.pk,
        Pemda._meta.label_lower,
        str(pemda.pk),
        Topik._meta.label_lower,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return f"e{row[0] if row and row[0] is not None else 0}"


# --- development data -------------------------------------------------------------------------


@dataclass
class Ringkasan:
    tahun: int
    pagu: Decimal
    pagu_murni: Decimal
    realisasi: Decimal  # verified reports only, up to `bulan`
    jumlah_sub: int
    kegiatan_publik: int
    bulan: int
    label: str  # "terverifikasi s.d. Oktober 2026"

    @property
    def persen(self) -> Decimal | None:
        return self.realisasi * 100 / self.pagu if self.pagu else None


def years(pemda: Pemda) -> list[int]:
    return list(
        TahunAnggaran.objects.filter(pemda=pemda).order_by("-tahun").values_list("tahun", flat=True)
    )


def headline(pemda: Pemda, tahun: int) -> Ringkasan | None:
    """Budget and verified realisation totals of the pemda for a year, read from the same
    verified roll-up and at the same month (the last one whose reports are due) as the
    leadership dashboard and the Beranda, so that the same question gets the same number.
    Aggregates of the budget are public (domain.md §16.3), but never of `rahasia` items: a
    confidential sub kegiatan's amount must not be derivable from the totals."""
    from pantau.evaluation.choices import Dasar
    from pantau.evaluation.models import RingkasanSubKegiatan
    from pantau.evaluation.periods import bulan_dipilih, label_angka

    ta = TahunAnggaran.objects.filter(pemda=pemda, tahun=tahun).select_related("pemda").first()
    if ta is None:
        return None
    bulan, kalender = bulan_dipilih(ta)
    totals = (
        RingkasanSubKegiatan.objects.filter(
            tahun_anggaran=ta, dasar=Dasar.TERVERIFIKASI, bulan=bulan
        )
        .exclude(sub_kegiatan__klasifikasi=Klasifikasi.RAHASIA)
        .aggregate(
            pagu=Sum("pagu"),
            pagu_murni=Sum("pagu_murni"),
            realisasi=Sum("realisasi"),
            n=Count("id"),
            publik=Count("id", filter=Q(sub_kegiatan__klasifikasi=Klasifikasi.PUBLIK)),
        )
    )
    return Ringkasan(
        tahun=tahun,
        pagu=totals["pagu"] or Decimal(0),
        pagu_murni=totals["pagu_murni"] or Decimal(0),
        realisasi=totals["realisasi"] or Decimal(0),
        jumlah_sub=totals["n"],
        kegiatan_publik=totals["publik"],
        bulan=bulan,
        label=label_angka(
            dasar=Dasar.TERVERIFIKASI, bulan=bulan, tahun=tahun, berjalan=kalender.berjalan(bulan)
        ),
    )


def activities(pemda: Pemda, tahun: int, *, kecamatan: str | None = None, opd_id=None):
    """Public sub kegiatan of a year with their verified progress, optionally of one
    kecamatan or OPD."""
    qs = (
        activities_any_year(pemda).filter(tahun_anggaran__tahun=tahun).order_by("opd__kode", "kode")
    )
    if kecamatan:
        qs = qs.filter(kecamatan__kode=kecamatan)
    if opd_id:
        qs = qs.filter(opd_id=opd_id)
    return qs


def activity(pemda: Pemda, pk: int):
    return activities_any_year(pemda).filter(pk=pk).first()


def activities_any_year(pemda: Pemda):
    """Public sub kegiatan annotated with the latest verified physical figure (`fisik`), its
    month (`bulan`) and the sum of verified money (`realisasi`); restricted sub kegiatan and
    unverified reports never count."""
    verified = Realisasi.objects.filter(VERIFIED_Q, sub_kegiatan=OuterRef("pk"))
    latest = verified.order_by("-periode__bulan")
    return (
        SubKegiatan.objects.filter(pemda=pemda, klasifikasi=Klasifikasi.PUBLIK)
        .select_related("opd", "kecamatan", "desa", "tahun_anggaran")
        .annotate(
            fisik=Subquery(latest.values("fisik_resmi")[:1]),
            bulan=Subquery(latest.values("periode__bulan")[:1]),
            realisasi=Subquery(
                verified.values("sub_kegiatan").annotate(s=Sum("keuangan_resmi")).values("s")[:1]
            ),
        )
    )


def progress_history(sub) -> list[tuple[int, Decimal, Decimal]]:
    """(month, money that month, cumulative physical %) of the verified reports of a public
    sub kegiatan."""
    if sub.klasifikasi != Klasifikasi.PUBLIK:
        return []
    return list(
        Realisasi.objects.filter(VERIFIED_Q, sub_kegiatan=sub)
        .order_by("periode__bulan")
        .values_list("periode__bulan", "keuangan_resmi", "fisik_resmi")
    )


@dataclass
class IndikatorPublik:
    nama: str
    satuan: str
    target: Decimal
    realisasi: Decimal | None
    capaian: Decimal | None
    bulan: list[int]  # the months whose verified values are counted


def indicators(sub) -> list[IndikatorPublik]:
    """The public indicators of a public sub kegiatan: annual target, and the realisation and
    achievement (docs/domain.md formulas) from the values of months whose report is verified."""
    from pantau.evaluation.achievement import capaian, realisasi_periode
    from pantau.monitoring.models import RealisasiIndikator
    from pantau.planning.models import Indikator

    if sub.klasifikasi != Klasifikasi.PUBLIK:
        return []
    found = list(
        Indikator.objects.filter(sub_kegiatan=sub, klasifikasi=Klasifikasi.PUBLIK)
        .only("id", "nama", "satuan", "rumus", "target_tahunan")
        .order_by("pk")
    )
    if not found:
        return []
    values: dict[int, dict[int, Decimal]] = {}
    for ind_id, bulan, nilai in RealisasiIndikator.objects.filter(
        indikator__in=found, nilai_resmi__isnull=False
    ).values_list("indikator_id", "periode__bulan", "nilai_resmi"):
        values.setdefault(ind_id, {})[bulan] = nilai
    out = []
    for ind in found:
        series = values.get(ind.pk, {})
        months = sorted(series)
        result = capaian(
            ind.rumus, ind.target_tahunan, realisasi_periode(ind.rumus, [series[m] for m in months])
        )
        out.append(
            IndikatorPublik(
                ind.nama,
                ind.satuan,
                ind.target_tahunan,
                result.realisasi,
                result.persen,
                months,
            )
        )
    return out


def _verified_evidence() -> Q:
    """Evidence that belongs to a report's verified version: the report's current version is
    the verified one, or the evidence was attached before that version was verified (a photo
    added to a correction that is not verified yet is not public)."""
    return Q(realisasi__keuangan_resmi__isnull=False) & (
        Q(realisasi__versi=F("realisasi__versi_resmi"))
        | Q(created_at__lte=F("realisasi__diverifikasi_pada"))
    )


def photos(sub, limit: int = 24):
    """Public evidence photos of a public sub kegiatan (from verified reports only)."""
    if sub.klasifikasi != Klasifikasi.PUBLIK:
        return Bukti.objects.none()
    return (
        Bukti.objects.filter(
            _verified_evidence(),
            realisasi__sub_kegiatan=sub,
            klasifikasi=Klasifikasi.PUBLIK,
            jenis=Bukti.Jenis.FOTO,
        )
        .exclude(salinan_publik="")
        .select_related("realisasi__periode")
        .only("id", "salinan_publik", "realisasi__periode__bulan", "pemda_id")
        .order_by("-realisasi__periode__bulan", "pk")[:limit]
    )


def photo(pemda: Pemda, pk: int):
    """One public photo (its EXIF-free copy) when everything about it is public."""
    try:
        return (
            Bukti.objects.filter(
                _verified_evidence(),
                pemda=pemda,
                pk=pk,
                klasifikasi=Klasifikasi.PUBLIK,
                jenis=Bukti.Jenis.FOTO,
                realisasi__sub_kegiatan__klasifikasi=Klasifikasi.PUBLIK,
            )
            .exclude(salinan_publik="")
            .only("id", "salinan_publik")
            .first()
        )
    except (TypeError, ValueError):
        return None


def islands(pemda: Pemda) -> list[dict]:
    """The pemda's islands for the public map (Kepmendagri reference data, public by nature)."""
    from pantau.organisations.selectors import pulau_peta

    return pulau_peta(pemda=pemda)


def kecamatan_list(pemda: Pemda):
    return Wilayah.objects.filter(pemda=pemda, tingkat="kecamatan").order_by("kode")


def opd(pemda: Pemda, kode: str):
    return organisations(pemda).filter(kode=kode).first()


def last_change_at(token: str) -> dt.datetime | None:
    """When the change a `last_change` token names happened: the time of that audit event (the
    Last-Modified of the catalogue's machine answers). None for an empty catalogue."""
    from pantau.audit.models import AuditEvent

    number = int(token[1:]) if re.fullmatch(r"e[0-9]+", token) else 0
    if not number:
        return None
    return AuditEvent.objects.filter(pk=number).values_list("at", flat=True).first()
