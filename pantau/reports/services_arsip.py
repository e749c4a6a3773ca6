"""Writes of the archive (issue 14 §5, decision 0039 "Archive"): signing a report and issuing
a new version of a final one. Each is atomic and writes its audit event in the same
transaction; a final report is refused by every write (`services.refuse_final`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pantau.audit.services import audit_record
from pantau.reports.choices import Status, Tahap
from pantau.reports.models import LaporanResmi, TandaTanganLaporan
from pantau.reports.selectors import access_laporan, permintaan_check, permintaan_of, tabel_for
from pantau.reports.services import FINAL_MESSAGE, refuse_final
from pantau.reports.tables import Tabel
from pantau.reports.ttd import Slot, blok_kosong, slots_for

NIP_MISSING = gettext_lazy("Lengkapi NIP Anda di profil sebelum menandatangani.")
NAME_MISSING = gettext_lazy("Lengkapi nama lengkap Anda di profil sebelum menandatangani.")
DATA_CHANGED = gettext_lazy(
    "Data laporan ini berubah sejak drafnya dibuat; buat ulang laporan, lalu tandatangani "
    "draf yang baru."
)
NOT_BUILT = gettext_lazy("Hanya laporan yang selesai dibuat yang dapat ditandatangani.")


@dataclass(frozen=True)
class Giliran:
    """Whose signature a report waits for: the slot's number (1-based) and rule, or None
    when every signature is there."""

    urutan: int
    slot: Slot | None


def giliran(laporan: LaporanResmi, *, signed: int | None = None) -> Giliran:
    slots = slots_for(jenis=laporan.jenis, opd_id=laporan.opd_id)
    done = laporan.tanda_tangan.count() if signed is None else signed
    return Giliran(done + 1, slots[done] if done < len(slots) else None)


def today_at(pemda) -> dt.date:
    """Today in the pemda's time zone (the signing date)."""
    return timezone.localtime(timezone.now(), ZoneInfo(pemda.zona_waktu)).date()


def signer_refusal(actor, laporan: LaporanResmi, slot: Slot | None) -> str:
    """Why this person may not give the awaited signature, in words ("" when they may)."""
    from pantau.organisations.models import Membership

    if laporan.final or slot is None:
        return str(FINAL_MESSAGE)
    membership = Membership.objects.filter(user=actor, pemda_id=laporan.pemda_id).first()
    fits = membership is not None and membership.role == slot.role
    if fits and slot.opd:
        fits = membership.opd_id == laporan.opd_id
    if not fits:
        return _(
            "Tanda tangan berikutnya (%(peran)s) diberikan oleh %(siapa)s; peran Anda tidak "
            "dapat menandatanganinya."
        ) % {"peran": slot.peran, "siapa": _who(slot, laporan)}
    return ""


def _who(slot: Slot, laporan) -> str:
    from pantau.organisations.choices import Role

    if slot.opd and laporan.opd is not None:
        return _("Kepala %(opd)s") % {"opd": laporan.opd.nama}
    return str(Role(slot.role).label)


def _person(actor) -> tuple[str, str]:
    from pantau.organisations.models import Profil

    nip = Profil.objects.filter(user=actor).values_list("nip", flat=True).first() or ""
    if not nip.strip():
        raise ValidationError(str(NIP_MISSING), code="nip")
    name = actor.get_full_name().strip()
    if not name:
        raise ValidationError(str(NAME_MISSING), code="nama")
    return name, nip.strip()


def _jabatan(actor, laporan, slot: Slot) -> str:
    from pantau.organisations.models import Membership

    held = (
        Membership.objects.filter(user=actor, pemda_id=laporan.pemda_id)
        .values_list("jabatan", flat=True)
        .first()
    )
    if held:
        return held
    if slot.opd and laporan.opd is not None:
        return _("Kepala %(opd)s") % {"opd": laporan.opd.nama}
    return str(slot.jabatan)


def _same_data(actor, laporan) -> None:
    """Rebuild the table now, as the actor may read it, and compare its data version."""
    with translation.override(laporan.bahasa):
        now, _rahasia = tabel_for(user=actor, p=permintaan_of(laporan))
    if now.versi() != laporan.versi_data:
        raise ValidationError(str(DATA_CHANGED), code="data_berubah")


def _signed_table(laporan, slot_no: int, filled: dict) -> Tabel:
    table = Tabel.dari_json(laporan.tabel)
    need = len(slots_for(jenis=laporan.jenis, opd_id=laporan.opd_id))
    if len(table.tanda_tangan) != need:  # a table built without the block its kind needs
        table.tanda_tangan = blok_kosong(
            jenis=laporan.jenis,
            opd_id=laporan.opd_id,
            opd_nama=laporan.opd.nama if laporan.opd else "",
        )
    slot = table.tanda_tangan[slot_no - 1]
    for name, value in filled.items():
        setattr(slot, name, value)
    return table


