"""The classification screen: the Walidata (and Bappeda's verifier) sets the level of sub
kegiatan (one by one or a selection at once), their indicators and their evidence."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import PASSWORD, classify
from pantau.audit.models import AuditEvent
from pantau.planning.models import SubKegiatan

pytestmark = pytest.mark.django_db
LIST = reverse("opendata-kelola:klasifikasi") + "?tahun=2026"


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def _levels(*subs):
    return [SubKegiatan.objects.get(pk=s.pk).klasifikasi for s in subs]


def _report_with_photo(world, clock):
    from pantau.monitoring.models import PeriodeLaporan
    from pantau.monitoring.services import bukti_add, realisasi_save
    from pantau.monitoring.tests.photos import jpeg

    clock.set("2026-07-05T10:00")
    operator = world.a.users["operator_opd"]
    report = realisasi_save(
        actor=operator,
        sub_kegiatan=world.a.sub,
        periode=PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=6),
        keuangan=Decimal(50_000_000),
        fisik=Decimal(48),
    )
    return bukti_add(actor=operator, realisasi=report, name="lapangan.jpg", data=jpeg())


def _indicator(world, nama, satuan):
    from pantau.planning.choices import Rumus
    from pantau.planning.services import indikator_create

    return indikator_create(
        actor=None,
        induk=world.a.sub,
        nama=nama,
        satuan=satuan,
        rumus=Rumus.TREN_POSITIF,
        target_tahunan=Decimal(2),
    )


@pytest.mark.parametrize("role", ["admin", "verifikator"])
def test_walidata_and_verifier_open_the_screen(client, world, role):
    login(client, world.a.users[role])
    page = client.get(LIST)
    assert page.status_code == 200
    assert world.a.sub.nama in page.text and world.a.sub_pupr.nama in page.text
    assert {s.pemda_id for s in page.context["page"]} == {world.a.pemda.pk}
    assert reverse("opendata-kelola:klasifikasi") in client.get("/satu-data/").text


@pytest.mark.parametrize("role", ["operator_opd", "kepala_opd", "pimpinan", "auditor"])
def test_other_roles_do_not(client, world, role):
    login(client, world.a.users[role])
    assert client.get(LIST).status_code == 404
    sub = reverse("opendata-kelola:klasifikasi-sub", args=[world.a.sub.pk])
    assert client.get(sub).status_code == 404
    ubah = reverse("opendata-kelola:klasifikasi-ubah", args=["sub", world.a.sub.pk])
    assert client.post(ubah, {"klasifikasi": "publik", "kelas_kip": "berkala"}).status_code == 404
    assert _levels(world.a.sub) == ["terbatas"]


def test_a_selection_is_published_at_once_and_each_change_audited(client, world):
    login(client, world.a.users["admin"])
    page = client.post(
        LIST,
        {
            "pilih": [world.a.sub.pk, world.a.sub2.pk, world.b.sub.pk],  # B's is not in scope
            "klasifikasi": "publik",
            "kelas_kip": "berkala",
        },
        follow=True,
    )
    assert "2 sub kegiatan kini berklasifikasi Publik." in page.text
    assert _levels(world.a.sub, world.a.sub2, world.a.sub_pupr, world.b.sub) == [
        "publik",
        "publik",
        "terbatas",
        "terbatas",
    ]
    events = AuditEvent.objects.filter(action="subkegiatan.klasifikasi").order_by("object_id")
    assert [e.object_id for e in events] == sorted([str(world.a.sub.pk), str(world.a.sub2.pk)])
    first = events[0]
    assert first.changes["klasifikasi"] == ["terbatas", "publik"]
    assert first.changes["kelas_kip"] == ["", "berkala"]
    assert first.actor == world.a.users["admin"] and first.pemda_id == world.a.pemda.pk
    # the public portal now lists the activity
    from pantau.opendata import public

    assert public.activity(world.a.pemda, world.a.sub.pk) is not None


@pytest.mark.parametrize(
    "data, message",
    [
        ({"klasifikasi": "publik"}, "Data publik wajib mencatat kelas informasi (Pasal 9/10/11)."),
        (
            {"klasifikasi": "rahasia", "dasar_pengecualian": "17a"},
            "Tuliskan alasan klasifikasi (uji konsekuensi).",
        ),
        (
            {"klasifikasi": "terbatas", "alasan": "Belum diverifikasi."},
            "Data terbatas atau rahasia wajib mencatat dasar pengecualian (Pasal 17).",
        ),
        ({"klasifikasi": "bocor"}, "Pilih klasifikasi."),
        ({}, "Pilih klasifikasi."),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(client, world, data, message):
    login(client, world.a.users["admin"])
    before = AuditEvent.objects.count()
    page = client.post(LIST, {"pilih": [world.a.sub.pk, world.a.sub2.pk], **data}, follow=True)
    assert message in page.text
    assert _levels(world.a.sub, world.a.sub2) == ["terbatas", "terbatas"]
    assert AuditEvent.objects.count() == before


def test_bad_input_in_english(client, world):
    login(client, world.a.users["admin"])
    client.cookies["django_language"] = "en"
    page = client.post(LIST, {"pilih": [world.a.sub.pk], "klasifikasi": "publik"}, follow=True)
    assert "Public data must record its information class" in page.text
    assert _levels(world.a.sub) == ["terbatas"]
    page = client.post(LIST, {"klasifikasi": "publik", "kelas_kip": "berkala"}, follow=True)
    assert "Select at least one sub kegiatan." in page.text


def test_filters_and_constant_query_count(client, world, django_assert_max_num_queries):
    from pantau.opendata.services import klasifikasi_set_many

    klasifikasi_set_many(
        actor=world.a.users["admin"],
        model=SubKegiatan,
        pks=[world.a.sub.pk],
        klasifikasi="publik",
        kelas_kip="berkala",
    )
    login(client, world.a.users["admin"])
    page = client.get(LIST + "&level=publik")
    assert [s.pk for s in page.context["page"]] == [world.a.sub.pk]
    page = client.get(LIST + f"&opd={world.a.pupr.pk}")
    assert [s.pk for s in page.context["page"]] == [world.a.sub_pupr.pk]
    page = client.get(LIST + "&q=1.02.02.2.01.0002")
    assert [s.pk for s in page.context["page"]] == [world.a.sub2.pk]
    with django_assert_max_num_queries(14):
        client.get(LIST)


def test_indicator_and_photo_levels_on_the_sub_kegiatan_page(client, world, clock):
    from pantau.opendata import public
    from pantau.planning.models import Indikator

    photo = _report_with_photo(world, clock)
    ind = _indicator(world, "Jumlah puskesmas dibangun", "unit")
    login(client, world.a.users["verifikator"])
    url = reverse("opendata-kelola:klasifikasi-sub", args=[world.a.sub.pk])
    page = client.get(url)
    assert ind.nama in page.text and "lapangan.jpg" in page.text
    assert reverse("monitoring:bukti-berkas", args=[photo.pk, "thumb"]) in page.text
    ubah = reverse("opendata-kelola:klasifikasi-ubah", args=["indikator", ind.pk])
    done = client.post(ubah, {"klasifikasi": "publik", "kelas_kip": "setiap_saat"}, follow=True)
    assert done.redirect_chain[-1][0] == url
    assert Indikator.objects.get(pk=ind.pk).kelas_kip == "setiap_saat"
    ubah = reverse("opendata-kelola:klasifikasi-ubah", args=["bukti", photo.pk])
    client.post(ubah, {"klasifikasi": "publik", "kelas_kip": "berkala"})
    photo.refresh_from_db()
    assert photo.klasifikasi == "publik"
    assert not public.photos(SubKegiatan.objects.get(pk=world.a.sub.pk))  # sub still terbatas
    events = AuditEvent.objects.filter(action__in=["indikator.klasifikasi", "bukti.klasifikasi"])
    assert events.count() == 2
    # another pemda's items are out of reach
    other = reverse("opendata-kelola:klasifikasi-ubah", args=["sub", world.b.sub.pk])
    assert client.post(other, {"klasifikasi": "publik", "kelas_kip": "berkala"}).status_code == 404
    assert client.get(reverse("opendata-kelola:klasifikasi-ubah", args=["x", 1])).status_code == 405
    assert (
        client.post(reverse("opendata-kelola:klasifikasi-ubah", args=["x", 1])).status_code == 404
    )


def test_rahasia_items_only_for_the_walidata(client, world):

    sub = classify(world.a, world.a.sub, "rahasia", alasan="Penyelidikan.")
    url = reverse("opendata-kelola:klasifikasi-sub", args=[sub.pk])
    login(client, world.a.users["verifikator"])  # Bappeda does not read rahasia items
    assert sub.nama not in client.get(LIST).text
    assert client.get(url).status_code == 404
    client.post(LIST, {"pilih": [sub.pk], "klasifikasi": "publik", "kelas_kip": "berkala"})
    assert _levels(sub) == ["rahasia"]
    login(client, world.a.users["admin"])
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(
        action="rahasia.read", object_id=str(sub.pk), changes___where="klasifikasi"
    ).exists()


def test_bulk_service_is_all_or_nothing_and_checked(world):
    from django.core.exceptions import PermissionDenied, ValidationError

    from pantau.opendata.services import klasifikasi_set_many

    with pytest.raises(PermissionDenied):
        klasifikasi_set_many(
            actor=world.a.users["operator_opd"],
            model=SubKegiatan,
            pks=[world.a.sub.pk],
            klasifikasi="publik",
            kelas_kip="berkala",
        )
    with pytest.raises(PermissionDenied):  # one row of another pemda refuses the whole change
        klasifikasi_set_many(
            actor=world.a.users["admin"],
            model=SubKegiatan,
            pks=[world.a.sub.pk, world.b.sub.pk],
            klasifikasi="publik",
            kelas_kip="berkala",
        )
    for bad in ({"kelas_kip": "xx"}, {"kelas_kip": ""}):
        with pytest.raises(ValidationError):
            klasifikasi_set_many(
                actor=world.a.users["admin"],
                model=SubKegiatan,
                pks=[world.a.sub.pk],
                klasifikasi="publik",
                **bad,
            )
    with pytest.raises(ValidationError):
        klasifikasi_set_many(
            actor=world.a.users["admin"],
            model=SubKegiatan,
            pks=[world.a.sub.pk],
            klasifikasi="terbatas",
            dasar_pengecualian="17i",
            alasan="x" * 501,
        )
    assert _levels(world.a.sub, world.b.sub) == ["terbatas", "terbatas"]
    # setting the level a row already has changes nothing and records nothing
    assert (
        klasifikasi_set_many(
            actor=world.a.users["admin"],
            model=SubKegiatan,
            pks=[world.a.sub.pk],
            klasifikasi="terbatas",
            dasar_pengecualian="17i",
            alasan="Belum diverifikasi dan belum disetujui untuk dipublikasikan.",
        )
        == 0
    )


def test_the_service_refuses_a_rahasia_item_to_a_non_reader(world):
    """The screen hides rahasia items from Bappeda's verifier; the service refuses them too
    (the level is read under lock, so a raise between page and post is caught)."""
    from django.core.exceptions import PermissionDenied

    from pantau.opendata.services import klasifikasi_set, klasifikasi_set_many

    sub = classify(world.a, world.a.sub, "rahasia", alasan="Penyelidikan.")
    verifier = world.a.users["verifikator"]
    with pytest.raises(PermissionDenied):
        klasifikasi_set(actor=verifier, obj=sub, klasifikasi="publik", kelas_kip="berkala")
    with pytest.raises(PermissionDenied):  # all or nothing: sub2 is not changed either
        klasifikasi_set_many(
            actor=verifier,
            model=SubKegiatan,
            pks=[world.a.sub2.pk, sub.pk],
            klasifikasi="publik",
            kelas_kip="berkala",
        )
    assert _levels(sub, world.a.sub2) == ["rahasia", "terbatas"]


def test_items_of_a_rahasia_sub_kegiatan_are_out_of_a_non_readers_reach(client, world, clock):
    photo = _report_with_photo(world, clock)
    ind = _indicator(world, "Jumlah saksi dilindungi", "orang")
    classify(world.a, world.a.sub, "rahasia", alasan="Penyelidikan.")
    login(client, world.a.users["verifikator"])
    for jenis, pk in (("indikator", ind.pk), ("bukti", photo.pk)):
        url = reverse("opendata-kelola:klasifikasi-ubah", args=[jenis, pk])
        answer = client.post(url, {"klasifikasi": "publik", "kelas_kip": "berkala"})
        assert answer.status_code == 404, jenis
    ind.refresh_from_db()
    photo.refresh_from_db()
    assert (ind.klasifikasi, photo.klasifikasi) == ("terbatas", "terbatas")
    # the list's counts leave out what the verifier cannot see
    classify(world.a, world.a.sub, "terbatas", alasan="Selesai diperiksa.", dasar="17i")
    classify(world.a, ind, "rahasia", alasan="Penyelidikan.")
    row = next(s for s in client.get(LIST).context["page"] if s.pk == world.a.sub.pk)
    assert (row.n_indikator, row.n_foto) == (0, 1)
    login(client, world.a.users["admin"])
    row = next(s for s in client.get(LIST).context["page"] if s.pk == world.a.sub.pk)
    assert (row.n_indikator, row.n_foto) == (1, 1)


def test_the_list_records_the_rahasia_rows_it_shows(client, world):

    sub = classify(world.a, world.a.sub, "rahasia", alasan="Penyelidikan.")
    login(client, world.a.users["admin"])
    assert sub.nama in client.get(LIST).text
    assert list(
        AuditEvent.objects.filter(
            action="rahasia.read", changes___where="daftar klasifikasi"
        ).values_list("object_id", flat=True)
    ) == [str(sub.pk)]


def test_odd_digits_and_bulk_timestamps(client, world):
    from pantau.opendata.services import klasifikasi_set_many

    login(client, world.a.users["admin"])
    for odd in ("²", "99999999999999999999"):  # not an id; and too big for the database
        assert client.get(LIST + f"&opd={odd}").status_code == 200
        assert client.get(f"/dasbor/rincian/sub/?opd={odd}").status_code == 200
    page = client.post(LIST, {"pilih": ["²", "١"], "klasifikasi": "publik"}, follow=True)
    assert "Pilih paling sedikit satu sub kegiatan." in page.text
    before = SubKegiatan.objects.get(pk=world.a.sub.pk).updated_at
    klasifikasi_set_many(
        actor=world.a.users["admin"],
        model=SubKegiatan,
        pks=[world.a.sub.pk],
        klasifikasi="publik",
        kelas_kip="berkala",
    )
    assert SubKegiatan.objects.get(pk=world.a.sub.pk).updated_at > before


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in (
        LIST,
        reverse("opendata-kelola:klasifikasi-sub", args=[world.a.sub.pk]),
    ):
        answer = client.get(url)
        assert answer.status_code == 302 and answer.url.startswith(reverse("login"))
    ubah = reverse("opendata-kelola:klasifikasi-ubah", args=["sub", world.a.sub.pk])
    assert client.post(ubah, {"klasifikasi": "publik", "kelas_kip": "berkala"}).status_code == 302
    assert _levels(world.a.sub) == ["terbatas"]
