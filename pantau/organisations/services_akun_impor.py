"""Many accounts at once from a CSV (issue 11 §2). First a dry run: every row's outcome (new,
changed, unchanged) and every problem by row and column, in the user's language; then the real
import, all or nothing, through the same services as the account screen. Importing the same
file again changes nothing.

Columns (header row, in any order, case and spaces ignored; comma or semicolon; UTF-8 with or
without BOM): nama_pengguna, nama_depan, nama_belakang, email, peran, kode_opd, jabatan.
`peran` is one of admin, pimpinan, verifikator, kepala_opd, operator_opd, auditor; `kode_opd`
is required for kepala_opd and operator_opd and must be an active OPD of the pemda.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pantau.core.spreadsheets import Limits, check_size, csv_rows, csv_text
from pantau.core.tabular import CellErrors
from pantau.organisations.choices import OPD_ROLES, Role
from pantau.organisations.models import Membership, Opd, Pemda
from pantau.organisations.services_kelola import (
    account_check,
    account_create,
    account_update,
    kelola_check,
)

User = get_user_model()
COLUMNS = ["nama_pengguna", "nama_depan", "nama_belakang", "email", "peran", "kode_opd", "jabatan"]
REQUIRED = {"nama_pengguna", "nama_depan", "peran"}
MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
SHEET = ""  # one sheet: places are "baris N, kolom X"

OUTCOME_LABELS = {
    "baru": gettext_lazy("baru"),
    "diubah": gettext_lazy("diubah"),
    "tetap": gettext_lazy("tetap"),
    "galat": gettext_lazy("galat"),
}


@dataclass
class ImportRow:
    number: int
    username: str
    outcome: str = "tetap"
    fields: dict = field(default_factory=dict)
    user: object = None
    errors: list[str] = field(default_factory=list)
    # an existing account's fields the row changes: (column, stored, from the file); a blank
    # cell clears the stored value, which the dry run shows before anything is written
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])


@dataclass
class ImportResult:
    rows: list[ImportRow]
    errors: CellErrors
    written: bool = False
    passwords: list[tuple[str, str]] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)


def template_csv() -> str:
    """The downloadable template: the header and two example rows, semicolon-separated (what
    Excel opens in an Indonesian locale), with a BOM."""
    return "\ufeff" + csv_text(
        [
            COLUMNS,
            [
                "siti.dinkes",
                "Siti",
                "Aminah",
                "siti@contoh.go.id",
                "operator_opd",
                "1.02.0.00.0.00.01.0000",
                "Pengelola Data Pelaporan",
            ],
            ["budi.bappeda", "Budi", "Santoso", "", "verifikator", "", "Perencana Ahli Muda"],
        ],
        delimiter=";",
    )


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("Berkas bukan teks UTF-8. Simpan ulang sebagai CSV UTF-8 lalu unggah lagi.")
        ) from exc


def _header_key(text: str) -> str:
    return "_".join(text.strip().lower().replace("-", " ").split())


def _read(content: bytes, errors: CellErrors) -> list[tuple[int, dict[str, str]]]:
    check_size(len(content), Limits.from_settings(max_bytes=MAX_BYTES))
    text = _decode(content)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = csv_rows(text, delimiter, Limits.from_settings(max_bytes=MAX_BYTES, max_rows=MAX_ROWS))
    header = next(rows, None)
    if not header:
        errors.add(SHEET, None, "", _("Berkas kosong: baris pertama harus berisi judul kolom."))
        return []
    keys = [_header_key(h) for h in header]
    missing = [c for c in COLUMNS if c in REQUIRED and c not in keys]
    if missing:
        errors.add(
            SHEET,
            1,
            "",
            _("Kolom wajib tidak ada: %(c)s. Pakai templat (judul kolom: %(all)s).")
            % {"c": ", ".join(missing), "all": ", ".join(COLUMNS)},
        )
        return []
    unknown = [h for h, k in zip(header, keys, strict=True) if k and k not in COLUMNS]
    if unknown:
        errors.add(SHEET, 1, "", _("Kolom tidak dikenal: %(c)s.") % {"c": ", ".join(unknown)})
    out = []
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue  # empty rows are skipped
        row = {
            k: (cells[i].strip() if i < len(cells) else "")
            for i, k in enumerate(keys)
            if k in COLUMNS
        }
        out.append((number, row))
    return out


def _role(value: str) -> str | None:
    key = _header_key(value)
    return key if key in Role.values else None


def _check_row(number, row, *, pemda, opds, seen, errors) -> ImportRow:
    username = row.get("nama_pengguna", "")
    item = ImportRow(number=number, username=username)

    def fail(column, message):
        errors.add(SHEET, number, column, message)
        item.errors.append(f"{column}: {message}")

    for column in sorted(REQUIRED):
        if not row.get(column):
            fail(column, _("wajib diisi."))
    if username.lower() in seen:
        fail(
            "nama_pengguna",
            _("nama pengguna ganda di berkas (juga di baris %(n)d).")
            % {"n": seen[username.lower()]},
        )
    seen.setdefault(username.lower(), number)
    if username:
        try:
            User._meta.get_field("username").run_validators(username)
        except ValidationError as exc:
            for message in exc.messages:
                fail("nama_pengguna", message)
    if row.get("email"):
        try:
            validate_email(row["email"])
        except ValidationError as exc:
            for message in exc.messages:
                fail("email", message)
    role = _role(row.get("peran", "")) if row.get("peran") else None
    if row.get("peran") and role is None:
        fail(
            "peran",
            _("'%(v)s' bukan peran; pakai salah satu: %(r)s.")
            % {"v": row["peran"], "r": ", ".join(Role.values)},
        )
    opd = None
    if row.get("kode_opd"):
        opd = opds.get(row["kode_opd"])
        if opd is None:
            fail(
                "kode_opd",
                _("tidak ada OPD aktif berkode %(k)s di pemda ini.") % {"k": row["kode_opd"]},
            )
    elif role in OPD_ROLES:
        fail("kode_opd", _("wajib diisi untuk peran %(r)s.") % {"r": role})
    if opd is not None and role is not None and role not in OPD_ROLES:
        opd = None  # a pemda-wide role is bound to no OPD (the code is ignored)
    item.fields = {
        "first_name": row.get("nama_depan", ""),
        "last_name": row.get("nama_belakang", ""),
        "email": row.get("email", ""),
        "role": role,
        "opd": opd,
        "jabatan": row.get("jabatan", ""),
    }
    return item


def _compare(item: ImportRow, *, actor, pemda, errors) -> None:
    """New, changed or unchanged, against the account of that name (if any)."""
    user = User.objects.filter(username__iexact=item.username).first()
    if user is None:
        item.outcome = "baru"
        return
    try:
        account_check(actor=actor, pemda=pemda, user=user)
    except PermissionDenied:
        msg = _("nama pengguna sudah dipakai akun yang tidak dapat Anda kelola.")
        errors.add(SHEET, item.number, "nama_pengguna", msg)
        item.errors.append(f"nama_pengguna: {msg}")
        return
    item.user = user
    m = Membership.objects.select_related("opd").get(user=user, pemda=pemda)
    f = item.fields
    pairs = [
        ("nama_depan", user.first_name, f["first_name"]),
        ("nama_belakang", user.last_name, f["last_name"]),
        ("email", user.email, f["email"]),
        ("peran", m.role, f["role"]),
        ("kode_opd", m.opd.kode if m.opd_id else "", f["opd"].kode if f["opd"] else ""),
        ("jabatan", m.jabatan, f["jabatan"]),
    ]
    item.changes = [
        (column, old or "", new or "") for column, old, new in pairs if (old or "") != (new or "")
    ]
    item.outcome = "diubah" if item.changes else "tetap"


@transaction.atomic
def account_import(*, actor, pemda: Pemda, content: bytes, dry_run: bool = True) -> ImportResult:
    """Check every row (and, unless `dry_run`, write them all, or nothing when any row fails).
    The new accounts' temporary passwords are in `result.passwords`, to be shown once."""
    kelola_check(actor=actor, pemda=pemda)
    errors = CellErrors()
    opds = {o.kode: o for o in Opd.objects.filter(pemda=pemda, aktif=True)}
    seen: dict[str, int] = {}
    items = []
    for number, row in _read(content, errors):
        item = _check_row(number, row, pemda=pemda, opds=opds, seen=seen, errors=errors)
        if not item.errors:
            _compare(item, actor=actor, pemda=pemda, errors=errors)
        if item.errors:
            item.outcome = "galat"
        items.append(item)
    result = ImportResult(rows=items, errors=errors)
    if not items and not errors:
        errors.add(SHEET, None, "", _("Berkas tidak berisi baris akun."))
    if dry_run:
        return result
    if errors:
        raise errors.as_validation_error()
    for item in items:
        try:
            if item.outcome == "baru":
                user, password = account_create(
                    actor=actor, pemda=pemda, username=item.username, **item.fields
                )
                result.passwords.append((user.get_username(), password))
            elif item.outcome == "diubah":
                account_update(actor=actor, pemda=pemda, user=item.user, **item.fields)
        except ValidationError as exc:  # a rule only the service knows (e.g. a bad e-mail)
            for column, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
                for message in messages:
                    errors.add(SHEET, item.number, column, message)
    if errors:
        raise errors.as_validation_error()
    result.written = True
    return result
