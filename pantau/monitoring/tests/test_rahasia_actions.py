"""Acting on a report needs the right to read it (issue 10 §1.3): a workflow step on a report
of a `rahasia` sub kegiatan answers a user who may not read it exactly like a report that does
not exist (404, before any state check), changes nothing and prints none of its figures."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import PASSWORD, classify
from pantau.audit.models import AuditEvent
from pantau.monitoring.models import PeriodeLaporan, Realisasi
from pantau.monitoring.services import realisasi_save, realisasi_transition

CANARY_PAGU = Decimal("987654321")  # "987.654.321" must never appear for a non-reader


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def approved(world, clock):
    """A January report of second sub kegiatan of A approved by the head of OPD, waiting for Bappeda."""
    from pantau.planning.services import sub_kegiatan_update

    clock.set("2026-02-05 10:00")
    sub_kegiatan_update(actor=None, sub_kegiatan=world.a.sub2, pagu_murni=CANARY_PAGU)
    periode = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1)
    report = realisasi_save(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub2,
        periode=periode,
        keuangan=Decimal(10_000_000),
        fisik=Decimal(5),
    )
    realisasi_transition(actor=world.a.users["operator_opd"], realisasi=report, name="submit")
    realisasi_transition(actor=world.a.users["kepala_opd"], realisasi=report, name="approve")
    return report


def _step(client, pk: int, name: str):
    url = reverse("monitoring:langkah", args=[pk])
    return client.post(url, {"langkah": name, "catatan": "Periksa lagi."}, follow=True)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["verify", "return_bappeda", "approve", "nama-asal"])
def test_step_on_a_rahasia_report_is_answered_like_a_missing_one(client, world, approved, name):
    classify(world.a, world.a.sub2, "rahasia")
    login(client, world.a.users["verifikator"])  # Bappeda reads terbatas, not rahasia
    missing = _step(client, 999_999, name)
    hidden = _step(client, approved.pk, name)
    assert missing.status_code == hidden.status_code == 404
    assert hidden.redirect_chain == missing.redirect_chain == []
    for text in (hidden.text, client.get(reverse("monitoring:daftar")).text):
        assert "987.654.321" not in text and "987654321" not in text
    approved.refresh_from_db()
    assert approved.status == "disetujui"
    assert not AuditEvent.objects.filter(
        action__startswith="realisasi.", actor__username="verifikator.a"
    ).exists()


@pytest.mark.django_db
def test_the_same_step_works_when_the_user_may_read_the_report(client, world, approved):
    """The control: on a terbatas sub kegiatan the verifier's step goes through."""
    login(client, world.a.users["verifikator"])
    page = _step(client, approved.pk, "verify")
    assert page.status_code == 200 and page.redirect_chain
    assert Realisasi.objects.get(pk=approved.pk).status == "diverifikasi"


@pytest.mark.django_db
def test_the_reading_check_comes_before_the_state_check(client, world, approved):
    """The report page and a step on it answer the same: a non-reader gets 404 on both, before
    any state check; a reader (the OPD's own head) reaches both, and only then hears that an
    approved report can no longer be returned by the OPD."""
    classify(world.a, world.a.sub2, "rahasia")
    page = reverse("monitoring:laporan", args=[world.a.sub2.pk, 1])
    login(client, world.a.users["verifikator"])
    assert client.get(page).status_code == 404
    assert _step(client, approved.pk, "return_opd").status_code == 404
    login(client, world.a.users["kepala_opd"])
    assert client.get(page).status_code == 200
    step = _step(client, approved.pk, "return_opd")
    assert step.status_code == 200 and step.redirect_chain
    assert "tidak dapat dilakukan: laporan ini berstatus" in step.text
    assert Realisasi.objects.get(pk=approved.pk).status == "disetujui"
