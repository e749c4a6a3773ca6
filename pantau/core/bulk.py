"""Inserting many rows fast (benchmark B3, decision 0021 "Performance").

`bulk_create` spends most of a large insert preparing each value of each row through its field;
`insert_rows` chooses each column's converter once and hands plain values to the driver: COPY on
PostgreSQL, one `executemany` per thousand rows on SQLite, in the caller's transaction. The rows
are any objects with an attribute per column (`attname`: `opd_id`, not `opd`), model instances
or plain records; they must already be valid (derived rows, or rows checked as `full_clean`
would). Primary keys are not read back. `created_at`/`updated_at` are set to now.
"""

from __future__ import annotations

from operator import attrgetter

from django.db import connection, models
from django.utils import timezone


def _columns(model: type[models.Model]):
    """The columns to insert (all but the key), the time stamped now, and a function giving a
    row's values in that order."""
    ops = connection.ops
    now = timezone.now()
    stamp = ops.adapt_datetimefield_value(now)
    plain, stamped, converted = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.attname in {"created_at", "updated_at"}:
            stamped.append(f)
        elif isinstance(f, models.JSONField):
            converted.append((f, lambda v, f=f: f.get_db_prep_save(v, connection)))
        elif isinstance(f, models.DateTimeField):
            converted.append((f, ops.adapt_datetimefield_value))
        elif isinstance(f, models.DateField):
            converted.append((f, ops.adapt_datefield_value))
        else:  # numbers, text, booleans, keys and Decimals go to the driver as they are
            plain.append(f)
    # one C-level attrgetter per row for the plain columns (most of them), the stamps as one
    # constant tuple, a converter call only for the few columns that need one
    names = [f.attname for f in plain]
    if len(names) >= 2:
        take = attrgetter(*names)
    else:
        take = (lambda o, g=attrgetter(names[0]): (g(o),)) if names else (lambda _o: ())
    stamps = (stamp,) * len(stamped)
    others = [(attrgetter(f.attname), convert) for f, convert in converted]

    def values(o) -> tuple:
        return take(o) + stamps + tuple(convert(get(o)) for get, convert in others)

    return plain + stamped + [f for f, _c in converted], now, values


def insert_rows(model: type[models.Model], rows: list) -> None:
    if not rows:
        return
    fields, _now, values = _columns(model)
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for o in rows:
                    copy.write_row(values(o))
            return
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the model # nosec B608
        for start in range(0, len(rows), 1000):
            cursor.executemany(sql, [values(o) for o in rows[start : start + 1000]])


def insert_objects(model: type[models.Model], objs: list) -> None:
    """Model instances whose keys are needed afterwards (parents of other rows): inserted with
    the same column values as `insert_rows`, one `INSERT ... VALUES (...), ... RETURNING` per
    batch, each instance given its key, its time stamps and its saved state, as `bulk_create`
    does (which relies on the same order of the returned keys). On PostgreSQL `bulk_create`
    itself: its `INSERT ... SELECT * FROM UNNEST(...) RETURNING` (Django 5.2) measured faster
    there than a list of VALUES; also without RETURNING (SQLite before 3.35) and for a model
    with another field filled at save time."""
    if not objs:
        return
    automatic = [  # a field filled at save time other than the two stamps: bulk_create knows
        f
        for f in model._meta.concrete_fields
        if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
        and f.attname not in {"created_at", "updated_at"}
    ]
    if (
        automatic
        or connection.vendor == "postgresql"  # Django's own INSERT ... SELECT FROM UNNEST(...)
        or not connection.features.can_return_rows_from_bulk_insert
    ):
        model.objects.bulk_create(objs, batch_size=500)
        return
    fields, now, values = _columns(model)
    ops, pk = connection.ops, model._meta.pk
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    limit = connection.features.max_query_params
    per = min(1000, limit // len(fields)) if limit else 1000
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    stamped = [f.attname for f in fields if f.attname in {"created_at", "updated_at"}]
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per):
            batch = objs[start : start + per]
            sql = (
                f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - names from the model # nosec B608
                + ", ".join([marks] * len(batch))
                + f" RETURNING {ops.quote_name(pk.column)}"
            )
            cursor.execute(sql, [v for o in batch for v in values(o)])
            keys = [row[0] for row in cursor.fetchall()]
            for o, key in zip(batch, keys, strict=True):
                setattr(o, pk.attname, key)
                for name in stamped:
                    setattr(o, name, now)
                o._state.adding, o._state.db = False, connection.alias
