"""The objects the access matrix visits (tests/test_access_matrix.py).

One root-conftest `World` and `Catalogue`, extended with what the matrix needs and the fixtures
do not build: a rahasia and a terbatas sub kegiatan of the own OPD (the other sub kegiatan are
publik), a report with a photo and an indicator on each, import jobs, an operator of the other
OPD (the owner of its report), a superuser, and the Django admin opened for both pemdas' admins.

`MatrixWorld.kwargs(kind, variant)` gives the URL arguments of an object kind for a variant:
`own` (pemda A, OPD Dinkes, publik), `other_opd` (pemda A, OPD PUPR), `other_pemda` (pemda B),
`rahasia` and `terbatas` (pemda A, OPD Dinkes). A kind without an object has the one variant
`none`.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from conftest import NOMEN_ROWS, PASSWORD, YEAR, Catalogue, World, classify

VARIANTS = ("own", "other_opd", "other_pemda", "rahasia", "terbatas")


def nomen_file(folder: Path) -> Path:
    path = folder / "nomenklatur.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["kode", "nomenklatur", "tingkat", "kode_asli_sumber"])
        for kode, nama, tingkat in NOMEN_ROWS:
            writer.writerow([kode, nama, tingkat, kode])
    return path


class MatrixWorld:
    def __init__(self, folder: Path) -> None:
        from django.contrib.auth import get_user_model

        from pantau.monitoring.models import PeriodeLaporan
        from pantau.monitoring.services import bukti_add, realisasi_save
        from pantau.monitoring.tests.photos import jpeg
        from pantau.organisations.models import Membership
        from pantau.organisations.services import (
            membership_set,
            reference_admin_grant,
            user_create,
        )
        from pantau.planning.models import ImportJob
        from pantau.planning.services import indikator_create, sub_kegiatan_create

        self.world = world = World(nomen_file(folder))
        self.catalogue = cat = Catalogue(world)
        a, b = world.a, world.b
        self.users = dict(a.users)
        self.users["admin_b"] = b.users["admin"]
        su = user_create(actor=None, username="super.matrix", password=PASSWORD)
        get_user_model().objects.filter(pk=su.pk).update(is_superuser=True, is_staff=True)
        su.refresh_from_db()
        self.users["superuser"] = su
        for admin in (a.users["admin"], b.users["admin"]):
            reference_admin_grant(actor=None, user=admin)
        # the owner of the other OPD's report and photo
        op_pupr = user_create(actor=None, username="operator_opd.a.pupr", password=PASSWORD)
        membership_set(actor=None, user=op_pupr, pemda=a.pemda, role="operator_opd", opd=a.pupr)

        a.sub3 = sub_kegiatan_create(
            actor=None, kegiatan=a.kegiatan, kode="1.02.02.2.01.0003", pagu_murni=Decimal(1000)
        )
        for sub in (a.sub, a.sub_pupr, b.sub):
            classify(a if sub.pemda_id == a.pemda.pk else b, sub, "publik")
        classify(a, a.sub2, "rahasia")
        subs = {
            "own": (a.sub, a.users["operator_opd"], a.program),
            "other_opd": (a.sub_pupr, op_pupr, a.sub_pupr.kegiatan.program),
            "other_pemda": (b.sub, b.users["operator_opd"], b.program),
            "rahasia": (a.sub2, a.users["operator_opd"], a.program),
            "terbatas": (a.sub3, a.users["operator_opd"], a.program),
        }
        self.objects: dict[str, dict[str, object]] = {}
        for variant, (sub, operator, program) in subs.items():
            sub.refresh_from_db()
            periode = PeriodeLaporan.objects.get(tahun_anggaran=sub.tahun_anggaran, bulan=1)
            report = realisasi_save(
                actor=operator,
                sub_kegiatan=sub,
                periode=periode,
                keuangan=Decimal(100),
                fisik=Decimal(1),
                check_period=False,
            )
            photo = bukti_add(actor=operator, realisasi=report, name="foto.jpg", data=jpeg())
            ind = indikator_create(
                actor=None, induk=sub, nama="Bangunan", satuan="unit", rumus=1, target_tahunan=1
            )
            outcome = indikator_create(
                actor=None, induk=program, nama="Cakupan", satuan="%", rumus=1, target_tahunan=90
            )
            opd = sub.opd
            job = ImportJob.objects.create(
                pemda_id=sub.pemda_id,
                tahun_anggaran=sub.tahun_anggaran,
                opd=opd,
                user=operator,
                kind="rencana",
                nama_berkas="rencana.xlsx",
                status=ImportJob.Status.SELESAI,
            )
            datasets = {
                "own": cat.public[0],
                "other_opd": cat.public[1],
                "other_pemda": _dataset_of(b),
                "rahasia": cat.rahasia,
                "terbatas": cat.terbatas,
            }
            ds = datasets[variant]
            member = Membership.objects.get(user=operator)
            self.objects[variant] = {
                "opd": opd,
                "sub": sub,
                "program": program,
                "report": report,
                "bukti": photo,
                "ind": ind,
                "outcome": outcome,
                "job": job,
                "dataset": ds,
                "person": operator,
                "membership": member,
                "pemda": sub.tahun_anggaran.pemda,
                "ta": sub.tahun_anggaran,
            }
        from pantau.planning.services_renstra import periode_renstra_create

        for opd in {o["opd"].pk: o["opd"] for o in self.objects.values()}.values():
            periode_renstra_create(actor=None, opd=opd, tahun_awal=YEAR - 1, tahun_akhir=YEAR + 3)
        from django.utils import timezone

        from pantau.audit.models import AuditEvent
        from pantau.organisations.models import SesiMasuk

        # a signed-in session of each OPD's operator: only its owner ends it
        for variant in ("own", "other_opd", "other_pemda"):
            person = self.objects[variant]["person"]
            now = timezone.now()
            self.objects[variant]["sesi"] = SesiMasuk.objects.create(
                user=person, kunci_hash=f"{variant:0>64}"[-64:], dibuat=now, terakhir=now
            )

        # an archived official report (Form B, XLSX) of each OPD, built by its pemda's verifier
        from pantau.reports.jobs import laporan_run
        from pantau.reports.selectors import Permintaan
        from pantau.reports.services import laporan_request

        for variant, tenant in (("own", a), ("other_opd", a), ("other_pemda", b)):
            o = self.objects[variant]
            asked = laporan_request(
                actor=tenant.users["verifikator"],
                permintaan=Permintaan("form-b", o["ta"], o["opd"], 1),
                format="xlsx",
            )
            o["laporan_resmi"] = laporan_run(asked.pk)
            assert o["laporan_resmi"].status == "selesai", o["laporan_resmi"].pesan

        self.objects["own"]["audit"] = AuditEvent.objects.filter(pemda_id=a.pemda.pk).last()
        self.objects["other_pemda"]["audit"] = AuditEvent.objects.filter(pemda_id=b.pemda.pk).last()

    def kwargs(self, kind: str, variant: str) -> dict | None:
        """The URL arguments of `kind` for `variant`, or None when the kind has no such
        object (an OPD is neither rahasia nor terbatas)."""
        builder = KINDS[kind]
        return builder(self.objects, variant)


def _dataset_of(tenant):
    from pantau.opendata.models import Dataset

    return Dataset.objects.filter(pemda=tenant.pemda).order_by("pk").first()


def _obj(name: str, variants=VARIANTS):
    def pick(objects, variant):
        if variant not in variants:
            return None
        return objects[variant][name]

    return pick


def _pk(name: str, key: str = "pk", variants=VARIANTS):
    get = _obj(name, variants)

    def build(objects, variant):
        obj = get(objects, variant)
        return None if obj is None else {key: obj.pk}

    return build


ORG = ("own", "other_opd", "other_pemda")  # objects without a classification
TENANTS = ("own", "other_pemda")  # pemda-level objects (no OPD)


def _plan(extra=None, variants=ORG):
    def build(objects, variant):
        if variant not in variants:
            return None
        o = objects[variant]
        kw = {"opd_id": o["opd"].pk, "tahun": YEAR}
        if extra:
            kw.update(extra(o))
        return kw

    return build


def _admin_change(name: str, variants=TENANTS):
    def build(objects, variant):
        if variant not in variants or name not in objects[variant]:
            return None
        return {"object_id": str(objects[variant][name].pk)}

    return build


KINDS = {
    "none": lambda objects, variant: {} if variant == "none" else None,
    "opd": _pk("opd", variants=ORG),
    "opd_kelola": _pk("opd", variants=ORG),
    "sub_id": _pk("sub", "sub_id"),
    "laporan": lambda o, v: (
        None
        if v not in VARIANTS
        else {"sub_id": o[v]["sub"].pk, "bulan": o[v]["report"].periode.bulan}
    ),
    "report": _pk("report"),
    "bukti": _pk("bukti"),
    "bukti_berkas": lambda o, v: (
        None if v not in VARIANTS else {"pk": o[v]["bukti"].pk, "varian": "asli"}
    ),
    "plan": _plan(),
    "plan_sub": _plan(lambda o: {"sub_id": o["sub"].pk}, VARIANTS),
    "plan_ind": _plan(lambda o: {"sub_id": o["sub"].pk, "ind_id": o["ind"].pk}, VARIANTS),
    "plan_induk": _plan(lambda o: {"tingkat": "program", "induk_id": o["program"].pk}),
    "plan_induk_ind": _plan(
        lambda o: {"tingkat": "program", "induk_id": o["program"].pk, "ind_id": o["outcome"].pk}
    ),
    "plan_program": _plan(lambda o: {"program_id": o["program"].pk}),
    "plan_outcome": _plan(lambda o: {"ind_id": o["outcome"].pk}),
    "job": _pk("job", variants=ORG),
    "dataset": _pk("dataset"),
    "dataset_step": lambda o, v: (
        None if v not in VARIANTS else {"pk": o[v]["dataset"].pk, "nama": "ajukan"}
    ),
    "dataset_nama": lambda o, v: None if v not in VARIANTS else {"nama": o[v]["dataset"].nama},
    "klasifikasi_sub": _pk("sub"),
    "klasifikasi_ubah": lambda o, v: (
        None if v not in VARIANTS else {"jenis": "sub", "pk": o[v]["sub"].pk}
    ),
    "person": _pk("person", variants=ORG),
    "kegiatan_publik": _pk("sub"),
    "foto_publik": _pk("bukti"),
    "opd_publik": lambda o, v: None if v not in ORG else {"kode": o[v]["opd"].kode},
    # Django admin objects
    "admin_pemda": _admin_change("pemda"),
    "admin_opd": _admin_change("opd", ORG),
    "admin_membership": _admin_change("membership", ORG),
    "admin_user": _admin_change("person", ORG),
    "admin_ta": _admin_change("ta"),
    "admin_audit": _admin_change("audit"),
    "audit": _pk("audit", variants=TENANTS),
    "sesi": _pk("sesi", variants=ORG),
}


def _first(model_path: str):
    """The first row of a national reference table (no pemda): variant `none`."""

    def build(objects, variant):
        if variant != "none":
            return None
        from django.apps import apps

        obj = apps.get_model(model_path).objects.order_by("pk").first()
        return None if obj is None else {"object_id": str(obj.pk)}

    return build


def _download(objects, variant):
    if variant not in VARIANTS:
        return None
    from pantau.opendata.ids import resource_id

    ds = objects[variant]["dataset"]
    return {"nama": ds.nama, "rid": resource_id(ds.uid, "csv"), "filename": f"{ds.nama}.csv"}


def _fixed(**kwargs):
    return lambda objects, variant: dict(kwargs) if variant == "none" else None


def _wilayah(objects, variant):
    if variant not in TENANTS:
        return None
    from pantau.organisations.models import Wilayah

    pemda = objects[variant]["pemda"]
    obj = Wilayah.objects.filter(pemda=pemda).order_by("pk").first()
    return None if obj is None else {"object_id": str(obj.pk)}


def _view_on_site(objects, variant):
    if variant not in TENANTS:
        return None
    from django.contrib.contenttypes.models import ContentType

    opd = objects[variant]["opd"]
    return {"content_type_id": ContentType.objects.get_for_model(opd).pk, "object_id": opd.pk}


KINDS.update(
    {
        "reset": _fixed(uidb64="MQ", token="set-password"),
        "rincian": _fixed(jenis="semua"),
        "api_action": _fixed(name="package_list"),
        "download": _download,
        "rdf": _fixed(fmt="ttl"),
        "dataset_rdf": lambda o, v: (
            None if v not in VARIANTS else {"key": o[v]["dataset"].nama, "fmt": "ttl"}
        ),
        "media": _fixed(path="../config/settings.py"),
        "view_on_site": _view_on_site,
        "admin_app": _fixed(app_label="organisations"),
        "admin_catch_all": _fixed(url="tidak-ada/"),
        "admin_group": lambda o, v: None,
        "admin_wilayah": _wilayah,
        "admin_nomenklatur": _first("planning.Nomenklatur"),
        "admin_sumberdana": _first("planning.SumberDana"),
        "admin_topik": _first("opendata.Topik"),
    }
)


def _buka(objects, variant):
    """The period reopening form names its OPD and period in the body."""
    if variant not in ORG:
        return None
    o = objects[variant]
    return {"_body": {"opd": o["opd"].pk, "periode": o["report"].periode_id}}


KINDS.update(
    {
        "buka": _buka,
        "rincian": _fixed(jenis="sub"),
        "media": _fixed(path="tidak-ada.png"),
        "opd_publik": lambda o, v: (
            None if v not in ("own", "other_opd") else {"kode": o[v]["opd"].kode}
        ),
    }
)


def _with_body(build, body):
    """`build`'s URL arguments plus a request body (sent as the query string on a GET)."""

    def wrapped(objects, variant):
        kwargs = build(objects, variant)
        if kwargs is None:
            return None
        return {**kwargs, "_body": body(objects[variant])}

    return wrapped


