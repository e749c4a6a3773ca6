"""Reading the report form of a `rahasia` sub kegiatan is a rahasia read (issue 10 §1.6),
recorded like the history, the monthly list and the dashboard lists."""

import pytest
from django.urls import reverse

from conftest import PASSWORD, classify
from pantau.audit.models import AuditEvent


def _reads(where: str) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(action="rahasia.read", changes___where=where).values_list(
            "actor_label", "object_id"
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["operator_opd", "auditor", "pimpinan"])
def test_opening_the_report_form_of_a_rahasia_sub_kegiatan_is_recorded(client, world, clock, role):
    clock.set("2026-02-05 10:00")
    form = reverse("monitoring:laporan", args=[world.a.sub.pk, 1])
    user = world.a.users[role]
    assert client.login(username=user.username, password=PASSWORD)
    assert client.get(form).status_code == 200
    assert _reads("laporan bulanan") == []  # terbatas: not a rahasia read
    classify(world.a, world.a.sub, "rahasia")
    assert client.get(form).status_code == 200
    assert _reads("laporan bulanan") == [(user.username, str(world.a.sub.pk))]
    event = AuditEvent.objects.get(action="rahasia.read", changes___where="laporan bulanan")
    assert event.object_type == "planning.subkegiatan" and event.pemda_id == world.a.pemda.pk
