"""Satu Data screens: the Produsen creates and uploads, the Walidata publishes, as people do."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import PASSWORD, classify
from pantau.opendata import public
from pantau.opendata.models import Dataset, DatasetVersi

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _form(**extra):
    return {
        "nama": "penduduk-2025",
        "judul": "Penduduk 2025",
        "deskripsi": "Jumlah penduduk.",
        "kata_kunci": "penduduk",
        "frekuensi": "tahunan",
        "periode_awal": "2025-01-01",
        "periode_akhir": "2025-12-31",
        "tahun": "2025",
        "tingkat_penyajian": "kecamatan",
        "lisensi": "cc-by",
        **extra,
    }


def test_produsen_to_walidata_to_public(client, world):
    from pantau.organisations.services import pemda_update

    pemda_update(actor=None, pemda=world.a.pemda, walidata_email="data@a.example")
    login(client, world.a.users["operator_opd"])
    response = client.post("/satu-data/baru/", _form())
    ds = Dataset.objects.get(nama="penduduk-2025")
    assert response.status_code == 302 and ds.opd == world.a.dinkes
    bad = client.post(
        f"/satu-data/{ds.pk}/unggah/",
        {"berkas": SimpleUploadedFile("p.csv", b"kecamatan,jumlah\nA,1,2\n")},
        follow=True,
    )
    assert (
        "Baris 2: ada 3 sel, seharusnya 2." in bad.text
        and not DatasetVersi.objects.filter(dataset=ds).exists()
    )
    proposed = client.post(
        f"/satu-data/{ds.pk}/unggah/",
        {"berkas": SimpleUploadedFile("p.csv", b"kecamatan,jumlah\nA,10\nB,20\n")},
        follow=True,
    )
    assert proposed.request["PATH_INFO"] == f"/satu-data/{ds.pk}/skema/"
    assert not DatasetVersi.objects.filter(dataset=ds).exists()  # not before the schema
    ok = client.post(
        f"/satu-data/{ds.pk}/skema/",
        {
            "aksi": "simpan",
            "judul_0": "Kecamatan",
            "jenis_0": "string",
            "judul_1": "Jumlah penduduk",
            "jenis_1": "integer",
        },
        follow=True,
    )
    assert "Skema disimpan. Versi 1 tersimpan: 2 baris." in ok.text
    client.post(f"/satu-data/{ds.pk}/ajukan/")
    assert (
        client.post(f"/satu-data/{ds.pk}/terbitkan/", {"kelas_kip": "berkala"}).status_code == 302
    )
    assert public.dataset(world.a.pemda, "penduduk-2025") is None  # the operator cannot publish
    login(client, world.a.users["admin"])
    page = client.get(f"/satu-data/{ds.pk}/")
    assert "Terbitkan" in page.text
    client.post(f"/satu-data/{ds.pk}/terbitkan/", {"kelas_kip": "setiap_saat"})
    assert public.dataset(world.a.pemda, "penduduk-2025") is not None


def test_other_pemda_and_anonymous_see_nothing(client, world, catalogue):
    ds = catalogue.terbatas
    assert client.get(f"/satu-data/{ds.pk}/").status_code == 302  # sign in first
    login(client, world.b.users["admin"])
    assert client.get(f"/satu-data/{ds.pk}/").status_code == 404
    assert client.post(f"/satu-data/{ds.pk}/tarik/", {}).status_code == 404
    login(client, world.a.users["operator_opd"])  # Dinkes A: its own dataset
    assert client.get(f"/satu-data/{ds.pk}/").status_code == 200


def test_rahasia_reads_are_audited(client, world, catalogue):
    from pantau.audit.models import AuditEvent

    login(client, world.a.users["admin"])
    client.get(f"/satu-data/{catalogue.rahasia.pk}/")
    client.get(f"/satu-data/{catalogue.terbatas.pk}/")
    reads = AuditEvent.objects.filter(action="rahasia.read")
    assert [e.object_id for e in reads] == [str(catalogue.rahasia.pk)]


def test_messages_in_english(client, world):
    from django.conf import settings

    login(client, world.a.users["operator_opd"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post("/satu-data/baru/", _form())
    ds = Dataset.objects.get(nama="penduduk-2025")
    page = client.post(
        f"/satu-data/{ds.pk}/unggah/", {"berkas": SimpleUploadedFile("p.pdf", b"x")}, follow=True
    )
    assert "The file must be CSV or XLSX." in page.text
    dup = client.post("/satu-data/baru/", _form(), follow=True)
    assert "This dataset name is already taken." in dup.text


def test_rahasia_items_only_for_their_readers_and_every_read_audited(client, world, catalogue):
    from django.urls import reverse

    from pantau.audit.models import AuditEvent
    from pantau.planning.models import SubKegiatan

    sub = SubKegiatan.objects.get(pk=world.a.sub.pk)
    classify(world.a, sub, "rahasia", alasan="Sedang diperiksa aparat penegak hukum.")
    riwayat = reverse("monitoring:riwayat", args=[sub.pk])
    login(client, world.a.users["verifikator"])  # Bappeda reads terbatas, not rahasia
    assert client.get(riwayat).status_code == 404
    assert client.get(f"/satu-data/{catalogue.rahasia.pk}/").status_code == 404
    assert catalogue.rahasia.nama not in client.get("/satu-data/").text
    before = AuditEvent.objects.filter(action="rahasia.read").count()
    for role in ("auditor", "pimpinan", "operator_opd"):  # Inspektorat, leadership, own OPD
        login(client, world.a.users[role])
        assert client.get(riwayat).status_code == 200, role
    events = AuditEvent.objects.filter(action="rahasia.read").order_by("pk")[before:]
    assert [e.object_id for e in events] == [str(sub.pk)] * 3


def test_rahasia_sub_kegiatan_hidden_from_lists_of_other_roles(client, world):
    from decimal import Decimal

    from django.urls import reverse

    from pantau.monitoring.services import realisasi_import

    realisasi_import(
        actor=None,
        tahun_anggaran=world.a.ta,
        rows=[
            {"sub_kegiatan": world.a.sub, "bulan": 6, "keuangan": Decimal(1), "fisik": Decimal(1)}
        ],
    )
    classify(world.a, world.a.sub, "rahasia", alasan="Penyelidikan.")
    name = "Pembangunan Rumah Sakit"
    tree = reverse("organisations:opd-detail", args=[world.a.dinkes.pk]) + "?tahun=2026&bulan=6"
    rows = reverse("evaluation:rincian", args=["sub"]) + "?tahun=2026&periode=6"
    login(client, world.a.users["verifikator"])
    assert name not in client.get(tree).text
    assert name not in client.get("/dasbor/?tahun=2026&periode=6").text
    page = client.get(rows)
    assert name not in page.text
    # a total shown to someone who may not read an item leaves it out (issue 10 §1.5)
    assert page.context["rincian"].total.jumlah_sub == 2
    login(client, world.a.users["auditor"])
    assert name in client.get(tree).text and name in client.get(rows).text


def test_edit_button_only_where_the_edit_is_allowed(client, world, catalogue):
    ds = catalogue.public[0]  # published, of Dinkes A
    login(client, world.a.users["operator_opd"])
    assert "Ubah metadata" not in client.get(f"/satu-data/{ds.pk}/").text
    assert "Ubah metadata" in client.get(f"/satu-data/{catalogue.terbatas.pk}/").text
    login(client, world.a.users["admin"])
    assert "Ubah metadata" in client.get(f"/satu-data/{ds.pk}/").text
