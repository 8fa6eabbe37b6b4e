"""A lean ``bulk_create`` for the import's hot path.

Django's ``bulk_create`` builds a model instance per row and passes every
value through several layers of the field API; on an import of 100,000
activities with a dozen child rows each, that costs more than the writing
itself. Here child rows are plain tuples, and only the values that need it
(JSON, date-times, automatic timestamps) go through the field; strings,
numbers, dates, booleans and foreign keys go to the driver as they are, which
both SQLite (with Django's adapters) and psycopg take. Columns a caller leaves
out get the field's default, as ``bulk_create`` would give them.
"""

from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db import connection, models
from django.db.models.constants import OnConflict
from django.utils import timezone

# Field types whose Python value the database drivers take unchanged.
PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DecimalField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)


def insert_values(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence], *, ignore_conflicts: bool = False
) -> None:
    """Insert ``rows`` (tuples of values for the fields ``names``, by attribute
    name, e.g. ``engagement_id``): PostgreSQL's COPY where it can, else one
    prepared statement for all rows."""
    rows = list(rows)
    if not rows:
        return
    # The names are of columns (attribute names), so each is a concrete field.
    given = [cast(models.Field, model._meta.get_field(name)) for name in names]
    prepare = [field.get_internal_type() not in PLAIN_TYPES for field in given]
    others = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in names]
    constants = [_prepared(field, _default(field)) for field in others]
    fields = given + others
    if any(prepare):
        rows = [
            [
                _prepared(field, value) if needs else value
                for field, needs, value in zip(given, prepare, row, strict=True)
            ]
            for row in rows
        ]
    rows = [(*row, *constants) for row in rows]
    if connection.vendor == "postgresql" and not ignore_conflicts:
        _copy(model, fields, rows)
        return
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    sql = (
        f"{connection.ops.insert_statement(on_conflict=on_conflict)} {_quoted(model._meta.db_table)} "
        f"({_columns(fields)}) VALUES ({', '.join(['%s'] * len(fields))}) "
        f"{connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None) or ''}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _copy(model: type[models.Model], fields: list[models.Field], rows: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL's COPY: ten times faster than INSERTs for thousands of rows."""
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {_quoted(model._meta.db_table)} ({_columns(fields)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def insert_rows(objects: Sequence[models.Model], *, key: str) -> None:
    """Insert unsaved instances of one model; each gets its primary key, found
    by ``key``, a field unique among them."""
    if not objects:
        return
    model = type(objects[0])
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    plain = [field.get_internal_type() in PLAIN_TYPES for field in fields]
    rows = [_row(obj, fields, plain) for obj in objects]
    if connection.vendor == "postgresql":
        _copy(model, fields, rows)
        # The base manager: these are the rows just written, read back for their keys.
        pks = dict(
            model._base_manager.filter(**{f"{key}__in": [getattr(obj, key) for obj in objects]}).values_list(key, "pk")
        )
        found = [pks[getattr(obj, key)] for obj in objects]
    else:
        found = _insert_returning(model, fields, rows)
    for obj, pk in zip(objects, found, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def _insert_returning(model: type[models.Model], fields: list[models.Field], rows: list[list]) -> list:
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, connection.ops.bulk_batch_size(fields, rows))
    pks = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            # Names come from the model, quoted by the backend; values are parameters.
            sql = (
                f"INSERT INTO {_quoted(model._meta.db_table)} ({_columns(fields)}) "  # noqa: S608
                f"VALUES {', '.join([row_marks] * len(batch))} RETURNING {_quoted(model._meta.pk.column)}"
            )
            cursor.execute(sql, [value for row in batch for value in row])
            # Rows come back in the order they were given, as Django's own
            # bulk_create relies on.
            pks += [pk for (pk,) in cursor.fetchall()]
    return pks


def _row(obj: models.Model, fields: list[models.Field], plain: list[bool]) -> list:
    return [
        getattr(obj, field.attname) if is_plain else _prepared(field, field.pre_save(obj, add=True))
        for field, is_plain in zip(fields, plain, strict=True)
    ]


def _default(field: models.Field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


def _prepared(field: models.Field, value):
    return field.get_db_prep_save(value, connection)


def _columns(fields: list[models.Field]) -> str:
    return ", ".join(_quoted(field.column) for field in fields)


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)
