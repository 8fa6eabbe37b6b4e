"""Copying the whole database to one file, and putting such a file back.

SQLite: the online backup API copies the database in one step, inside one read
transaction: a consistent snapshot, while the site keeps serving (in WAL mode,
which settings.py sets, readers never block writers). Copying in small steps
instead would start again after every write of the site, and might never end.

PostgreSQL: ``pg_dump`` in its custom format, and ``pg_restore --clean
--if-exists --single-transaction``, so that a restore that fails half-way
leaves the database as it was.

A backup is written next to its final name and renamed into place only once
complete: a crash never leaves a file that looks like a backup but is not one.
"""

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with fixed arguments, never a shell
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
# Every page in one step (see above).
SQLITE_ALL_PAGES = -1


class BackupError(Exception):
    """What went wrong, in words an operator can act on; nothing was changed."""


def database(alias: str = DEFAULT_DB_ALIAS) -> BaseDatabaseWrapper:
    connection = connections[alias]
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(
            _("Backups cover SQLite and PostgreSQL; this database is %(vendor)s.") % {"vendor": connection.vendor}
        )
    return connection


# -- backup ------------------------------------------------------------------------


def backup(target: Path, *, overwrite: bool = False, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Writes the whole database to ``target``."""
    connection = database(alias)
    if target.exists() and not overwrite:
        raise BackupError(
            _("%(path)s exists already: choose another name, or pass --force to replace it.") % {"path": target}
        )
    if not target.parent.is_dir():
        raise BackupError(_("The folder %(path)s does not exist.") % {"path": target.parent})
    with _file_beside(target) as partial:
        if connection.vendor == "sqlite":
            _sqlite_backup(connection, partial)
        else:
            _pg_dump(connection, partial)
        os.replace(partial, target)


@contextmanager
def _file_beside(target: Path) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_backup(connection: BaseDatabaseWrapper, target: Path) -> None:
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy, pages=SQLITE_ALL_PAGES)
        # A self-contained file: no -wal beside it to forget when copying it elsewhere.
        copy.execute("PRAGMA journal_mode=DELETE")


def _pg_dump(connection: BaseDatabaseWrapper, target: Path) -> None:
    _run_pg_tool(
        connection, ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"], target
    )


# -- restore -----------------------------------------------------------------------


def restore(source: Path, *, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Replaces everything in the database by what ``source`` holds."""
    connection = database(alias)
    check_backup_file(source, connection.vendor)
    if connection.vendor == "sqlite":
        _sqlite_restore(connection, source)
    else:
        connections.close_all()
        _run_pg_tool(
            connection,
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                str(source),
            ],
            source,
        )


def check_backup_file(source: Path, vendor: str) -> None:
    """Refuses, with the reason, a file that is no backup of this kind of database."""
    if not source.is_file():
        raise BackupError(_("%(path)s does not exist or is not a file.") % {"path": source})
    with source.open("rb") as stream:
        head = stream.read(len(SQLITE_MAGIC))
    kind = "sqlite" if head.startswith(SQLITE_MAGIC) else "postgresql" if head.startswith(PG_CUSTOM_MAGIC) else None
    if kind is None:
        raise BackupError(
            _("%(path)s is not a backup made by partnerhub backup (neither an SQLite database nor a pg_dump file).")
            % {"path": source}
        )
    if kind != vendor:
        raise BackupError(
            _("%(path)s is a backup of a %(kind)s database; this hub runs on %(vendor)s.")
            % {"path": source, "kind": _vendor_name(kind), "vendor": _vendor_name(vendor)}
        )
    if kind == "sqlite":
        _check_sqlite_file(source)


def _vendor_name(vendor: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(vendor, vendor)


def _check_sqlite_file(source: Path) -> None:
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as copy:
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
            tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise BackupError(_("%(path)s is damaged: %(error)s.") % {"path": source, "error": error}) from error
    if verdict != "ok":
        raise BackupError(_("%(path)s is damaged: %(error)s.") % {"path": source, "error": verdict})
    if MigrationRecorder.Migration._meta.db_table not in tables:
        raise BackupError(_("%(path)s is an SQLite database, but not one of Partnership Hub.") % {"path": source})


def _sqlite_restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError(_("A restore cannot run inside a transaction."))
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as copy:
        try:
            copy.backup(connection.connection, pages=SQLITE_ALL_PAGES)
        except sqlite3.DatabaseError as error:
            raise BackupError(_("The database could not be replaced: %(error)s.") % {"error": error}) from error


# -- what a restore would replace ---------------------------------------------------


def holds_data(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database has migrations applied, i.e. a restore would replace something."""
    connection = database(alias)
    table = MigrationRecorder.Migration._meta.db_table
    if table not in connection.introspection.table_names():
        return False
    return MigrationRecorder(connection).migration_qs.exists()


# -- PostgreSQL tools ---------------------------------------------------------------


def _run_pg_tool(connection: BaseDatabaseWrapper, arguments: list[str], path: Path) -> None:
    program = shutil.which(arguments[0])
    if program is None:
        raise BackupError(
            _("%(program)s is not installed: install the PostgreSQL client tools.") % {"program": arguments[0]}
        )
    settings = connection.settings_dict
    command = [program, *arguments[1:], *_pg_connection_arguments(settings)]
    finished = subprocess.run(  # noqa: S603 - fixed program and arguments, no shell
        command, env=_pg_environment(settings), capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise BackupError(
            _("%(program)s failed on %(path)s: %(error)s")
            % {"program": arguments[0], "path": path, "error": finished.stderr.strip() or finished.returncode}
        )


def _pg_connection_arguments(settings: dict[str, Any]) -> list[str]:
    arguments = [f"--dbname={settings['NAME']}"]
    if settings.get("HOST"):
        arguments.append(f"--host={settings['HOST']}")
    if settings.get("PORT"):
        arguments.append(f"--port={settings['PORT']}")
    if settings.get("USER"):
        arguments.append(f"--username={settings['USER']}")
    return arguments


def _pg_environment(settings: dict[str, Any]) -> dict[str, str]:
    """The password through the environment, never on the command line (where ps shows it)."""
    environment = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    sslmode = (settings.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        environment["PGSSLMODE"] = str(sslmode)
    return environment
