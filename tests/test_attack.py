"""The fast part of `make security` (decision 0032): against a live server on 127.0.0.1, a crawler
with canary strings in every restricted value fetches every public page, API answer, export
and feed as an anonymous visitor, and every page it can reach as a person of another pemda and
as the operator of another OPD; then sqlmap tests the most exposed search and filter
parameters (targets.csv, fast=1) at its lowest level. Any canary, 500, stack trace text or
injection point fails. The full run against the demo data is scripts/security/run.py."""

import json
import re
from pathlib import Path

import pytest
import requests
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from conftest import Catalogue, World
from pantau.opendata.ids import FORMATS, resource_id
from pantau.opendata.models import Dataset
from pantau.organisations.models import Membership, Profil
from pantau.organisations.services import membership_set, user_create
from scripts.security import scan
from tests.test_leakage import _seed_development_data

pytestmark = pytest.mark.django_db(transaction=True)
API = "/api/3/action/"
SIGNED_IN_PAGES = [
    "/",
    "/dasbor/",
    "/monitoring/",
    "/monitoring/kepatuhan/",
    "/monitoring/antrian/verifikasi/",
    "/monitoring/antrian/persetujuan/",
    "/rencana/",
    "/opd/",
    "/satu-data/",
    "/satu-data/klasifikasi/",
    "/kelola/akun/",
    "/kelola/opd/",
    "/impor/",
    "/notifikasi/",
]


@pytest.fixture
def live(transactional_db, nomen_csv, live_server, clock):
    world = World(nomen_csv)
    catalogue = Catalogue(world)
    _shown, hidden = _seed_development_data(world, catalogue, clock)
    users = get_user_model().objects
    # personal data and secrets of pemda A's people: e-mail, NIP, phone, password hash
    for user in users.filter(username__endswith=".a"):
        users.filter(pk=user.pk).update(email=catalogue.canary("email") + "@contoh.id")
        nip, telepon = f"19870707{user.pk:010d}", f"08129876{user.pk:04d}"
        Profil.objects.update_or_create(user=user, defaults={"nip": nip, "telepon": telepon})
        Membership.objects.filter(user=user).update(jabatan=catalogue.canary("jabatan"))
        catalogue.canaries += [nip, telepon]
    for user in users.all():
        catalogue.canaries.append(user.password)  # no answer ever shows a password hash
    # the operator of another OPD of the same pemda
    other = user_create(actor=None, username="operator.pupr.a", password="Sandi-Uji-2026!")
    membership_set(
        actor=None, user=other, pemda=world.a.pemda, role="operator_opd", opd=world.a.pupr
    )
    catalogue.canaries.append(other.password)
    return live_server.url, world, catalogue, hidden


def _session(base: str, user) -> requests.Session:
    client = Client()
    client.force_login(user)
    s = requests.Session()
    s.cookies.set("sessionid", client.cookies["sessionid"].value)
    return s


def _anonymous_start(base: str, world) -> list[str]:
    s = requests.Session()
    start = ["/", "/publik/", "/publik/kegiatan/?tahun=2026", "/publik/publikasi/", "/dataset/"]
    start += ["/sitemap.xml", "/catalog.ttl", "/catalog.jsonld", "/catalog.rdf", "/catalog.xml"]
    start += [API + c for c in ("package_list", "package_search?rows=1000", "organization_list")]
    start += [API + "group_list?all_fields=true", API + "tag_list", API + "status_show"]
    for name in json.loads(s.get(base + API + "package_list", timeout=30).text)["result"]:
        start.append(API + f"package_show?id={name}")
    for ds in Dataset.objects.all():  # the hidden ones too: their ids must lead nowhere
        start += [f"/dataset/{ds.nama}/", f"/dataset/{ds.nama}/datapackage.json"]
        start += [API + f"package_show?id={ds.uid}"]
        for fmt in FORMATS:
            rid = resource_id(ds.uid, fmt)
            start.append(f"/dataset/{ds.nama}/resource/{rid}/download/{ds.nama}.{fmt}")
            start.append(API + f"datastore_search?resource_id={rid}&limit=32000")
    start += [f"/publik/kegiatan/{world.a.sub.pk}/", f"/publik/kegiatan/{world.a.sub2.pk}/"]
    return start


