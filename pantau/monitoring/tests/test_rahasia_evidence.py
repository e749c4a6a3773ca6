"""Evidence follows its sub kegiatan (issue 10 §1.4): a photo is readable only when both it
and its sub kegiatan are (`monitoring.selectors.bukti_visible_q`), on every path: the report
form, the history, the count of the monthly list, its page, its original, thumbnail and public
copy, the classification screens and the public portal."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import PASSWORD, classify
from pantau.audit.models import AuditEvent
from pantau.monitoring.models import PeriodeLaporan
from pantau.monitoring.services import bukti_add, realisasi_save
from pantau.monitoring.tests.photos import jpeg

VARIANTS = ["asli", "thumb", "publik"]


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def report(world, clock):
    clock.set("2026-02-05 10:00")
    periode = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1)
    return realisasi_save(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub,
        periode=periode,
        keuangan=Decimal(10_000_000),
        fisik=Decimal(5),
    )


def _photo(world, report, name: str, color):
    return bukti_add(
        actor=world.a.users["operator_opd"],
        realisasi=report,
        name=name,
        data=jpeg(color=color),
    )


def _pages(world):
    return [
        reverse("monitoring:laporan", args=[world.a.sub.pk, 1]),
        reverse("monitoring:riwayat", args=[world.a.sub.pk]),
    ]


@pytest.mark.django_db
def test_a_rahasia_photo_of_a_readable_sub_kegiatan_is_nowhere_for_a_non_reader(
    client, world, report
):
    from pantau.monitoring.selectors import entry_rows

    secret = _photo(world, report, "KANARIfotorahasia.jpg", (200, 30, 30))
    shown = _photo(world, report, "foto-biasa.jpg", (30, 200, 30))
    classify(world.a, secret, "rahasia")
    verifier = world.a.users["verifikator"]
    login(client, verifier)
    for url in _pages(world):
        page = client.get(url)
        assert page.status_code == 200
        assert "KANARIfotorahasia" not in page.text and "foto-biasa" in page.text, url
    periode = report.periode
    (row,) = [
        r
        for r in entry_rows(user=verifier, opd=world.a.dinkes, periode=periode)
        if r.sub == world.a.sub
    ]
    assert row.jumlah_bukti == 1  # the count leaves it out too
    daftar = client.get(reverse("monitoring:daftar") + f"?opd={world.a.dinkes.pk}&bulan=1")
    assert "KANARIfotorahasia" not in daftar.text
    for url in [reverse("monitoring:bukti", args=[secret.pk])] + [
        reverse("monitoring:bukti-berkas", args=[secret.pk, v]) for v in VARIANTS
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("monitoring:bukti", args=[shown.pk])).status_code == 200
    # the producing OPD still sees both, and the rahasia one shown is recorded as read
    login(client, world.a.users["operator_opd"])
    assert "KANARIfotorahasia" in client.get(_pages(world)[0]).text
    assert AuditEvent.objects.filter(
        action="rahasia.read", object_type="monitoring.bukti", object_id=str(secret.pk)
    ).exists()


@pytest.mark.django_db
def test_a_public_photo_of_a_rahasia_sub_kegiatan_is_out_of_reach_of_a_non_reader(
    client, world, report
):
    from pantau.opendata import public

    photo = _photo(world, report, "KANARIfotosub.jpg", (30, 30, 200))
    classify(world.a, photo, "publik")
    classify(world.a, world.a.sub, "rahasia")
    login(client, world.a.users["verifikator"])
    urls = [reverse("monitoring:bukti", args=[photo.pk])]
    urls += [reverse("monitoring:bukti-berkas", args=[photo.pk, v]) for v in VARIANTS]
    urls += [reverse("monitoring:bukti-hapus", args=[photo.pk])]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("monitoring:bukti-hapus", args=[photo.pk]),
        reverse("opendata-kelola:klasifikasi-ubah", args=["bukti", photo.pk]),
    ):
        assert client.post(url, {"klasifikasi": "terbatas"}).status_code == 404, url
    assert public.photo(world.a.pemda, photo.pk) is None
    # a reader opens the original, and the read is recorded for the photo and its sub kegiatan
    login(client, world.a.users["auditor"])
    assert client.get(urls[1]).status_code == 200
    read = set(
        AuditEvent.objects.filter(action="rahasia.read", changes___where="bukti").values_list(
            "object_type", "object_id"
        )
    )
    assert read == {("planning.subkegiatan", str(world.a.sub.pk))}