def _kelola(objects, variant):
    """The pemda administration pages name their pemda (`?pemda=`): the attacker's own id
    and the other pemda's."""
    if variant not in TENANTS:
        return None
    return {"_body": {"pemda": objects[variant]["pemda"].pk}}


def _pemda_of(o) -> dict:
    return {"pemda": o["pemda"].pk, "aktif": "0"}


KINDS.update(
    {
        "kelola": _kelola,
        "person": _with_body(_pk("person", variants=ORG), _pemda_of),
        "opd_kelola": _with_body(_pk("opd", variants=ORG), _pemda_of),
        "laporan": _with_body(KINDS["laporan"], lambda o: {"keuangan": "1000", "fisik": "2"}),
        "report": _with_body(KINDS["report"], lambda o: {"langkah": "submit"}),
        "klasifikasi_ubah": _with_body(
            KINDS["klasifikasi_ubah"], lambda o: {"klasifikasi": "publik", "kelas_kip": "berkala"}
        ),
        "admin_user_pw": lambda o, v: None if v not in ORG else {"id": str(o[v]["person"].pk)},
    }
)


def _verify_bulk(objects, variant):
    """The bulk verification form names its reports in the body ("id:version token")."""
    if variant not in VARIANTS:
        return None
    from pantau.monitoring.queues import version_token

    report = objects[variant]["report"]
    report.refresh_from_db()
    return {"_body": {"laporan": f"{report.pk}:{version_token(report)}"}}


