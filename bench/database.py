"""The database a benchmark runs on: a fresh SQLite file by default, or its own PostgreSQL database."""

import os
import tempfile


def configure(database_url: str) -> str:
    """Sets Django up on ``database_url`` (a new SQLite file when empty), migrated, emptied and loaded
    with the reference data; returns the engine's name ("sqlite" or "postgres")."""
    if not database_url:
        database_url = f"sqlite:///{tempfile.mkdtemp(prefix='phbench-')}/bench.sqlite3"
    elif database_url.startswith("postgres"):
        ensure_postgres_database(database_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerhub.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("load-reference", verbosity=0)
    return database_url.split(":", 1)[0]


def ensure_postgres_database(database_url: str) -> None:
    """Creates the benchmark's own database on first use (never the main one)."""
    import psycopg

    server, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def gather_statistics(on_sqlite: bool = False) -> bool:
    """After a bulk load, the planner's statistics of a running hub. PostgreSQL: ``VACUUM ANALYZE``, as
    autovacuum does within a minute of a bulk load (and a table that received many inserts is vacuumed
    since PostgreSQL 13, which lets queries read indexes alone); this machine's server runs with
    autovacuum off, so without it the planner guesses — reading a whole table where an index holds the
    few rows asked for. SQLite: nothing unless ``on_sqlite`` — the hub never runs ``ANALYZE`` there, and
    with its statistics the planner chooses otherwise. Returns whether statistics were gathered."""
    from django.db import connection

    if connection.vendor == "sqlite" and not on_sqlite:
        return False
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return True
