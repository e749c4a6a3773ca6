"""Idempotency keys of phone submissions: a reused key answers only the same content."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import PASSWORD
from pantau.monitoring.models import KunciPengiriman, PeriodeLaporan, Realisasi
from pantau.monitoring.services import (
    laporan_kirim,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _february(clock):
    clock.set("2026-02-05 10:00")


def jan(tenant):
    return PeriodeLaporan.objects.select_related("tahun_anggaran").get(
        tahun_anggaran=tenant.ta, bulan=1
    )


class TestKeys:
    def send(self, world, sub, keuangan="1.000", kunci="q" * 32):
        return laporan_kirim(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=sub,
            periode=jan(world.a),
            kunci=kunci,
            fields={"keuangan": keuangan, "fisik": "1"},
            files=[],
        )

    def test_key_reused_for_other_sub_is_refused_not_answered_ok(self, world):
        self.send(world, world.a.sub)
        with pytest.raises(ValidationError) as exc:
            self.send(world, world.a.sub2)
        assert exc.value.error_list[0].code == "kunci_dipakai"
        assert not Realisasi.objects.filter(sub_kegiatan=world.a.sub2).exists()

    def test_key_reused_for_other_content_is_refused(self, world):
        self.send(world, world.a.sub)
        with pytest.raises(ValidationError, match="isi yang lain"):
            self.send(world, world.a.sub, keuangan="2.000")
        assert Realisasi.objects.get().keuangan == Decimal(1000)

    def test_same_content_replays(self, world):
        first, _ = self.send(world, world.a.sub)
        again, new = self.send(world, world.a.sub)
        assert (again.pk, new) == (first.pk, False)
        assert KunciPengiriman.objects.get().sub_kegiatan_id == world.a.sub.pk

    def test_sync_endpoint_answers_409(self, client, world):
        client.login(username="operator_opd.a", password=PASSWORD)
        url = reverse("monitoring:laporan", args=[world.a.sub.pk, 1])
        client.post(url, {"kunci": "w" * 32, "keuangan": "1", "fisik": "1"}, HTTP_X_PANTAU_SYNC="1")
        response = client.post(
            url, {"kunci": "w" * 32, "keuangan": "2", "fisik": "1"}, HTTP_X_PANTAU_SYNC="1"
        )
        assert response.status_code == 409 and "isi yang lain" in response.json()["errors"][0]
