"""A clean install (issue 11 §1): the pemda from its wilayah file, the nomenclature of the year,
the open fiscal year and the first admin, in one transaction, through the same services as
every other path. Used by `pantau pemda_pasang` and by the first-run screen (`/pasang/`).

It lives in monitoring because opening a fiscal year (`tahun_anggaran_open`, its twelve
reporting periods) is monitoring's; organisations and planning are below it (decision 0018).

The first-run screen is guarded by a one-time setup code that only the server's operator can
read: a file in PANTAU_DATA_DIR with mode 0600 (`pantau pasang_kode` prints it).
"""

from __future__ import annotations

import csv
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pantau.monitoring.services import tahun_anggaran_open
from pantau.organisations.choices import Role
from pantau.organisations.models import Pemda
from pantau.organisations.services import (
    membership_set,
    pulau_load,
    reference_admin_grant,
    user_create,
    wilayah_load,
)
from pantau.planning.models import SumberDana
from pantau.planning.services import nomenklatur_load, sumber_dana_create

DATA = Path(__file__).resolve().parent.parent / "fixtures" / "data"
WILAYAH_BAWAAN = DATA / "wakatobi_wilayah_kepmendagri_2025.csv"
WILAYAH_BAWAAN_SUMBER = "Kepmendagri 300.2.2-2430 Tahun 2025 (via cahyadsn/wilayah)"
PULAU_BAWAAN = DATA / "wakatobi_pulau_kepmendagri_2025.csv"
NOMENKLATUR_BAWAAN = DATA / "nomenklatur_kepmendagri_050-5889_partial.csv"
NOMENKLATUR_BAWAAN_SUMBER = "Kepmendagri 050-5889/2021 (sebagian)"
SUMBER_DANA_BAWAAN = DATA / "sumber_dana.csv"


@dataclass
class PasangResult:
    pemda: Pemda
    tahun: int
    wilayah: int
    nomenklatur: int
    admin_username: str


def install_needed() -> bool:
    """True while no pemda exists: the first-run screen is offered only then."""
    return not Pemda.objects.exists()


def _root_kode(path: Path) -> str:
    with Path(path).open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if (row.get("tingkat") or "").strip() in {"kabupaten", "kota", "provinsi"}:
                return (row.get("kode") or "").strip()
    return ""


def _check_admin(username: str, password: str, email: str, first: str, last: str) -> None:
    """The first admin's fields, checked before anything is written, each error beside its
    field."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.validators import validate_email

    User = get_user_model()  # noqa: N806 - Django's name
    errors: dict[str, list[str]] = {}
    username = username.strip()
    candidate = User(username=username, email=email.strip(), first_name=first, last_name=last)
    if not username:
        errors["admin_username"] = [_("Nama pengguna wajib diisi.")]
    else:
        try:
            User._meta.get_field("username").run_validators(username)
        except ValidationError as exc:
            errors["admin_username"] = exc.messages
        if User.objects.filter(username__iexact=username).exists():
            errors["admin_username"] = [_("Nama pengguna '%(u)s' sudah dipakai.") % {"u": username}]
    if email.strip():
        try:
            validate_email(email.strip())
        except ValidationError as exc:
            errors["admin_email"] = exc.messages
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        errors["admin_password"] = exc.messages
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def pemda_install(
    *,
    actor,
    tahun: int,
    admin_username: str,
    admin_password: str,
    admin_email: str = "",
    admin_first_name: str = "",
    admin_last_name: str = "",
    admin_jabatan: str = "",
    wilayah_path: Path = WILAYAH_BAWAAN,
    wilayah_sumber: str = "",
    pulau_path: Path | None = None,
    nomenklatur_path: Path = NOMENKLATUR_BAWAAN,
    nomenklatur_sumber: str = "",
    zona_waktu: str = "Asia/Makassar",
) -> PasangResult:
    """Create a pemda ready for its first day. Refuses, changing nothing, when the pemda of
    the wilayah file exists already (a second run) or any step refuses its input."""
    if not 2000 <= tahun <= 2100:
        raise ValidationError({"tahun": _("Tahun anggaran harus antara 2000 dan 2100.")})
    _check_admin(admin_username, admin_password, admin_email, admin_first_name, admin_last_name)
    kode = _root_kode(wilayah_path)
    if kode and Pemda.objects.filter(kode=kode).exists():
        raise ValidationError(
            _(
                "Pemda dengan kode %(k)s sudah terpasang; tidak ada yang diubah. Kelola OPD dan "
                "akun lewat menu Kelola."
            )
            % {"k": kode}
        )
    default_file = Path(wilayah_path) == WILAYAH_BAWAAN
    loaded = wilayah_load(
        actor=actor,
        path=wilayah_path,
        sumber=wilayah_sumber or (WILAYAH_BAWAAN_SUMBER if default_file else ""),
        zona_waktu=zona_waktu,
    )
    pemda = loaded.pemda
    if pulau_path is None and default_file:
        pulau_path = PULAU_BAWAAN
    if pulau_path is not None:
        pulau_load(actor=actor, pemda=pemda, path=pulau_path)
    nomen = nomenklatur_load(
        actor=actor,
        path=nomenklatur_path,
        tahun=tahun,
        sumber=nomenklatur_sumber
        or (NOMENKLATUR_BAWAAN_SUMBER if Path(nomenklatur_path) == NOMENKLATUR_BAWAAN else ""),
    )
    with SUMBER_DANA_BAWAAN.open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if not SumberDana.objects.filter(kode=row["kode"]).exists():
                sumber_dana_create(actor=actor, kode=row["kode"], nama=row["nama"])
    tahun_anggaran_open(actor=actor, pemda=pemda, tahun=tahun)
    admin = user_create(
        actor=actor,
        username=admin_username.strip(),
        password=admin_password,
        first_name=admin_first_name.strip(),
        last_name=admin_last_name.strip(),
        email=admin_email.strip(),
    )
    membership_set(actor=actor, user=admin, pemda=pemda, role=Role.ADMIN, jabatan=admin_jabatan)
    reference_admin_grant(actor=actor, user=admin)
    return PasangResult(
        pemda=pemda,
        tahun=tahun,
        wilayah=loaded.created,
        nomenklatur=nomen.created + nomen.updated + nomen.unchanged,
        admin_username=admin.get_username(),
    )


# --- the one-time setup code of the first-run screen ---------------------------------------


def setup_code_path() -> Path:
    return Path(settings.DATA_DIR) / "kode-pasang.txt"


def setup_code_get_or_make() -> str:
    """The setup code, made (and written with mode 0600) when none exists yet."""
    path = setup_code_path()
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    code = "-".join(secrets.token_hex(3).upper() for _i in range(4))  # 96 bits
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another request made it a moment ago
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(code + "\n")
    return code


def setup_code_matches(given: str) -> bool:
    path = setup_code_path()
    if not path.is_file():
        return False
    expected = path.read_text(encoding="ascii").strip()
    given = (given or "").strip().upper()
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def setup_code_discard() -> None:
    """After the install: the code is spent for good."""
    setup_code_path().unlink(missing_ok=True)
