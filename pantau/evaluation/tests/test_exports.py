"""Downloads of the evaluation lists (issue 11 §5): a dashboard drill-down, the OPD ranking, the
OPD list and an OPD's plan tree hold the page's rows with the page's figures; a rahasia sub
kegiatan's figures are in no file for someone who may not read them (the totals rule of
evaluation/terbaca.py) and are there for a reader; nothing of pemda B; audited.

The world (as test_totals_without_hidden): Dinkes A has a public sub kegiatan (Rp 600.000.000,
Rp 60.000.000 spent) and a rahasia one (Rp 300.000.000, Rp 77.777.777 spent: the canary); PUPR A
a public one. June's reports are verified and due."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import PASSWORD, classify, verified
from pantau.audit.models import AuditEvent
from pantau.core.tests.exports_read import body, csv_table, dec, xlsx_table
from pantau.organisations.choices import Role

pytestmark = pytest.mark.django_db

CANARY = "77777777"
JUNE = {"tahun": 2026, "periode": 6}
OPD_JUNE = {"tahun": 2026, "bulan": 6}


@pytest.fixture
def hidden(world, clock):
    clock.set("2026-07-03 09:00")
    verified(world.a, world.a.sub, 6, 60_000_000, 50)
    verified(world.a, world.a.sub2, 6, 77_777_777, 40)
    verified(world.a, world.a.sub_pupr, 6, 10_000_000, 20)
    verified(world.b, world.b.sub, 6, 22_222_222, 30)
    for sub in (world.a.sub, world.a.sub_pupr):
        classify(world.a, sub, "publik")
    classify(world.a, world.a.sub2, "rahasia")
    clock.set("2026-07-15 09:00")
    return world


def _login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def _url(name, *args, **query):
    return reverse(name, args=args) + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def _table(response, fmt):
    assert response.status_code == 200, response.status_code
    raw = body(response)
    header, rows = xlsx_table(raw) if fmt == "xlsx" else csv_table(raw)
    return header, rows, raw


def _cells(rows) -> list[str]:
    return [str(c) for r in rows for c in r if c is not None]


EXPORTS = {
    "rincian": lambda w: _url("evaluation:rincian-unduh", "sub", **JUNE),
    "peringkat": lambda w: _url("evaluation:peringkat-unduh", **JUNE),
    "opd-list": lambda w: _url("organisations:opd-list-unduh", **OPD_JUNE),
    "opd-detail": lambda w: _url("organisations:opd-detail-unduh", w.a.dinkes.pk, **OPD_JUNE),
}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("name", list(EXPORTS))
def test_verifier_gets_no_rahasia_figure_in_any_export(client, hidden, name, fmt):
    _login(client, hidden.a.users["verifikator"])
    _header, rows, raw = _table(client.get(EXPORTS[name](hidden) + f"&format={fmt}"), fmt)
    assert rows
    assert not any(CANARY in c.replace(".", "") for c in _cells(rows))
    assert not any(hidden.a.sub2.kode == c for c in _cells(rows))
    if fmt == "csv":
        assert CANARY.encode() not in raw
    assert "Dinkes-b" not in _cells(rows) and not any("Kabupaten Uji B" in c for c in _cells(rows))


@pytest.mark.parametrize("name", ["rincian", "opd-detail"])
def test_a_reader_gets_the_rahasia_row_and_its_read_is_audited(client, hidden, name):
    _login(client, hidden.a.users["pimpinan"])
    before = AuditEvent.objects.filter(action="rahasia.read").count()
    _header, rows, _raw = _table(client.get(EXPORTS[name](hidden) + "&format=csv"), "csv")
    assert hidden.a.sub2.kode in _cells(rows)
    assert any(c.startswith(CANARY) for c in _cells(rows))
    assert AuditEvent.objects.filter(action="rahasia.read").count() == before + 1
    event = AuditEvent.objects.get(action="daftar.ekspor")
    assert event.actor == hidden.a.users["pimpinan"] and event.pemda_id == hidden.a.pemda.pk


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_rincian_export_equals_the_page_rows(client, hidden, fmt):
    _login(client, hidden.a.users["pimpinan"])
    page = client.get(_url("evaluation:rincian", "sub", **JUNE))
    shown = list(page.context["page"])
    header, rows, _raw = _table(
        client.get(_url("evaluation:rincian-unduh", "sub", format=fmt, **JUNE)), fmt
    )
    assert [r[0] for r in rows] == [r.sub_kegiatan.kode for r in shown]
    assert [r[2] for r in rows] == [r.opd.singkatan for r in shown]
    pagu, real = header.index("Pagu (Rp)"), header.index("Realisasi (Rp)")
    assert [dec(r[pagu]) for r in rows] == [r.pagu.normalize() for r in shown]
    assert [dec(r[real]) for r in rows] == [r.realisasi.normalize() for r in shown]
    assert sum(dec(r[real]) for r in rows) == page.context["rincian"].total.realisasi


def test_rincian_export_keeps_the_opd_filter(client, hidden):
    _login(client, hidden.a.users["verifikator"])
    url = _url("evaluation:rincian-unduh", "sub", format="csv", opd=hidden.a.pupr.pk, **JUNE)
    _header, rows, _raw = _table(client.get(url), "csv")
    assert [r[0] for r in rows] == [hidden.a.sub_pupr.kode]
    event = AuditEvent.objects.get(action="daftar.ekspor")
    assert event.changes["saringan"]["opd"] == str(hidden.a.pupr.pk)
    assert event.object_id == "evaluation:rincian:sub" and event.changes["jumlah_baris"] == 1


@pytest.mark.parametrize("role", ["verifikator", "pimpinan"])
def test_ranking_export_equals_the_dashboard(client, hidden, role):
    _login(client, hidden.a.users[role])
    board = client.get(_url("evaluation:dasbor", **JUNE)).context["board"]
    header, rows, _raw = _table(
        client.get(_url("evaluation:peringkat-unduh", format="xlsx", **JUNE)), "xlsx"
    )
    assert [r[1] for r in rows] == [r.opd.kode for r in board.opd_rows]
    assert [r[0] for r in rows] == [r.skor.peringkat if r.skor else None for r in board.opd_rows]
    fisik = header.index("Fisik (%)")
    assert [dec(r[fisik]) for r in rows] == [
        r.progress.fisik.quantize(Decimal("0.01")).normalize()
        if r.progress.fisik is not None
        else None
        for r in board.opd_rows
    ]


def test_the_dashboard_shows_the_rank_of_the_score_not_the_row_place(client, hidden):
    """Equal scores share a rank and an OPD without a score has none (ranking.peringkat): the
    page shows those, as the export does, not a list's row numbers."""
    import re

    _login(client, hidden.a.users["pimpinan"])
    page = client.get(_url("evaluation:dasbor", **JUNE))
    board = page.context["board"]
    shown = re.findall(r'<span class="peringkat-no[^"]*"[^>]*>([^<]*)</span>', page.text)
    expected = [
        f"{r.skor.peringkat}." if r.skor and r.skor.peringkat else "—" for r in board.opd_rows
    ]
    assert shown == expected and len(shown) == len(board.opd_rows) >= 2
    assert "list-group-numbered" not in page.text


