"""A form refused for its CSRF token (an old tab, a session that ended, another sign-in page
opened meanwhile) says so in words, changes nothing, and leads back to a fresh copy of the page."""

import pytest
from django.test import Client

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_stale_sign_in_form_says_so_and_leads_back(world):
    client = Client(enforce_csrf_checks=True)
    user = world.a.users["operator_opd"]
    response = client.post("/masuk/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 403
    text = response.content.decode()
    assert "Formulir ini sudah kedaluwarsa" in text and 'href="/masuk/"' in text
    assert "_auth_user_id" not in client.session  # not signed in


def test_the_stale_form_page_in_english(world):
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    client.cookies["django_language"] = "en"
    response = client.post("/masuk/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
