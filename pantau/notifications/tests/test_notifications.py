"""Notices on returned and verified reports and reminders before the cut-off, sent by the task
queue after the transaction commits (huey runs tasks in-process in tests)."""

from decimal import Decimal

import pytest
from django.core import mail

from pantau.monitoring.models import PeriodeLaporan
from pantau.monitoring.services import realisasi_save, realisasi_transition
from pantau.notifications.models import Notifikasi
from pantau.notifications.services import notifikasi_mark_read, send_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _february(clock):
    clock.set("2026-02-05 10:00")


@pytest.fixture
def submitted(world):
    operator = world.a.users["operator_opd"]
    operator.email = "operator@wakatobikab.go.id"
    operator.save()
    r = realisasi_save(
        actor=operator,
        sub_kegiatan=world.a.sub,
        periode=PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1),
        keuangan=Decimal(40_000_000),
        fisik=Decimal(8),
    )
    return realisasi_transition(actor=operator, realisasi=r, name="submit")


def test_return_notifies_operator_after_commit(
    world, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        realisasi_transition(
            actor=world.a.users["kepala_opd"],
            realisasi=submitted,
            name="return_opd",
            catatan="Foto belum ada",
        )
    assert not Notifikasi.objects.exists()  # nothing is sent inside the request's transaction
    with django_capture_on_commit_callbacks(execute=True) as mails:
        for callback in callbacks:
            callback()  # the queued task: creates the notice, queues its e-mail after commit
    assert len(mails) == 1
    note = Notifikasi.objects.get()
    assert note.user == world.a.users["operator_opd"] and "Foto belum ada" in note.isi
    assert note.email_terkirim and mail.outbox[0].to == ["operator@wakatobikab.go.id"]


def test_verify_notifies_operator_and_head(world, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        realisasi_transition(actor=world.a.users["kepala_opd"], realisasi=submitted, name="approve")
    Notifikasi.objects.all().delete()  # the approval's notice to Bappeda: test_queue_notices
    with django_capture_on_commit_callbacks(execute=True):
        realisasi_transition(actor=world.a.users["verifikator"], realisasi=submitted, name="verify")
    users = set(Notifikasi.objects.values_list("user__username", flat=True))
    assert users == {"operator_opd.a", "kepala_opd.a"}


def test_reminders_before_cutoff_once_a_day(world, clock):
    clock.set("2026-02-08 08:00")  # cut-off 10 Feb, reminders 3 days ahead by default
    # per pemda: Dinkes misses 2 reports (operator + head reminded); PUPR has no users to remind
    assert send_reminders() == 4
    assert send_reminders() == 0  # deduplicated for the day
    notes = Notifikasi.objects.filter(pemda=world.a.pemda)
    assert {n.user.username for n in notes} == {"operator_opd.a", "kepala_opd.a"}
    assert "2 sub kegiatan" in notes.first().isi


def test_no_reminder_outside_window_or_when_complete(world, clock):
    clock.set("2026-02-01 08:00")
    assert send_reminders() == 0


def test_mark_read(world, submitted, django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        realisasi_transition(
            actor=world.a.users["kepala_opd"],
            realisasi=submitted,
            name="return_opd",
            catatan="Perbaiki",
        )
    from conftest import PASSWORD

    client.login(username="operator_opd.a", password=PASSWORD)
    page = client.get("/notifikasi/")
    assert "Perbaiki" in page.text
    assert notifikasi_mark_read(user=world.a.users["operator_opd"]) == 1
    assert not Notifikasi.objects.filter(dibaca_pada__isnull=True).exists()
