"""Issue 10 §2: every password set goes through AUTH_PASSWORD_VALIDATORS (length, common,
numeric, similarity), with the reasons in the user's language; a refused password creates no
user and records no event."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import translation

from pantau.audit.models import AuditEvent
from pantau.organisations.services import user_create

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("1", "terlalu pendek"),
        ("12345678901", "seluruhnya terdiri dari angka"),
        ("password", "terlalu umum"),
        ("operator.dinkes", "terlalu mirip"),
    ],
)
def test_a_weak_password_is_refused_in_indonesian(password, reason):
    events = AuditEvent.objects.count()
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        user_create(actor=None, username="operator.dinkes", password=password)
    assert any(reason in m for m in caught.value.messages), caught.value.messages
    assert not User.objects.filter(username="operator.dinkes").exists()
    assert AuditEvent.objects.count() == events


def test_the_reason_in_english():
    with translation.override("en"), pytest.raises(ValidationError, match="too short"):
        user_create(actor=None, username="baru", password="1")


def test_a_good_password_is_accepted():
    user = user_create(actor=None, username="baru", password="x-Long-passw0rd")
    assert user.check_password("x-Long-passw0rd")
