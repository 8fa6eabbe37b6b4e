"""SQLite's planner statistics, kept up to date as the hub's data grows.

Without statistics SQLite's planner guesses, and for the engagement list it guesses badly: the
sharing-level conditions of ``visible_to`` look selective, so it sorts every visible engagement to
show 25 of them (200–340 ms at 100,000 instead of 40–60). SQLite gathers statistics only when
``ANALYZE`` runs. ``migrate`` runs it (core.apps), but a new hub is migrated empty and filled
afterwards by imports; ``PRAGMA optimize`` would catch that only from SQLite 3.46 on (its 0x10000
flag), and Debian's Python links 3.40.

So each server process, when it opens a connection and at most once per
``PARTNERHUB_SQLITE_STATISTICS_SECONDS``, looks for the tables that have grown tenfold since their
statistics were gathered, or have rows and no statistics, and analyses those, in full (sampled
statistics mislead the planner on the engagements' sharing levels): once after each tenfold growth,
about a second at 100,000 engagements. Small tables matter as much as large ones: a table without
statistics is assumed to hold a million rows, so the 250 countries loaded after migrate would look
as large as the engagements when the planner orders a join. The look itself reads each
table's largest row id (an index lookup): 34 ms over the benchmark's 100,000-engagement database.

SQLite 3.40 reads the statistics into a connection when the connection first reads its schema, and
again only after an ``ANALYZE`` on that same connection: another process's ``ANALYZE`` leaves every
open connection planning with what it read before, and does not even move the schema version (kept
open between requests by ``DATABASE_CONN_MAX_AGE``, a worker that looked while another was analysing
planned without statistics for a whole minute). ``ANALYZE sqlite_schema`` would read them again but
waits for the write lock like any ``ANALYZE``; so before each request, an open connection whose
statistics table changed since the connection was opened is closed, and the request opens a fresh one
(as Django closes connections past their age at the same moment): one small query per request
(``sqlite_stat1`` holds a row per index), a new connection when another process analysed.

The work is bookkeeping: it runs on the raw connection, outside Django's query log; a database busy
with another writer is left alone until the next look, so no request waits for it, and one that is
locked or broken is left to the request's own queries (which answer 503, core.unavailable).
PostgreSQL's autovacuum keeps its own statistics.
"""

import logging
import sqlite3
import time
from typing import Any

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

GROWTH_FACTOR = 10
# How long the refresh may wait for another writer before leaving it to the next look.
BUSY_WAIT_MS = 500

# When each database (by its alias) is next looked at, in this process.
_next_look: dict[str, float] = {}
# On each open SQLite connection (Django's wrapper): the statistics it planned with, as a fingerprint.
STATISTICS_READ = "_partnerhub_statistics_read"


def refresh_when_due(sender: Any, connection: Any, **_kwargs: Any) -> None:
    """``connection_created`` receiver: the look, on SQLite, at most once per interval, database and process."""
    if connection.vendor != "sqlite":
        return
    now = time.monotonic()
    fingerprint = None
    try:
        if now >= _next_look.get(connection.alias, 0.0):
            _next_look[connection.alias] = now + settings.SQLITE_STATISTICS_SECONDS
            refresh_grown_tables(connection.connection)
        fingerprint = _statistics_fingerprint(connection.connection)
    except sqlite3.Error as error:  # bookkeeping never fails a request: its own queries will say why
        logger.info("Planner statistics not looked at: %s", error)
    setattr(connection, STATISTICS_READ, fingerprint)


def reopen_when_moved(sender: Any, **_kwargs: Any) -> None:
    """``request_started`` receiver: every open SQLite connection whose statistics changed since it was
    opened (another process analysed) is closed; the request opens a new one, which reads them afresh.
    Never inside a transaction (the tests' own)."""
    for connection in connections.all(initialized_only=True):
        close_if_statistics_moved(connection)


