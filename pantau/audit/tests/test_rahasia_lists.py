"""Rahasia items in lists: hidden from roles that may not read them (and left out of the
figures shown to them), and every rahasia row a list shows to its reader is recorded as read."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import PASSWORD, classify, verified
from pantau.audit.models import AuditEvent

JUNE = "?tahun=2026&periode=6"


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def _reads(where: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(action="rahasia.read", changes___where=where)
        .order_by("pk")
        .values_list("object_id", flat=True)
    )


def _june_indicator(world, nama="Jumlah saksi yang dilindungi"):
    from pantau.monitoring.models import PeriodeLaporan
    from pantau.monitoring.services import realisasi_indikator_save
    from pantau.planning.choices import Rumus
    from pantau.planning.services import indikator_create

    ind = indikator_create(
        actor=None,
        induk=world.a.sub,
        nama=nama,
        satuan="orang",
        rumus=Rumus.TREN_POSITIF,
        target_tahunan=Decimal(40),
        target_tw1=Decimal(10),
        target_tw2=Decimal(10),
        target_tw3=Decimal(10),
        target_tw4=Decimal(10),
    )
    june = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=6)
    realisasi_indikator_save(actor=None, indikator=ind, periode=june, nilai=Decimal(15))
    return ind


@pytest.mark.django_db
def test_rahasia_indicator_hidden_from_lists_of_other_roles(client, world, clock):
    clock.set("2026-07-03 09:00")
    ind = _june_indicator(world)
    open_ = _june_indicator(world, nama="Jumlah posyandu aktif")
    verified(world.a, world.a.sub, 6, 0, 50)  # the month's report, verified with its values
    clock.set("2026-07-15 09:00")  # June's reports are due: TW II can be judged
    classify(world.a, ind, "rahasia")
    rows = reverse("evaluation:rincian", args=["indikator"]) + JUNE
    form = reverse("monitoring:laporan", args=[world.a.sub.pk, 6])

    login(client, world.a.users["verifikator"])  # Bappeda reads terbatas, not rahasia
    page = client.get(rows)
    data = page.context["rincian"]
    assert ind.nama not in page.text and open_.nama in page.text
    assert data.jumlah == 1  # the figure leaves out what the user may not read
    assert data.capaian == Decimal(75)  # (15 / 20) → 75%
    assert "rahasia" not in page.text
    laporan = client.get(form)
    assert laporan.status_code == 200
    assert ind.nama not in laporan.text and open_.nama in laporan.text
    assert _reads("rincian dasbor (indikator)") == []

    login(client, world.a.users["auditor"])  # the Inspektorat reads it, and the read is kept
    page = client.get(rows)
    assert ind.nama in page.text and page.context["rincian"].jumlah == 2
    assert _reads("rincian dasbor (indikator)") == [str(ind.pk)]
    login(client, world.a.users["operator_opd"])  # the producing OPD reads its own
    assert ind.nama in client.get(form).text
    assert _reads("laporan bulanan: indikator") == [str(ind.pk)]


@pytest.mark.django_db
def test_indicator_of_a_rahasia_sub_kegiatan_is_hidden_too(client, world, clock):

    clock.set("2026-07-03 09:00")
    ind = _june_indicator(world)
    classify(world.a, world.a.sub, "rahasia")
    login(client, world.a.users["verifikator"])
    page = client.get(reverse("evaluation:rincian", args=["indikator"]) + JUNE)
    assert ind.nama not in page.text and page.context["rincian"].jumlah == 0


@pytest.mark.django_db
def test_every_list_that_shows_a_rahasia_sub_kegiatan_records_the_read(client, world, clock):
    from pantau.planning.services import sub_kegiatan_update

    clock.set("2026-07-03 09:00")
    # money spent, little progress: a critical row with a warning, once June is due
    verified(world.a, world.a.sub, 6, 100_000_000, 1)
    clock.set("2026-07-15 09:00")
    sub_kegiatan_update(
        actor=None,
        sub_kegiatan=world.a.sub,
        latitude=Decimal("-5.30"),
        longitude=Decimal("123.58"),
    )
    sub = classify(world.a, world.a.sub, "rahasia")
    pk = str(sub.pk)
    login(client, world.a.users["auditor"])
    dasbor = client.get(reverse("evaluation:dasbor") + JUNE)
    assert sub.nama in dasbor.text
    assert _reads("dasbor: peringatan dini") == [pk]
    assert _reads("dasbor: peta") == [pk]
    client.get(reverse("evaluation:rincian", args=["kritis"]) + JUNE)
    assert _reads("rincian dasbor (kritis)") == [pk]
    tree = reverse("organisations:opd-detail", args=[world.a.dinkes.pk]) + "?tahun=2026&bulan=6"
    assert sub.nama in client.get(tree).text
    assert _reads("pohon kinerja OPD") == [pk]
    events = AuditEvent.objects.filter(action="rahasia.read", object_id=pk)
    assert {e.actor_id for e in events} == {world.a.users["auditor"].pk}
    assert {e.object_type for e in events} == {"planning.subkegiatan"}
    assert {e.pemda_id for e in events} == {world.a.pemda.pk}
    # the own OPD's monthly list
    login(client, world.a.users["operator_opd"])
    assert sub.nama in client.get(reverse("monitoring:daftar") + "?bulan=6").text
    assert _reads("daftar laporan bulanan") == [pk]
    # a role that may not read it sees it nowhere, and nothing is recorded for it
    before = AuditEvent.objects.filter(action="rahasia.read").count()
    login(client, world.a.users["verifikator"])
    assert sub.nama not in client.get(reverse("evaluation:dasbor") + JUNE).text
    assert sub.nama not in client.get(tree).text
    assert AuditEvent.objects.filter(action="rahasia.read").count() == before


@pytest.mark.django_db(transaction=True)
def test_rahasia_reads_are_recorded_outside_a_transaction(client, nomen_csv):
    """Pages are read in autocommit mode (no ATOMIC_REQUESTS): recording a read must open its
    own transaction rather than fail the page."""
    from conftest import World

    world = World(nomen_csv)
    sub = classify(world.a, world.a.sub, "rahasia")
    login(client, world.a.users["auditor"])
    assert client.get(reverse("monitoring:riwayat", args=[sub.pk])).status_code == 200
    assert _reads("riwayat sub kegiatan") == [str(sub.pk)]
