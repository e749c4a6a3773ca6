"""The audit trail in the admin shows a pemda admin only their own pemda."""

import pytest
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


class TestAuditAdminScope:
    def test_admin_sees_own_pemda_audit_only(self, client, world):
        from pantau.audit.models import AuditEvent
        from pantau.organisations.services import reference_admin_grant

        reference_admin_grant(actor=None, user=world.a.users["admin"])
        client.login(username="admin.a", password=PASSWORD)
        url = reverse("admin:audit_auditevent_changelist")
        page = client.get(url + f"?pemda__id__exact={world.b.pemda.pk}")
        assert "Dinkes-b" not in page.text and "Kabupaten Uji B" not in page.text
        b_event = AuditEvent.objects.filter(pemda=world.b.pemda).first()
        assert client.get(
            reverse("admin:audit_auditevent_change", args=[b_event.pk])
        ).status_code in (302, 404)