def _object_urls(world, hidden) -> list[str]:
    """Pemda A's objects by id, for the people who are not entitled to them."""
    a = world.a
    urls = [
        f"/monitoring/laporan/{a.sub.pk}/6/",
        f"/monitoring/sub-kegiatan/{a.sub.pk}/riwayat/",
        f"/monitoring/sub-kegiatan/{a.sub2.pk}/riwayat/",
        f"/monitoring/bukti/{hidden.pk}/",
        f"/monitoring/bukti/{hidden.pk}/asli/",
        f"/rencana/{a.dinkes.pk}/2026/",
        f"/rencana/{a.dinkes.pk}/2026/sub-kegiatan/{a.sub.pk}/",
        f"/opd/{a.dinkes.pk}/",
        f"/opd/{a.dinkes.pk}/unduh/?format=csv",
        f"/monitoring/unduh/?format=csv&opd={a.dinkes.pk}",
        f"/satu-data/klasifikasi/sub/{a.sub2.pk}/",
    ]
    urls += [f"/satu-data/{ds.pk}/" for ds in Dataset.objects.filter(pemda=a.pemda)]
    urls += [f"/kelola/akun/{u.pk}/" for u in a.users.values()]
    return urls


class TestCrawlerWithCanaries:
    def test_no_canary_500_or_trace_for_anyone_not_entitled(self, live):
        base, world, catalogue, hidden = live
        everything = list(catalogue.canaries)
        findings, fetched = [], 0
        anon = scan.crawl(
            base,
            _anonymous_start(base, world),
            session=requests.Session(),
            canaries=everything,
            who="anonim",
            limit=300,
        )
        findings += anon.findings
        fetched += anon.fetched
        # every person of pemda B: nothing of pemda A, whatever the id in the URL
        of_a = [c for c in everything if "pemdab" not in c]
        start = SIGNED_IN_PAGES + _object_urls(world, hidden)
        for role in ("admin", "pimpinan", "operator_opd"):
            user = world.b.users[role]
            r = scan.crawl(
                base,
                start,
                session=_session(base, user),
                canaries=of_a,
                who=f"{role} pemda B",
                limit=60,
            )
            findings += r.findings
            fetched += r.fetched
            assert r.statuses[f"/monitoring/bukti/{hidden.pk}/"] in (403, 404), role
        # the operator of PUPR: no report text, photo, secret or person of Dinkes
        dinkes_only = [
            c
            for c in of_a
            if any(k in c for k in ("kendala", "tindaklanjut", "penjelasan", "catatan"))
            or any(k in c for k in ("berkasfoto", "alasan", "email", "rahasia", "$"))
        ]
        dinkes_only = [c for c in dinkes_only if "ditarik" not in c]  # a PUPR dataset
        pupr = get_user_model().objects.get(username="operator.pupr.a")
        r = scan.crawl(
            base,
            start,
            session=_session(base, pupr),
            canaries=dinkes_only + [u.password for u in get_user_model().objects.all()],
            who="operator PUPR",
            limit=80,
        )
        findings += r.findings
        fetched += r.fetched
        assert findings == []
        assert anon.fetched > 60 and fetched > 300  # the crawl did reach the pages

    def test_the_crawler_reports_a_canary(self, live):
        """The crawler can fail: a value on a public page, standing in for a canary."""
        base, _world, _catalogue, _hidden = live
        r = scan.crawl(
            base,
            ["/publik/"],
            session=requests.Session(),
            canaries=["Kabupaten Uji A"],  # a public value, standing in for a leaked canary
            who="uji",
            limit=1,
        )
        assert any("canary Kabupaten Uji A at /publik/" in f for f in r.findings), r.findings


