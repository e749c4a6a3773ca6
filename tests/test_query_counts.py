"""The number of queries of list pages does not grow with the data (no N+1)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import NOMEN_ROWS, PASSWORD
from pantau.monitoring.models import PeriodeLaporan
from pantau.monitoring.services import realisasi_save
from pantau.planning.models import Nomenklatur
from pantau.planning.services import sub_kegiatan_create

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(world, n=6):
    """More sub kegiatan with reports in January for Dinkes."""
    jan = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1)
    for i in range(4, 4 + n):
        kode = f"1.02.02.2.01.{i:04d}"
        Nomenklatur.objects.get_or_create(
            tahun=2026, kode=kode, defaults={"nama": f"Sub {i}", "tingkat": "sub_kegiatan"}
        )
        sub = sub_kegiatan_create(
            actor=None, kegiatan=world.a.kegiatan, kode=kode, pagu_murni=Decimal(10_000_000)
        )
        realisasi_save(
            actor=None, sub_kegiatan=sub, periode=jan, keuangan=Decimal(1_000_000), fisik=Decimal(5)
        )


@pytest.mark.parametrize(
    ("username", "url_name", "args", "query"),
    [
        ("pimpinan.a", "organisations:opd-list", [], "?bulan=1"),
        ("pimpinan.a", "organisations:opd-detail", ["dinkes"], "?bulan=1"),
        ("operator_opd.a", "monitoring:daftar", [], "?bulan=1"),
        ("verifikator.a", "monitoring:kepatuhan", [], "?bulan=1"),
        ("pimpinan.a", "core:home", [], ""),
    ],
)
def test_queries_independent_of_size(client, world, clock, username, url_name, args, query):
    clock.set("2026-02-05 10:00")
    assert NOMEN_ROWS  # the fixture's nomenclature is small; grow() adds codes on purpose
    client.login(username=username, password=PASSWORD)
    url = reverse(url_name, args=[world.a.dinkes.pk for _ in args]) + query
    before = count(client, url)
    grow(world)
    assert count(client, url) == before
