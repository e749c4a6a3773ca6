"""Writes of a dataset's table (Produsen Data): the declared Table Schema, the upload waiting
for it, and the versions validated against it (decision 0009). Every function checks the
actor's role, validates everything before writing, runs in one transaction and records an
audit event; an invalid file changes nothing."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record, save_audited, snapshot
from pantau.core.storage import remove, store
from pantau.opendata import skema, tables
from pantau.opendata.models import BarisData, Dataset, DatasetVersi, Publikasi, StatusDataset
from pantau.opendata.services import _log, _show_version, is_produsen


def published_once(dataset: Dataset) -> bool:
    """Whether the dataset was ever public (withdrawn ones too): its columns are then fixed."""
    return dataset.diterbitkan_pada is not None or dataset.versi_terbit_id is not None


def _table_writer(actor, dataset_pk: int) -> Dataset:
    """The dataset, locked, when `actor` may change its table now."""
    dataset = (
        Dataset.objects.select_for_update(of=("self",))
        .select_related("opd__pemda")
        .get(pk=dataset_pk)
    )
    if not is_produsen(actor, dataset.opd):
        raise PermissionDenied(_("Hanya produsen data OPD ini atau walidata yang dapat menulis."))
    if dataset.sumber_sistem:
        raise ValidationError(_("Dataset ini dibuat otomatis oleh sistem; tidak dapat diunggah."))
    if dataset.status == StatusDataset.DIAJUKAN:
        raise ValidationError(_("Dataset sedang diperiksa walidata; tunggu hasilnya."))
    return dataset


def _read(content: bytes, filename: str) -> tables.Table:
    """A file's table; refused with every reason for a bad structure or for personal data."""
    table = tables.read_table(content, filename)
    tables.check_structure(table)
    personal = tables.personal_data(table.header, table.rows)
    if personal:
        raise ValidationError(
            _(
                "Berkas berisi data pribadi yang tidak boleh masuk Satu Data (UU 27/2022): "
                "%(p)s. Hapus kolom itu atau sajikan jumlahnya saja, lalu unggah lagi. Tidak ada "
                "yang disimpan."
            )
            % {"p": "; ".join(personal)}
        )
    return table


def _fmt(filename: str) -> str:
    return "xlsx" if filename.lower().endswith(".xlsx") else "csv"


