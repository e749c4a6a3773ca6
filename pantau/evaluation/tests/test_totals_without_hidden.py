"""No figure by subtraction (issue 10 §1.5): every total shown to someone who may not read an
item leaves it out, the same on every page and dataset, so that no difference between two
totals one person sees equals a hidden item's value.

The world: Dinkes A has a public sub kegiatan (Rp 600.000.000, Rp 60.000.000 spent) and a
rahasia one (Rp 300.000.000, Rp 77.777.777 spent); PUPR A a public one (Rp 100.000.000,
Rp 10.000.000 spent). June's reports are verified and due."""

from decimal import Decimal
from itertools import combinations

import pytest
from django.urls import reverse

from conftest import PASSWORD, classify, verified
from pantau.organisations.choices import Role

HIDDEN = {"pagu": Decimal(300_000_000), "realisasi": Decimal(77_777_777)}
JUNE = "?tahun=2026&periode=6"
OPD_JUNE = "?tahun=2026&bulan=6"


@pytest.fixture
def hidden_world(world, clock):
    from pantau.organisations.models import Wilayah
    from pantau.planning.services import sub_kegiatan_update

    clock.set("2026-07-03 09:00")
    kab = Wilayah.objects.create(pemda=world.a.pemda, kode="74.07", nama="Kab", tingkat="kabupaten")
    kec = Wilayah.objects.create(
        pemda=world.a.pemda, kode="74.07.01", nama="Wangi-Wangi", tingkat="kecamatan", induk=kab
    )
    for sub in (world.a.sub, world.a.sub2):  # both of Dinkes A's sub kegiatan in one kecamatan
        sub_kegiatan_update(actor=None, sub_kegiatan=sub, kecamatan=kec)
    verified(world.a, world.a.sub, 6, 60_000_000, 50)
    verified(world.a, world.a.sub2, 6, 77_777_777, 40)
    verified(world.a, world.a.sub_pupr, 6, 10_000_000, 20)
    for sub in (world.a.sub, world.a.sub_pupr):
        classify(world.a, sub, "publik")
    classify(world.a, world.a.sub2, "rahasia")
    clock.set("2026-07-15 09:00")  # June's reports are due: June is the default month
    return world


def _login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def _fig(progress) -> dict:
    return {"pagu": progress.pagu, "realisasi": progress.realisasi, "n": progress.jumlah_sub}


def _public_figures(world) -> dict[str, dict]:
    """What anyone reads: the portal's headline and the per-OPD open dataset (its rows are what
    the dataset's CSV, its CKAN datastore and its charts carry)."""
    from pantau.opendata import development, public

    head = public.headline(world.a.pemda, 2026)
    rows = development.opd_rows(world.a.ta)
    by_code = {r["kode_organisasi"]: r for r in rows}
    out = {
        "portal: headline": {"pagu": head.pagu, "realisasi": head.realisasi, "n": head.jumlah_sub},
        "dataset per OPD: sum": {
            "pagu": sum(Decimal(str(r["pagu"])) for r in rows),
            "realisasi": sum(Decimal(str(r["realisasi_keuangan"])) for r in rows),
            "n": sum(r["jumlah_sub_kegiatan"] for r in rows),
        },
    }
    for opd in (world.a.dinkes, world.a.pupr):
        r = by_code[opd.kode]
        out[f"dataset per OPD: {opd.singkatan}"] = {
            "pagu": Decimal(str(r["pagu"])),
            "realisasi": Decimal(str(r["realisasi_keuangan"])),
            "n": r["jumlah_sub_kegiatan"],
        }
    return out


def _signed_in_figures(client, world, user) -> dict[str, dict]:
    """Every total of the pemda and of its OPDs a signed-in user is shown."""
    _login(client, user)
    out: dict[str, dict] = {}
    home = client.get("/").context["summaries"]
    out["beranda: total"] = _fig(home[0]["progress"])
    opd_list = client.get(reverse("organisations:opd-list") + OPD_JUNE).context["groups"][0]
    out["daftar OPD: total"] = _fig(opd_list["total"])
    for opd, progress in opd_list["rows"]:
        out[f"daftar OPD: {opd.singkatan}"] = _fig(progress)
    for opd in (world.a.dinkes, world.a.pupr):
        page = client.get(reverse("organisations:opd-detail", args=[opd.pk]) + OPD_JUNE)
        if page.status_code == 200:
            out[f"halaman OPD: {opd.singkatan}"] = _fig(page.context["total"])
    board = client.get(reverse("evaluation:dasbor") + JUNE)
    if board.status_code == 200:
        b = board.context["board"]
        out["dasbor: total"] = _fig(b.total)
        out["dasbor: pagu semua"] = {"pagu": b.pagu_semua}
        for row in b.opd_rows:
            out[f"dasbor: {row.opd.singkatan}"] = _fig(row.progress)
        (kec,) = board.context["peta"]["kecamatan"]  # the map's summary: Dinkes A's two rows
        out["dasbor: kecamatan Wangi-Wangi, Dinkes-a"] = {
            "pagu": kec["pagu"],
            "realisasi": kec["realisasi"],
            "n": kec["jumlah"],
        }
        rincian = reverse("evaluation:rincian", args=["sub"]) + JUNE
        out["rincian: total"] = _fig(client.get(rincian).context["rincian"].total)
        for opd in (world.a.dinkes, world.a.pupr):
            page = client.get(rincian + f"&opd={opd.pk}")
            out[f"rincian: {opd.singkatan}"] = _fig(page.context["rincian"].total)
    return out


