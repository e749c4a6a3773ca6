"""The OPD pages read odd query parameters without failing and without writing."""

import pytest
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_unicode_digits_in_query_do_not_crash(client, world):
    client.login(username="pimpinan.a", password=PASSWORD)
    for url in (
        reverse("organisations:opd-list"),
        reverse("organisations:opd-detail", args=[world.a.dinkes.pk]),
    ):
        assert client.get(url + "?bulan=²&tahun=٣").status_code == 200
