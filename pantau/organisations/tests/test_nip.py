"""A NIP is 18 digits in BKN's layout (birth date, appointment month or PPPK's 21, sex, number),
accepted as grouped on paper and stored as its digits, everywhere one is typed."""

import re

import pytest
from django.core.exceptions import ValidationError

from pantau.organisations import services_kelola as svc
from pantau.organisations.codes import normalise_nip, validate_nip
from pantau.organisations.models import Opd, Profil

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "nip",
    [
        "198501012009011001",  # PNS
        "19850101 200901 1 001",  # grouped as on the SK
        "198503152022212001",  # PPPK: the year of appointment followed by 21
    ],
)
def test_valid(nip, clock):
    clock.set("2026-12-04 10:00")
    validate_nip(nip)


@pytest.mark.parametrize(
    ("nip", "why"),
    [
        ("19850101200901100", "18 angka"),
        ("1985010120090110011", "18 angka"),
        ("19850101200901100a", "18 angka"),
        ("198513452009131001", "tanggal lahir di dalamnya (19851345) bukan tanggal"),
        ("198501012009131001", "bulan dan tahun pengangkatan di dalamnya (200913)"),
        ("198501011980011001", "bulan dan tahun pengangkatan"),  # appointed before birth
        ("198501012040011001", "bulan dan tahun pengangkatan"),  # in the future
        ("198501012009013001", "jenis kelamin"),
        ("198501012009011000", "nomor urut"),
    ],
)
def test_refused_with_the_reason(nip, why, clock):
    clock.set("2026-12-04 10:00")
    with pytest.raises(ValidationError) as exc:
        validate_nip(nip)
    assert why in exc.value.messages[0] and nip in exc.value.messages[0]


def test_normalise():
    assert normalise_nip(" 19850101 200901 1 001 ") == "198501012009011001"
    assert normalise_nip("19850101.200901.1.001") == "198501012009011001"


def test_stored_as_digits_from_the_profile_and_the_opd(world, clock):
    clock.set("2026-12-04 10:00")
    a = world.a
    user = a.users["kepala_opd"]
    svc.profil_update(actor=user, user=user, first_name="La Ode", nip="19700101 200003 1 001")
    assert Profil.objects.get(user=user).nip == "197001012000031001"
    svc.opd_save(
        actor=a.users["admin"], pemda=a.pemda, opd=a.dinkes, kepala_nip="19700101 200003 1 001"
    )
    assert Opd.objects.get(pk=a.dinkes.pk).kepala_nip == "197001012000031001"


def test_the_profile_form_keeps_a_grouped_nip_whole(client, world):
    """The input takes the grouped form (it used to stop at 18 characters, cutting it)."""
    from conftest import PASSWORD

    user = world.a.users["operator_opd"]
    client.login(username=user.username, password=PASSWORD)
    page = client.get("/akun/profil/").content.decode()
    assert re.search(r'<input[^>]*name="nip"[^>]*maxlength="24"', page)
