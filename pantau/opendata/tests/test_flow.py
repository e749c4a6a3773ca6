"""Datasets: upload, validation, the Walidata's review, withdrawal, and what the public sees."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pantau.audit.models import AuditEvent
from pantau.opendata import public, skema
from pantau.opendata import services as od
from pantau.opendata import services_tabel as tabel
from pantau.opendata.models import BarisData, Dataset, DatasetVersi, StatusDataset

pytestmark = pytest.mark.django_db


def _new(world, actor=None, nama="data-uji"):
    return od.dataset_create(
        actor=actor or world.a.users["operator_opd"],
        opd=world.a.dinkes,
        nama=nama,
        judul="Data uji",
        deskripsi="Data uji untuk pengujian.",
        frekuensi="tahunan",
        periode_awal=dt.date(2025, 1, 1),
        periode_akhir=dt.date(2025, 12, 31),
    )


def test_public_sees_only_published_public_datasets(catalogue, world):
    names = sorted(d.nama for d in public.datasets(world.a.pemda))
    assert names == ["jumlah-puskesmas-2025", "kunjungan-wisatawan-2025", "realisasi-harian-2025"]
    assert public.dataset(world.a.pemda, "stok-obat-terbatas") is None
    assert public.dataset(world.a.pemda, "kasus-rahasia") is None
    assert public.dataset(world.a.pemda, "ditarik-kemudian") is None
    assert public.dataset(world.a.pemda, "dataset-pemda-b") is None  # other pemda
    assert [d.nama for d in public.datasets(world.b.pemda)] == ["dataset-pemda-b"]


def test_catalogue_pemda_by_host(catalogue, world, settings):
    assert public.catalogue_pemda("data.b.example") == world.b.pemda
    assert public.catalogue_pemda("data.b.example:8443") == world.b.pemda
    # A claims no host: with two pemdas, only the configured default serves other hosts
    assert public.catalogue_pemda("testserver") == world.a.pemda  # B claims a host, A is the rest
    settings.OPENDATA_DEFAULT_PEMDA = "74.01"
    public.forget_hosts()
    assert public.catalogue_pemda("anything") == world.b.pemda


def test_operator_uploads_and_walidata_publishes(world):
    operator = world.a.users["operator_opd"]
    ds = _new(world)
    assert (
        ds.klasifikasi == "terbatas" and ds.dasar_pengecualian == "17i"
    )  # new data start restricted
    v1 = tabel.versi_upload(
        actor=operator,
        dataset=ds,
        content=b"kecamatan,jumlah\nA,1\nB,2\n",
        filename="d.csv",
        terima_usulan=True,
    )
    assert v1.skema["fields"] == [
        {"name": "kecamatan", "type": "string", "title": "Kecamatan"},
        {"name": "jumlah", "type": "integer", "title": "Jumlah"},
    ]
    assert [b.data for b in BarisData.objects.filter(versi=v1).order_by("nomor")] == [
        {"kecamatan": "A", "jumlah": 1},
        {"kecamatan": "B", "jumlah": 2},
    ]
    with pytest.raises(ValidationError, match="email walidata"):
        od.dataset_submit(actor=operator, dataset=ds)  # the pemda has no Walidata contact yet
    from pantau.organisations.services import pemda_update

    pemda_update(actor=None, pemda=world.a.pemda, walidata_email="data@wakatobi.example")
    od.dataset_submit(actor=operator, dataset=ds)
    with pytest.raises(PermissionDenied):
        od.dataset_publish(actor=operator, dataset=ds, kelas_kip="berkala")
    with pytest.raises(PermissionDenied):  # another OPD's operator may not even write it
        od.dataset_update(actor=world.b.users["operator_opd"], dataset=ds, judul="x")
    walidata = world.a.users["admin"]
    ds = od.dataset_publish(actor=walidata, dataset=ds, kelas_kip="setiap_saat")
    assert ds.klasifikasi == "publik" and ds.kelas_kip == "setiap_saat" and ds.versi_terbit == v1
    assert public.dataset(world.a.pemda, "data-uji") is not None
    # a new version waits for approval; the public keeps seeing version 1
    tabel.versi_upload(
        actor=operator, dataset=ds, content=b"kecamatan,jumlah\nA,5\n", filename="d2.csv"
    )
    od.dataset_submit(actor=operator, dataset=ds)
    seen = public.dataset(world.a.pemda, "data-uji")
    assert [r.data["jumlah"] for r in public.rows(seen)] == [1, 2]
    od.dataset_return(actor=walidata, dataset=ds, catatan="Periksa angka kecamatan A.")
    assert [r.data["jumlah"] for r in public.rows(public.dataset(world.a.pemda, "data-uji"))] == [
        1,
        2,
    ]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "dataset.create",
        "dataset.versi",
        "dataset.submit",
        "dataset.publish",
        "dataset.return",
    } <= actions


@pytest.mark.parametrize(
    "body, filename, message",
    [
        (b"", "x.csv", "kosong \\(0 bita\\)"),
        (b"a,b\n", "x.csv", "tidak berisi baris"),
        (b"\xff\xfe\x00a", "x.csv", "UTF-8"),
        (b"a,b\n1,2,3\n", "x.csv", "3 sel"),
        (b"Nama Kolom,b\n1,2\n", "x.csv", "huruf kecil"),
        (b"a,a\n1,2\n", "x.csv", "dua kali"),
        (b'a,b\n"1,2\n', "x.csv", "CSV"),
        (b"not a workbook", "x.xlsx", "XLSX"),
        (b"a,b\n1,2\n", "x.pdf", "CSV atau XLSX"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(world, body, filename, message):
    ds = _new(world)
    with pytest.raises(ValidationError, match=message):
        tabel.versi_upload(
            actor=world.a.users["operator_opd"],
            dataset=ds,
            content=body,
            filename=filename,
            terima_usulan=True,
        )
    assert not DatasetVersi.objects.filter(dataset=ds).exists()


def test_a_file_that_does_not_match_the_declared_schema(world):
    operator = world.a.users["operator_opd"]
    ds = _new(world)
    tabel.versi_upload(
        actor=operator,
        dataset=ds,
        content=b"kode,jumlah\nA,1\n",
        filename="v1.csv",
        terima_usulan=True,
    )
    with pytest.raises(ValidationError, match="tidak sesuai skema"):
        tabel.versi_upload(
            actor=operator, dataset=ds, content=b"kode,total\nA,1\n", filename="v2.csv"
        )
    with pytest.raises(ValidationError) as err:
        tabel.versi_upload(
            actor=operator,
            dataset=ds,
            content=b"kode,jumlah\nA,satu\nB,2\nC,x\n",
            filename="v2.csv",
        )
    text = " ".join(err.value.messages)
    assert "Baris 2, kolom jumlah" in text and "Baris 4, kolom jumlah" in text
    assert "bilangan bulat" in text
    assert DatasetVersi.objects.filter(dataset=ds).count() == 1


def test_xlsx_upload(world):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["kecamatan", "jumlah", "tanggal"])
    sheet.append(["Tomia", 4, dt.date(2025, 3, 1)])
    out = io.BytesIO()
    book.save(out)
    ds = _new(world)
    v = tabel.versi_upload(
        actor=world.a.users["operator_opd"],
        dataset=ds,
        content=out.getvalue(),
        filename="d.xlsx",
        terima_usulan=True,
    )
    assert v.format == "xlsx"
    assert BarisData.objects.get(versi=v).data == {
        "kecamatan": "Tomia",
        "jumlah": 4,
        "tanggal": "2025-03-01",
    }


@pytest.mark.parametrize(
    "body",
    [
        b"nama,nik\nBudi,7407010101010001\n",
        b"nama,kontak\nBudi,081234567890\n",
        b"nama,catatan\nBudi,197001011990031001\n",
        b"nama,surel\nBudi,budi@example.com\n",
    ],
)
def test_walidata_cannot_publish_personal_data(world, body):
    """Data stored before personal data were refused at upload (see test_skema) are still
    refused at publication."""
    from pantau.organisations.services import pemda_update

    pemda_update(actor=None, pemda=world.a.pemda, walidata_email="data@wakatobi.example")
    ds = _new(world)
    header, values = (line.split(",") for line in body.decode().split())
    ds = tabel.skema_set(
        actor=None, dataset=ds, fields=[{"name": n, "type": "string"} for n in header]
    )
    tabel._new_version(  # written the way uploads were before they were checked
        actor=None,
        dataset=ds,
        schema=skema.for_version(ds.skema),
        rows=[dict(zip(header, values, strict=True))],
        nama_berkas="p.csv",
        fmt="csv",
        content=body,
        catatan="",
    )
    od.dataset_submit(actor=world.a.users["operator_opd"], dataset=ds)
    with pytest.raises(ValidationError, match="data pribadi"):
        od.dataset_publish(actor=world.a.users["admin"], dataset=ds, kelas_kip="berkala")
    ds.refresh_from_db()
    assert ds.klasifikasi == "terbatas" and ds.versi_terbit is None
    assert public.dataset(world.a.pemda, ds.nama) is None


def test_withdrawal_needs_a_basis_and_hides_the_dataset(catalogue, world):
    walidata = world.a.users["admin"]
    ds = catalogue.public[0]
    with pytest.raises(ValidationError):
        od.dataset_withdraw(
            actor=walidata, dataset=ds, klasifikasi="terbatas", dasar_pengecualian="", alasan=""
        )
    assert public.dataset(world.a.pemda, ds.nama) is not None
    od.dataset_withdraw(
        actor=walidata,
        dataset=ds,
        klasifikasi="rahasia",
        dasar_pengecualian="17c",
        alasan="Memuat lokasi objek vital.",
    )
    assert public.dataset(world.a.pemda, ds.nama) is None
    assert Dataset.objects.get(pk=ds.pk).status == StatusDataset.DITARIK


def test_classification_of_development_data_is_audited(world):
    sub = world.a.sub
    with pytest.raises(PermissionDenied):
        od.klasifikasi_set(
            actor=world.a.users["operator_opd"], obj=sub, klasifikasi="publik", kelas_kip="berkala"
        )
    with pytest.raises(ValidationError):  # publik without its KIP class
        od.klasifikasi_set(actor=world.a.users["admin"], obj=sub, klasifikasi="publik")
    od.klasifikasi_set(
        actor=world.a.users["admin"], obj=sub, klasifikasi="publik", kelas_kip="berkala"
    )
    event = AuditEvent.objects.filter(action="subkegiatan.klasifikasi").latest("pk")
    assert event.changes["klasifikasi"] == ["terbatas", "publik"]


def test_an_approved_development_series_follows_the_verified_reports(
    client, world, catalogue, clock
):
    """Once the Walidata approved a development series, each refresh with new verified data
    publishes the new version by itself: logged, and with the size and digest of the CSV the
    public downloads (not the previous version's)."""
    import hashlib
    from decimal import Decimal

    from conftest import classify, verify_report
    from pantau.monitoring.models import PeriodeLaporan
    from pantau.monitoring.services import realisasi_save
    from pantau.opendata import development
    from pantau.opendata.ids import resource_id
    from pantau.opendata.models import Publikasi

    a = world.a
    classify(a, a.sub, "publik")

    def verified(bulan, fisik):
        clock.set(f"2026-{bulan + 1:02d}-05T10:00")
        report = realisasi_save(
            actor=a.users["operator_opd"],
            sub_kegiatan=a.sub,
            periode=PeriodeLaporan.objects.get(tahun_anggaran=a.ta, bulan=bulan),
            keuangan=Decimal(30_000_000),
            fisik=Decimal(fisik),
        )
        verify_report(a, report)

    def served(ds):
        url = f"/dataset/{ds.nama}/resource/{resource_id(ds.uid, 'csv')}/download/x.csv"
        body = client.get(url).getvalue()
        pkg = client.get(f"/api/3/action/package_show?id={ds.nama}").json()["result"]
        res = next(r for r in pkg["resources"] if r["format"] == "CSV")
        return body, res

    verified(6, 5)
    series = next(
        d for d in development.refresh(pemda=a.pemda, tahun=2026) if "sub-kegiatan" in d.nama
    )
    od.dataset_publish(actor=a.users["admin"], dataset=series, kelas_kip="berkala")
    first, res = served(series)
    assert res["hash"] == hashlib.sha256(first).hexdigest()
    verified(7, 9)
    development.refresh(pemda=a.pemda, tahun=2026)
    series.refresh_from_db()
    assert series.versi_terbit.nomor == 2
    assert Publikasi.objects.filter(
        dataset=series, versi=series.versi_terbit, aksi=Publikasi.Aksi.DIPERBARUI
    ).exists()
    second, res = served(series)
    assert second != first
    assert res["hash"] == hashlib.sha256(second).hexdigest()
    assert res["size"] == len(second)


def test_a_sub_kegiatan_made_rahasia_leaves_the_public_series_at_once(
    client, world, clock, settings
):
    """Review of issue 10: after a reclassification to rahasia the public per-OPD series kept the
    old pagu until the half-hourly refresh, and its difference with the portal's headline was
    exactly the hidden pagu. The published series now follows the reclassification at once."""
    from decimal import Decimal

    from conftest import classify, verified
    from pantau.opendata import development, public
    from pantau.opendata.ids import resource_id
    from pantau.organisations.services import pemda_update

    settings.OPENDATA_DEFAULT_PEMDA = "74.07"  # two pemdas, neither claims the test host
    a = world.a
    pemda_update(actor=None, pemda=a.pemda, walidata_email="data@a.example")
    clock.set("2026-07-03 09:00")
    for sub in (a.sub, a.sub2, a.sub_pupr):
        verified(a, sub, 6, 10_000_000, 10)
        classify(a, sub, "publik")
    clock.set("2026-07-15 09:00")
    series = next(d for d in development.refresh(pemda=a.pemda, tahun=2026) if "opd" in d.nama)
    od.dataset_publish(actor=a.users["admin"], dataset=series, kelas_kip="berkala")

    def published_pagu() -> Decimal:
        rid = resource_id(series.uid, "csv")
        body = client.get(f"/api/3/action/datastore_search?resource_id={rid}").json()
        return sum(Decimal(str(r["pagu"])) for r in body["result"]["records"])

    assert published_pagu() == public.headline(a.pemda, 2026).pagu
    classify(a, a.sub2, "rahasia")
    hidden = a.sub2.pagu_for(a.ta.tahap)
    head = public.headline(a.pemda, 2026).pagu
    assert published_pagu() == head  # no difference left to equal the hidden pagu
    assert head == sum(s.pagu_for(a.ta.tahap) for s in (a.sub, a.sub_pupr)) and hidden > 0
