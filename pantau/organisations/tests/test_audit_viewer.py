"""The audit viewer `/audit/` (issue 12 §5): who reaches it, filters, descriptions, before and
after, rahasia masking, downloads and bad filter input."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse

from conftest import PASSWORD, classify
from pantau.audit.models import AuditEvent
from pantau.audit.services import audit_record
from pantau.organisations import selectors_audit as sel
from pantau.planning.services import sub_kegiatan_update

pytestmark = pytest.mark.django_db
CANARY = "KANARI-RAHASIA-7f3a"
OTHERS = ["pimpinan", "verifikator", "kepala_opd", "operator_opd"]


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx_text(response) -> str:
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


@pytest.fixture
def trail(world):
    """A named change on A's public sub kegiatan, and a canary written into A's rahasia one."""
    a = world.a
    sub_kegiatan_update(actor=a.users["admin"], sub_kegiatan=a.sub2, pptk_nama="Budi Santoso")
    sub_kegiatan_update(
        actor=a.users["admin"], sub_kegiatan=a.sub2, pagu_murni=Decimal("350000000.50")
    )
    classify(a, a.sub_pupr, "rahasia")
    sub_kegiatan_update(actor=a.users["admin"], sub_kegiatan=a.sub_pupr, pptk_nama=CANARY)
    b = world.b
    sub_kegiatan_update(actor=b.users["admin"], sub_kegiatan=b.sub2, pptk_nama="Pemda-B-saja")
    return world


def _event(**filters) -> AuditEvent:
    return AuditEvent.objects.filter(**filters).latest("id")


class TestWhoReadsTheTrail:
    @pytest.mark.parametrize("role", ["auditor", "admin"])
    def test_auditor_and_admin_of_a_see_only_a(self, client, trail, role):
        _login(client, trail.a.users[role])
        res = client.get(reverse("audit:daftar"))
        assert res.status_code == 200
        body = res.content.decode()
        assert "Budi Santoso" not in body  # values are on the event's page, not the list
        assert "Berubah: Pagu murni (Rp)" in body and "Berubah: Nama PPTK" in body
        assert CANARY not in body
        assert "1.02.02.2.01.0002" in body
        assert "Pemda-B-saja" not in body
        pemda_ids = {e.pemda_id for e, _k, _r, _f in res.context["rows"]}
        assert pemda_ids == {trail.a.pemda.pk}
        assert res["Cache-Control"].count("no-store") == 1

    @pytest.mark.parametrize("role", OTHERS)
    def test_other_roles_get_404(self, client, trail, role):
        _login(client, trail.a.users[role])
        event = _event(pemda=trail.a.pemda)
        before = AuditEvent.objects.count()
        for url in (
            reverse("audit:daftar"),
            reverse("audit:detail", args=[event.pk]),
            reverse("audit:unduh") + "?format=csv",
        ):
            assert client.get(url).status_code == 404
        assert AuditEvent.objects.count() == before

    def test_post_is_refused_and_writes_nothing(self, client, trail):
        _login(client, trail.a.users["auditor"])
        before = AuditEvent.objects.count()
        for url in (reverse("audit:daftar"), reverse("audit:unduh") + "?format=csv"):
            assert client.post(url).status_code == 405
        assert AuditEvent.objects.count() == before

    def test_anonymous_is_sent_to_sign_in(self, client, trail):
        res = client.get(reverse("audit:daftar"))
        assert res.status_code == 302 and "/masuk/" in res["Location"]

    def test_admin_of_b_cannot_open_an_event_of_a(self, client, trail):
        _login(client, trail.b.users["admin"])
        event = _event(pemda=trail.a.pemda, action="sub_kegiatan.update")
        assert client.get(reverse("audit:detail", args=[event.pk])).status_code == 404
        res = client.get(reverse("audit:daftar") + f"?pemda={trail.a.pemda.pk}")
        assert res.status_code == 404

    def test_admin_of_b_does_not_see_a_in_the_download(self, client, trail):
        _login(client, trail.b.users["auditor"])
        rows = _csv_rows(client.get(reverse("audit:unduh") + "?format=csv"))
        text = "\n".join(",".join(r) for r in rows)
        assert "Pemda-B-saja" in text
        assert "Budi Santoso" not in text and CANARY not in text

    def test_nav_links_the_trail_for_admin_and_auditor_only(self, client, trail):
        url = reverse("audit:daftar")
        _login(client, trail.a.users["auditor"])
        assert url in client.get(reverse("core:home")).content.decode()
        client.logout()
        _login(client, trail.a.users["verifikator"])
        assert url not in client.get(reverse("core:home")).content.decode()


class TestFilters:
    def _rows(self, client, query: str):
        res = client.get(reverse("audit:daftar") + "?" + query)
        assert res.status_code == 200
        return res, [e for e, _k, _r, _f in res.context["rows"]]

    def test_person_action_object_and_opd(self, client, trail):
        a = trail.a
        _login(client, a.users["auditor"])
        _res, rows = self._rows(client, "pelaku=ADMIN.a&aksi=sub_kegiatan.update")
        assert rows and all(e.actor_label == "admin.a" for e in rows)
        assert {e.action for e in rows} == {"sub_kegiatan.update"}
        _res, rows = self._rows(client, f"jenis=planning.subkegiatan&objek={a.sub2.pk}")
        assert rows and {e.object_id for e in rows} == {str(a.sub2.pk)}
        _res, rows = self._rows(client, "objek=1.03.03.2.01")
        assert rows and all("1.03.03.2.01" in e.object_repr for e in rows)
        _res, rows = self._rows(client, f"opd={a.pupr.pk}")
        assert rows and {e.opd_id for e in rows} == {a.pupr.pk}
        _res, rows = self._rows(client, "q=operator_opd.a")
        assert rows and all("operator_opd.a" in (e.object_repr + e.actor_label) for e in rows)

    def test_dates_in_indonesian_and_iso(self, client, trail):
        _login(client, trail.a.users["auditor"])
        today = AuditEvent.objects.latest("id").at
        day = today.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Makassar")).date()
        _res, rows = self._rows(client, f"dari={day:%d/%m/%Y}&sampai={day:%d/%m/%Y}")
        assert rows
        _res, rows = self._rows(client, f"dari={day.isoformat()}")
        assert rows
        _res, none = self._rows(client, f"sampai={day.replace(year=day.year - 1):%d/%m/%Y}")
        assert none == []

    def test_filter_stays_in_the_pages_links(self, client, trail):
        _login(client, trail.a.users["auditor"])
        res, _rows = self._rows(client, "aksi=sub_kegiatan.update")
        body = res.content.decode()
        assert "aksi=sub_kegiatan.update&amp;format=csv" in body or (
            "format=csv" in body and "aksi=sub_kegiatan.update" in body
        )

    def test_keyset_pages_cover_every_event_once(self, client, trail, monkeypatch):
        monkeypatch.setattr(sel.audit_page, "__kwdefaults__", {"size": 3})
        _login(client, trail.a.users["auditor"])
        seen, url = [], reverse("audit:daftar")
        for _ in range(100):
            res = client.get(url)
            seen += [e.pk for e, _k, _r, _f in res.context["rows"]]
            if not res.context["next_cursor"]:
                break
            url = reverse("audit:daftar") + f"?kursor={res.context['next_cursor']}"
        expected = list(
            AuditEvent.objects.filter(pemda=trail.a.pemda)
            .order_by("-at", "-id")
            .values_list("pk", flat=True)
        )
        assert seen == expected

    @pytest.mark.parametrize(
        "query,field",
        [
            ("dari=31/13/2025", "dari"),
            ("sampai=kemarin", "sampai"),
            ("aksi=drop table", "aksi"),
            ("jenis=auth.nope", "jenis"),
            ("opd=99999999", "opd"),
            ("opd=abc", "opd"),
            ("dari=31/12/2025&sampai=01/01/2025", "sampai"),
        ],
    )
    def test_bad_filter_values_are_named_not_500(self, client, trail, query, field):
        _login(client, trail.a.users["auditor"])
        res = client.get(reverse("audit:daftar") + "?" + query)
        assert res.status_code == 200
        assert field in res.context["form"].errors
        assert "alert-danger" in res.content.decode()
        assert res.context["rows"]  # the rest of the filter (nothing) still applies

    def test_an_opd_of_another_pemda_is_refused(self, client, trail):
        _login(client, trail.a.users["auditor"])
        res = client.get(reverse("audit:daftar") + f"?opd={trail.b.dinkes.pk}")
        assert "opd" in res.context["form"].errors
        assert {e.pemda_id for e, _k, _r, _f in res.context["rows"]} == {trail.a.pemda.pk}

    def test_bad_cursor_and_pemda_do_not_fail(self, client, trail):
        _login(client, trail.a.users["auditor"])
        assert client.get(reverse("audit:daftar") + "?kursor=abc").status_code == 200
        assert client.get(reverse("audit:daftar") + "?kursor=-5").status_code == 200
        assert client.get(reverse("audit:daftar") + "?pemda=abc").status_code == 200


class TestDescriptionAndChange:
    def test_sentence_names_role_user_and_object(self, client, trail):
        _login(client, trail.a.users["auditor"])
        event = _event(pemda=trail.a.pemda, action="sub_kegiatan.update", object_id=trail.a.sub2.pk)
        res = client.get(reverse("audit:detail", args=[event.pk]))
        assert res.context["kalimat"].startswith(
            "Admin admin.a mengubah sub kegiatan 1.02.02.2.01.0002"
        )

    def test_before_and_after_with_verbose_names_and_rupiah(self, client, trail):
        _login(client, trail.a.users["auditor"])
        event = AuditEvent.objects.filter(
            action="sub_kegiatan.update", changes__has_key="pagu_murni"
        ).latest("id")
        res = client.get(reverse("audit:detail", args=[event.pk]))
        rows = {r.nama: r for r in res.context["rows"]}
        assert rows["Pagu murni (Rp)"].sebelum == "Rp 300.000.000"
        assert rows["Pagu murni (Rp)"].sesudah == "Rp 350.000.000,50"

    def test_foreign_keys_booleans_and_choices_read(self, trail):
        a = trail.a
        event = AuditEvent.objects.filter(
            action="sub_kegiatan.create", object_id=str(a.sub2.pk)
        ).get()
        rows = {
            r.nama: r
            for r in sel.change_rows(
                event, masked=False, names=sel.related_names([event]), zona="Asia/Makassar"
            )
        }
        assert rows["Opd"].sesudah == str(a.dinkes)  # the FK's name, not its id
        assert rows["Klasifikasi informasi"].sesudah.startswith("Terbatas")  # a choice's label
        assert rows["Kegiatan"].sesudah == str(a.kegiatan)

    def test_booleans_dates_and_times_read(self, trail):
        opd = AuditEvent(
            action="opd.update", object_type="organisations.opd", changes={"aktif": [True, False]}
        )
        (row,) = sel.change_rows(opd, masked=False, names={}, zona="Asia/Makassar")
        assert (row.nama, row.sebelum, row.sesudah) == ("Aktif", "Ya", "Tidak")
        report = AuditEvent(
            action="realisasi.submit",
            object_type="monitoring.realisasi",
            changes={"diajukan_pada": [None, "2026-06-30T16:30:00+00:00"]},
        )
        (row,) = sel.change_rows(report, masked=False, names={}, zona="Asia/Makassar")
        assert row.sebelum == "—"
        assert row.sesudah.startswith("1 Juli 2026")  # 00.30 WITA on 1 July
        periode = AuditEvent(
            action="periode.create",
            object_type="monitoring.periodelaporan",
            changes={"batas_waktu": [None, "2026-07-10"]},
        )
        (row,) = sel.change_rows(periode, masked=False, names={}, zona="Asia/Makassar")
        assert row.sesudah == "10 Juli 2026"

    def test_english_sentence(self, client, trail):
        _login(client, trail.a.users["auditor"])
        event = _event(pemda=trail.a.pemda, action="sub_kegiatan.update", object_id=trail.a.sub2.pk)
        client.cookies["django_language"] = "en"
        res = client.get(reverse("audit:detail", args=[event.pk]))
        assert res.context["kalimat"].startswith("Admin admin.a changed sub kegiatan")

    def test_bulk_summary_reads(self, trail):
        event = AuditEvent(
            action="plan.import",
            object_type="planning.tahunanggaran",
            changes={"_summary": {"program": 3, "sub_kegiatan": 12}},
        )
        (row,) = sel.change_rows(event, masked=False, names={}, zona="Asia/Makassar")
        assert row.nama == "Ringkasan"
        assert row.sesudah == "program: 3; sub kegiatan: 12"

    def test_secrets_never_shown(self, trail):
        event = AuditEvent(
            action="user.update", object_type="auth.user", changes={"password": ["x", "HASH"]}
        )
        (row,) = sel.change_rows(event, masked=False, names={}, zona="Asia/Makassar")
        assert "HASH" not in row.sesudah and row.disembunyikan


class TestRahasia:
    def _rahasia_event(self, trail):
        return AuditEvent.objects.filter(
            action="sub_kegiatan.update", object_id=str(trail.a.sub_pupr.pk)
        ).latest("id")

    def test_admin_sees_the_event_but_not_the_values(self, client, trail):
        _login(client, trail.a.users["admin"])
        event = self._rahasia_event(trail)
        res = client.get(reverse("audit:detail", args=[event.pk]))
        body = res.content.decode()
        assert res.status_code == 200 and CANARY not in body
        assert "Nama PPTK" in body and res.context["masked"]
        reads = AuditEvent.objects.filter(action="rahasia.read", actor=trail.a.users["admin"])
        assert not reads.filter(changes___where="audit:detail").exists()

    def test_the_django_admin_shows_the_admin_no_recorded_values(self, client, trail):
        # the same event in the Django admin's read-only trail: no way around the masking
        from pantau.organisations.services import reference_admin_grant

        admin = trail.a.users["admin"]
        with transaction.atomic():
            reference_admin_grant(actor=None, user=admin)
        _login(client, admin)
        event = self._rahasia_event(trail)
        res = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
        assert res.status_code == 200 and CANARY not in res.content.decode()
        assert event.object_repr[:20] in res.content.decode()

    def test_auditor_sees_the_values_and_the_read_is_recorded(self, client, trail):
        auditor = trail.a.users["auditor"]
        _login(client, auditor)
        event = self._rahasia_event(trail)
        res = client.get(reverse("audit:detail", args=[event.pk]))
        assert CANARY in res.content.decode()
        read = AuditEvent.objects.filter(action="rahasia.read", actor=auditor).latest("id")
        assert read.object_id == str(trail.a.sub_pupr.pk)
        assert read.changes == {"_where": "audit:detail"}

    def test_a_classification_change_to_rahasia_is_itself_rahasia(self, trail):
        event = AuditEvent.objects.filter(action="subkegiatan.klasifikasi").latest("id")
        assert event.pk in sel.rahasia_event_ids([event])

    def test_a_report_of_a_rahasia_sub_is_rahasia(self, trail):
        event = AuditEvent(
            pk=10**9, action="realisasi.update", object_type="monitoring.realisasi", object_id="1"
        )
        assert "sub_kegiatan__klasifikasi" in sel.rahasia_paths(
            apps.get_model("monitoring.realisasi")
        )
        assert event.pk not in sel.rahasia_event_ids([event])  # no such report

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_downloads_mask_for_admin(self, client, trail, fmt):
        _login(client, trail.a.users["admin"])
        res = client.get(reverse("audit:unduh") + f"?format={fmt}")
        assert res.status_code == 200
        text = _xlsx_text(res) if fmt == "xlsx" else "\n".join(map(str, _csv_rows(res)))
        assert CANARY not in text
        assert "Budi Santoso" in text
        assert "disembunyikan (rahasia)" in text

    def test_auditors_download_shows_values_and_records_the_reads(self, client, trail):
        auditor = trail.a.users["auditor"]
        _login(client, auditor)
        text = "\n".join(map(str, _csv_rows(client.get(reverse("audit:unduh") + "?format=csv"))))
        assert CANARY in text
        assert AuditEvent.objects.filter(
            action="rahasia.read", actor=auditor, changes___where="audit:ekspor"
        ).exists()


class TestDownload:
    def test_csv_holds_the_filtered_rows_and_is_audited(self, client, trail):
        auditor = trail.a.users["auditor"]
        _login(client, auditor)
        expected = AuditEvent.objects.filter(
            pemda=trail.a.pemda, action="sub_kegiatan.update"
        ).count()
        res = client.get(reverse("audit:unduh") + "?format=csv&aksi=sub_kegiatan.update")
        assert res.status_code == 200 and "no-store" in res["Cache-Control"]
        rows = _csv_rows(res)
        header = next(i for i, r in enumerate(rows) if r and r[0] == "Waktu")
        data = [r for r in rows[header + 1 :] if r]
        assert len(data) == expected
        assert all(r[3] == "Sub kegiatan diubah" for r in data)
        assert any("Pagu murni (Rp): Rp 300.000.000 → Rp 350.000.000,50" in r[8] for r in data)
        record = AuditEvent.objects.filter(action="audit.ekspor").latest("id")
        assert record.actor == auditor and record.pemda_id == trail.a.pemda.pk
        assert record.changes["format"] == "csv"
        assert record.changes["jumlah_baris"] == expected
        assert record.changes["saringan"] == {"Aksi": "Sub kegiatan diubah"}
        assert record.changes["rahasia_disembunyikan"] is False

    def test_xlsx_download(self, client, trail):
        _login(client, trail.a.users["admin"])
        res = client.get(reverse("audit:unduh") + "?format=xlsx")
        assert res.status_code == 200
        assert res["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "Jejak audit" in _xlsx_text(res)
        assert (
            AuditEvent.objects.filter(action="audit.ekspor")
            .latest("id")
            .changes["rahasia_disembunyikan"]
        )

    def test_unknown_format_is_refused_and_not_recorded(self, client, trail):
        _login(client, trail.a.users["auditor"])
        before = AuditEvent.objects.count()
        res = client.get(reverse("audit:unduh") + "?format=pdf")
        assert res.status_code == 400
        assert AuditEvent.objects.count() == before

    def test_export_event_describes_itself(self, client, trail):
        _login(client, trail.a.users["auditor"])
        client.get(reverse("audit:unduh") + "?format=csv")
        event = AuditEvent.objects.filter(action="audit.ekspor").latest("id")
        res = client.get(reverse("audit:detail", args=[event.pk]))
        assert res.context["kalimat"] == "Auditor auditor.a mengunduh jejak audit"


class TestQueries:
    def test_list_queries_do_not_grow_with_events(
        self, client, trail, django_assert_max_num_queries
    ):
        _login(client, trail.a.users["auditor"])
        client.get(reverse("audit:daftar"))
        with transaction.atomic():
            for i in range(60):
                audit_record(
                    actor=trail.a.users["admin"],
                    action="opd.update",
                    obj=trail.a.pupr,
                    changes={"nama": ["x", f"y{i}"]},
                )
        with django_assert_max_num_queries(15):
            client.get(reverse("audit:daftar"))
