"""Writes of the open-data app: datasets (Produsen Data), versions, the Walidata's review, and the
classification of development data. Every function checks the actor's role, validates
everything before writing, runs in one transaction and records an audit event."""

from __future__ import annotations

import hashlib
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pantau.audit.services import audit_bulk, audit_record, diff, save_audited, snapshot
from pantau.core.classification import Klasifikasi
from pantau.opendata import skema, tables
from pantau.opendata.models import (
    Dataset,
    Frekuensi,
    Publikasi,
    StatusDataset,
)
from pantau.organisations.access import scope_for
from pantau.organisations.choices import Role

META_FIELDS = [
    "judul",
    "deskripsi",
    "kata_kunci",
    "konsep",
    "definisi",
    "klasifikasi_penyajian",
    "ukuran",
    "satuan",
    "frekuensi",
    "periode_awal",
    "periode_akhir",
    "tahun",
    "tingkat_penyajian",
    "metode",
    "lisensi",
]
LICENSES = {"cc-by", "cc-by-sa", "cc-zero", "odc-by", "other-open"}
SLUG = re.compile(r"^[a-z0-9_-]{2,100}$")
RESERVED = {"new", "edit", "search"}


def is_walidata(user, pemda) -> bool:
    """The Walidata of a pemda: its Diskominfo admins (docs/domain.md §15)."""
    return user is not None and scope_for(user).role_in(pemda.pk) == Role.ADMIN


def is_produsen(user, opd) -> bool:
    """Who may write an OPD's datasets: its operators and head, and the Walidata."""
    if user is None:
        return True  # the system (commands, development datasets)
    scope = scope_for(user)
    role = scope.role_in(opd.pemda_id)
    if role == Role.ADMIN:
        return True
    return role in (Role.OPERATOR_OPD, Role.KEPALA_OPD) and opd.pk in scope.opd_ids


def _check_name(pemda, nama: str, exclude=None) -> None:
    if not SLUG.match(nama or "") or nama in RESERVED:
        raise ValidationError(
            {
                "nama": _(
                    "Nama dataset 2–100 karakter: huruf kecil, angka, - atau _ "
                    "(mis. jumlah-penduduk-per-kecamatan-2025)."
                )
            }
        )
    taken = Dataset.objects.filter(pemda=pemda, nama=nama)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError({"nama": _("Nama dataset ini sudah dipakai.")})


@transaction.atomic
def dataset_create(*, actor, opd, nama: str, topik=(), **meta) -> Dataset:
    """A new dataset of an OPD: a draft, `terbatas` until the Walidata publishes it."""
    if not is_produsen(actor, opd):
        raise PermissionDenied(_("Hanya produsen data OPD ini atau walidata yang dapat menulis."))
    unknown = set(meta) - set(META_FIELDS) - {"sumber_sistem"}
    if unknown:
        raise TypeError(f"unknown dataset fields: {sorted(unknown)}")
    _check_name(opd.pemda, nama)
    if meta.get("lisensi") and meta["lisensi"] not in LICENSES:
        raise ValidationError({"lisensi": _("Lisensi tidak dikenal.")})
    dataset = Dataset(pemda_id=opd.pemda_id, opd=opd, nama=nama, **meta)
    save_audited(actor=actor, obj=dataset, action="dataset.create")
    if topik:
        _set_topics(actor, dataset, topik)
    return dataset