KINDS["verify_bulk"] = _verify_bulk


def _klasifikasi_bulk(objects, variant):
    """The classification list sets one level on the sub kegiatan chosen in the body."""
    if variant not in VARIANTS:
        return None
    sub = objects[variant]["sub"]
    return {
        "_body": {
            "pilih": sub.pk,
            "klasifikasi": "rahasia",
            "dasar_pengecualian": "17a",
            "alasan": "Uji matriks akses.",
        }
    }


KINDS["klasifikasi_bulk"] = _klasifikasi_bulk


def _laporan_pemda(objects, variant):
    """The pemda's official reports name only the year and the kind (the pemda is the user's)."""
    if variant != "none":
        return None
    return {"tahun": YEAR, "jenis": "ringkasan", "_body": {"format": "xlsx", "triwulan": "1"}}


KINDS.update(
    {
        "laporan_opd": _with_body(
            _plan(lambda o: {"jenis": "form-b"}), lambda o: {"format": "xlsx", "bulan": "1"}
        ),
        "laporan_pemda": _laporan_pemda,
        "laporan_e81": _with_body(
            _plan(), lambda o: {"triwulan": "1", "faktor_pendorong": "Uji matriks akses."}
        ),
        "laporan_resmi": _pk("laporan_resmi", variants=ORG),
    }
)
