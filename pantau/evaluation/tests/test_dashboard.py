"""The leadership dashboard: who sees it, what it shows, and that it reads only roll-ups."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import PASSWORD
from pantau.monitoring.services import realisasi_import

pytestmark = pytest.mark.django_db
URL = "/dasbor/"


def import_verified(*, rows, **kw):
    """Reports loaded as a verified history: they count on the official (verified) basis."""
    return realisasi_import(
        historical=True, rows=[{"status": "diverifikasi", **r} for r in rows], **kw
    )


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.parametrize("role", ["pimpinan", "auditor", "verifikator", "admin"])
def test_leadership_roles_see_their_pemda(client, world, role):
    login(client, world.a.users[role])
    page = client.get(URL + "?tahun=2026&bulan=6")
    assert page.status_code == 200
    assert "Kabupaten Uji A" in page.text and "Dinas Kesehatan A" in page.text
    assert "Dinas Kesehatan B" not in page.text


@pytest.mark.parametrize("role", ["operator_opd", "kepala_opd"])
def test_opd_roles_do_not(client, world, role):
    login(client, world.a.users[role])
    assert client.get(URL).status_code == 404


def test_anonymous_redirected(client):
    assert client.get(URL).status_code == 302


def test_figures_and_warnings(client, world):
    # sub: plan 8%/month; June target 48%. Report fisik 20% in June -> 28 points behind: kritis
    import_verified(
        actor=None,
        tahun_anggaran=world.a.ta,
        rows=[
            {
                "sub_kegiatan": world.a.sub,
                "bulan": 6,
                "keuangan": Decimal(300_000_000),
                "fisik": Decimal(20),
            }
        ],
    )
    login(client, world.a.users["pimpinan"])
    page = client.get(URL + "?tahun=2026&bulan=6")
    text = page.text
    assert "1 sub kegiatan kritis" in text
    assert (
        reverse("monitoring:riwayat", args=[world.a.sub.pk]) in text
    )  # drill down to the sub kegiatan
    assert reverse("organisations:opd-detail", args=[world.a.dinkes.pk]) in text
    board = page.context["board"]
    assert board.total.realisasi == Decimal(300_000_000)
    assert (
        board.opd_rows[0].opd == world.a.dinkes
    )  # ranked first: the only OPD with figures... and a score
    assert board.opd_rows[0].skor.peringkat == 1


def test_query_count_does_not_grow(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, world.a.users["pimpinan"])
    client.get(URL + "?tahun=2026&bulan=6")  # warm the category-table cache
    with CaptureQueriesContext(connection) as before:
        client.get(URL + "?tahun=2026&bulan=6")
    import_verified(
        actor=None,
        tahun_anggaran=world.a.ta,
        rows=[
            {"sub_kegiatan": s, "bulan": m, "keuangan": Decimal(1_000_000), "fisik": Decimal(m)}
            for s in (world.a.sub, world.a.sub2, world.a.sub_pupr)
            for m in range(1, 7)
        ],
    )
    with CaptureQueriesContext(connection) as after:
        client.get(URL + "?tahun=2026&bulan=6")
    assert len(after.captured_queries) == len(before.captured_queries)


@pytest.mark.parametrize(
    "query", ["?tahun=abc&bulan=99", "?bulan=²", "?tahun=1999", "?tahun=99999999999"]
)
def test_bad_parameters(client, world, query):
    login(client, world.a.users["pimpinan"])
    assert client.get(URL + query).status_code == 200


def test_english(client, world):
    from django.conf import settings

    login(client, world.a.users["pimpinan"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(URL + "?tahun=2026&bulan=6")
    assert page.status_code == 200 and 'lang="en"' in page.text


def test_map_layers_and_kecamatan_summary(client, world, tmp_path):
    from pantau.organisations.models import Wilayah
    from pantau.organisations.services import pulau_load
    from pantau.planning.services import sub_kegiatan_update

    csv_path = tmp_path / "pulau.csv"
    csv_path.write_text(
        "kode,nama,lat,lng,status,luas_km2,catatan\n"
        "74.07.40124,Pulau Wangiwangi,5.3114,123.5872,BP,156.4062,\n"
        "74.07.40001,Nua Balaa,5.2473,123.5898,TBP,NULL,\n"
    )
    assert pulau_load(actor=None, pemda=world.a.pemda, path=csv_path) == 2
    kab = Wilayah.objects.create(pemda=world.a.pemda, kode="74.07", nama="Kab", tingkat="kabupaten")
    kec = Wilayah.objects.create(
        pemda=world.a.pemda, kode="74.07.01", nama="Wangi-Wangi", tingkat="kecamatan", induk=kab
    )
    sub_kegiatan_update(
        actor=None,
        sub_kegiatan=world.a.sub,
        kecamatan=kec,
        latitude=Decimal("-5.30"),
        longitude=Decimal("123.58"),
    )
    login(client, world.a.users["pimpinan"])
    page = client.get(URL + "?tahun=2026&bulan=6")
    layers = page.context["peta_json"]
    assert {p["nama"] for p in layers["pulau"]} == {"Pulau Wangiwangi", "Nua Balaa"}
    assert layers["pulau"][0]["lat"] < 0  # south of the equator
    assert [t["nama"] for t in layers["titik"]] == ["Pembangunan Rumah Sakit"]
    assert layers["titik"][0]["url"] == reverse("monitoring:riwayat", args=[world.a.sub.pk])
    assert "Wangi-Wangi" in page.text  # per-kecamatan table


def test_pulau_load_refuses_bad_rows(world, tmp_path):
    from django.core.exceptions import ValidationError

    from pantau.organisations.models import Pulau
    from pantau.organisations.services import pulau_load

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "kode,nama,lat,lng,status,luas_km2,catatan\n74.01.40001,Lain,5,123,BP,1,\n"
        "74.07.40002,X,abc,123,BP,1,\n"
    )
    with pytest.raises(ValidationError) as exc:
        pulau_load(actor=None, pemda=world.a.pemda, path=bad)
    assert len(exc.value.messages) == 2
    assert not Pulau.objects.exists()


def _june_report(world, fisik=Decimal(20)):
    import_verified(
        actor=None,
        tahun_anggaran=world.a.ta,
        rows=[
            {"sub_kegiatan": world.a.sub, "bulan": m, "keuangan": Decimal(100_000_000), "fisik": f}
            for m, f in ((4, Decimal(5)), (5, Decimal(10)), (6, fisik))
        ],
    )


@pytest.mark.parametrize(
    "periode, awal, akhir",
    [("6", 6, 6), ("tw2", 4, 6), ("tw1", 1, 3), ("tahun", 1, 12)],
)
def test_period_selector_month_quarter_year(clock, client, world, periode, awal, akhir):
    clock.set("2027-02-01T09:00")  # 2026 is over: the year runs to December
    _june_report(world)
    login(client, world.a.users["pimpinan"])
    board = client.get(URL + f"?tahun=2026&periode={periode}").context["board"]
    assert (board.bulan_awal, board.bulan) == (awal, akhir)
    # three reports of Rp 100 jt in April, May and June
    spent = {"6": 100, "tw2": 300, "tw1": 0, "tahun": 300}[periode]
    assert board.realisasi_periode == Decimal(spent * 1_000_000)


def test_current_year_runs_to_the_last_closed_month(clock, client, world):
    clock.set("2026-08-20T09:00")  # July's cut-off (10 August) has passed, August's has not
    _june_report(world)
    login(client, world.a.users["pimpinan"])
    page = client.get(URL + "?tahun=2026&periode=tahun")
    assert page.context["board"].bulan == page.context["periode"].bulan_akhir
    assert page.context["periode"].berjalan and "periode berjalan" in page.text


def test_running_quarter_stops_at_last_closed_month(clock, client, world):
    from pantau.evaluation.periods import periode_parse

    p = periode_parse("tw3", bulan_terakhir=8)
    assert (p.bulan_awal, p.bulan_akhir, p.berjalan) == (7, 8, True)
    p = periode_parse("tahun", bulan_terakhir=12)
    assert (p.bulan_awal, p.bulan_akhir, p.berjalan) == (1, 12, False)
    p = periode_parse("tw4", bulan_terakhir=8)  # not started: the whole quarter, plan only
    assert (p.bulan_awal, p.bulan_akhir) == (10, 12)
    for junk in ("tw5", "13", "0", "x", None, "tahunan"):
        assert periode_parse(junk, bulan_terakhir=8).kode == "8"


def test_headline_figures_link_to_the_rows_they_come_from(client, world):
    _june_report(world)
    login(client, world.a.users["pimpinan"])
    page = client.get(URL + "?tahun=2026&periode=6")
    board = page.context["board"]
    for jenis in ("sub", "kritis", "uang", "belum", "indikator"):
        assert (
            reverse("evaluation:rincian", args=[jenis]) + "?tahun=2026&amp;periode=6" in page.text
        )
    rows = client.get(reverse("evaluation:rincian", args=["sub"]) + "?tahun=2026&periode=6")
    data = rows.context["rincian"]
    # the totals of the rows are the headline figures, exactly
    assert data.total.pagu == board.total.pagu
    assert data.total.realisasi == board.total.realisasi
    assert data.total.fisik == board.total.fisik
    assert data.total.target_fisik == board.total.target_fisik
    assert data.jumlah == board.total.jumlah_sub
    kritis = client.get(reverse("evaluation:rincian", args=["kritis"]) + "?tahun=2026&periode=6")
    assert kritis.context["rincian"].jumlah == board.kritis == 1
    assert "Pembangunan Rumah Sakit" in kritis.text
    belum = client.get(reverse("evaluation:rincian", args=["belum"]) + "?tahun=2026&periode=6")
    assert belum.context["rincian"].jumlah == board.belum_melapor
    ind = client.get(reverse("evaluation:rincian", args=["indikator"]) + "?tahun=2026&periode=6")
    assert ind.context["rincian"].capaian == board.capaian
    one = client.get(
        reverse("evaluation:rincian", args=["sub"])
        + f"?tahun=2026&periode=6&opd={world.a.dinkes.pk}"
    )
    assert {r.opd for r in one.context["page"]} == {world.a.dinkes}


def test_rincian_scope_and_bad_input(client, world):
    url = reverse("evaluation:rincian", args=["sub"])
    login(client, world.a.users["operator_opd"])
    assert client.get(url).status_code == 404
    login(client, world.a.users["pimpinan"])
    assert client.get(reverse("evaluation:rincian", args=["apa"])).status_code == 404
    # another pemda's OPD or kecamatan: 404, never its rows
    assert client.get(url + f"?opd={world.b.dinkes.pk}").status_code == 404
    assert client.get(url + "?kecamatan=74.01.01").status_code == 404
    for junk in ("?opd=abc", "?halaman=999", "?halaman=x", "?periode=tw9&tahun=x"):
        assert client.get(url + junk).status_code == 200


def test_year_over_year_series(client, world):
    login(client, world.a.users["pimpinan"])
    page = client.get(URL + "?tahun=2026&periode=6")
    yoy = page.context["chart"]["yoy"]
    assert len(yoy["bulan"]) == 12 and len(yoy["keuangan_lalu"]) == 12


def test_on_time_shares_match_the_compliance_page(clock, world):
    """The dashboard counts on-time reports in SQL; the compliance page row by row: same rule."""
    import datetime as dt
    import zoneinfo

    from pantau.evaluation.selectors import ketepatan_opd
    from pantau.monitoring.choices import StatusRealisasi as S
    from pantau.monitoring.selectors import compliance, compliance_period

    wita = zoneinfo.ZoneInfo("Asia/Makassar")
    clock.set("2026-07-20T09:00")  # June's cut-off (10 July) has passed
    realisasi_import(
        actor=None,
        tahun_anggaran=world.a.ta,
        historical=True,
        rows=[
            {  # on the cut-off day, late evening local time: on time
                "sub_kegiatan": world.a.sub,
                "bulan": 6,
                "keuangan": Decimal(1),
                "fisik": Decimal(1),
                "status": S.DIAJUKAN,
                "diajukan_pada": dt.datetime(2026, 7, 10, 23, 30, tzinfo=wita),
            },
            {  # the next morning: late
                "sub_kegiatan": world.a.sub2,
                "bulan": 6,
                "keuangan": Decimal(1),
                "fisik": Decimal(1),
                "status": S.DISETUJUI,
                "diajukan_pada": dt.datetime(2026, 7, 11, 0, 5, tzinfo=wita),
            },
        ],
    )
    user = world.a.users["pimpinan"]
    periode, shares = ketepatan_opd(user=user, tahun_anggaran=world.a.ta)
    assert periode == compliance_period(pemda=world.a.pemda, tahun=2026, bulan=None)
    assert periode.bulan == 6
    expected = {
        r.opd.pk: Decimal(r.tepat_waktu) * 100 / r.jumlah_sub
        for r in compliance(user=user, periode=periode)
        if r.jumlah_sub
    }
    assert shares == expected
    assert shares[world.a.dinkes.pk] == Decimal(50)  # one of Dinkes' two sub kegiatan