def test_opd_list_export_equals_the_page(client, hidden):
    _login(client, hidden.a.users["verifikator"])
    group = client.get(_url("organisations:opd-list", **OPD_JUNE)).context["groups"][0]
    header, rows, _raw = _table(
        client.get(_url("organisations:opd-list-unduh", format="csv", **OPD_JUNE)), "csv"
    )
    assert [r[0] for r in rows] == [o.kode for o, _p in group["rows"]]
    pagu = header.index("Pagu (Rp)")
    assert [Decimal(r[pagu]) for r in rows] == [p.pagu for _o, p in group["rows"]]
    dinkes = next(r for r in rows if r[0] == hidden.a.dinkes.kode)
    assert Decimal(dinkes[pagu]) == Decimal(600_000_000)  # the rahasia pagu left out


def test_opd_tree_export_equals_the_page(client, hidden):
    _login(client, hidden.a.users["kepala_opd"])
    page = client.get(_url("organisations:opd-detail", hidden.a.dinkes.pk, **OPD_JUNE))
    expected = []
    for pn in page.context["tree"]:
        expected.append(pn.obj.kode)
        for kn in pn.children:
            expected.append(kn.obj.kode)
            expected += [sn.obj.kode for sn in kn.children]
    header, rows, _raw = _table(
        client.get(
            _url("organisations:opd-detail-unduh", hidden.a.dinkes.pk, format="xlsx", **OPD_JUNE)
        ),
        "xlsx",
    )
    assert [r[1] for r in rows] == expected
    real = header.index("Realisasi (Rp)")
    assert dec(rows[0][real]) == page.context["total"].realisasi.normalize()


def test_other_opd_and_other_pemda_refused(client, hidden):
    from pantau.organisations.services import membership_set, user_create

    other = user_create(actor=None, username="operator.pupr.a", password=PASSWORD)
    membership_set(
        actor=None, user=other, pemda=hidden.a.pemda, role=Role.OPERATOR_OPD, opd=hidden.a.pupr
    )
    _login(client, other)
    detail = "organisations:opd-detail-unduh"
    assert client.get(_url(detail, hidden.a.dinkes.pk, format="csv")).status_code == 404
    assert client.get(_url(detail, hidden.b.dinkes.pk, format="csv")).status_code == 404
    assert client.get(_url("evaluation:rincian-unduh", "sub", format="csv")).status_code == 404
    _h, rows, _raw = _table(
        client.get(_url("organisations:opd-list-unduh", format="csv", **OPD_JUNE)), "csv"
    )
    assert [r[0] for r in rows] == [hidden.a.pupr.kode]
    assert AuditEvent.objects.filter(action="daftar.ekspor").count() == 1