@transaction.atomic
def dataset_update(*, actor, dataset: Dataset, topik=None, **meta) -> Dataset:
    """Change the metadata. The Produsen may edit while the dataset is not under review; a
    published dataset's public copy changes only when the Walidata approves again."""
    dataset = Dataset.objects.select_for_update(of=("self",)).get(pk=dataset.pk)
    if not is_produsen(actor, dataset.opd):
        raise PermissionDenied(_("Hanya produsen data OPD ini atau walidata yang dapat menulis."))
    walidata = actor is None or is_walidata(actor, dataset.opd.pemda)
    if dataset.status == StatusDataset.DIAJUKAN and not walidata:
        raise ValidationError(_("Dataset sedang diperiksa walidata; tunggu hasilnya."))
    public_copy = dataset.versi_terbit_id is not None and dataset.status != StatusDataset.DITARIK
    if public_copy and not walidata:
        # the public reads these fields: only the Walidata changes a published dataset's metadata
        raise ValidationError(
            _("Dataset ini sudah terbit: perubahan metadata dilakukan oleh walidata.")
        )
    unknown = set(meta) - set(META_FIELDS)
    if unknown:
        raise TypeError(f"unknown dataset fields: {sorted(unknown)}")
    if meta.get("lisensi") and meta["lisensi"] not in LICENSES:
        raise ValidationError({"lisensi": _("Lisensi tidak dikenal.")})
    before = snapshot(dataset)
    for key, value in meta.items():
        setattr(dataset, key, value)
    if public_copy:
        personal = tables.personal_text({k: v for k, v in meta.items() if isinstance(v, str)})
        if personal:
            raise ValidationError(
                _("Data berisi data pribadi dan tidak boleh diterbitkan: %(p)s.")
                % {"p": "; ".join(personal)}
            )
        dataset.diubah_publik = timezone.now()  # harvesters see the change
    save_audited(actor=actor, obj=dataset, action="dataset.update", before=before)
    if topik is not None:
        _set_topics(actor, dataset, topik)
    return dataset


def _set_topics(actor, dataset: Dataset, topik) -> None:
    """Topics are public metadata: their change is audited like a field."""
    before = sorted(dataset.topik.values_list("nama", flat=True))
    dataset.topik.set(topik)
    after = sorted(dataset.topik.values_list("nama", flat=True))
    if before != after:
        audit_record(
            actor=actor,
            action="dataset.topik",
            obj=dataset,
            changes={"topik": [before, after]},
            pemda_id=dataset.pemda_id,
        )


def missing_metadata(dataset: Dataset) -> list[str]:
    """What Satu Data and the interop contract require before publication (§12)."""
    missing = []
    for field, label in (
        ("judul", _("judul")),
        ("deskripsi", _("deskripsi")),
        ("frekuensi", _("frekuensi")),
        ("periode_awal", _("periode")),
        ("lisensi", _("lisensi")),
    ):
        if not getattr(dataset, field):
            missing.append(label)
    if not dataset.opd.pemda.walidata_email:
        missing.append(_("email walidata pemda"))
    if dataset.frekuensi and dataset.frekuensi not in Frekuensi.values:
        missing.append(_("frekuensi"))
    return missing


@transaction.atomic
def dataset_submit(*, actor, dataset: Dataset) -> Dataset:
    """The Produsen sends the latest version to the Walidata for review."""
    dataset = (
        Dataset.objects.select_for_update(of=("self",))
        .select_related("opd__pemda")
        .get(pk=dataset.pk)
    )
    if not is_produsen(actor, dataset.opd):
        raise PermissionDenied(_("Hanya produsen data OPD ini atau walidata yang dapat menulis."))
    latest = dataset.versi.order_by("-nomor").first()
    if latest is None:
        raise ValidationError(_("Unggah data terlebih dahulu."))
    if dataset.status == StatusDataset.DIAJUKAN:
        raise ValidationError(_("Dataset sudah diajukan."))
    if dataset.status == StatusDataset.TERBIT and dataset.versi_terbit_id == latest.pk:
        raise ValidationError(_("Versi terakhir sudah terbit; unggah versi baru untuk diajukan."))
    if not dataset.sumber_sistem and not skema.matches(dataset.skema, latest.skema):
        raise ValidationError(
            _(
                "Versi terakhir tidak sesuai skema tabel yang dinyatakan (skema diubah setelah "
                "diunggah); unggah data sesuai skema lalu ajukan."
            )
        )
    missing = missing_metadata(dataset)
    if missing:
        raise ValidationError(
            _("Metadata belum lengkap: %(m)s.") % {"m": ", ".join(str(m) for m in missing)}
        )
    before = snapshot(dataset)
    dataset.status = StatusDataset.DIAJUKAN
    save_audited(actor=actor, obj=dataset, action="dataset.submit", before=before)
    _log(dataset, Publikasi.Aksi.DIAJUKAN, actor, versi=latest)
    return dataset