def _set_pending(actor, dataset: Dataset, value: dict, action: str) -> None:
    """Keep (or drop) the upload waiting for its schema. Audited by file name only: the pending
    record carries example values, which do not belong in the audit trail."""
    old = dataset.unggahan_tertunda or {}
    dataset.unggahan_tertunda = value
    dataset.full_clean()
    dataset.save(update_fields=["unggahan_tertunda", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        obj=dataset,
        changes={"unggahan_tertunda": [old.get("nama_berkas", ""), value.get("nama_berkas", "")]},
    )
    if old.get("berkas") and old.get("berkas") != value.get("berkas"):
        name = old["berkas"]
        transaction.on_commit(lambda: remove(name))


@transaction.atomic
def skema_propose(
    *, actor, dataset: Dataset, content: bytes, filename: str, catatan: str = ""
) -> dict:
    """The first file of a dataset whose schema is not declared: its structure and personal data
    are checked, it is kept privately as the upload waiting for its schema, and a schema is
    proposed from it. No data are accepted until the producer confirms the schema
    (`skema_set`, then `unggahan_accept`). Returns the proposal."""
    dataset = _table_writer(actor, dataset.pk)
    if dataset.skema:
        raise ValidationError(
            _("Skema tabel dataset ini sudah dinyatakan; unggah data sesuai skema itu.")
        )
    table = _read(content, filename)
    proposal = skema.propose(table)
    name = store(content, suffix=f".{_fmt(filename)}")
    try:
        _set_pending(
            actor,
            dataset,
            {
                "berkas": name,
                "nama_berkas": filename[:255],
                "catatan": catatan[:500],
                "jumlah_baris": len(table.rows),
                "usulan": proposal,
            },
            "dataset.unggahan",
        )
    except Exception:
        remove(name)
        raise
    return proposal


@transaction.atomic
def skema_set(*, actor, dataset: Dataset, fields: list[dict]) -> Dataset:
    """Declare or correct the dataset's Table Schema: per column its name, title, type and
    whether it counts people (`jumlah_orang`). While the dataset was never published anything
    may be corrected; the columns are those of the waiting upload, or of the declared schema
    (with neither, the schema is declared before any file, as Satu Data's data planning does).
    Once published (decision 0009): names and types stay; titles may change (they reach the
    public with the next version) and columns may be marked as person counts (suppressed in the
    published data at once), never unmarked."""
    dataset = _table_writer(actor, dataset.pk)
    published = published_once(dataset)
    errors = skema.check(fields, types_locked=published)
    if errors:
        raise ValidationError(errors)
    declared = skema.clean(fields)
    pending = (dataset.unggahan_tertunda or {}).get("usulan")
    expected = skema.names(pending) or skema.names(dataset.skema)
    if expected and skema.names(declared) != expected:
        raise ValidationError(
            _(
                "Kolom skema harus kolom berkas, dengan urutan yang sama: %(k)s. Untuk susunan "
                "kolom lain, atur ulang skema."
            )
            % {"k": ", ".join(expected)}
        )
    if published:
        _check_published_change(dataset.skema, declared)
    personal = tables.personal_text({f["name"]: f["title"] for f in declared["fields"]})
    if personal:
        raise ValidationError(
            _("Judul kolom berisi data pribadi: %(p)s.") % {"p": "; ".join(personal)}
        )
    before = snapshot(dataset)
    dataset.skema = declared
    hidden = _suppress_declared_counts(dataset) if published else []
    save_audited(actor=actor, obj=dataset, action="dataset.skema", before=before)
    if hidden:
        _log(
            dataset,
            Publikasi.Aksi.DIPERBARUI,
            actor,
            _("Sel kecil disamarkan pada kolom %(k)s.") % {"k": ", ".join(hidden)},
            dataset.versi_terbit,
        )
    _retitle_draft(actor, dataset)
    return dataset


def _check_published_change(old: dict, new: dict) -> None:
    if skema.structure(new) != skema.structure(old):
        raise ValidationError(
            _(
                "Dataset ini sudah pernah terbit: nama dan jenis kolomnya tetap. Data dengan "
                "susunan kolom lain dibuat sebagai dataset baru."
            )
        )
    dropped = sorted(skema.counts(old) - skema.counts(new))
    if dropped:
        raise ValidationError(
            _("Kolom %(k)s sudah terbit sebagai jumlah orang; tanda itu tidak dapat dihapus.")
            % {"k": ", ".join(dropped)}
        )


def _suppress_declared_counts(dataset: Dataset) -> list[str]:
    """Columns newly declared as person counts are suppressed in the published version at once
    (hiding only removes information, so it needs no new approval). Returns those columns."""
    if dataset.versi_terbit_id is None:
        return []
    new = sorted(
        (skema.counts(dataset.skema) & set(dataset.versi_terbit.kolom))
        - set(dataset.kolom_sel_kecil)
    )
    if not new:
        return []
    dataset.kolom_sel_kecil = sorted({*dataset.kolom_sel_kecil, *new})
    if dataset.ambang_sel_kecil <= 1:
        dataset.ambang_sel_kecil = dataset.opd.pemda.sel_minimum
    _show_version(dataset, dataset.versi_terbit, timezone.now())
    return new


def _retitle_draft(actor, dataset: Dataset) -> None:
    """Titles are labels, not data: a version not yet published takes the declared titles
    when its columns and types are still those declared."""
    latest = dataset.versi.order_by("-nomor").first()
    if latest is None or latest.pk == dataset.versi_terbit_id:
        return
    wanted = skema.for_version(dataset.skema)
    if skema.structure(latest.skema) != skema.structure(wanted):
        return
    titles = {f["name"]: f.get("title") for f in wanted["fields"]}
    fields = []
    for f in skema.fields(latest.skema):
        f = dict(f)
        if titles.get(f["name"]):
            f["title"] = titles[f["name"]]
        else:
            f.pop("title", None)
        fields.append(f)
    if fields == skema.fields(latest.skema):
        return
    before = snapshot(latest)
    latest.skema = {**latest.skema, "fields": fields}
    save_audited(actor=actor, obj=latest, action="dataset.versi.judul", before=before)


@transaction.atomic
def skema_reset(*, actor, dataset: Dataset) -> Dataset:
    """Forget the declared schema (and the waiting upload) of a dataset that was never
    published: the next upload proposes a schema again. Earlier versions stay in the history
    but cannot be submitted unless they match the schema declared next."""
    dataset = _table_writer(actor, dataset.pk)
    if published_once(dataset):
        raise ValidationError(
            _(
                "Dataset ini sudah pernah terbit; skemanya tidak dapat diatur ulang. Buat dataset "
                "baru untuk tabel dengan susunan kolom lain."
            )
        )
    if dataset.unggahan_tertunda:
        _set_pending(actor, dataset, {}, "dataset.unggahan.batal")
    before = snapshot(dataset)
    dataset.skema = {}
    save_audited(actor=actor, obj=dataset, action="dataset.skema.reset", before=before)
    return dataset


@transaction.atomic
def unggahan_cancel(*, actor, dataset: Dataset) -> Dataset:
    """Drop the upload waiting for its schema (the file is deleted)."""
    dataset = _table_writer(actor, dataset.pk)
    if dataset.unggahan_tertunda:
        _set_pending(actor, dataset, {}, "dataset.unggahan.batal")
    return dataset


@transaction.atomic
def unggahan_accept(*, actor, dataset: Dataset) -> DatasetVersi:
    """The waiting upload, checked against the schema now declared, becomes a version. When a
    cell breaks the schema, every such cell is reported and nothing changes (the upload keeps
    waiting, to be corrected by the schema or replaced by a corrected file)."""
    from pantau.core.storage import open_private

    dataset = _table_writer(actor, dataset.pk)
    pending = dataset.unggahan_tertunda or {}
    if not pending:
        raise ValidationError(_("Tidak ada unggahan yang menunggu skema."))
    try:
        content = open_private(pending["berkas"]).read_bytes()
    except FileNotFoundError as exc:
        raise ValidationError(
            _("Berkas yang menunggu tidak ditemukan lagi; unggah ulang berkasnya.")
        ) from exc
    return _accept(actor, dataset, content, pending["nama_berkas"], pending.get("catatan", ""))


@transaction.atomic
def versi_upload(
    *,
    actor,
    dataset: Dataset,
    content: bytes,
    filename: str,
    catatan: str = "",
    terima_usulan: bool = False,
) -> DatasetVersi:
    """A new version from a CSV or XLSX file, validated cell by cell against the dataset's
    declared schema. With no schema declared yet, `terima_usulan` declares the schema proposed
    from this very file, unchanged (what a producer does by confirming the proposal as shown);
    otherwise the schema must be declared first (`skema_propose` / `skema_set`). The file goes
    to private storage, rows to the database. An invalid file changes nothing."""
    dataset = _table_writer(actor, dataset.pk)
    if not dataset.skema:
        if not terima_usulan:
            raise ValidationError(
                _(
                    "Skema tabel dataset ini belum dinyatakan: unggah berkas untuk mendapat "
                    "usulan skema, periksa, lalu simpan."
                )
            )
        table = _read(content, filename)
        before = snapshot(dataset)
        dataset.skema = skema.clean(skema.propose(table)["fields"])
        save_audited(actor=actor, obj=dataset, action="dataset.skema", before=before)
        return _accept(actor, dataset, content, filename, catatan, table)
    return _accept(actor, dataset, content, filename, catatan)


def _accept(actor, dataset: Dataset, content: bytes, filename: str, catatan: str, table=None):
    """Validate a file against the declared schema and write it as the next version (the
    waiting upload, if any, is then done with)."""
    table = table or _read(content, filename)
    declared = skema.names(dataset.skema)
    if table.header != declared:
        hint = (
            ""
            if published_once(dataset)
            else " " + _("Jika susunan tabel memang berubah, atur ulang skema dataset ini.")
        )
        raise ValidationError(
            _(
                "Kolom berkas tidak sesuai skema yang dinyatakan. Diharapkan: %(want)s; "
                "berkas: %(got)s."
            )
            % {"want": ", ".join(declared), "got": ", ".join(table.header)}
            + hint
        )
    schema = skema.for_version(dataset.skema)
    rows = tables.validate(table, schema)
    versi = _new_version(
        actor=actor,
        dataset=dataset,
        schema=schema,
        rows=rows,
        nama_berkas=filename[:255],
        fmt=_fmt(filename),
        content=content,
        catatan=catatan,
    )
    if dataset.unggahan_tertunda:
        _set_pending(actor, dataset, {}, "dataset.unggahan.diterima")
    return versi


def _new_version(*, actor, dataset, schema, rows, nama_berkas, fmt, content, catatan):
    nomor = (dataset.versi.aggregate(n=Max("nomor"))["n"] or 0) + 1
    name = store(content, suffix=f".{fmt}") if fmt in ("csv", "xlsx") else ""
    try:
        versi = DatasetVersi(
            pemda_id=dataset.pemda_id,
            dataset=dataset,
            nomor=nomor,
            nama_berkas=nama_berkas,
            format=fmt,
            berkas=name,
            sha256=hashlib.sha256(content).hexdigest(),
            ukuran=len(content),
            skema=schema,
            jumlah_baris=len(rows),
            catatan=catatan[:500],
            diunggah_oleh=actor,
        )
        save_audited(actor=actor, obj=versi, action="dataset.versi")
        BarisData.objects.bulk_create(
            [BarisData(versi=versi, nomor=i, data=row) for i, row in enumerate(rows, start=1)],
            batch_size=2000,
        )
    except Exception:
        remove(name)  # nothing kept of a version that was not written
        raise
    return versi
