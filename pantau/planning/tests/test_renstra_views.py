"""The Renstra screens (decision 0038): who reads, who edits, htmx partials, messages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import YEAR
from pantau.audit.models import AuditEvent
from pantau.planning.models import PeriodeRenstra, ProgramSasaran, Sasaran, TargetRenstra
from pantau.planning.services import indikator_create
from pantau.planning.services_renstra import periode_renstra_create

pytestmark = pytest.mark.django_db


def _url(name, a, *extra):
    return reverse(f"planning:{name}", args=[a.dinkes.pk, YEAR, *extra])


@pytest.fixture
def setup(world, client):
    a = world.a
    periode = periode_renstra_create(
        actor=None, opd=a.dinkes, tahun_awal=YEAR - 1, tahun_akhir=YEAR + 3
    )
    ind = indikator_create(
        actor=None, induk=a.program, nama="Cakupan layanan", satuan="%", rumus=1, target_tahunan=80
    )
    client.force_login(a.users["operator_opd"])
    return a, periode, ind, client


class TestRenstraPage:
    def test_period_set_on_screen_must_contain_the_plan_year(self, world, client):
        a = world.a
        client.force_login(a.users["operator_opd"])
        r = client.post(
            _url("renstra", a), {"aksi": "periode", "tahun_awal": "2027", "tahun_akhir": "2031"}
        )
        assert r.status_code == 400
        assert f"mencakup tahun rencana {YEAR}" in r.content.decode()
        assert not PeriodeRenstra.objects.exists()
        r = client.post(
            _url("renstra", a), {"aksi": "periode", "tahun_awal": "2025", "tahun_akhir": "2029"}
        )
        assert r.status_code == 302
        assert PeriodeRenstra.objects.get().tahun_akhir == 2029
        page = client.get(_url("renstra", a)).content.decode()
        assert 'data-periode="2025-2029"' in page
        assert "vendor/htmx/htmx.min.js" in page  # the rows are edited in place

    def test_sasaran_added_and_program_linked_with_htmx(self, setup):
        a, _periode, _ind, client = setup
        r = client.post(
            _url("renstra", a),
            {"aksi": "sasaran", "kode": "S1", "uraian": "Sehat", "indikator": "AHH"},
        )
        assert r.status_code == 302
        s1 = Sasaran.objects.get()
        form = client.get(_url("renstra-program", a, a.program.pk), HTTP_HX_REQUEST="true")
        assert form.status_code == 200 and "<html" not in form.content.decode()
        r = client.post(
            _url("renstra-program", a, a.program.pk), {"sasaran": [s1.pk]}, HTTP_HX_REQUEST="true"
        )
        assert r.status_code == 200
        assert (
            "S1" in r.content.decode()
            and f'id="renstra-program-{a.program.pk}"' in r.content.decode()
        )
        assert ProgramSasaran.objects.filter(program=a.program, sasaran=s1).exists()
        assert AuditEvent.objects.filter(action="program_sasaran.set").count() == 1

    def test_unknown_sasaran_id_refused(self, setup):
        a, _periode, _ind, client = setup
        r = client.post(_url("renstra-program", a, a.program.pk), {"sasaran": ["999999"]})
        assert r.status_code == 400
        assert "Pilih sasaran dari daftar" in r.content.decode()

    def test_target_and_earlier_year_saved_through_the_row_form(self, setup):
        a, _periode, ind, client = setup
        url = _url("renstra-indikator", a, ind.pk)
        form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert f'name="k_{YEAR - 1}"' in form and f'name="k_{YEAR}"' not in form
        r = client.post(
            url,
            {
                "target_k": "95,5",
                "target_rp": "1.500.000",
                f"k_{YEAR - 1}": "70",
                f"rp_{YEAR - 1}": "",
            },
            HTTP_HX_REQUEST="true",
        )
        assert r.status_code == 200
        body = r.content.decode()
        assert "95,5" in body and "Rp 1.500.000" in body
        t = TargetRenstra.objects.get()
        assert (t.target_k, t.target_rp) == (Decimal("95.5"), Decimal("1500000"))

    def test_bad_value_answers_the_form_with_the_message_and_writes_nothing(self, setup):
        a, _periode, ind, client = setup
        r = client.post(
            _url("renstra-indikator", a, ind.pk),
            {"target_k": "-3", "target_rp": "1,005"},
            HTTP_HX_REQUEST="true",
        )
        assert r.status_code == 200  # htmx swaps only a 2xx answer
        assert "tidak boleh negatif" in r.content.decode() and "<html" not in r.content.decode()
        assert not TargetRenstra.objects.exists()
        r = client.post(_url("renstra-indikator", a, ind.pk), {"target_k": "-3"})
        assert r.status_code == 400 and "tidak boleh negatif" in r.content.decode()

    def test_english_message(self, setup):
        a, _periode, ind, client = setup
        client.cookies["django_language"] = "en"
        r = client.post(
            _url("renstra-indikator", a, ind.pk), {"target_k": "5", "target_rp": "10.555"}
        )  # English: 10.555 is ten and a bit
        assert r.status_code == 400
        assert "at most 2 decimals" in r.content.decode()

    @pytest.mark.parametrize(("tenant", "role"), [("a", "verifikator"), ("a", "pimpinan")])
    def test_readers_see_the_page_without_edit_forms_and_cannot_post(
        self, setup, world, tenant, role
    ):
        a, _periode, ind, client = setup
        client.force_login(getattr(world, tenant).users[role])
        page = client.get(_url("renstra", a))
        assert page.status_code == 200
        assert 'name="aksi"' not in page.content.decode()
        assert (
            client.post(
                _url("renstra", a), {"aksi": "sasaran", "kode": "X", "uraian": "Y"}
            ).status_code
            == 404
        )
        assert client.get(_url("renstra-indikator", a, ind.pk)).status_code == 404
        assert not Sasaran.objects.exists()

    def test_other_pemda_gets_404(self, setup, world):
        a, _periode, ind, client = setup
        client.force_login(world.b.users["admin"])
        assert client.get(_url("renstra", a)).status_code == 404
        assert (
            client.post(_url("renstra-indikator", a, ind.pk), {"target_k": "1"}).status_code == 404
        )
        assert not TargetRenstra.objects.exists()
