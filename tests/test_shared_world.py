"""The conftest's one-world-per-module (the suite's speed): each test still starts from the world as
built, whatever an earlier test changed in the database or in memory, and tests that do not ask
for the world never see its rows."""

from decimal import Decimal

import pytest
from django.db import connection

from pantau.organisations.models import Pemda
from pantau.planning.models import SubKegiatan

ORIGINAL = Decimal("600000000")


def _both_as_built(world):
    assert world.a.sub.pagu_murni == ORIGINAL
    assert SubKegiatan.objects.get(pk=world.a.sub.pk).pagu_murni == ORIGINAL
    assert Pemda.objects.count() == 2


def test_first_changes_the_world_in_the_database_and_in_memory(world):
    _both_as_built(world)
    SubKegiatan.objects.filter(pk=world.a.sub.pk).update(pagu_murni=Decimal(1))
    world.a.sub.pagu_murni = Decimal(1)
    world.a.users["admin"].username = "diubah"
    Pemda.objects.create(kode="74.99", nama="Sisa Uji")


def test_second_sees_neither_change(world):
    _both_as_built(world)
    assert world.a.users["admin"].username == "admin.a"
    assert not Pemda.objects.filter(kode="74.99").exists()


@pytest.mark.django_db
def test_a_test_without_the_world_sees_none_of_it():
    # defined last, run before the module's world tests (conftest's ordering)
    assert Pemda.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_builds_its_own_outside_any_transaction(world):
    assert not connection.in_atomic_block
    _both_as_built(world)


def test_the_ordering_puts_the_world_last(request):
    # a test without the database: pytest-django runs it after every database test
    names = [item.name for item in request.session.items if item.module is request.module]
    assert names.index("test_a_test_without_the_world_sees_none_of_it") < names.index(
        "test_first_changes_the_world_in_the_database_and_in_memory"
    )
    assert names.index("test_second_sees_neither_change") < names.index(
        "test_a_transactional_test_builds_its_own_outside_any_transaction"
    )
