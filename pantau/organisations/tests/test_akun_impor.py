"""Accounts from a CSV: dry run, errors by row and column, all or nothing, idempotent."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import PASSWORD
from pantau.audit.models import AuditEvent
from pantau.organisations.models import Membership
from pantau.organisations.services_akun_impor import account_import, template_csv

pytestmark = pytest.mark.django_db
User = get_user_model()
HEADER = "nama_pengguna;nama_depan;nama_belakang;email;peran;kode_opd;jabatan\n"


def _file(world, *rows, header=HEADER, bom=True):
    text = header + "".join(r.format(dinkes=world.a.dinkes.kode) + "\n" for r in rows)
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def _ok(world):
    return _file(
        world,
        "siti.dinkes;Siti;Aminah;siti@uji.go.id;operator_opd;{dinkes};Pengelola Data",
        "budi.bappeda;Budi;;;verifikator;;Perencana",
    )


def _run(world, content, dry_run=True):
    return account_import(
        actor=world.a.users["admin"], pemda=world.a.pemda, content=content, dry_run=dry_run
    )


class TestAccountImport:
    def test_dry_run_lists_outcomes_and_writes_nothing(self, world):
        before = (User.objects.count(), AuditEvent.objects.count())
        result = _run(world, _ok(world))
        assert [(r.number, r.username, r.outcome) for r in result.rows] == [
            (2, "siti.dinkes", "baru"),
            (3, "budi.bappeda", "baru"),
        ]
        assert not result.errors
        assert before == (User.objects.count(), AuditEvent.objects.count())

    def test_import_then_same_file_again_changes_nothing(self, world):
        result = _run(world, _ok(world), dry_run=False)
        assert result.written and len(result.passwords) == 2
        siti = User.objects.get(username="siti.dinkes")
        assert Membership.objects.get(user=siti).opd == world.a.dinkes
        assert siti.check_password(dict(result.passwords)["siti.dinkes"])
        events = AuditEvent.objects.count()
        again = _run(world, _ok(world), dry_run=False)
        assert {r.outcome for r in again.rows} == {"tetap"} and not again.passwords
        assert AuditEvent.objects.count() == events

    def test_comma_without_bom_and_a_change(self, world):
        _run(world, _ok(world), dry_run=False)
        changed = _file(
            world,
            "siti.dinkes,Siti,Aminah,siti@uji.go.id,kepala_opd,{dinkes},Kepala Dinas",
            header=HEADER.replace(";", ","),
            bom=False,
        )
        result = _run(world, changed, dry_run=False)
        assert result.rows[0].outcome == "diubah"
        assert Membership.objects.get(user__username="siti.dinkes").role == "kepala_opd"

    def test_every_error_by_row_and_column_and_nothing_written(self, world):
        bad = _file(
            world,
            "siti.dinkes;Siti;;;operator_opd;;",  # OPD missing
            "x;;;;raja;;",  # name missing, unknown role
            "y;Y;;bukan-email;admin;;",
            "siti.dinkes;Siti;;;auditor;;",  # duplicate in the file
            "z;Z;;;operator_opd;9.99.0.00.0.00.01.0000;",  # OPD not in the pemda
            "admin.b;B;;;admin;;",  # someone of pemda B
            "siti.dinkes;Siti;;;operator_opd;{dinkes};",
        )
        before = (User.objects.count(), AuditEvent.objects.count())
        result = _run(world, bad)
        places = {(e.row, e.column) for e in result.errors.errors}
        assert {
            (2, "kode_opd"),
            (3, "nama_depan"),
            (3, "peran"),
            (4, "email"),
            (5, "nama_pengguna"),
            (6, "kode_opd"),
            (7, "nama_pengguna"),
        } <= places
        assert all("baris" in str(e) and "kolom" in str(e) for e in result.errors.errors)
        with pytest.raises(ValidationError):
            _run(world, bad, dry_run=False)
        assert before == (User.objects.count(), AuditEvent.objects.count())

    def test_one_bad_row_and_the_good_ones_are_not_written_either(self, world):
        content = _ok(world) + b"c;C;;;raja;;\n"
        with pytest.raises(ValidationError):
            _run(world, content, dry_run=False)
        assert not User.objects.filter(username__in=["siti.dinkes", "budi.bappeda"]).exists()

    @pytest.mark.parametrize(
        "content",
        [b"", b"\xff\xfe\x00n\x00a", b"nama;peran\nx;admin\n", b"PK\x03\x04binary"],
        ids=["empty", "utf16", "wrong-template", "not-csv"],
    )
    def test_not_an_account_file_refused_clearly(self, world, content):
        result = None
        try:
            result = _run(world, content)
        except ValidationError as exc:
            assert exc.messages
        else:
            assert result.errors
        assert not User.objects.filter(username="x").exists()

    def test_only_admins_import(self, world):
        with pytest.raises(PermissionDenied):
            account_import(
                actor=world.a.users["verifikator"],
                pemda=world.a.pemda,
                content=_ok(world),
                dry_run=False,
            )
        with pytest.raises(PermissionDenied):
            account_import(
                actor=world.b.users["admin"], pemda=world.a.pemda, content=_ok(world), dry_run=False
            )
        assert not User.objects.filter(username="siti.dinkes").exists()

    def test_template_is_importable_header(self, world):
        text = template_csv()
        assert text.startswith("\ufeffnama_pengguna;nama_depan")


def test_the_dry_run_lists_what_a_row_changes_and_a_blank_cell_that_clears(client, world):
    """A row for an existing account replaces its fields: the dry run says which, and a blank
    cell that would clear a stored e-mail is shown as such before anything is written."""
    _run(world, _ok(world), dry_run=False)
    blank_email = _file(world, "siti.dinkes;Siti;Aminah;;kepala_opd;{dinkes};Pengelola Data")
    row = _run(world, blank_email).rows[0]
    assert row.outcome == "diubah"
    assert row.changes == [("email", "siti@uji.go.id", ""), ("peran", "operator_opd", "kepala_opd")]
    client.login(username="admin.a", password=PASSWORD)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("akun.csv", blank_email, content_type="text/csv")
    page = client.post(reverse("kelola:akun-impor"), {"berkas": upload, "langkah": "periksa"})
    text = page.content.decode()
    assert "data-perubahan" in text and "siti@uji.go.id →" in text and "(dikosongkan)" in text
    assert User.objects.get(username="siti.dinkes").email == "siti@uji.go.id"  # not yet


class TestImportScreen:
    def test_dry_run_then_import(self, client, world):
        client.login(username="admin.a", password=PASSWORD)
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("akun.csv", _ok(world), content_type="text/csv")
        page = client.post(reverse("kelola:akun-impor"), {"berkas": upload, "langkah": "periksa"})
        assert page.status_code == 200 and page.context["n_baru"] == 2
        assert not User.objects.filter(username="siti.dinkes").exists()
        done = client.post(
            reverse("kelola:akun-impor"), {"isi": page.context["content"], "langkah": "impor"}
        )
        assert done.status_code == 200 and len(done.context["result"].passwords) == 2
        assert User.objects.filter(username="siti.dinkes").exists()

    def test_template_download_for_admins_only(self, client, world):
        client.login(username="admin.a", password=PASSWORD)
        response = client.get(reverse("kelola:akun-templat"))
        assert response.status_code == 200 and "nama_pengguna" in response.content.decode()
        client.login(username="operator_opd.a", password=PASSWORD)
        assert client.get(reverse("kelola:akun-templat")).status_code == 404
