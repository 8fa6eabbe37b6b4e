"""The number of rows of every table the hub's models keep, to show that something
wrote nothing: compare ``row_counts()`` before and after."""

from django.apps import apps
from django.db import connection


def row_counts() -> dict[str, int]:
    """Rows per table, for every concrete model (many-to-many tables included). Read
    with plain SQL: the scoped managers of confidential models would refuse a bare count."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (names from the models)
            counts[table] = cursor.fetchone()[0]
    return counts


def changed_tables(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    """The tables whose row count differs, with both counts."""
    return {table: (before[table], after[table]) for table in before if before[table] != after[table]}
