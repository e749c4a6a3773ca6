"""Issue 9 §2: what the user typed is what is stored, the form submits what it shows, errors tell
the truth beside their fields, and doubtful evidence looks doubtful wherever it is judged."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from conftest import PASSWORD
from pantau.core.numbers import format_money
from pantau.monitoring.models import Bukti, KunciPengiriman, PeriodeLaporan, Realisasi
from pantau.monitoring.services import bukti_add, realisasi_save
from pantau.monitoring.tests.photos import jpeg
from pantau.planning.services import sub_kegiatan_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _february(clock):
    clock.set("2026-02-05 10:00")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def form_url(tenant, bulan=1):
    return reverse("monitoring:laporan", args=[tenant.sub.pk, bulan])


def field_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html).group(0)
    match = re.search(r'value="([^"]*)"', tag)
    return unescape(match.group(1)) if match else ""


def post(client, tenant, key: str, **values):
    data = {"kunci": key * 16, "fisik": "10", **values}
    return client.post(form_url(tenant), data)


def january(tenant):
    return PeriodeLaporan.objects.get(tahun_anggaran=tenant.ta, bulan=1)


class TestMoneyThroughTheForm:
    def test_cents_shown_and_resaved_exactly(self, client, world):
        login(client, world.a.users["operator_opd"])
        assert post(client, world.a, "a", keuangan="1.250.000,50").status_code == 302
        page = client.get(form_url(world.a)).text
        assert field_value(page, "keuangan") == "1.250.000,50"
        assert post(client, world.a, "b", keuangan=field_value(page, "keuangan")).status_code == 302
        assert Realisasi.objects.get().keuangan == Decimal("1250000.50")

    def test_english_page_reads_english_numbers(self, client, world):
        login(client, world.a.users["operator_opd"])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        assert post(client, world.a, "c", keuangan="1,250,000.50").status_code == 302
        assert Realisasi.objects.get().keuangan == Decimal("1250000.50")
        assert field_value(client.get(form_url(world.a)).text, "keuangan") == "1,250,000.50"

    @hsettings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        amount=st.decimals(
            min_value=Decimal(0), max_value=Decimal(600_000_000), places=2, allow_nan=False
        ),
        language=st.sampled_from(["id", "en"]),
    )
    def test_property_parse_display_resave(self, client, world, amount, language):
        """Any amount typed as the page writes it is stored, shown and re-saved unchanged."""
        Realisasi.objects.all().delete()
        KunciPengiriman.objects.all().delete()  # each example starts from an empty month
        login(client, world.a.users["operator_opd"])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        with translation.override(language):
            typed = format_money(amount)
        assert post(client, world.a, "d", keuangan=typed).status_code == 302
        shown = field_value(client.get(form_url(world.a)).text, "keuangan")
        assert shown == typed
        assert post(client, world.a, "e", keuangan=shown).status_code == 302
        assert Realisasi.objects.get().keuangan == amount

    def test_grid_shows_and_resaves_cents(self, client, world):
        login(client, world.a.users["operator_opd"])
        realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=january(world.a),
            keuangan=Decimal("1250000.50"),
            fisik=Decimal("10.25"),
        )
        grid = reverse("monitoring:grid")
        page = client.get(grid).text
        assert field_value(page, f"keuangan-{world.a.sub.pk}") == "1.250.000,50"
        assert field_value(page, f"fisik-{world.a.sub.pk}") == "10,25"
        data = {"opd": world.a.dinkes.pk}
        for name in (f"keuangan-{world.a.sub.pk}", f"fisik-{world.a.sub.pk}"):
            data[name] = field_value(page, name)
        assert client.post(grid, data).status_code == 302  # the page saved again as shown
        report = Realisasi.objects.get()
        assert (report.keuangan, report.fisik) == (Decimal("1250000.50"), Decimal("10.25"))


class TestSubmitWhatIsOnScreen:
    def test_one_submit_action_inside_the_form(self, client, world):
        login(client, world.a.users["operator_opd"])
        realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=january(world.a),
            keuangan=Decimal(1_000_000),
            fisik=Decimal(10),
        )
        page = client.get(form_url(world.a)).text
        # no second button that submits the last saved draft instead of what is on screen
        assert 'name="langkah" value="submit"' not in page
        assert page.count('value="ajukan"') == 1
        form = page[
            page.index("data-offline-form") : page.index("</form>", page.index("data-offline-form"))
        ]
        assert 'name="aksi" value="ajukan"' in form and "data-jaga-perubahan" in page

    def test_submit_saves_the_edits_first(self, client, world):
        login(client, world.a.users["operator_opd"])
        realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=january(world.a),
            keuangan=Decimal(1_000_000),
            fisik=Decimal(10),
        )
        response = post(client, world.a, "g", keuangan="2.500.000", fisik="12", aksi="ajukan")
        assert response.status_code == 302
        report = Realisasi.objects.get()
        assert (report.keuangan, report.fisik, report.status) == (
            Decimal(2_500_000),
            Decimal(12),
            "diajukan",
        )
        page = client.get(form_url(world.a)).text
        assert "tersimpan dan diajukan ke kepala OPD" in page

    def test_refused_submit_keeps_nothing_and_asks_beside_the_field(self, client, world):
        login(client, world.a.users["operator_opd"])
        # 40% physical against 0.5% financial progress: a warning that needs an explanation
        response = post(client, world.a, "h", keuangan="3.000.000", fisik="40", aksi="ajukan")
        assert response.status_code == 422 and not Realisasi.objects.exists()
        text = response.text
        assert "belum tersimpan dan belum diajukan" in text
        after_field = text[text.index('name="penjelasan"') :]
        assert "tuliskan penjelasan" in after_field[: after_field.index("</div>") + 400]
        assert field_value(text, "keuangan") == "3.000.000"  # what was typed is still there


class TestFormsTellTheTruth:
    def test_every_field_error_at_once_beside_its_field(self, client, world):
        login(client, world.a.users["operator_opd"])
        response = client.post(
            form_url(world.a), {"kunci": "i" * 32, "keuangan": "abc", "fisik": "120"}
        )
        assert response.status_code == 422 and not Realisasi.objects.exists()
        text = response.text
        assert 'id="keuangan_error"' in text and 'id="fisik_error"' in text
        assert "bukan angka yang sah" in text and "Tidak boleh lebih dari 100" in text
        assert 'aria-invalid="true"' in text and "is-invalid" in text

    def test_empty_field_is_required_not_an_invalid_number(self, client, world):
        login(client, world.a.users["operator_opd"])
        response = client.post(form_url(world.a), {"kunci": "j" * 32, "keuangan": "", "fisik": ""})
        assert response.status_code == 422
        assert "Wajib diisi." in response.text and "&#x27;&#x27;" not in response.text
        assert "'' bukan" not in response.text

    def test_sync_errors_name_their_fields(self, client, world):
        login(client, world.a.users["operator_opd"])
        response = client.post(
            form_url(world.a),
            {"kunci": "k" * 32, "keuangan": "700.000.000", "fisik": "x"},
            HTTP_X_PANTAU_SYNC="1",
        )
        body = response.json()
        assert response.status_code == 422 and set(body["fields"]) == {"fisik"}
        response = client.post(
            form_url(world.a),
            {"kunci": "l" * 32, "keuangan": "700.000.000", "fisik": "5"},
            HTTP_X_PANTAU_SYNC="1",
        )
        body = response.json()
        assert "melebihi pagu" in body["fields"]["keuangan"][0] and body["title"]

    def test_sync_save_confirms(self, client, world):
        login(client, world.a.users["operator_opd"])
        response = client.post(
            form_url(world.a),
            {"kunci": "m" * 32, "keuangan": "1.000.000", "fisik": "1"},
            HTTP_X_PANTAU_SYNC="1",
        )
        assert response.json()["ok"]
        page = client.get(response.json()["url"]).text
        assert "draf tersimpan" in page and "alert-success" in page

    def test_error_flash_is_styled_as_danger(self, client, world):
        login(client, world.a.users["operator_opd"])
        response = client.post(
            reverse("monitoring:grid"),
            {"opd": world.a.dinkes.pk, f"keuangan-{world.a.sub.pk}": "abc"},
            follow=True,
        )
        assert "alert-danger" in response.text and "alert-error" not in response.text
        assert "bukan angka yang sah" in response.text and "Wajib diisi" in response.text

    def test_mark_notifications_read_confirms(self, client, world):
        login(client, world.a.users["operator_opd"])
        page = client.post(reverse("notifications:daftar"), follow=True).text
        assert "Semua notifikasi ditandai sudah dibaca." in page


@pytest.fixture
def doubtful(world):
    """A January report whose photo has no EXIF at all and one taken 1.860 km away and in
    December (the sub kegiatan sits in Wakatobi; the far photo in Jakarta)."""
    sub_kegiatan_update(
        actor=None,
        sub_kegiatan=world.a.sub,
        latitude=Decimal("-5.3114"),
        longitude=Decimal("123.5872"),
    )
    report = realisasi_save(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub,
        periode=january(world.a),
        keuangan=Decimal(10_000_000),
        fisik=Decimal(1),
    )
    operator = world.a.users["operator_opd"]
    plain = bukti_add(
        actor=operator,
        realisasi=report,
        name="tanpa-exif.jpg",
        data=jpeg(taken=None, lat=None, lng=None),
    )
    far = bukti_add(
        actor=operator,
        realisasi=report,
        name="jauh.jpg",
        data=jpeg(taken="2025:09:01 10:00:00", lat=-6.1754, lng=106.8272, color=(1, 2, 3)),
    )
    return report, plain, far


class TestDoubtfulEvidence:
    def test_bupati_gallery_shows_the_doubts(self, client, world, doubtful):
        login(client, world.a.users["pimpinan"])
        page = client.get(reverse("monitoring:riwayat", args=[world.a.sub.pk])).text
        assert "Foto tidak memuat waktu pengambilan (EXIF)." in page
        assert "Foto tidak memuat koordinat GPS." in page
        assert "sebelum periode Januari 2026" in page
        assert re.search(r"Foto diambil 1\.\d{3} km dari lokasi sub kegiatan \(batas 2 km\)", page)
        assert "bukti-ragu" in page

    def test_walidata_classification_screen_shows_the_doubts(self, client, world, doubtful):
        login(client, world.a.users["admin"])
        url = reverse("opendata-kelola:klasifikasi-sub", args=[world.a.sub.pk])
        page = client.get(url).text
        assert "Foto tidak memuat waktu pengambilan (EXIF)." in page
        assert re.search(r"1\.\d{3} km dari lokasi", page)

    def test_photo_opens_in_a_page_with_its_facts(self, client, world, doubtful):
        _, _plain, far = doubtful
        login(client, world.a.users["verifikator"])
        page = client.get(reverse("monitoring:bukti", args=[far.pk])).text
        assert "jauh.jpg" in page and "Perlu diperiksa" in page
        assert re.search(r"1\.\d{3} km", page) and "batas 2 km" in page
        assert "1 September 2025" in page
        gallery = client.get(reverse("monitoring:riwayat", args=[world.a.sub.pk])).text
        assert reverse("monitoring:bukti", args=[far.pk]) in gallery
        assert reverse("monitoring:bukti-berkas", args=[far.pk, "asli"]) not in gallery

    def test_doubts_in_the_readers_language(self, client, world, doubtful):
        login(client, world.a.users["pimpinan"])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.get(reverse("monitoring:riwayat", args=[world.a.sub.pk])).text
        assert "The photo does not contain a capture time (EXIF)." in page  # stored in Indonesian
        assert re.search(r"taken 1,\d{3} km from the sub-activity location", page)

    def test_deleting_asks_first(self, client, world, doubtful):
        _, plain, _far = doubtful
        login(client, world.a.users["operator_opd"])
        form_page = client.get(form_url(world.a)).text
        hapus = reverse("monitoring:bukti-hapus", args=[plain.pk])
        assert f'action="{hapus}"' not in form_page  # no one-tap delete
        confirm = client.get(hapus)
        assert confirm.status_code == 200 and "Hapus bukti ini?" in confirm.text
        assert Bukti.objects.filter(pk=plain.pk).exists()
        response = client.post(hapus, follow=True)
        assert not Bukti.objects.filter(pk=plain.pk).exists()
        assert "tanpa-exif.jpg dihapus" in response.text

    def test_only_the_operator_of_an_editable_report_may_delete(self, client, world, doubtful):
        _, plain, _far = doubtful
        login(client, world.a.users["verifikator"])
        assert client.get(reverse("monitoring:bukti-hapus", args=[plain.pk])).status_code == 403
        assert client.post(reverse("monitoring:bukti-hapus", args=[plain.pk])).status_code == 403
        assert Bukti.objects.filter(pk=plain.pk).exists()

    def test_other_pemda_cannot_open_the_page(self, client, world, doubtful):
        _, plain, _far = doubtful
        login(client, world.b.users["verifikator"])
        assert client.get(reverse("monitoring:bukti", args=[plain.pk])).status_code == 404


def test_upload_of_a_bad_file_is_shown_beside_the_file_field(client, world):
    login(client, world.a.users["operator_opd"])
    response = client.post(
        form_url(world.a),
        {
            "kunci": "n" * 32,
            "keuangan": "1.000.000",
            "fisik": "1",
            "bukti": SimpleUploadedFile("x.jpg", b"bukan foto", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 422 and not Realisasi.objects.exists()
    assert 'id="bukti_error"' in response.text and "bukan foto yang dapat dibaca" in response.text
