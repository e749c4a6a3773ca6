"""The public portal, downloads and metadata documents, as an anonymous visitor."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from conftest import classify, verify_report
from pantau.opendata.ids import resource_id

pytestmark = pytest.mark.django_db
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")


def test_visitor_lands_on_the_portal(client, catalogue):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/publik/"
    page = client.get("/publik/")
    assert page.status_code == 200
    assert "Pembangunan Kabupaten Uji A" in page.text and "3 dataset terbit." in page.text
    assert "Dinas Kesehatan A" in page.text and "Dinkes-b" not in page.text


def test_catalogue_search_and_facets(client, catalogue):
    page = client.get("/dataset/?q=puskesmas")
    assert [p["name"] for p in page.context["page"]] == ["jumlah-puskesmas-2025"]
    page = client.get("/dataset/?opd=pupr-a")
    assert [p["name"] for p in page.context["page"]] == ["kunjungan-wisatawan-2025"]
    facets = client.get("/dataset/").context["facets"]
    assert ("dinkes-a", "Dinas Kesehatan A", 2) in facets["opd"]
    assert ("kesehatan", "Kesehatan", 3) in facets["topik"]
    assert ("2025", "2025", 3) in facets["tahun"]
    assert ("CSV", "CSV", 3) in facets["format"]
    assert client.get("/dataset/?halaman=999&q=%00").status_code == 200


def test_dataset_page_preview_chart_and_schema_org(client, catalogue):
    page = client.get("/dataset/jumlah-puskesmas-2025/")
    assert page.status_code == 200
    assert page.context["preview"] == [["Wangi-Wangi", 3], ["Kaledupa", 2], ["Tomia", 2]]
    assert [b["width"] for b in page.context["chart"]["bars"]] == [100.0, 66.7, 66.7]
    assert "Jumlah menurut Kecamatan (20 baris pertama)" in page.text  # the declared titles
    other = client.get("/dataset/kunjungan-wisatawan-2025/").context["chart"]
    assert (other["value_title"], other["label_title"]) == ("Kunjungan", "Asal")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
    doc = json.loads(block.group(1))
    assert doc["@type"] == "Dataset" and doc["name"] == "Jumlah Puskesmas per Kecamatan 2025"
    assert doc["description"] and {d["encodingFormat"] for d in doc["distribution"]} >= {"text/csv"}
    for hidden in ("stok-obat-terbatas", "kasus-rahasia", "ditarik-kemudian", "dataset-pemda-b"):
        assert client.get(f"/dataset/{hidden}/").status_code == 404


def test_schema_org_text_cannot_close_the_script(client, catalogue, world):
    from pantau.opendata import services as od

    ds = catalogue.public[0]
    od.dataset_update(
        actor=world.a.users["admin"],
        dataset=ds,
        deskripsi="Awas </script><script>alert(1)</script>",
    )
    page = client.get(f"/dataset/{ds.nama}/")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
    assert "alert" in json.loads(block.group(1))["description"]
    assert "</script><script>alert" not in page.text  # the JSON-LD block cannot be closed early


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_downloads(client, catalogue, fmt):
    ds = catalogue.public[0]
    url = f"/dataset/{ds.nama}/resource/{resource_id(ds.uid, fmt)}/download/{ds.nama}.{fmt}"
    response = client.get(url)
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows == [
            ["kecamatan", "jumlah"],
            ["Wangi-Wangi", "3"],
            ["Kaledupa", "2"],
            ["Tomia", "2"],
        ]
    elif fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [list(r) for r in sheet.iter_rows(values_only=True)][1] == ["Wangi-Wangi", 3]
    else:
        assert json.loads(response.content)["records"][2] == {"kecamatan": "Tomia", "jumlah": 2}
    hidden = catalogue.terbatas
    assert (
        client.get(
            f"/dataset/{hidden.nama}/resource/{resource_id(hidden.uid, fmt)}/download/x.{fmt}"
        ).status_code
        == 404
    )


def test_datapackage_is_valid_frictionless(client, catalogue):
    from frictionless import Package

    for ds in catalogue.public:
        desc = client.get(f"/dataset/{ds.nama}/datapackage.json").json()
        report = Package.validate_descriptor(desc)
        assert report.valid, [e.message for e in report.errors]
        assert desc["resources"][0]["schema"]["fields"]
    assert client.get("/dataset/kasus-rahasia/datapackage.json").status_code == 404


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "rdf", "n3"])
def test_dcat_catalogue_and_paging(client, catalogue, fmt, monkeypatch):
    from pantau.opendata import dcat

    monkeypatch.setattr(dcat, "PER_PAGE", 2)
    parse_as = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml", "n3": "n3"}[fmt]
    seen, url = set(), f"/catalog.{fmt}?page=1"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        g = Graph().parse(data=response.content, format=parse_as)
        seen |= set(g.subjects(RDF.type, DCAT.Dataset))
        nxt = list(g.objects(None, HYDRA.next))
        url = str(nxt[0]).replace("http://testserver", "") if nxt else None
    ids = {URIRef(f"http://testserver/dataset/{d.uid}") for d in catalogue.public}
    assert seen == ids
    monkeypatch.setattr(dcat, "PER_PAGE", 100)
    g = Graph().parse(data=client.get(f"/catalog.{fmt}").content, format=parse_as)
    for ds in ids:  # DCAT-AP recommended properties are all filled
        for prop in (
            DCTERMS.title,
            DCTERMS.description,
            DCAT.keyword,
            DCAT.theme,
            DCTERMS.publisher,
            DCAT.contactPoint,
            DCTERMS.spatial,
            DCTERMS.temporal,
            DCAT.distribution,
        ):
            assert list(g.objects(ds, prop)), (ds, prop)
    assert client.get(f"/catalog.{fmt}?page=0").status_code == 400
    assert client.get(f"/catalog.{fmt}?modified_since=kemarin").status_code == 400


def test_dcat_dataset_and_modified_since(client, catalogue):
    ds = catalogue.public[1]
    g = Graph().parse(data=client.get(f"/dataset/{ds.nama}.ttl").content, format="turtle")
    assert (URIRef(f"http://testserver/dataset/{ds.uid}"), RDF.type, DCAT.Dataset) in g
    assert client.get(f"/dataset/{catalogue.rahasia.nama}.ttl").status_code == 404
    future = Graph().parse(
        data=client.get("/catalog.ttl?modified_since=2999-01-01").content, format="turtle"
    )
    assert not list(future.subjects(RDF.type, DCAT.Dataset))


def test_english_portal(client, catalogue):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/publik/")
    assert 'lang="en"' in page.text and "Open data" in page.text


def test_unknown_host_serves_no_catalogue(client, catalogue, settings):
    # a third pemda without a host name: two pemdas without one → none is the default
    from pantau.organisations.services import pemda_create

    pemda_create(actor=None, kode="74.02", nama="Kabupaten Uji C")
    from pantau.opendata.public import forget_hosts

    forget_hosts()
    assert client.get("/publik/").status_code == 404
    assert client.get("/api/3/action/package_list").status_code == 404
    assert client.get("/").status_code == 302  # to the sign-in page
    assert reverse("login") in client.get("/")["Location"]


def test_public_indicators_of_an_activity_count_verified_months_only(
    client, world, catalogue, clock
):
    from decimal import Decimal

    from pantau.monitoring.models import PeriodeLaporan
    from pantau.monitoring.services import (
        realisasi_indikator_save,
        realisasi_save,
    )
    from pantau.planning.choices import Rumus
    from pantau.planning.services import indikator_create

    a = world.a

    def indicator(nama):
        return indikator_create(
            actor=None,
            induk=a.sub,
            nama=nama,
            satuan="unit",
            rumus=Rumus.TREN_POSITIF,
            target_tahunan=Decimal(40),
        )

    shown, hidden = indicator("Tempat tidur tersedia"), indicator("Stok obat gudang terbatas")
    june, july = (PeriodeLaporan.objects.get(tahun_anggaran=a.ta, bulan=m) for m in (6, 7))
    operator = a.users["operator_opd"]
    for periode in (june, july):
        clock.set(f"2026-{periode.bulan + 1:02d}-05T10:00")  # within each month's window
        report = realisasi_save(
            actor=operator,
            sub_kegiatan=a.sub,
            periode=periode,
            keuangan=Decimal(30_000_000),
            fisik=Decimal(periode.bulan),
        )
        for ind in (shown, hidden):
            realisasi_indikator_save(
                actor=operator, indikator=ind, periode=periode, nilai=Decimal(periode.bulan * 2)
            )
        if periode == june:  # only June goes through to verification
            verify_report(a, report)
    classify(a, a.sub, "publik")
    classify(a, shown, "publik")
    page = client.get(reverse("opendata:kegiatan", args=[a.sub.pk]))
    text = page.content.decode()
    assert page.status_code == 200, text[-3000:]
    assert "Tempat tidur tersedia" in text and "Stok obat gudang terbatas" not in text
    ((item, bulan),) = page.context["indikator"]
    # tren positif: R = sum of the verified values (June: 12, July's 14 unverified), 12 / 40
    assert (item.realisasi, item.capaian, bulan) == (Decimal(12), Decimal(30), "Jun")
    assert "bulan terverifikasi: Jun" in text
    assert "capaian <strong>30,0%</strong>" in text


def test_public_map_draws_the_islands(client, world, catalogue, tmp_path):
    from pantau.organisations.services import pulau_load

    csv_path = tmp_path / "pulau.csv"
    csv_path.write_text(
        "kode,nama,lat,lng,status,luas_km2,catatan\n"
        "74.07.40124,Pulau Wangiwangi,5.3114,123.5872,BP,156.4062,\n"
    )
    pulau_load(actor=None, pemda=world.a.pemda, path=csv_path)
    page = client.get("/publik/kegiatan/?tahun=2026")
    assert page.context["peta"]["pulau"] == [
        {"nama": "Pulau Wangiwangi", "lat": -5.3114, "lng": 123.5872, "huni": True}
    ]
    assert "pantau/peta.js" in page.content.decode()


def test_public_pages_name_the_month_not_its_number(client, world, catalogue, clock):
    """Lists said "laporan terverifikasi bulan 6" and photos "laporan bulan 6"."""
    from decimal import Decimal

    from pantau.monitoring.models import PeriodeLaporan
    from pantau.monitoring.services import bukti_add, realisasi_save
    from pantau.monitoring.tests.photos import jpeg

    a = world.a
    clock.set("2026-07-05T10:00")
    report = realisasi_save(
        actor=a.users["operator_opd"],
        sub_kegiatan=a.sub,
        periode=PeriodeLaporan.objects.get(tahun_anggaran=a.ta, bulan=6),
        keuangan=Decimal(30_000_000),
        fisik=Decimal(6),
    )
    photo = bukti_add(actor=a.users["operator_opd"], realisasi=report, name="a.jpg", data=jpeg())
    verify_report(a, report)
    classify(a, a.sub, "publik")
    classify(a, photo, "publik")
    listing = client.get("/publik/kegiatan/?tahun=2026").content.decode()
    assert "(laporan terverifikasi Juni 2026)" in listing and "bulan 6" not in listing
    detail = client.get(reverse("opendata:kegiatan", args=[a.sub.pk])).content.decode()
    assert "laporan Juni 2026" in detail and "bulan 6" not in detail
    client.cookies["django_language"] = "en"
    listing = client.get("/publik/kegiatan/?tahun=2026").content.decode()
    assert "(verified report of June 2026)" in listing
