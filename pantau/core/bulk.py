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


def insert_rows(model: type[models.Model], rows: list) -> None:
    if not rows:
        return
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(timezone.now())
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

    fields = plain + stamped + [f for f, _c in converted]
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for o in rows:
                    copy.write_row(values(o))
            return
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the model
        for start in range(0, len(rows), 1000):
            cursor.executemany(sql, [values(o) for o in rows[start : start + 1000]])
