"""A hub migrated empty and then filled by imports gets SQLite's planner statistics without anyone
running ANALYZE by hand (core.planner_statistics): once a table has grown tenfold, at most once per
interval, never at the cost of waiting on another writer.

What SQLite recorded is read back from ``sqlite_stat1`` here, not from the module's own answers.
"""

import sqlite3
import time
from pathlib import Path

import pytest
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from partnerhub.core import planner_statistics
from partnerhub.core.planner_statistics import close_if_statistics_moved, refresh_grown_tables


def new_table(raw: sqlite3.Connection, rows: int) -> None:
    """A table of engagements as migrate leaves it (created, analysed while empty), then filled."""
    raw.execute("CREATE TABLE engagement (id INTEGER PRIMARY KEY, sharing_level TEXT, updated_at TEXT)")
    raw.execute("CREATE INDEX engagement_updated ON engagement (updated_at)")
    raw.execute("ANALYZE")
    add_rows(raw, rows)


def add_rows(raw: sqlite3.Connection, rows: int) -> None:
    raw.execute("BEGIN")
    raw.executemany(
        "INSERT INTO engagement (sharing_level, updated_at) VALUES (?, ?)",
        (("eu" if n % 3 else "public", f"2026-12-{n % 28 + 1:02d}") for n in range(rows)),
    )
    raw.execute("COMMIT")


def recorded_rows(raw: sqlite3.Connection) -> int | None:
    """The rows SQLite's statistics say the table holds; None when it has none."""
    row = raw.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'engagement'").fetchone()
    return int(row[0].split()[0]) if row else None


@pytest.fixture
def raw(tmp_path: Path):
    connection = sqlite3.connect(tmp_path / "hub.sqlite3", isolation_level=None)
    yield connection
    connection.close()


def test_a_table_filled_after_migrate_gets_statistics_once_then_again_after_tenfold_growth(raw) -> None:
    new_table(raw, 5_000)
    assert recorded_rows(raw) is None

    assert refresh_grown_tables(raw) == ["engagement"]
    assert recorded_rows(raw) == 5_000

    add_rows(raw, 40_000)  # 45,000: nine times what was recorded
    assert refresh_grown_tables(raw) == []
    assert recorded_rows(raw) == 5_000

    add_rows(raw, 5_000)  # 50,000: ten times
    assert refresh_grown_tables(raw) == ["engagement"]
    assert recorded_rows(raw) == 50_000


def test_a_small_table_filled_after_migrate_gets_statistics_too(raw) -> None:
    """Without any, the planner takes the 250 partner countries for a million rows."""
    new_table(raw, 250)
    assert refresh_grown_tables(raw) == ["engagement"]
    assert recorded_rows(raw) == 250


def test_an_empty_table_has_nothing_to_analyse(raw) -> None:
    new_table(raw, 0)
    assert refresh_grown_tables(raw) == []
    assert recorded_rows(raw) is None


def test_row_ids_left_high_by_deletions_do_not_count_as_growth(raw) -> None:
    new_table(raw, 600)
    raw.execute("DELETE FROM engagement WHERE id <= 590")
    raw.execute("ANALYZE")
    add_rows(raw, 10)  # row ids up to 610, over ten times the 10 rows recorded; 20 rows
    assert recorded_rows(raw) == 10
    assert refresh_grown_tables(raw) == []
    assert recorded_rows(raw) == 10


def test_a_database_busy_with_another_writer_is_left_until_the_next_look(raw, tmp_path: Path) -> None:
    new_table(raw, 5_000)
    raw.execute("PRAGMA busy_timeout = 20000")
    writer = sqlite3.connect(tmp_path / "hub.sqlite3", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        assert refresh_grown_tables(raw) == []
        assert time.monotonic() - started < 5  # not the connection's 20 s
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert raw.execute("PRAGMA busy_timeout").fetchone() == (20_000,)
    assert recorded_rows(raw) is None

    assert refresh_grown_tables(raw) == ["engagement"]
    assert recorded_rows(raw) == 5_000


@examples(max_examples=40, deadline=None)
@given(first=st.integers(0, 120), added=st.integers(0, 400))
def test_analysed_exactly_when_the_table_outgrew_its_statistics_tenfold(first: int, added: int) -> None:
    raw = sqlite3.connect(":memory:", isolation_level=None)
    try:
        new_table(raw, first)
        raw.execute("ANALYZE")  # statistics of `first` rows (none when empty)
        before = recorded_rows(raw) or 0
        add_rows(raw, added)
        analysed = refresh_grown_tables(raw)
        total = first + added
        assert (analysed == ["engagement"]) == (total >= max(1, 10 * before))
        assert recorded_rows(raw) == (total if analysed else (before or None))
    finally:
        raw.close()


@pytest.mark.django_db
def test_the_server_looks_when_it_opens_a_connection_at_most_once_per_interval(
    tmp_path: Path, monkeypatch, settings
) -> None:
    database = tmp_path / "hub.sqlite3"
    raw = sqlite3.connect(database, isolation_level=None)
    new_table(raw, 5_000)
    settings.SQLITE_STATISTICS_SECONDS = 300
    monkeypatch.setattr(planner_statistics, "_next_look", {})
    hub_settings = {**connections["default"].settings_dict, "NAME": str(database)}
    if connections["default"].vendor != "sqlite":
        hub_settings = {**hub_settings, "ENGINE": "django.db.backends.sqlite3", "OPTIONS": {}}

    first = DatabaseWrapper(hub_settings, alias="statistics_probe")
    first.ensure_connection()
    first.close()
    assert recorded_rows(raw) == 5_000

    add_rows(raw, 50_000)
    second = DatabaseWrapper(hub_settings, alias="statistics_probe")
    second.ensure_connection()  # within the interval: not looked at
    second.close()
    assert recorded_rows(raw) == 5_000

    monkeypatch.setattr(planner_statistics, "_next_look", {})
    third = DatabaseWrapper(hub_settings, alias="statistics_probe")
    third.ensure_connection()
    third.close()
    assert recorded_rows(raw) == 55_000
    raw.close()


@pytest.mark.django_db
def test_a_connection_opened_before_another_process_analysed_is_reopened_before_the_next_request(
    tmp_path: Path, monkeypatch
) -> None:
    """SQLite 3.40 keeps the statistics a connection read at first, whatever another connection
    analyses later: a worker's connection kept between requests would plan without them."""
    database = tmp_path / "hub.sqlite3"
    raw = sqlite3.connect(database, isolation_level=None)
    new_table(raw, 5_000)
    monkeypatch.setattr(planner_statistics, "_next_look", {"statistics_probe": float("inf")})  # no look of its own
    hub_settings = {**connections["default"].settings_dict, "NAME": str(database)}
    if connections["default"].vendor != "sqlite":
        hub_settings = {**hub_settings, "ENGINE": "django.db.backends.sqlite3", "OPTIONS": {}}
    worker = DatabaseWrapper(hub_settings, alias="statistics_probe")
    worker.ensure_connection()

    assert not close_if_statistics_moved(worker)  # nothing moved: the connection is kept
    assert worker.connection is not None

    assert refresh_grown_tables(raw) == ["engagement"]  # another process analyses
    with worker.cursor():
        worker.in_atomic_block = True  # never under an open transaction
        assert not close_if_statistics_moved(worker)
        worker.in_atomic_block = False
    assert close_if_statistics_moved(worker)
    assert worker.connection is None

    worker.ensure_connection()  # the request's next query: a new connection, the new statistics
    assert not close_if_statistics_moved(worker)
    worker.close()
    raw.close()