@transaction.atomic
def dataset_publish(
    *,
    actor,
    dataset: Dataset,
    kelas_kip: str,
    catatan: str = "",
    kolom_sel_kecil: list[str] | None = None,
) -> Dataset:
    """The Walidata publishes the latest version: the dataset becomes `publik` with its KIP
    class. Refused while the data hold personal data or the metadata are incomplete.

    `kolom_sel_kecil` names the person-count columns whose small values (1 to below the pemda's
    minimum cell size) are suppressed in every public read; None keeps the earlier choice. Any
    column may be marked (a count may have arrived as text in an older version); the columns
    the producer declared as person counts are always added."""
    dataset = (
        Dataset.objects.select_for_update(of=("self",))
        .select_related("opd__pemda")
        .get(pk=dataset.pk)
    )
    if actor is not None and not is_walidata(actor, dataset.opd.pemda):
        raise PermissionDenied(_("Hanya walidata (Diskominfo) yang dapat menerbitkan data."))
    latest = dataset.versi.order_by("-nomor").first()
    if latest is None:
        raise ValidationError(_("Dataset belum berisi data."))
    if dataset.status != StatusDataset.DIAJUKAN and not dataset.sumber_sistem:
        raise ValidationError(_("Hanya dataset yang diajukan yang dapat diterbitkan."))
    missing = missing_metadata(dataset)
    if missing:
        raise ValidationError(
            _("Metadata belum lengkap: %(m)s.") % {"m": ", ".join(str(m) for m in missing)}
        )
    personal = tables.personal_data(
        latest.kolom, latest.baris.order_by("nomor").values_list("data", flat=True).iterator(5000)
    )
    personal += tables.personal_text(
        {f: getattr(dataset, f) for f in ("judul", "deskripsi", "konsep", "definisi", "metode")}
    )
    if personal:
        raise ValidationError(
            _("Data berisi data pribadi dan tidak boleh diterbitkan: %(p)s.")
            % {"p": "; ".join(personal)}
        )
    chosen = dataset.kolom_sel_kecil if kolom_sel_kecil is None else list(kolom_sel_kecil)
    columns = set(latest.kolom)
    wrong = [k for k in chosen if k not in columns]
    if wrong:
        raise ValidationError(
            _("Kolom sel kecil harus kolom dataset ini: %(k)s.") % {"k": ", ".join(wrong)}
        )
    # every column declared as a person count is suppressed, whatever type its values have
    kolom = {*chosen, *(skema.counts(dataset.skema) & columns)}
    before = snapshot(dataset)
    first = dataset.versi_terbit_id is None
    now = timezone.now()
    dataset.kolom_sel_kecil = sorted(set(kolom))
    dataset.ambang_sel_kecil = dataset.opd.pemda.sel_minimum if kolom else 0
    _show_version(dataset, latest, now)
    dataset.klasifikasi = Klasifikasi.PUBLIK
    dataset.kelas_kip = kelas_kip
    dataset.dasar_pengecualian = ""
    dataset.alasan_klasifikasi = ""
    dataset.status = StatusDataset.TERBIT
    dataset.disetujui_pada = now
    dataset.diterbitkan_pada = dataset.diterbitkan_pada or now
    dataset.catatan_walidata = catatan
    dataset.check_klasifikasi()
    save_audited(actor=actor, obj=dataset, action="dataset.publish", before=before)
    _log(
        dataset,
        Publikasi.Aksi.TERBIT if first else Publikasi.Aksi.DIPERBARUI,
        actor,
        catatan,
        latest,
    )
    return dataset


