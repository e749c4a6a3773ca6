"""R3 (docs/quality.md): unique canary strings seeded into every restricted and confidential
value — datasets, their rows and notes, sub kegiatan, indicators, report texts, verifier notes,
photos and personal-data fields — never appear in anything an anonymous visitor can fetch: every
page reachable by links, every API action, every export and feed, the sitemap."""

import io
import json
import re
import zipfile
from collections import deque
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import classify, verify_report
from pantau.monitoring.models import PeriodeLaporan
from pantau.monitoring.services import bukti_add, realisasi_save
from pantau.monitoring.tests.photos import jpeg
from pantau.opendata.ids import FORMATS, resource_id
from pantau.planning.models import Indikator, SubKegiatan

pytestmark = pytest.mark.django_db
LINK = re.compile(r'(?:href|src)="([^"#]+)"')


def _seed_development_data(world, catalogue, clock):
    """A public sub kegiatan with a verified report (restricted texts on it), a public and a
    restricted photo, a restricted sub kegiatan and indicator, personal-data fields."""
    clock.set("2026-07-05T10:00")
    c = catalogue.canary
    a = world.a
    SubKegiatan.objects.filter(pk=a.sub.pk).update(
        pptk_nama=c("pptk-nama"), pptk_nip="197001012000031001"
    )
    SubKegiatan.objects.filter(pk=a.sub2.pk).update(nama=c("nama-sub-terbatas"))
    from pantau.organisations.models import Opd

    Opd.objects.filter(pk=a.dinkes.pk).update(kepala_nama=c("kepala-opd"))
    periode = PeriodeLaporan.objects.get(tahun_anggaran=a.ta, bulan=6)
    operator = a.users["operator_opd"]
    report = realisasi_save(
        actor=operator,
        sub_kegiatan=a.sub,
        periode=periode,
        keuangan=Decimal(50_000_000),
        fisik=Decimal(48),
        kendala=c("kendala"),
        tindak_lanjut=c("tindak-lanjut"),
        penjelasan=c("penjelasan"),
    )
    shown = bukti_add(actor=operator, realisasi=report, name="lapangan.jpg", data=jpeg())
    hidden = bukti_add(
        actor=operator,
        realisasi=report,
        name=c("berkas-foto") + ".jpg",
        data=jpeg(color=(200, 30, 30)),
    )
    verify_report(a, report, approve_note=c("catatan-kepala"), verify_note=c("catatan-verifikator"))
    classify(a, a.sub, "publik")
    classify(a, shown, "publik")
    classify(a, hidden, "rahasia", alasan=c("alasan-foto"), dasar="17h")
    Indikator.objects.create(
        pemda=a.pemda,
        tahun_anggaran=a.ta,
        opd=a.dinkes,
        sub_kegiatan=a.sub2,
        jenis="output",
        nama=c("indikator-terbatas"),
        satuan="unit",
        rumus=1,
        target_tahunan=Decimal(1),
    )
    # on the public sub kegiatan, whose page lists its public indicators: one public, one
    # terbatas and one rahasia (the last two must never show)
    for level, label in (
        ("publik", None),
        ("terbatas", "ind-sub-publik-terbatas"),
        ("rahasia", "ind-sub-publik-rahasia"),
    ):
        ind = Indikator.objects.create(
            pemda=a.pemda,
            tahun_anggaran=a.ta,
            opd=a.dinkes,
            sub_kegiatan=a.sub,
            jenis="output",
            nama=c(label) if label else "Tempat tidur rawat inap tersedia",
            satuan="unit",
            rumus=1,
            target_tahunan=Decimal(10),
        )
        if level != "terbatas":
            classify(a, ind, level, alasan=c("alasan-ind-rahasia"), dasar="17h")
    return shown, hidden


def _texts(response) -> list[str]:
    body = (
        response.content
        if not hasattr(response, "streaming_content")
        else b"".join(response.streaming_content)
    )
    out = [body.decode("utf-8", "replace")]
    if body[:2] == b"PK":  # XLSX: the text lives in zipped XML
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            out += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    return out


def test_no_canary_reaches_an_anonymous_visitor(client, world, catalogue, clock):
    shown, hidden = _seed_development_data(world, catalogue, clock)
    start = [
        "/",
        "/publik/",
        "/publik/kegiatan/?tahun=2026",
        "/publik/publikasi/",
        "/dataset/",
        "/sitemap.xml",
        f"/publik/kegiatan/{world.a.sub.pk}/",
    ]
    api = "/api/3/action/"
    names = json.loads(client.get(api + "package_list").content)["result"]
    assert len(names) == 3
    calls = [
        "package_list",
        "package_search?rows=1000",
        "package_search?q=KANARI",
        'package_search?rows=1000&facet.field=["organization","groups","tags","res_format",'
        '"license_id","extras_klasifikasi"]',
        "organization_list?all_fields=true",
        "group_list?all_fields=true",
        "tag_list",
        "license_list",
        "status_show",
        "help_show?name=package_search",
    ]
    calls += [f"package_show?id={n}" for n in names]
    calls += [
        f"organization_show?id={o}&include_datasets=true"
        for o in json.loads(client.get(api + "organization_list").content)["result"]
    ]
    calls += [
        f"group_show?id={g}" for g in json.loads(client.get(api + "group_list").content)["result"]
    ]
    from pantau.opendata.models import Dataset

    every = list(Dataset.objects.all())  # also the hidden ones: their ids must lead nowhere
    for ds in every:
        for fmt in FORMATS:
            rid = resource_id(ds.uid, fmt)
            calls += [f"datastore_search?resource_id={rid}&limit=32000", f"resource_show?id={rid}"]
            start.append(f"/dataset/{ds.nama}/resource/{rid}/download/{ds.nama}.{fmt}")
        calls += [f"package_show?id={ds.uid}", f"package_show?id={ds.nama}"]
        start += [f"/dataset/{ds.nama}/", f"/dataset/{ds.nama}/datapackage.json"]
    start += [api + c for c in calls] + [
        f"/publik/foto/{hidden.pk}/",
        f"/publik/kegiatan/{world.a.sub2.pk}/",
    ]

    seen, queue, fetched = set(), deque(start), 0
    found_public_photo = False
    while queue:
        url = queue.popleft()
        if url in seen or len(seen) > 800:
            continue
        seen.add(url)
        response = client.get(url)
        fetched += 1
        assert response.status_code in (200, 302, 404), (url, response.status_code)
        for text in _texts(response):
            for canary in catalogue.canaries:
                assert canary not in text, f"{canary} leaked at {url}"
        if url == f"/publik/foto/{shown.pk}/":
            found_public_photo = response.status_code == 200
        if response.status_code == 302:
            queue.append(response["Location"])
        ctype = response.get("Content-Type", "")
        if ctype.startswith(("text/html", "application/xml")):
            for link in LINK.findall(response.content.decode()) + re.findall(
                r"<loc>([^<]+)</loc>", response.content.decode()
            ):
                parts = urlsplit(urljoin("http://testserver" + url, link.replace("&amp;", "&")))
                if parts.netloc == "testserver" and not parts.path.startswith(
                    ("/static/", "/masuk", "/admin")
                ):
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert fetched > 60
    assert found_public_photo  # the crawl did reach the public photo through the links
    # and the activity page does list public indicators (so their section was crawled)
    page = client.get(f"/publik/kegiatan/{world.a.sub.pk}/").content.decode()
    assert "Tempat tidur rawat inap tersedia" in page
    assert client.get(f"/publik/foto/{hidden.pk}/").status_code == 404
    assert client.get(f"/publik/kegiatan/{world.a.sub2.pk}/").status_code == 404
