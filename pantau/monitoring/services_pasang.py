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
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pantau.core.spreadsheets import Limits, check_size, csv_rows
from pantau.monitoring.services import tahun_anggaran_open
from pantau.organisations import codes
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


# --- an uploaded wilayah (and nomenclature) file from the first-run screen -----------------

WILAYAH_COLUMNS = ("kode", "nama", "tingkat", "jenis", "kode_induk")
NOMENKLATUR_COLUMNS = ("kode", "nomenklatur", "tingkat")
ROOT_LEVELS = {"kabupaten", "kota", "provinsi"}
UPLOAD_MAX_BYTES = 5 * 1024 * 1024  # the whole of Indonesia's desa list is ~ 4 MB
WILAYAH_MAX_ROWS = 20_000  # the largest provinsi has ~ 8,600 desa/kelurahan
NOMENKLATUR_MAX_ROWS = 100_000


def _upload_rows(
    content: bytes, *, field: str, columns: tuple[str, ...], max_rows: int
) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded CSV under the upload guard (size, rows, cells), each with its
    row number; a refusal is keyed by the form field."""
    limits = Limits.from_settings(max_bytes=UPLOAD_MAX_BYTES, max_rows=max_rows)
    try:
        check_size(len(content), limits)
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                _("Berkas bukan CSV teks UTF-8. Simpan ulang sebagai CSV UTF-8 lalu unggah lagi.")
            ) from exc
        if "\x00" in text:
            raise ValidationError(_("Berkas bukan CSV (berisi data biner)."))
        rows = csv_rows(text, ",", limits)
        header = [h.strip().lower() for h in next(rows, [])]
        missing = [c for c in columns if c not in header]
        if missing:
            raise ValidationError(
                _("Baris 1: kolom %(m)s tidak ada. Judul kolom yang diminta: %(all)s.")
                % {"m": ", ".join(missing), "all": ", ".join(columns)}
            )
        out = []
        for number, cells in enumerate(rows, start=2):
            if not any(c.strip() for c in cells):
                continue
            padded = cells + [""] * (len(header) - len(cells))
            out.append((number, dict(zip(header, (c.strip() for c in padded), strict=False))))
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    if not out:
        raise ValidationError({field: _("Berkas tidak memuat satu baris data pun.")})
    return out


def wilayah_upload_check(
    *, content: bytes, pemda_kode: str = "", pemda_nama: str = ""
) -> dict[str, str]:
    """Check an uploaded wilayah file row by row before anything is written; returns the
    pemda's row (kode, nama). A refusal names the row and the column of every fault."""
    rows = _upload_rows(
        content, field="wilayah_berkas", columns=WILAYAH_COLUMNS, max_rows=WILAYAH_MAX_ROWS
    )
    errors: list[str] = []
    roots = [(n, r) for n, r in rows if r["tingkat"] in ROOT_LEVELS]
    if len(roots) != 1:
        raise ValidationError(
            {
                "wilayah_berkas": _(
                    "Kolom tingkat: berkas harus memuat tepat satu baris kabupaten, kota atau "
                    "provinsi (ada %(n)d)."
                )
                % {"n": len(roots)}
            }
        )
    root_number, root = roots[0]
    prefix = root["kode"] + "."
    known = {r["kode"] for _n, r in rows}
    seen: dict[str, int] = {}

    def fault(number: int, column: str, message: str) -> None:
        errors.append(
            _("Baris %(n)d, kolom %(c)s: %(m)s") % {"n": number, "c": column, "m": message}
        )

    for number, row in rows:
        message = codes.wilayah_kode_error(row["kode"], row["tingkat"], row["jenis"])
        if message:
            fault(
                number, "kode" if row["tingkat"] in codes.WILAYAH_PATTERNS else "tingkat", message
            )
        if row["kode"] in seen:
            fault(
                number,
                "kode",
                _("kode %(k)s ganda (sudah ada di baris %(b)d).")
                % {"k": row["kode"], "b": seen[row["kode"]]},
            )
        seen.setdefault(row["kode"], number)
        if not row["nama"]:
            fault(number, "nama", _("nama kosong."))
        if number == root_number:
            continue
        if not row["kode"].startswith(prefix):
            fault(
                number,
                "kode",
                _("kode %(k)s bukan wilayah %(p)s (%(kp)s).")
                % {"k": row["kode"], "p": root["nama"], "kp": root["kode"]},
            )
        if row["kode_induk"] not in known:
            fault(
                number,
                "kode_induk",
                _("kode induk %(k)s tidak ada di berkas.") % {"k": row["kode_induk"]},
            )
    if errors:
        raise ValidationError({"wilayah_berkas": errors})
    mismatch: dict[str, str] = {}
    if pemda_kode.strip() and pemda_kode.strip() != root["kode"]:
        mismatch["pemda_kode"] = _(
            "Kode %(k)s tidak sama dengan kode pemda di berkas (baris %(n)d, kolom kode: %(f)s)."
        ) % {"k": pemda_kode.strip(), "n": root_number, "f": root["kode"]}
    if (
        pemda_nama.strip()
        and " ".join(pemda_nama.split()).casefold() != " ".join(root["nama"].split()).casefold()
    ):
        mismatch["pemda_nama"] = _(
            "Nama %(k)s tidak sama dengan nama pemda di berkas (baris %(n)d, kolom nama: %(f)s)."
        ) % {"k": pemda_nama.strip(), "n": root_number, "f": root["nama"]}
    if mismatch:
        raise ValidationError(mismatch)
    return {"kode": root["kode"], "nama": root["nama"]}


def nomenklatur_upload_check(*, content: bytes) -> int:
    """An uploaded nomenclature file under the upload guard, with its columns; the rows
    themselves are checked by `nomenklatur_load` before it writes."""
    return len(
        _upload_rows(
            content,
            field="nomenklatur_berkas",
            columns=NOMENKLATUR_COLUMNS,
            max_rows=NOMENKLATUR_MAX_ROWS,
        )
    )


@transaction.atomic
def pemda_install_upload(
    *,
    actor,
    wilayah_content: bytes | None,
    wilayah_nama_berkas: str = "",
    pemda_kode: str = "",
    pemda_nama: str = "",
    nomenklatur_content: bytes | None = None,
    nomenklatur_nama_berkas: str = "",
    **install,
) -> PasangResult:
    """`pemda_install` from the first-run screen's uploads: the bundled files where none was
    given. Every file is checked before anything is written, and the install is one
    transaction, so a refusal leaves no half pemda."""
    if wilayah_content is not None:
        wilayah_upload_check(content=wilayah_content, pemda_kode=pemda_kode, pemda_nama=pemda_nama)
    if nomenklatur_content is not None:
        nomenklatur_upload_check(content=nomenklatur_content)
    with tempfile.TemporaryDirectory(prefix="pantau-pasang-") as tmp:
        if wilayah_content is not None:
            install["wilayah_path"] = Path(tmp) / "wilayah.csv"
            install["wilayah_path"].write_bytes(wilayah_content)
            install["wilayah_sumber"] = _("Berkas unggahan %(f)s") % {
                "f": wilayah_nama_berkas or "wilayah.csv"
            }
        if nomenklatur_content is not None:
            install["nomenklatur_path"] = Path(tmp) / "nomenklatur.csv"
            install["nomenklatur_path"].write_bytes(nomenklatur_content)
            install["nomenklatur_sumber"] = _("Berkas unggahan %(f)s") % {
                "f": nomenklatur_nama_berkas or "nomenklatur.csv"
            }
        return pemda_install(actor=actor, **install)


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
