"""`core.bulk.insert_objects` (the plan import's keyed rows, decision 0021 "Performance"): every
instance gets the key of its own row, across batches, with the same column values and state
that `bulk_create` gives."""

from __future__ import annotations

import pytest

from pantau.core.bulk import insert_objects
from pantau.planning.models import Kegiatan

pytestmark = pytest.mark.django_db

COLUMNS = ["pemda_id", "program_id", "nomenklatur_id", "nama"]


def _rows(world, prefix: str, n: int) -> list[Kegiatan]:
    k = world.a.kegiatan
    return [
        Kegiatan(
            pemda_id=k.pemda_id,
            program=k.program,
            nomenklatur=k.nomenklatur,
            kode=f"{prefix}.{i:04d}",
            nama=f"Kegiatan {prefix} {i}",
        )
        for i in range(n)
    ]


def test_each_instance_gets_its_own_rows_key_across_batches(world):
    rows = _rows(world, "X", 1200)  # several batches on SQLite (999 parameters a statement)
    insert_objects(Kegiatan, rows)
    stored = dict(Kegiatan.objects.filter(kode__startswith="X.").values_list("pk", "kode"))
    assert len(stored) == 1200
    assert {o.pk: o.kode for o in rows} == stored
    assert all(not o._state.adding and o._state.db == "default" for o in rows)
    assert all(o.created_at is not None and o.updated_at is not None for o in rows)


def test_same_columns_as_bulk_create(world):
    ours, theirs = _rows(world, "A", 3), _rows(world, "B", 3)
    insert_objects(Kegiatan, ours)
    Kegiatan.objects.bulk_create(theirs)

    def values(prefix):
        return [
            tuple(v.replace(prefix, "") if isinstance(v, str) else v for v in row)
            for row in Kegiatan.objects.filter(kode__startswith=f"{prefix}.")
            .order_by("kode")
            .values_list(*COLUMNS)
        ]

    assert values("A") == values("B")
    assert Kegiatan.objects.get(pk=ours[0].pk).created_at == ours[0].created_at


def test_nothing_to_insert_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_objects(Kegiatan, [])
