"""Inserting many rows fast (benchmark B3, decision 0021 "Performance").

`bulk_create` spends most of a large insert preparing each value of each row through its field;
`insert_rows` chooses each column's converter once and hands plain values to the driver: COPY on
PostgreSQL, one `executemany` per thousand rows on SQLite, in the caller's transaction. The rows
are any objects with an attribute per column (`attname`: `opd_id`, not `opd`), model instances
or plain records; they must already be valid (derived rows, or rows checked as `full_clean`
would). Primary keys are not read back. `created_at`/`updated_at` are set to now.
"""

from __future__ import annotations

from django.db import connection, models
from django.utils import timezone


def insert_rows(model: type[models.Model], rows: list) -> None:
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(timezone.now())
    converters = []
    for f in fields:
        if f.attname in {"created_at", "updated_at"}:
            converters.append(lambda _o, v=stamp: v)
        elif isinstance(f, models.JSONField):
            converters.append(lambda o, f=f: f.get_db_prep_save(getattr(o, f.attname), connection))
        elif isinstance(f, models.DateTimeField):
            converters.append(lambda o, a=f.attname: ops.adapt_datetimefield_value(getattr(o, a)))
        elif isinstance(f, models.DateField):
            converters.append(lambda o, a=f.attname: ops.adapt_datefield_value(getattr(o, a)))
        else:  # numbers, text, booleans, keys and Decimals go to the driver as they are
            converters.append(lambda o, a=f.attname: getattr(o, a))
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for o in rows:
                    copy.write_row([c(o) for c in converters])
            return
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the model
        for start in range(0, len(rows), 1000):
            cursor.executemany(
                sql, [[c(o) for c in converters] for o in rows[start : start + 1000]]
            )