def _show_version(dataset: Dataset, versi, now) -> None:
    """Point the dataset's public face at `versi` (not saved): the version, when the public
    copy changed, and the size and SHA-256 of the CSV the public will download (suppression
    applied). Every path that publishes a version goes through here."""
    from pantau.opendata.public import csv_download

    dataset.versi_terbit = versi
    dataset.diubah_publik = now
    served = csv_download(dataset)
    dataset.csv_ukuran, dataset.csv_sha256 = len(served), hashlib.sha256(served).hexdigest()


def _log(dataset: Dataset, aksi: str, actor=None, catatan: str = "", versi=None) -> None:
    """One line of the public publication log."""
    Publikasi.objects.create(
        pemda_id=dataset.pemda_id,
        dataset=dataset,
        versi=versi,
        aksi=aksi,
        oleh=actor if getattr(actor, "is_authenticated", False) else None,
        catatan=catatan,
    )


@transaction.atomic
def dataset_return(*, actor, dataset: Dataset, catatan: str) -> Dataset:
    """The Walidata sends a submission back with a note; a published version stays public."""
    dataset = (
        Dataset.objects.select_for_update(of=("self",))
        .select_related("opd__pemda")
        .get(pk=dataset.pk)
    )
    if not is_walidata(actor, dataset.opd.pemda):
        raise PermissionDenied(_("Hanya walidata (Diskominfo) yang dapat mengembalikan data."))
    if dataset.status != StatusDataset.DIAJUKAN:
        raise ValidationError(_("Hanya dataset yang diajukan yang dapat dikembalikan."))
    if not (catatan or "").strip():
        raise ValidationError({"catatan": _("Tuliskan apa yang harus diperbaiki.")})
    before = snapshot(dataset)
    dataset.status = StatusDataset.DIKEMBALIKAN
    dataset.catatan_walidata = catatan
    save_audited(actor=actor, obj=dataset, action="dataset.return", before=before)
    _log(dataset, Publikasi.Aksi.DIKEMBALIKAN, actor, catatan)
    return dataset


@transaction.atomic
def dataset_withdraw(
    *, actor, dataset: Dataset, klasifikasi: str, dasar_pengecualian: str, alasan: str
) -> Dataset:
    """The Walidata withdraws a published dataset: it becomes terbatas or rahasia with its
    exemption basis, disappears from every public listing and answers Not Found."""
    dataset = (
        Dataset.objects.select_for_update(of=("self",))
        .select_related("opd__pemda")
        .get(pk=dataset.pk)
    )
    if not is_walidata(actor, dataset.opd.pemda):
        raise PermissionDenied(_("Hanya walidata (Diskominfo) yang dapat menarik data."))
    if klasifikasi == Klasifikasi.PUBLIK:
        raise ValidationError({"klasifikasi": _("Pilih terbatas atau rahasia.")})
    before = snapshot(dataset)
    dataset.klasifikasi = klasifikasi
    dataset.kelas_kip = ""
    dataset.dasar_pengecualian = dasar_pengecualian
    dataset.alasan_klasifikasi = alasan
    dataset.status = StatusDataset.DITARIK
    dataset.check_klasifikasi()
    save_audited(actor=actor, obj=dataset, action="dataset.withdraw", before=before)
    _log(dataset, Publikasi.Aksi.DITARIK, actor, alasan)
    return dataset


@transaction.atomic
def klasifikasi_set(
    *,
    actor,
    obj,
    klasifikasi: str,
    kelas_kip: str = "",
    dasar_pengecualian: str = "",
    alasan: str = "",
):
    """Set the level of one dataset, sub kegiatan, indicator or piece of evidence (Walidata or
    Bappeda's verifier of the pemda): `klasifikasi_set_many` for one row, so the rule, the
    permission and the audit are defined once. Returns the row as saved."""
    klasifikasi_set_many(
        actor=actor,
        model=type(obj),
        pks=[obj.pk],
        klasifikasi=klasifikasi,
        kelas_kip=kelas_kip,
        dasar_pengecualian=dasar_pengecualian,
        alasan=alasan,
    )
    return type(obj).objects.get(pk=obj.pk)


