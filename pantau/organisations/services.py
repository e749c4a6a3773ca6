"""Writes of organisation data. Each is atomic and records its audit events."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record, save_audited, snapshot
from pantau.core import handoff
from pantau.organisations import codes, topics
from pantau.organisations.access import forget_scope
from pantau.organisations.choices import TingkatWilayah
from pantau.organisations.models import Membership, Opd, Pemda, Wilayah
from pantau.organisations.sesi import akhiri_sesi

User = get_user_model()


@transaction.atomic
def pemda_create(*, actor, kode: str, nama: str, zona_waktu: str = "Asia/Makassar") -> Pemda:
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("Hanya superuser yang dapat menambah pemda."))
    pemda = Pemda(kode=kode.strip(), nama=nama.strip(), zona_waktu=zona_waktu)
    save_audited(actor=actor, obj=pemda, action="pemda.create")
    # a second pemda changes which catalogue a host without a claim serves
    handoff.emit(topics.PEMDA_HOSTS_CHANGED)
    return pemda


PEMDA_SETTINGS = {
    "nama",
    "zona_waktu",
    "aktif",
    "logo",
    "hari_batas_laporan",
    "hari_pengingat",
    "selisih_fisik_keuangan_maks",
    "jarak_foto_maks_m",
    "kritis_batas_rencana",
    "kritis_deviasi_awal",
    "kritis_deviasi_akhir",
    "bobot_capaian",
    "bobot_serapan",
    "bobot_fisik",
    "bobot_ketepatan",
    "domain_publik",
    "walidata_nama",
    "walidata_email",
    "sel_minimum",
    "e81_tata_letak",
    "ibu_kota",
    "kode",
}

# What selects a tenant from outside (the public host) or names it (the region code): a pemda
# admin could take over another pemda's portal with them, so only a superuser changes them.
PEMDA_SUPERUSER_FIELDS = {"kode", "domain_publik"}


def pemda_privileged_check(*, actor, pemda: Pemda, changed: set[str]) -> None:
    """Refuse a change of a pemda's host name or code by anyone but a superuser (or the
    system itself: `actor=None`, as in commands and data loads)."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    refused = sorted(changed & PEMDA_SUPERUSER_FIELDS)
    if refused:
        raise PermissionDenied(
            _("Hanya superuser yang dapat mengubah %(f)s pemda %(p)s.")
            % {"f": ", ".join(refused), "p": pemda.nama}
        )


WARNING_SETTINGS = {
    "kritis_batas_rencana",
    "kritis_deviasi_awal",
    "kritis_deviasi_akhir",
    "selisih_fisik_keuangan_maks",
}


@transaction.atomic
def pemda_update(*, actor, pemda: Pemda, **fields) -> Pemda:
    pemda = Pemda.objects.select_for_update(of=("self",)).get(pk=pemda.pk)
    before = snapshot(pemda)
    for name, value in fields.items():
        if name not in PEMDA_SETTINGS:
            raise ValidationError(_("Kolom %(f)s tidak dapat diubah.") % {"f": name})
        setattr(pemda, name, value)
    pemda.full_clean()  # normalises the host name before it is compared
    pemda_privileged_check(
        actor=actor,
        pemda=pemda,
        changed={f for f in PEMDA_SUPERUSER_FIELDS if before.get(f) != getattr(pemda, f)},
    )
    save_audited(actor=actor, obj=pemda, action="pemda.update", before=before)
    if {"domain_publik", "aktif", "kode"} & set(fields):
        handoff.emit(topics.PEMDA_HOSTS_CHANGED)
    if set(fields) & WARNING_SETTINGS:  # the warning flags of every roll-up row depend on them
        handoff.emit(topics.PEMDA_THRESHOLDS_CHANGED, pemda=pemda)
    return pemda


@dataclass
class WilayahLoadResult:
    pemda: Pemda
    created: int
    updated: int
    unchanged: int


