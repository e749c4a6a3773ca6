"""A report's warnings are shown in the reader's language, not in the language of whoever saved
the report (they are stored with their code and figures and written again when read)."""

from decimal import Decimal

import pytest
from django.utils import translation

from pantau.monitoring.models import PeriodeLaporan
from pantau.monitoring.rules import warning_text, warnings_realisasi
from pantau.monitoring.services import realisasi_save
from pantau.monitoring.tests.test_views import form_url, login

pytestmark = pytest.mark.django_db


def _both():
    return warnings_realisasi(
        pagu=Decimal(1_000_000),
        kumulatif=Decimal(721_000),
        fisik=Decimal("7.5"),
        fisik_sebelumnya=Decimal(83),
        gap=Decimal(25),
    )


def test_warnings_written_again_in_the_active_language():
    with translation.override("en"):
        stored = _both()
    assert "lower than last month" in stored[0]["pesan"]  # saved by an English reader
    with translation.override("id"):
        assert [warning_text(w) for w in stored] == [
            "Fisik kumulatif (7,5%) lebih rendah dari bulan lalu (83,0%).",
            "Fisik 7,5% dan keuangan 72,1% berselisih lebih dari 25,0 poin.",
        ]
    with translation.override("en"):
        assert [warning_text(w) for w in stored] == [w["pesan"] for w in stored]


def test_a_warning_stored_without_its_figures_keeps_its_text():
    old = {"kode": "fisik_turun", "pesan": "Fisik kumulatif (5,0%) lebih rendah dari bulan lalu."}
    with translation.override("en"):
        assert warning_text(old) == old["pesan"]
    broken = {
        "kode": "selisih_fisik_keuangan",
        "pesan": "teks",
        "fisik": "x",
        "keuangan": "1",
        "selisih": "2",
    }
    assert warning_text(broken) == "teks"


def test_the_form_shows_an_english_saved_report_in_indonesian(client, world, clock):
    a = world.a
    for bulan, fisik in ((1, "83"), (2, "7.5")):
        clock.set(f"2026-0{bulan + 1}-05 10:00")  # each month reported while it is open
        with translation.override("en"):
            realisasi_save(
                actor=a.users["operator_opd"],
                sub_kegiatan=a.sub,
                periode=PeriodeLaporan.objects.get(tahun_anggaran=a.ta, bulan=bulan),
                keuangan=Decimal(1_000_000),
                fisik=Decimal(fisik),
            )
    login(client, a.users["operator_opd"])
    page = client.get(form_url(a, bulan=2), HTTP_ACCEPT_LANGUAGE="id")
    assert "lebih rendah dari bulan lalu (83,0%)" in page.text
    assert "lower than last month" not in page.text