@pytest.mark.parametrize("name", list(EXPORTS))
def test_a_visitor_is_sent_to_sign_in(client, hidden, name):
    response = client.get(EXPORTS[name](hidden) + "&format=xlsx")
    assert response.status_code == 302 and "/masuk/" in response["Location"]
    assert not AuditEvent.objects.filter(action="daftar.ekspor").exists()


def test_unknown_format_refused(client, hidden):
    _login(client, hidden.a.users["pimpinan"])
    assert client.get(EXPORTS["peringkat"](hidden) + "&format=exe").status_code == 400
    assert not AuditEvent.objects.filter(action="daftar.ekspor").exists()


def test_pages_link_their_downloads_with_the_filters(client, hidden):
    _login(client, hidden.a.users["pimpinan"])
    board = client.get(_url("evaluation:dasbor", **JUNE)).content.decode()
    assert "/dasbor/peringkat/unduh/?tahun=2026&amp;periode=6&amp;format=xlsx" in board
    rincian = client.get(_url("evaluation:rincian", "sub", opd=hidden.a.pupr.pk, **JUNE))
    assert f"rincian/sub/unduh/?opd={hidden.a.pupr.pk}&amp;tahun=2026&amp;periode=6&amp;" in (
        rincian.content.decode()
    )
    detail = client.get(_url("organisations:opd-detail", hidden.a.dinkes.pk, **OPD_JUNE))
    assert f"/{hidden.a.dinkes.pk}/unduh/?tahun=2026&amp;bulan=6&amp;format=csv" in (
        detail.content.decode()
    )
    listing = client.get(_url("organisations:opd-list", q="dinas", **OPD_JUNE)).content.decode()
    assert "/opd/unduh/?q=dinas&amp;tahun=2026&amp;bulan=6&amp;format=xlsx" in listing


def test_indicator_drill_down_export(client, world, clock):
    """The indicators behind the achievement: the page's rows with their achievement (two
    decimals in the file, full precision on the page before display rounding) and category; an
    indicator of a rahasia sub kegiatan is absent for the verifier and there for a reader."""
    from pantau.monitoring.models import PeriodeLaporan
    from pantau.monitoring.services import realisasi_indikator_save
    from pantau.planning.choices import Rumus
    from pantau.planning.services import indikator_create

    clock.set("2026-04-20 09:00")
    march = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=3)
    for sub, nama, nilai in (
        (world.a.sub, "Cakupan imunisasi", "90999.96"),
        (world.a.sub2, "Indikator canary rahasia", "50000"),
    ):
        ind = indikator_create(
            actor=None,
            induk=sub,
            nama=nama,
            satuan="orang",
            rumus=Rumus.TREN_POSITIF,
            target_tahunan=Decimal(400_000),
            **{f"target_tw{q}": Decimal(100_000) for q in range(1, 5)},
        )
        realisasi_indikator_save(actor=None, indikator=ind, periode=march, nilai=Decimal(nilai))
        verified(world.a, sub, 3, 0, 10)
    classify(world.a, world.a.sub2, "rahasia")
    query = {"tahun": 2026, "periode": 3}
    for role, names in (
        ("verifikator", ["Cakupan imunisasi"]),
        ("pimpinan", ["Cakupan imunisasi", "Indikator canary rahasia"]),
    ):
        _login(client, world.a.users[role])
        page = client.get(_url("evaluation:rincian", "indikator", **query))
        shown = list(page.context["page"])
        url = _url("evaluation:rincian-unduh", "indikator", format="xlsx", **query)
        header, rows, _raw = _table(client.get(url), "xlsx")
        assert [r[0] for r in rows] == [r.indikator.nama for r in shown]
        assert sorted(r[0] for r in rows) == sorted(names)
        imunisasi = next(r for r in rows if r[0] == "Cakupan imunisasi")
        assert dec(imunisasi[header.index("Capaian (%)")]) == Decimal(91)
        assert imunisasi[header.index("Kategori")] == "Tinggi"
        assert dec(imunisasi[header.index("Realisasi")]) == Decimal("90999.96")


def test_query_count_does_not_grow_with_the_rows(client, hidden):
    """A download reads in a fixed number of queries, like its page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pantau.planning.services import sub_kegiatan_create

    _login(client, hidden.a.users["pimpinan"])
    urls = [
        EXPORTS[name](hidden) + "&format=xlsx" for name in ("rincian", "opd-detail", "opd-list")
    ]

    def counts():
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    before = counts()
    sub = sub_kegiatan_create(  # the last code the test nomenclature has
        actor=None, kegiatan=hidden.a.kegiatan, kode="1.02.02.2.01.0003", pagu_murni=Decimal(10**6)
    )
    verified(hidden.a, sub, 6, 100_000, 10)
    assert counts() == before