def close_if_statistics_moved(connection: Any) -> bool:
    """Closes ``connection`` (Django's) when its database's statistics changed since the connection
    was opened; whether it did."""
    raw = connection.connection
    if connection.vendor != "sqlite" or raw is None or connection.in_atomic_block:
        return False
    read = getattr(connection, STATISTICS_READ, None)
    try:
        if read is None or read == _statistics_fingerprint(raw):
            return False
    except sqlite3.Error:  # a locked or broken database: the request's own queries answer 503
        return False
    connection.close()
    return True


def _statistics_fingerprint(raw: sqlite3.Connection) -> tuple[Any, ...]:
    """What changes whenever a table is analysed: ``ANALYZE`` replaces the table's rows of
    ``sqlite_stat1`` (new row ids) with its new row counts."""
    if not _has_statistics(raw):
        return ()
    fingerprint: tuple[Any, ...] = raw.execute(
        "SELECT count(*), max(rowid), total(CAST(stat AS INTEGER)) FROM sqlite_stat1"
    ).fetchone()
    return fingerprint


def refresh_grown_tables(raw: sqlite3.Connection) -> list[str]:
    """Analyses the tables that outgrew their statistics; returns their names (none when busy)."""
    if not grown_tables(raw):
        return []
    (busy_timeout,) = raw.execute("PRAGMA busy_timeout").fetchone()
    raw.execute(f"PRAGMA busy_timeout = {BUSY_WAIT_MS}")
    try:
        # Under the write lock, asked again: another process may have analysed them meanwhile.
        raw.execute("BEGIN IMMEDIATE")
        try:
            tables = grown_tables(raw)
            for table in tables:
                raw.execute(f"ANALYZE {_quoted(table)}")
            raw.execute("COMMIT")
        except BaseException:
            raw.execute("ROLLBACK")
            raise
    except sqlite3.OperationalError as error:
        logger.info("Planner statistics left for later: %s", error)
        return []
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(busy_timeout)}")
    if tables:
        logger.info("Planner statistics gathered for %s", ", ".join(tables))
    return tables


def grown_tables(raw: sqlite3.Connection) -> list[str]:
    """The tables holding ``GROWTH_FACTOR`` times the rows their statistics recorded, or rows and
    no statistics."""
    recorded = _recorded_rows(raw)
    grown = []
    for table in _ordinary_tables(raw):
        threshold = GROWTH_FACTOR * recorded.get(table, 0) or 1
        if _largest_row_id(raw, table) >= threshold and _holds_at_least(raw, table, threshold):
            grown.append(table)
    return grown


def _recorded_rows(raw: sqlite3.Connection) -> dict[str, int]:
    """Rows per table when it was last analysed (the first number of each of its statistics)."""
    if not _has_statistics(raw):
        return {}
    rows = raw.execute("SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")
    return {table: int(count or 0) for table, count in rows}


def _has_statistics(raw: sqlite3.Connection) -> bool:
    """Whether ANALYZE ever ran on the database (it creates ``sqlite_stat1``)."""
    return raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() is not None


def _ordinary_tables(raw: sqlite3.Connection) -> list[str]:
    rows = raw.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
    )
    return [name for (name,) in rows]


def _largest_row_id(raw: sqlite3.Connection, table: str) -> int:
    """An upper bound of the rows (an index lookup); 0 for a table without row ids."""
    try:
        (largest,) = raw.execute(f"SELECT max(rowid) FROM {_quoted(table)}").fetchone()  # noqa: S608 (a table of sqlite_master)
    except sqlite3.OperationalError:  # WITHOUT ROWID (the full-text index's own tables)
        return 0
    return int(largest or 0)


def _holds_at_least(raw: sqlite3.Connection, table: str, rows: int) -> bool:
    """Whether ``table`` really holds ``rows`` rows (row ids are not reused densely after deletions):
    counted only up to ``rows``."""
    counting = f"SELECT count(*) FROM (SELECT 1 FROM {_quoted(table)} LIMIT ?)"  # noqa: S608 (a table of sqlite_master)
    (counted,) = raw.execute(counting, [rows]).fetchone()
    return int(counted) >= rows


def _quoted(table: str) -> str:
    """A table's name as an SQL identifier (the names come from sqlite_master, never from a request)."""
    return '"' + table.replace('"', '""') + '"'