@transaction.atomic
def klasifikasi_set_many(
    *,
    actor,
    model,
    pks,
    klasifikasi: str,
    kelas_kip: str = "",
    dasar_pengecualian: str = "",
    alasan: str = "",
) -> int:
    """Set one level on many rows of one model (the Walidata's list screen, the demo, and
    `klasifikasi_set` for one row): the §16.3 rule, the Walidata/verifier permission, one audit
    event per row that changed with its old and new level, a fixed number of queries. All or
    nothing: a refusal changes no row. Returns the number of rows changed."""
    rows = list(
        model.objects.select_for_update(of=("self",)).filter(pk__in=list(pks)).order_by("pk")
    )
    if not rows:
        return 0
    for pemda_id in {r.pemda_id for r in rows}:
        role = scope_for(actor).role_in(pemda_id) if actor is not None else Role.ADMIN
        if role not in (Role.ADMIN, Role.VERIFIKATOR):
            raise PermissionDenied(
                _("Hanya walidata atau verifikator yang dapat mengubah klasifikasi.")
            )
    publik = klasifikasi == Klasifikasi.PUBLIK
    values = {
        "klasifikasi": klasifikasi,
        "kelas_kip": kelas_kip if publik else "",
        "dasar_pengecualian": "" if publik else dasar_pengecualian,
        "alasan_klasifikasi": "" if publik else alasan,
    }
    _check_choices(klasifikasi, values["kelas_kip"], values["dasar_pengecualian"], alasan)
    changed = []
    now = timezone.now()
    for obj in rows:
        _may_change_level(actor, obj)
        before = snapshot(obj)
        for name, value in values.items():
            setattr(obj, name, value)
        obj.updated_at = now  # bulk_update does not apply auto_now
        obj.check_klasifikasi()
        changes = diff(before, snapshot(obj))
        if changes:
            changed.append((obj, changes))
    if not changed:
        return 0
    model.objects.bulk_update([o for o, _c in changed], [*values, "updated_at"], batch_size=500)
    label = model._meta.model_name
    audit_bulk(
        actor=actor,
        action=f"{label}.klasifikasi",
        entries=[
            (model._meta.label_lower, o.pk, str(o), o.pemda_id, o.opd_id, c) for o, c in changed
        ],
    )
    if model._meta.label_lower == "planning.subkegiatan":
        from pantau.opendata import development

        # what the public series may count changed: rebuild them now, in this transaction
        development.refresh_for_subs(subs=[o for o, _c in changed])
    return len(changed)


def _may_change_level(actor, obj) -> None:
    """A `rahasia` item (as locked now, not as the screen showed it) is changed only by someone
    who may read it: Bappeda's verifier classifies, but does not read or lower rahasia items."""
    from pantau.organisations.rahasia import may_read_rahasia

    if actor is not None and not may_read_rahasia(actor, obj):
        raise PermissionDenied(
            _("Klasifikasi data rahasia hanya dapat diubah oleh walidata atau pimpinan.")
        )


def _check_choices(klasifikasi: str, kelas_kip: str, dasar: str, alasan: str) -> None:
    """The values a bulk change writes without `full_clean`: each must be a known choice."""
    from pantau.core.classification import KelasKip, Pengecualian

    errors = {}
    if klasifikasi not in Klasifikasi.values:
        errors["klasifikasi"] = _("Pilih klasifikasi yang dikenal.")
    if kelas_kip and kelas_kip not in KelasKip.values:
        errors["kelas_kip"] = _("Pilih kelas informasi yang dikenal.")
    if dasar and dasar not in Pengecualian.values:
        errors["dasar_pengecualian"] = _("Pilih dasar pengecualian yang dikenal.")
    if len(alasan or "") > 500:
        errors["alasan_klasifikasi"] = _("Alasan paling banyak 500 karakter.")
    if errors:
        raise ValidationError(errors)