class TestSqlmapOnTheMostExposedParameters:
    def test_no_injection_point_and_no_server_error(self, live, tmp_path):
        base, world, _catalogue, _hidden = live
        problems = []
        dbms = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor]
        for target in scan.targets(fast=True):
            cookie = ""
            if target.role != "anon":
                cookie = scan.cookie_header(_session(base, world.a.users[target.role]))
            path = target.path.replace("{opd}", str(world.a.dinkes.pk)).replace(
                "{pemda}", str(world.a.pemda.pk)
            )
            t = scan.Target(target.role, path, target.params)
            page = requests.get(base + path, headers={"Cookie": cookie}, timeout=30)
            assert page.status_code == 200, (path, page.status_code)  # the page itself, tested
            result = scan.sqlmap(
                base, t, cookie=cookie, out=tmp_path / "sqlmap", technique="BEU", dbms=dbms
            )
            assert "testing" in result.output.lower(), result.output[-2000:]
            problems += [f"{target.role} {path}: {f}" for f in result.findings]
        assert problems == []

    def test_a_reported_injection_point_or_500_is_a_finding(self, tmp_path):
        """The parser of sqlmap's output fails a run that names an injection point or met a
        server error, and passes a clean run."""
        found = (
            "[INFO] GET parameter 'q' appears to be 'AND boolean-based blind' injectable\n"
            "sqlmap identified the following injection point(s) with a total of 30 HTTP(s)\n"
            "Parameter: q (GET)\n    Type: boolean-based blind\n"
        )
        assert len(scan.sqlmap_findings(found, tmp_path)) == 3
        crashed = "HTTP error codes detected during run:\n500 (Internal Server Error) - 7 times"
        assert scan.sqlmap_findings(crashed, tmp_path) != []
        clean = "[WARNING] GET parameter 'q' does not seem to be injectable\n"
        assert scan.sqlmap_findings(clean, tmp_path) == []
        claim = (
            "[INFO] GET parameter 'q' appears to be 'Boolean-based blind - Parameter replace"
            " (original value)' injectable \n"
        )
        check = "[INFO] checking if the injection point on GET parameter 'q' is a false positive\n"
        refuted = "[WARNING] false positive or unexploitable injection point detected\n"
        # a claim sqlmap's own re-check refuted (a page that varied under load) is no finding
        assert scan.sqlmap_findings(claim + check + refuted + clean, tmp_path) == []
        # one it did not refute is, and so is the second of two claims when one was refuted
        assert len(scan.sqlmap_findings(claim + check, tmp_path)) == 1
        assert len(scan.sqlmap_findings(claim + check + refuted + claim, tmp_path)) == 1
        other = check.replace("'q'", "'sort'")
        assert len(scan.sqlmap_findings(claim + other + refuted, tmp_path)) == 1


# Query parameters read in the code that are no search or filter: why each needs no sqlmap row.
NOT_A_FILTER = {
    "antrian": "compared with a fixed set of queue names (QUEUE_URLS) and never queried",
    "organization": "a field name inside CKAN's fq, tested through fq",
}


class TestTargetsCoverEveryParameter:
    def test_every_query_parameter_read_by_the_code_has_a_row(self):
        """A new `request.GET.get("x")` without a row in targets.csv fails (or a reason above)."""
        have = {p for t in scan.targets() for p in t.params}
        read = {}
        for f in Path(__file__).resolve().parent.parent.joinpath("pantau").rglob("*.py"):
            if "tests" not in f.parts:
                for m in re.finditer(r'(?:GET|\bg)\.get(?:list)?\("([a-z_.]+)"', f.read_text()):
                    read.setdefault(m.group(1), f.name)
        missing = {n: f for n, f in read.items() if n not in have and n not in NOT_A_FILTER}
        assert len(read) > 15
        assert missing == {}, "add rows to scripts/security/targets.csv"