def _scope(name: str) -> str:
    """Which part of the pemda a figure is about: the whole pemda or one OPD."""
    for tag in ("Dinkes-a", "PUPR-a"):
        if name.endswith(tag):
            return tag
    return "pemda"


def _check(figures: dict[str, dict], expected: dict[str, dict], hidden: dict | None):
    """Figures about the same part agree with each other and with what the user may read;
    and, for a user who may not read the hidden item, no two figures differ by its value."""
    for name, fig in figures.items():
        want = expected[_scope(name)]
        for key, value in fig.items():
            assert value == want[key], (name, key, value, want[key])
    if hidden is None:
        return
    for (name_a, a), (name_b, b) in combinations(figures.items(), 2):
        for key, value in hidden.items():
            if key in a and key in b:
                assert abs(a[key] - b[key]) != value, (name_a, name_b, key)


VISIBLE = {  # publik + terbatas: what a non-reader may count
    "pemda": {"pagu": Decimal(700_000_000), "realisasi": Decimal(70_000_000), "n": 2},
    "Dinkes-a": {"pagu": Decimal(600_000_000), "realisasi": Decimal(60_000_000), "n": 1},
    "PUPR-a": {"pagu": Decimal(100_000_000), "realisasi": Decimal(10_000_000), "n": 1},
}
EVERYTHING = {
    "pemda": {"pagu": Decimal(1_000_000_000), "realisasi": Decimal(147_777_777), "n": 3},
    "Dinkes-a": {"pagu": Decimal(900_000_000), "realisasi": Decimal(137_777_777), "n": 2},
    "PUPR-a": VISIBLE["PUPR-a"],
}


@pytest.mark.django_db
def test_a_public_visitor_gets_no_rahasia_figure_by_subtraction(hidden_world):
    _check(_public_figures(hidden_world), VISIBLE, HIDDEN)


@pytest.mark.django_db
def test_the_verifier_gets_no_rahasia_figure_by_subtraction(client, hidden_world):
    """Bappeda's verifier reads terbatas, not rahasia: the dashboard, its drill-downs, the OPD
    list and pages, the home page and the public figures all leave the rahasia row out."""
    world = hidden_world
    figures = _signed_in_figures(client, world, world.a.users["verifikator"])
    assert {"dasbor: total", "rincian: Dinkes-a", "halaman OPD: Dinkes-a"} <= set(figures)
    _check({**figures, **_public_figures(world)}, VISIBLE, HIDDEN)


@pytest.mark.django_db
def test_an_operator_of_another_opd_gets_no_rahasia_figure_by_subtraction(client, hidden_world):
    from pantau.organisations.services import membership_set, user_create

    world = hidden_world
    other = user_create(actor=None, username="operator.pupr.a", password=PASSWORD)
    membership_set(
        actor=None, user=other, pemda=world.a.pemda, role=Role.OPERATOR_OPD, opd=world.a.pupr
    )
    figures = _signed_in_figures(client, world, other)
    assert "halaman OPD: Dinkes-a" not in figures and "halaman OPD: PUPR-a" in figures
    # the home page and the OPD list total are about PUPR alone
    own = {k: v for k, v in figures.items() if _scope(k) == "pemda"}
    for fig in own.values():
        assert fig == VISIBLE["PUPR-a"]
    _check(
        {k: v for k, v in figures.items() if _scope(k) != "pemda"} | _public_figures(world),
        VISIBLE,
        HIDDEN,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["auditor", "pimpinan", "admin"])
def test_readers_of_rahasia_get_the_whole_figures_everywhere(client, hidden_world, role):
    """The control: who may read the rahasia row gets it counted, on every page alike."""
    figures = _signed_in_figures(client, hidden_world, hidden_world.a.users[role])
    _check(figures, EVERYTHING, None)


@pytest.mark.django_db
def test_compliance_counts_leave_out_what_the_user_may_not_read(hidden_world):
    from pantau.monitoring.models import PeriodeLaporan
    from pantau.monitoring.selectors import compliance, entry_rows

    world = hidden_world
    june = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=6)
    for role, n in (("verifikator", 1), ("auditor", 2)):
        user = world.a.users[role]
        row = next(r for r in compliance(user=user, periode=june) if r.opd == world.a.dinkes)
        listed = entry_rows(user=user, opd=world.a.dinkes, periode=june)
        assert row.jumlah_sub == len(listed) == n
        assert sum(row.per_status.values()) == n