WILAYAH_COLUMNS = {"kode", "nama", "tingkat", "jenis", "kode_induk"}


def _read_wilayah_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = WILAYAH_COLUMNS - set(reader.fieldnames or [])
        if missing:
            raise ValidationError(
                _("Berkas wilayah tidak memuat kolom: %(cols)s.")
                % {"cols": ", ".join(sorted(missing))}
            )
        return [{k: (v or "").strip() for k, v in row.items()} for row in reader]


def _check_wilayah_rows(rows: list[dict[str, str]]) -> dict[str, str]:
    """Validate every row before anything is written; returns the kabupaten/kota row."""
    errors: list[str] = []
    roots = [r for r in rows if r["tingkat"] in {"kabupaten", "kota", "provinsi"}]
    if len(roots) != 1:
        raise ValidationError(
            _("Berkas wilayah harus memuat tepat satu baris kabupaten/kota/provinsi (ada %(n)d).")
            % {"n": len(roots)}
        )
    known = {r["kode"] for r in rows}
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        message = codes.wilayah_kode_error(row["kode"], row["tingkat"], row["jenis"])
        if message:
            errors.append(_("Baris %(n)d: %(m)s") % {"n": number, "m": message})
        if row["kode"] in seen:
            errors.append(_("Baris %(n)d: kode %(k)s ganda.") % {"n": number, "k": row["kode"]})
        seen.add(row["kode"])
        if row is not roots[0] and row["kode_induk"] not in known:
            errors.append(
                _("Baris %(n)d: kode induk %(k)s tidak ada di berkas.")
                % {"n": number, "k": row["kode_induk"]}
            )
        if not row["nama"]:
            errors.append(_("Baris %(n)d: nama kosong.") % {"n": number})
    if errors:
        raise ValidationError(errors)
    return roots[0]


@transaction.atomic
def wilayah_load(
    *, actor, path: Path, sumber: str = "", zona_waktu: str = "Asia/Makassar"
) -> WilayahLoadResult:
    """Load (or refresh) a pemda's regions from a CSV of the shape of the Wakatobi file.

    Creates the pemda from the kabupaten/kota row when it does not exist. Every row is checked
    before anything is written: one bad row and nothing changes.
    """
    rows = _read_wilayah_rows(Path(path))
    root = _check_wilayah_rows(rows)
    pemda = Pemda.objects.filter(kode=root["kode"]).first()
    if pemda is None:
        pemda = pemda_create(
            actor=actor, kode=root["kode"], nama=root["nama"], zona_waktu=zona_waktu
        )
    existing = {w.kode: w for w in Wilayah.objects.filter(pemda=pemda)}
    created = updated = unchanged = 0
    # Parents before children: sort by code depth.
    for row in sorted(rows, key=lambda r: r["kode"].count(".")):
        induk = existing.get(row["kode_induk"]) if row is not root else None
        obj = existing.get(row["kode"])
        before = snapshot(obj) if obj else None
        if obj is None:
            obj = Wilayah(pemda=pemda, kode=row["kode"])
        obj.nama = " ".join(row["nama"].split())
        obj.tingkat = row["tingkat"]
        obj.jenis = row["jenis"] if row["tingkat"] == TingkatWilayah.DESA_KELURAHAN else ""
        obj.induk = induk
        obj.sumber = sumber or obj.sumber
        action = "wilayah.create" if before is None else "wilayah.update"
        save_audited(actor=actor, obj=obj, action=action, before=before)
        if before is None:
            created += 1
        elif snapshot(obj) != before:
            updated += 1
        else:
            unchanged += 1
        existing[obj.kode] = obj
    return WilayahLoadResult(pemda, created, updated, unchanged)


OPD_FIELDS = {
    "kode",
    "nama",
    "singkatan",
    "jenis",
    "bidang_urusan",
    "wilayah",
    "kepala_nama",
    "kepala_nip",
    "aktif",
}


