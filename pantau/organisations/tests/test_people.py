"""People are shown by full name and position (jabatan), never by username alone: the workflow
trail of a report, the return note on the form, the notices, a dataset's publication log."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from conftest import PASSWORD
from pantau.monitoring.models import PeriodeLaporan
from pantau.monitoring.services import realisasi_save, realisasi_transition
from pantau.notifications.models import Notifikasi
from pantau.organisations.models import Membership
from pantau.organisations.selectors import person_label
from pantau.organisations.services import membership_set

pytestmark = pytest.mark.django_db


def _name(user, first, last, jabatan=None):
    get_user_model().objects.filter(pk=user.pk).update(first_name=first, last_name=last)
    user.refresh_from_db()
    m = Membership.objects.get(user=user)
    membership_set(actor=None, user=user, pemda=m.pemda, role=m.role, opd=m.opd, jabatan=jabatan)
    return get_user_model().objects.prefetch_related("memberships__opd").get(pk=user.pk)


class TestPersonLabel:
    def test_full_name_and_position(self, world):
        user = _name(world.a.users["operator_opd"], "Siti", "Aminah", "Pengelola Data Program")
        assert (
            person_label(user, pemda_id=world.a.pemda.pk) == "Siti Aminah, Pengelola Data Program"
        )

    def test_an_account_named_after_its_position_is_named_once(self, world):
        user = _name(
            world.a.users["kepala_opd"], "Kepala Dinas", "Kesehatan", "Kepala Dinas Kesehatan"
        )
        assert person_label(user) == "Kepala Dinas Kesehatan"

    def test_role_and_opd_when_no_position_is_recorded(self, world):
        user = _name(world.a.users["kepala_opd"], "La Ode", "Hasan")
        assert person_label(user) == "La Ode Hasan, Kepala OPD Dinkes-a"

    def test_position_kept_when_the_role_changes(self, world):
        user = _name(world.a.users["verifikator"], "Wa Ode", "Sari", "Perencana Ahli Muda")
        membership_set(actor=None, user=user, pemda=world.a.pemda, role="auditor")
        assert Membership.objects.get(user=user).jabatan == "Perencana Ahli Muda"

    def test_username_and_role_when_the_account_has_no_name(self, world):
        user = world.a.users["auditor"]
        assert person_label(user) == "auditor.a, Auditor (Inspektorat)"


def _trail_text(html: str) -> str:
    return " ".join(
        re.findall(r'<ol class="list-unstyled small border-start[^"]*">(.*?)</ol>', html, re.S)
    )


class TestPeopleOnPages:
    def _returned(self, world, clock):
        clock.set("2026-02-05 10:00")
        a = world.a
        _name(a.users["operator_opd"], "Siti", "Aminah", "Pengelola Data Program")
        _name(a.users["kepala_opd"], "La Ode", "Hasan", "Kepala Dinas Kesehatan")
        report = realisasi_save(
            actor=a.users["operator_opd"],
            sub_kegiatan=a.sub,
            periode=PeriodeLaporan.objects.get(tahun_anggaran=a.ta, bulan=1),
            keuangan=Decimal(1_000_000),
            fisik=Decimal(1),
        )
        realisasi_transition(actor=a.users["operator_opd"], realisasi=report, name="submit")
        realisasi_transition(
            actor=a.users["kepala_opd"], realisasi=report, name="return_opd", catatan="Foto buram."
        )
        return report

    def test_trail_names_people_and_positions_not_usernames(self, client, world, clock):
        self._returned(world, clock)
        client.login(username="kepala_opd.a", password=PASSWORD)
        page = client.get(reverse("monitoring:riwayat", args=[world.a.sub.pk])).text
        trail = _trail_text(page)
        assert "Siti Aminah, Pengelola Data Program" in trail
        assert "La Ode Hasan, Kepala Dinas Kesehatan" in trail
        assert "operator_opd.a" not in trail and "kepala_opd.a" not in trail

    def test_return_note_on_the_form_says_who_returned_it(self, client, world, clock):
        self._returned(world, clock)
        client.login(username="operator_opd.a", password=PASSWORD)
        page = client.get(reverse("monitoring:laporan", args=[world.a.sub.pk, 1])).text
        assert "(La Ode Hasan, Kepala Dinas Kesehatan)" in page
        assert "(kepala_opd.a)" not in page

    def test_notice_names_who_returned_the_report(
        self, world, clock, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            self._returned(world, clock)
        note = Notifikasi.objects.get(user=world.a.users["operator_opd"])
        assert note.isi.endswith("(oleh La Ode Hasan, Kepala Dinas Kesehatan)")
