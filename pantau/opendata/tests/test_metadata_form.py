"""The dataset metadata form tells the truth: "Ubah metadata" loads the stored dates, a period
that ends before it starts is said in words beside its field, and a save confirms."""

import re

import pytest

from conftest import PASSWORD
from pantau.opendata.models import Dataset
from pantau.opendata.tests.test_kelola import _form

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(client, world):
    assert client.login(username=world.a.users["operator_opd"].username, password=PASSWORD)
    assert client.post("/satu-data/baru/", _form()).status_code == 302
    return Dataset.objects.get(nama="penduduk-2025")


def _input(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


def test_edit_form_loads_the_stored_dates(client, dataset):
    page = client.get(f"/satu-data/{dataset.pk}/ubah/").text
    assert 'value="2025-01-01"' in _input(page, "periode_awal")
    assert 'value="2025-12-31"' in _input(page, "periode_akhir")
    assert 'type="date"' in _input(page, "periode_awal")


def test_resaving_the_edit_form_unchanged_succeeds_and_confirms(client, dataset):
    page = client.get(f"/satu-data/{dataset.pk}/ubah/").text
    data = {k: v for k, v in _form().items() if k != "nama"}
    for name in ("periode_awal", "periode_akhir"):  # exactly what the page holds
        data[name] = re.search(r'value="([^"]*)"', _input(page, name)).group(1)
    response = client.post(f"/satu-data/{dataset.pk}/ubah/", data, follow=True)
    assert "Metadata disimpan." in response.text and "alert-success" in response.text


def test_period_order_is_said_in_words_beside_the_field(client, dataset):
    data = {k: v for k, v in _form().items() if k != "nama"}
    data.update(periode_awal="2025-12-31", periode_akhir="2025-01-01")
    response = client.post(f"/satu-data/{dataset.pk}/ubah/", data)
    assert response.status_code == 422
    text = response.text
    assert "dataset_periode_berurutan" not in text and "Batasan" not in text
    beside = text[text.index('name="periode_akhir"') :]
    assert "Periode akhir tidak boleh sebelum periode awal." in beside[:600]
    assert 'aria-invalid="true"' in _input(text, "periode_akhir")


def test_every_error_at_once(client, world):
    assert client.login(username=world.a.users["operator_opd"].username, password=PASSWORD)
    response = client.post(
        "/satu-data/baru/", _form(judul="", deskripsi="", periode_awal="", frekuensi="x")
    )
    assert response.status_code == 422
    for field in ("judul", "deskripsi", "periode_awal", "frekuensi"):
        assert f'id="id_{field}_error"' in response.text, field
    assert "data-error-summary" in response.text


def test_service_refusal_beside_its_field(client, dataset):
    response = client.post("/satu-data/baru/", _form())  # the same name again
    assert response.status_code == 422
    beside = response.text[response.text.index('name="nama"') :]
    assert "Nama dataset ini sudah dipakai." in beside[:600]