def _normalised(fields: dict) -> dict:
    """The head's NIP as its 18 digits, however it was grouped when typed."""
    if fields.get("kepala_nip"):
        fields = {**fields, "kepala_nip": codes.normalise_nip(fields["kepala_nip"])}
    return fields


def _name_taken(opd: Opd) -> None:
    """Two active OPDs of a pemda with one name (or short name) cannot be told apart in a list,
    a filter or a report."""
    errors = {}
    if Opd.objects.filter(pemda_id=opd.pemda_id, kode=opd.kode).exclude(pk=opd.pk).exists():
        # beside the code field (the table's unique constraint says it above the form)
        errors["kode"] = _("Kode OPD ini sudah dipakai di pemda ini.")
    if not opd.aktif:
        if errors:
            raise ValidationError(errors)
        return
    others = Opd.objects.filter(pemda_id=opd.pemda_id, aktif=True).exclude(pk=opd.pk)
    same = others.filter(nama__iexact=" ".join(opd.nama.split())).first()
    if same is not None:
        errors["nama"] = _("Nama ini sudah dipakai OPD %(k)s di pemda ini.") % {"k": same.kode}
    if opd.singkatan:
        short = others.filter(singkatan__iexact=opd.singkatan.strip()).first()
        if short is not None:
            errors["singkatan"] = _("Singkatan ini sudah dipakai OPD %(k)s di pemda ini.") % {
                "k": short.kode
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def opd_create(*, actor, pemda: Pemda, **fields) -> Opd:
    unknown = set(fields) - OPD_FIELDS
    if unknown:
        raise ValidationError(_("Kolom tidak dikenal: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    opd = Opd(pemda=pemda, **_normalised(fields))
    _name_taken(opd)
    return save_audited(actor=actor, obj=opd, action="opd.create")


@transaction.atomic
def opd_update(*, actor, opd: Opd, **fields) -> Opd:
    unknown = set(fields) - OPD_FIELDS
    if unknown:
        raise ValidationError(_("Kolom tidak dikenal: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    opd = Opd.objects.select_for_update(of=("self",)).get(pk=opd.pk)
    before = snapshot(opd)
    for name, value in _normalised(fields).items():
        setattr(opd, name, value)
    if {"kode", "nama", "singkatan", "aktif"} & set(fields):
        _name_taken(opd)
    return save_audited(actor=actor, obj=opd, action="opd.update", before=before)


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_staff: bool = False,
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("Nama pengguna '%(u)s' sudah dipakai.") % {"u": username})
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=is_staff,
    )
    validate_password(password, user)  # AUTH_PASSWORD_VALIDATORS, messages in the user's language
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        changes={
            "username": [None, username],
            "email": [None, email],
            "is_staff": [None, is_staff],
        },
    )
    return user


# Reference data a pemda admin (walidata) maintains in the Django admin, and what it may do.
REFERENCE_ADMIN_PERMISSIONS = {
    "organisations": {
        "pemda": "view change",
        "wilayah": "view add change",
        "opd": "view add change",
        "membership": "view add change delete",
    },
    "planning": {"nomenklatur": "view", "sumberdana": "view", "tahunanggaran": "view"},
    "audit": {"auditevent": "view"},
    # the people of the admin's own pemdas only (organisations/admin.py), for the membership
    # form's user lookup
    "auth": {"user": "view"},
}


@transaction.atomic
def reference_admin_grant(*, actor, user) -> None:
    """Let an `admin` user maintain reference data in the Django admin (staff + model rights)."""
    from django.contrib.auth.models import Permission

    codenames = [
        f"{verb}_{model}"
        for models in REFERENCE_ADMIN_PERMISSIONS.values()
        for model, verbs in models.items()
        for verb in verbs.split()
    ]
    perms = Permission.objects.filter(
        content_type__app_label__in=REFERENCE_ADMIN_PERMISSIONS, codename__in=codenames
    )
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(*perms)
    audit_record(
        actor=actor,
        action="user.grant_reference_admin",
        obj=user,
        changes={"permissions": [None, sorted(codenames)]},
    )


@transaction.atomic
def membership_set(
    *, actor, user, pemda: Pemda, role: str, opd: Opd | None = None, jabatan: str | None = None
) -> Membership:
    """Give the user this role (and OPD) in the pemda, replacing any earlier role there;
    `jabatan` (the position shown next to the name) is kept when not given."""
    membership = (
        Membership.objects.select_for_update(of=("self",)).filter(user=user, pemda=pemda).first()
    )
    before = snapshot(membership) if membership else None
    if membership is None:
        membership = Membership(user=user, pemda=pemda)
    membership.role = role
    membership.opd = opd
    if jabatan is not None:
        membership.jabatan = jabatan.strip()
    action = "membership.create" if before is None else "membership.update"
    save_audited(actor=actor, obj=membership, action=action, before=before)
    forget_scope(user)
    if before is not None and (
        before.get("role") != membership.role or before.get("opd_id") != membership.opd_id
    ):
        # a new role or OPD: every open session of the person ends (decision 0026)
        akhiri_sesi(user, alasan="ganti-peran", actor=actor)
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    before = snapshot(membership)
    audit_record(
        actor=actor,
        action="membership.delete",
        obj=membership,
        changes={k: [v, None] for k, v in before.items()},
    )
    membership.delete()
    forget_scope(membership.user)
    akhiri_sesi(membership.user, alasan="peran-dicabut", actor=actor)


PULAU_CODE = re.compile(r"^\d{2}\.\d{2}\.4\d{4}$")


@transaction.atomic
def pulau_load(*, actor, pemda: Pemda, path: Path, lintang_selatan: bool = True) -> int:
    """Load (replace) the pemda's islands from a CSV (kode, nama, lat, lng, status, luas_km2).

    Latitudes in the Kemendagri extract are unsigned; `lintang_selatan` negates them (Wakatobi
    lies south of the equator). Every row is checked first: one bad row and nothing changes.
    """
    from decimal import Decimal, InvalidOperation

    from pantau.organisations.models import Pulau

    rows, errors = [], []
    with Path(path).open(newline="", encoding="utf-8-sig") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            kode = (row.get("kode") or "").strip()
            if not PULAU_CODE.match(kode) or not kode.startswith(pemda.kode + "."):
                errors.append(
                    _("Baris %(n)d: kode pulau '%(k)s' tidak sah untuk pemda ini.")
                    % {"n": number, "k": kode}
                )
                continue
            try:
                lat, lng = Decimal(row["lat"]), Decimal(row["lng"])
                luas = (
                    Decimal(row["luas_km2"]) if (row.get("luas_km2") or "NULL") != "NULL" else None
                )
            except (InvalidOperation, KeyError):
                errors.append(_("Baris %(n)d: koordinat atau luas bukan angka.") % {"n": number})
                continue
            lat = -abs(lat) if lintang_selatan else lat
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                errors.append(_("Baris %(n)d: koordinat di luar jangkauan.") % {"n": number})
                continue
            status = (row.get("status") or "").strip()
            rows.append(
                Pulau(
                    pemda=pemda,
                    kode=kode,
                    nama=row["nama"].strip(),
                    latitude=lat,
                    longitude=lng,
                    berpenghuni={"BP": True, "TBP": False}.get(status),
                    luas_km2=luas,
                )
            )
    if errors:
        raise ValidationError(errors[:50])
    Pulau.objects.filter(pemda=pemda).delete()
    Pulau.objects.bulk_create(rows)
    audit_record(
        actor=actor, action="pulau.load", obj=pemda, changes={"_summary": {"rows": len(rows)}}
    )
    return len(rows)
