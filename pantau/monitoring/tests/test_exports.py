"""Downloads of the monthly report list and the compliance list (issue 11 §5): the file holds the
page's rows in the page's order with the same figures, nothing of another OPD or pemda, no
rahasia figure for someone who may not read it, inert formulas, a safe file name, and an audit
event."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import PASSWORD, classify, verified
from pantau.audit.models import AuditEvent
from pantau.core.tests.exports_read import body, csv_table, dec, xlsx_sheet, xlsx_table
from pantau.monitoring import selectors

pytestmark = pytest.mark.django_db

CANARY = Decimal("77777777.77")
FORMULA = '=HYPERLINK("http://x","klik")'


@pytest.fixture
def june(world, clock):
    clock.set("2026-07-03 09:00")
    verified(world.a, world.a.sub, 6, 60_000_000, 50, kendala=FORMULA)
    verified(world.a, world.a.sub2, 6, CANARY, 40)
    verified(world.a, world.a.sub_pupr, 6, 10_000_000, 20)
    verified(world.b, world.b.sub, 6, 11_111_111, 10)
    classify(world.a, world.a.sub2, "rahasia")
    clock.set("2026-07-15 09:00")
    return world


def _login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def _daftar(client, fmt="xlsx", **query):
    params = "&".join(f"{k}={v}" for k, v in {"format": fmt, **query}.items())
    return client.get(f"{reverse('monitoring:daftar-unduh')}?{params}")


class TestDaftarExport:
    def test_xlsx_rows_equal_the_page_rows(self, client, june):
        user = june.a.users["kepala_opd"]  # the OPD's own head reads its rahasia item
        _login(client, user)
        response = _daftar(client, opd=june.a.dinkes.pk, tahun=2026, bulan=6)
        assert response.status_code == 200
        header, rows = xlsx_table(response)
        assert header[0] == "Kode sub kegiatan" and "Realisasi keuangan (Rp)" in header
        periode = selectors.compliance_period(pemda=june.a.pemda, tahun=2026, bulan=6)
        page = selectors.entry_rows(user=user, opd=june.a.dinkes, periode=periode)
        assert [r[0] for r in rows] == [p.sub.kode for p in page]
        money = header.index("Realisasi keuangan (Rp)")
        assert [dec(r[money]) for r in rows] == [p.report.keuangan.normalize() for p in page]
        assert CANARY.normalize() in [dec(r[money]) for r in rows]
        fisik = header.index("Realisasi fisik (%)")
        assert [dec(r[fisik]) for r in rows] == [p.report.fisik.normalize() for p in page]
        sheet = xlsx_sheet(_daftar(client, opd=june.a.dinkes.pk, tahun=2026, bulan=6))
        assert sheet.freeze_panes == "A7" and sheet.auto_filter.ref.startswith("A6")
        assert sheet["A2"].value == june.a.pemda.nama and "Juni 2026" in sheet["A3"].value
        assert sheet.cell(7, money + 1).number_format == "#,##0"

    def test_csv_rows_equal_the_page_and_formula_is_inert(self, client, june):
        _login(client, june.a.users["operator_opd"])
        response = _daftar(client, "csv", opd=june.a.dinkes.pk, tahun=2026, bulan=6)
        header, rows = csv_table(response)
        assert [r[0] for r in rows] == [june.a.sub.kode, june.a.sub2.kode]
        kendala = header.index("Kendala")
        assert rows[0][kendala] == "'" + FORMULA
        money = header.index("Realisasi keuangan (Rp)")
        assert rows[0][money] == "60000000.00"
        name = response["Content-Disposition"]
        assert name == 'attachment; filename="laporan-bulanan-dinkes-a-juni-2026.csv"'
        semi = _daftar(client, "csv", opd=june.a.dinkes.pk, bulan=6, pemisah="titik-koma")
        _h, rows = csv_table(semi, delimiter=";")
        assert rows[1][money] == "77777777,77"

    def test_xlsx_formula_text_stays_text(self, client, june):
        _login(client, june.a.users["operator_opd"])
        sheet = xlsx_sheet(_daftar(client, opd=june.a.dinkes.pk, bulan=6))
        header = [c.value for c in sheet[6]]
        cell = sheet.cell(7, header.index("Kendala") + 1)
        assert cell.value == FORMULA and cell.data_type == "s"

    def test_verifier_gets_no_rahasia_figure(self, client, june):
        _login(client, june.a.users["verifikator"])
        for fmt in ("xlsx", "csv"):
            response = _daftar(client, fmt, opd=june.a.dinkes.pk, bulan=6)
            raw = body(response)
            _header, rows = xlsx_table(raw) if fmt == "xlsx" else csv_table(raw)
            assert [r[0] for r in rows] == [june.a.sub.kode]
            cells = [str(c) for r in rows for c in r]
            assert not any("77777777" in c for c in cells)
            if fmt == "csv":
                assert b"77777777" not in raw

    def test_other_opd_and_pemda_refused_and_absent(self, client, june):
        _login(client, june.a.users["operator_opd"])
        assert _daftar(client, opd=june.a.pupr.pk, bulan=6).status_code == 404
        assert _daftar(client, opd=june.b.dinkes.pk, bulan=6).status_code == 404
        _h, rows = csv_table(_daftar(client, "csv", bulan=6))
        assert {r[0] for r in rows} == {june.a.sub.kode, june.a.sub2.kode}
        assert not any("11111111" in ";".join(r) for r in rows)

    def test_audit_event_and_rahasia_read(self, client, june):
        user = june.a.users["kepala_opd"]
        _login(client, user)
        before = AuditEvent.objects.filter(action="rahasia.read").count()
        _daftar(client, "csv", opd=june.a.dinkes.pk, tahun=2026, bulan=6)
        event = AuditEvent.objects.get(action="daftar.ekspor")
        assert event.actor == user and event.object_id == "monitoring:daftar"
        assert event.changes["format"] == "csv" and event.changes["jumlah_baris"] == 2
        assert event.changes["saringan"] == {
            "opd": str(june.a.dinkes.pk),
            "tahun": "2026",
            "bulan": "6",
        }
        assert event.pemda_id == june.a.pemda.pk and event.opd_id == june.a.dinkes.pk
        assert AuditEvent.objects.filter(action="rahasia.read").count() == before + 1

    def test_visitor_is_sent_to_sign_in(self, client, june):
        response = _daftar(client, opd=june.a.dinkes.pk)
        assert response.status_code == 302 and "/masuk/" in response["Location"]
        assert not AuditEvent.objects.filter(action="daftar.ekspor").exists()

    def test_unknown_format_refused_without_audit(self, client, june):
        _login(client, june.a.users["operator_opd"])
        assert _daftar(client, "pdf", opd=june.a.dinkes.pk).status_code == 400
        assert not AuditEvent.objects.filter(action="daftar.ekspor").exists()

    def test_page_links_carry_the_filters(self, client, june):
        _login(client, june.a.users["verifikator"])
        page = client.get(reverse("monitoring:daftar") + f"?opd={june.a.pupr.pk}&bulan=6")
        html = page.content.decode()
        assert f"/monitoring/unduh/?opd={june.a.pupr.pk}&amp;bulan=6&amp;tahun=2026" in html


def _kepatuhan(client, fmt="xlsx", **query):
    params = "&".join(f"{k}={v}" for k, v in {"format": fmt, **query}.items())
    return client.get(f"{reverse('monitoring:kepatuhan-unduh')}?{params}")


class TestKepatuhanExport:
    def test_rows_equal_the_page_in_its_order(self, client, june):
        user = june.a.users["verifikator"]
        _login(client, user)
        periode = selectors.compliance_period(pemda=june.a.pemda, tahun=2026, bulan=6)
        page = selectors.compliance(user=user, periode=periode)
        for fmt, read in (("xlsx", xlsx_table), ("csv", csv_table)):
            header, rows = read(_kepatuhan(client, fmt, tahun=2026, bulan=6))
            assert [r[0] for r in rows] == [p.opd.kode for p in page]
            n = header.index("Jumlah sub kegiatan")
            assert [int(r[n]) for r in rows] == [p.jumlah_sub for p in page]
        # the verifier may not read the rahasia sub kegiatan: Dinkes counts one, not two
        dinkes = next(p for p in page if p.opd == june.a.dinkes)
        assert dinkes.jumlah_sub == 1
        assert all(p.opd.pemda_id == june.a.pemda.pk for p in page)

    def test_operator_gets_not_found(self, client, june):
        _login(client, june.a.users["operator_opd"])
        assert _kepatuhan(client).status_code == 404
        assert not AuditEvent.objects.filter(action="daftar.ekspor").exists()

    def test_audited(self, client, june):
        _login(client, june.a.users["verifikator"])
        _kepatuhan(client, "xlsx", tahun=2026, bulan=6)
        event = AuditEvent.objects.get(action="daftar.ekspor")
        assert event.object_id == "monitoring:kepatuhan" and event.changes["format"] == "xlsx"
        assert event.pemda_id == june.a.pemda.pk

    def test_file_name(self, client, june):
        _login(client, june.a.users["verifikator"])
        response = _kepatuhan(client, "csv", tahun=2026, bulan=6)
        assert response["Content-Disposition"] == (
            'attachment; filename="kepatuhan-laporan-juni-2026.csv"'
        )


def test_an_english_user_gets_english_headers(client, june, settings):
    _login(client, june.a.users["operator_opd"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    header, rows = csv_table(_daftar(client, "csv", bulan=6))
    assert header[:3] == ["Sub-activity code", "Sub-activity", "Budget (Rp)"]
    assert rows[0][header.index("Status")] == "Verified"