@transaction.atomic
def laporan_sign(*, actor, laporan: LaporanResmi, tempat: str) -> LaporanResmi:
    """Give the signature the report waits for. Refused in words when the report is final or
    not built, the actor signs in another role or OPD (another OPD's people get Http404), the
    profile lacks the NIP or name, the place is empty, or the data changed since the draft.
    The file is rendered again from the stored snapshot with the slot filled (same data
    version, new checksum) and replaces the draft's file; the last signature makes it final."""
    from pantau.core.storage import remove, store
    from pantau.reports.jobs import render_file

    access_laporan(actor, laporan.pk)  # Http404 for those who may not read it
    laporan = (
        LaporanResmi.objects.select_for_update(of=("self",))
        .select_related("pemda", "opd", "tahun_anggaran")
        .get(pk=laporan.pk)
    )
    refuse_final(laporan)
    if laporan.status != Status.SELESAI or not laporan.tabel:
        raise ValidationError(str(NOT_BUILT), code="belum_selesai")
    turn = giliran(laporan)
    refusal = signer_refusal(actor, laporan, turn.slot)
    if refusal:
        raise ValidationError(refusal, code="peran")
    nama, nip = _person(actor)
    tempat = (tempat or "").strip()
    if not tempat:
        raise ValidationError(_("Isi tempat penandatanganan (mis. Wangi-Wangi)."), code="tempat")
    if len(tempat) > 100:
        raise ValidationError(_("Tempat paling panjang 100 karakter."), code="tempat")
    _same_data(actor, laporan)
    filled = {
        "nama": nama,
        "nip": nip,
        "jabatan": _jabatan(actor, laporan, turn.slot),
        "tempat": tempat,
        "tanggal": today_at(laporan.pemda),
    }
    table = _signed_table(laporan, turn.urutan, filled)
    with translation.override(laporan.bahasa):
        data = render_file(laporan, table, versi=laporan.versi_data)
    name = store(data, suffix=f".{laporan.format}")
    try:
        return _record_signature(actor, laporan, turn, table, filled, name, data)
    except Exception:
        remove(name)  # the signed file is never left behind a refused signature
        raise


def _record_signature(actor, laporan, turn: Giliran, table: Tabel, filled, name, data):
    from pantau.core.storage import remove

    old_name, old_sha = laporan.berkas, laporan.sha256
    laporan.berkas = name
    laporan.ukuran = len(data)
    laporan.sha256 = hashlib.sha256(data).hexdigest()
    laporan.tabel = table.ke_json()
    slots = slots_for(jenis=laporan.jenis, opd_id=laporan.opd_id)
    if turn.urutan == len(slots):
        laporan.tahap = Tahap.FINAL
    laporan.full_clean()
    laporan.save()
    ttd = TandaTanganLaporan(
        pemda_id=laporan.pemda_id,
        laporan=laporan,
        urutan=turn.urutan,
        peran=str(turn.slot.peran),
        penanda=actor,
        sha256_berkas=laporan.sha256,
        **filled,
    )
    ttd.full_clean()
    ttd.save()
    audit_record(
        actor=actor,
        action="laporan_resmi.tanda_tangan",
        obj=laporan,
        changes={
            "_summary": {
                "urutan": turn.urutan,
                "peran": ttd.peran,
                "nip": ttd.nip,
                "tanggal": ttd.tanggal.isoformat(),
                "tahap": laporan.tahap,
                "versi_data": laporan.versi_data,
            },
            "sha256": [old_sha, laporan.sha256],
        },
    )
    transaction.on_commit(lambda: remove(old_name))  # the draft's file, replaced
    return laporan


@transaction.atomic
def laporan_new_version(*, actor, laporan: LaporanResmi) -> LaporanResmi:
    """A new draft of a final report whose data changed: version + 1, pointing at the final
    one (which stays, downloadable and immutable). Built by `laporan_run` like any report,
    then signed again. Refused in words when the report is not final, already has a newer
    version, or its data did not change."""
    access_laporan(actor, laporan.pk)
    prev = (
        LaporanResmi.objects.select_for_update(of=("self",))
        .select_related("pemda", "opd", "tahun_anggaran")
        .get(pk=laporan.pk)
    )
    if not prev.final:
        raise ValidationError(_("Versi baru hanya diterbitkan dari laporan yang sudah final."))
    newer = prev.penerus.exclude(status=Status.GAGAL).first()
    if newer is not None:
        raise ValidationError(
            _("Versi baru laporan ini sudah diterbitkan (versi %(n)d).") % {"n": newer.versi}
        )
    p = permintaan_of(prev)
    try:
        permintaan_check(actor, p)
    except Http404:
        raise ValidationError(_("Anda tidak berhak membuat laporan ini.")) from None
    try:
        _same_data(actor, prev)
    except ValidationError:
        pass  # the data changed: a new version is wanted
    else:
        raise ValidationError(
            _(
                "Data laporan ini belum berubah sejak versi yang ditandatangani; versi baru tidak "
                "diperlukan."
            )
        )
    new = LaporanResmi(
        pemda=prev.pemda,
        jenis=prev.jenis,
        format=prev.format,
        tahun_anggaran=prev.tahun_anggaran,
        opd=prev.opd,
        bulan=prev.bulan,
        triwulan=prev.triwulan,
        dasar=prev.dasar,
        bahasa=prev.bahasa,
        dibuat_oleh=actor,
        status=Status.ANTRI,
        versi=prev.versi + 1,
        pendahulu=prev,
    )
    new.full_clean()
    new.save()
    audit_record(
        actor=actor,
        action="laporan_resmi.versi_baru",
        obj=new,
        changes={"_summary": {"pendahulu": prev.pk, "versi": new.versi}},
    )
    return new
