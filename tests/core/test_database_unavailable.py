"""The database cannot be reached for a moment: 503 with a clear message, nothing half-written, the next request works.

The faults are real. On PostgreSQL, the server process serving the hub's connection is
terminated from a second connection (what a failover or an administrator does to it), or the
hub is pointed at a port where no server answers (a server stopped or unreachable); on
SQLite, a second connection holds the database's lock (what a long writer in another process
does), so the hub's query is refused as "locked".
"""

import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, connection
from django.db.models.signals import post_save
from django.test import Client

from partnerhub.core.models import ObjectChange
from partnerhub.core.unavailable import (
    RETRY_AFTER_SECONDS,
    bad_request,
    is_unavailable,
    server_error,
    unavailable_message,
)
from partnerhub.registry.models import Engagement
from tests.support.clients import api_with_token, client_for

pytestmark = pytest.mark.usefixtures("reference_data_again_after", "transactional_db")

# What the database's own words would give away if they reached the answer.
DATABASE_WORDS = ("terminating connection", "locked", "OperationalError", "SELECT", "INSERT", "server closed")


def terminate_hub_connection() -> None:
    """Ends the server process behind the hub's connection, from a second connection."""
    connection.ensure_connection()
    backend_pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [backend_pid]).fetchone() == (True,)


@contextmanager
def sqlite_locked_by_another_writer() -> Iterator[None]:
    """Another connection holds the database's lock; the hub waits a tenth of a second, then is refused."""
    options = connection.settings_dict["OPTIONS"]
    patience = options.get("timeout")
    options["timeout"] = 0.1
    connection.close()
    connection.ensure_connection()
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    other.execute("DELETE FROM registry_engagement WHERE 0")  # takes the write lock now
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()
        options["timeout"] = patience


def closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def postgres_server_stopped() -> Iterator[None]:
    """The hub's connection is dropped and the server it names no longer answers."""
    settings = connection.settings_dict
    host, port = settings["HOST"], settings["PORT"]
    connection.close()
    settings["HOST"], settings["PORT"] = "127.0.0.1", str(closed_port())
    try:
        yield
    finally:
        settings["HOST"], settings["PORT"] = host, port


@contextmanager
def database_cut(fault: str = "connection ended") -> Iterator[None]:
    if connection.vendor != "postgresql":
        with sqlite_locked_by_another_writer():
            yield
    elif fault == "server stopped":
        with postgres_server_stopped():
            yield
    else:
        terminate_hub_connection()
        yield


def assert_says_unavailable(text: str) -> None:
    assert unavailable_message() in text
    for word in DATABASE_WORDS:
        assert word not in text


@pytest.mark.parametrize("fault", ["connection ended", "server stopped"])
def test_page_answers_503_while_the_database_is_cut_and_the_next_request_works(cast, fault):
    browser = client_for(cast.german_ministry_editor)
    assert browser.get("/engagements/").status_code == 200

    with database_cut(fault):
        response = browser.get("/engagements/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Security-Policy"]
    assert_says_unavailable(response.content.decode())
    assert browser.get("/engagements/").status_code == 200


def test_api_answers_json_503_with_the_same_message(cast):
    script = api_with_token(cast.commission_desk_officer)
    assert script.get("/engagements").status_code == 200

    with database_cut():
        response = script.get("/engagements")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": unavailable_message()}
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert_says_unavailable(response.content.decode())
    assert script.get("/engagements").status_code == 200


@contextmanager
def cut_after_the_engagement_row_is_written() -> Iterator[None]:
    """PostgreSQL: the connection dies between the engagement's row and its countries and history.
    SQLite has no such moment from outside the writer: the other writer's lock refuses the write."""
    if connection.vendor != "postgresql":
        with sqlite_locked_by_another_writer():
            yield
        return

    def cut(sender, instance, created, **kwargs):
        if created:
            terminate_hub_connection()

    post_save.connect(cut, sender=Engagement, dispatch_uid="test-cut-mid-write")
    try:
        yield
    finally:
        post_save.disconnect(sender=Engagement, dispatch_uid="test-cut-mid-write")


def test_a_write_cut_half_way_leaves_nothing_and_can_be_sent_again(cast):
    script = api_with_token(cast.commission_desk_officer)
    payload = {
        "owner": cast.commission.pk,
        "kind": "project",
        "title": "Reintegration support in Oujda",
        "countries": [{"iso3": "MAR"}],
    }
    history_before = ObjectChange.objects.count()

    with cut_after_the_engagement_row_is_written():
        refused = script.post("/engagements", payload)

    assert refused.status_code == 503
    assert_says_unavailable(refused.content.decode())
    assert not Engagement.objects.unrestricted("the test reads what was written").filter(title=payload["title"])
    assert ObjectChange.objects.count() == history_before

    sent_again = script.post("/engagements", payload)
    assert sent_again.status_code == 201, sent_again.content
    saved = Engagement.objects.unrestricted("the test reads what was written").get(title=payload["title"])
    assert [share.country.iso3 for share in saved.country_shares.all()] == ["MAR"]


def test_a_database_lost_while_the_session_is_saved_after_the_view_answers_503_too(cast, settings, monkeypatch):
    """The session is saved by a middleware once the view has answered: out of the middleware's
    sight, the hub's handler500 gives the same answer (DEBUG is off, as in production)."""
    settings.SESSION_SAVE_EVERY_REQUEST = True
    browser = Client(raise_request_exception=False)
    browser.force_login(cast.german_ministry_editor)
    real_save = SessionStore.save

    def save_with_the_database_cut(self, must_create=False):
        monkeypatch.setattr(SessionStore, "save", real_save)
        with database_cut():
            return real_save(self, must_create)

    monkeypatch.setattr(SessionStore, "save", save_with_the_database_cut)
    response = browser.get("/engagements/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert_says_unavailable(response.content.decode())
    assert browser.get("/engagements/").status_code == 200


def test_a_mistake_in_a_query_is_not_taken_for_an_unavailable_database():
    """SQLite says "no such column" with the same exception class as "database is locked"."""
    with pytest.raises(DatabaseError) as raised, connection.cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM registry_theme")

    assert not is_unavailable(raised.value)


def test_other_errors_keep_their_own_answers(rf):
    request = rf.get("/engagements/")

    assert bad_request(request, SuspiciousOperation("a forged header")).status_code == 400
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500
