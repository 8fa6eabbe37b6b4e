"""The routing rules of core.replicas, without a replica: which alias each read and write is given.

test_real_replica.py shows the same rules against a real streaming replica; these tests pin each
rule on its own and run in every suite run, on SQLite and PostgreSQL. Replicas are named by
patching ``replica_aliases`` (the suite's own settings have none, as a default installation).
"""

import asyncio
import json
import os
import subprocess
import sys
import threading

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connections
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from partnerhub.access.models import ApiToken
from partnerhub.core import replicas
from partnerhub.core.replicas import (
    STICKY_COOKIE,
    STICKY_COOKIE_SALT,
    PrimaryReplicaRouter,
    ReplicaRoutingMiddleware,
    RequestRouting,
    bookkeeping,
    request_routing,
)
from partnerhub.databases import replica_databases
from partnerhub.env import ImproperlyConfiguredValue

router = PrimaryReplicaRouter()
User = get_user_model()
POSTGRES_PRIMARY = {"ENGINE": "django.db.backends.postgresql", "NAME": "hub"}


@pytest.fixture
def one_replica(monkeypatch):
    monkeypatch.setattr(replicas, "replica_aliases", lambda: ["replica_1"])


def read_alias_seen_by_a_request(request) -> tuple[str, HttpResponse]:
    """Runs ``request`` through the middleware; answers where its view's reads went, and the response."""
    seen = {}

    def view(request):
        seen["read"] = router.db_for_read(User)
        return HttpResponse()

    response = ReplicaRoutingMiddleware(view)(request)
    return seen["read"], response


# -- settings ---------------------------------------------------------------------------------------


@pytest.mark.skipif(bool(os.environ.get("DATABASE_REPLICA_URLS")), reason="DATABASE_REPLICA_URLS is set for this run")
def test_the_suite_runs_on_one_database_without_router_or_middleware():
    assert list(settings.DATABASES) == ["default"]
    assert settings.DATABASE_ROUTERS == []
    assert "partnerhub.core.replicas.ReplicaRoutingMiddleware" not in settings.MIDDLEWARE


def test_each_replica_url_becomes_an_alias_that_mirrors_the_primary_in_tests():
    urls = ["postgres://reader@replica-a:5432/hub", "postgres://reader@replica-b:5432/hub"]
    databases = replica_databases(POSTGRES_PRIMARY, urls, conn_max_age=60)
    assert list(databases) == ["replica_1", "replica_2"]
    assert databases["replica_2"]["HOST"] == "replica-b"
    assert databases["replica_2"]["CONN_MAX_AGE"] == 60
    assert databases["replica_1"]["TEST"] == {"MIRROR": "default"}


def test_no_replica_urls_add_no_database():
    assert replica_databases({"ENGINE": "django.db.backends.sqlite3"}, [], conn_max_age=0) == {}


def test_replicas_of_sqlite_are_refused_with_the_variable_named():
    with pytest.raises(ImproperlyConfiguredValue, match="DATABASE_REPLICA_URLS needs a PostgreSQL primary"):
        replica_databases({"ENGINE": "django.db.backends.sqlite3"}, ["postgres://r/hub"], conn_max_age=0)


def test_a_replica_that_is_not_postgresql_is_refused_without_printing_its_password():
    with pytest.raises(ImproperlyConfiguredValue, match="replica 2") as refused:
        replica_databases(POSTGRES_PRIMARY, ["postgres://r/hub", "mysql://u:s3cret@m/hub"], conn_max_age=0)
    assert "s3cret" not in str(refused.value)


@pytest.mark.slow
def test_replica_urls_in_the_environment_install_the_router_and_the_middleware():
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([sorted(settings.DATABASES), settings.DATABASE_ROUTERS, settings.MIDDLEWARE[0]]))"
    )
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("DATABASE")},
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/hub",
        "DATABASE_REPLICA_URLS": "postgres://postgres@10.0.0.2:5432/hub, postgres://postgres@10.0.0.3:5432/hub",
    }
    finished = subprocess.run(  # noqa: S603 (this interpreter, a constant script)
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(finished.stdout) == [
        ["default", "replica_1", "replica_2"],
        ["partnerhub.core.replicas.PrimaryReplicaRouter"],
        "partnerhub.core.replicas.ReplicaRoutingMiddleware",
    ]


# -- the router ---------------------------------------------------------------------------------


def test_outside_a_request_everything_uses_the_primary():
    assert router.db_for_read(ApiToken) == "default"
    assert router.db_for_write(ApiToken) == "default"


def test_a_request_reads_its_replica_until_it_writes_then_the_primary():
    with request_routing(RequestRouting(replica="replica_1")) as routing:
        assert router.db_for_read(ApiToken) == "replica_1"
        assert router.db_for_write(ApiToken) == "default"
        assert routing.wrote is True
        assert router.db_for_read(ApiToken) == "default"


def test_sessions_are_read_on_the_primary_and_their_writes_move_nothing():
    with request_routing(RequestRouting(replica="replica_1")) as routing:
        assert router.db_for_read(Session) == "default"
        assert router.db_for_write(Session) == "default"
        assert routing.wrote is False
        assert router.db_for_read(ApiToken) == "replica_1"


def test_bookkeeping_writes_keep_the_request_on_its_replica():
    with request_routing(RequestRouting(replica="replica_1")) as routing:
        with bookkeeping():
            assert router.db_for_write(ApiToken) == "default"
        assert routing.wrote is False
        assert router.db_for_read(ApiToken) == "replica_1"


def test_reads_inside_a_transaction_use_the_primary(monkeypatch):
    """``transaction.atomic`` sets ``in_atomic_block`` (the suite's own tests run inside one, hence the patch;
    test_real_replica.py opens a real transaction)."""
    with request_routing(RequestRouting(replica="replica_1")):
        monkeypatch.setattr(connections["default"], "in_atomic_block", True)
        assert router.db_for_read(ApiToken) == "default"
        monkeypatch.setattr(connections["default"], "in_atomic_block", False)
        assert router.db_for_read(ApiToken) == "replica_1"


@given(st.lists(st.sampled_from(["read", "write", "bookkeeping write", "session write", "session read"])))
def test_every_read_after_the_first_real_write_and_none_before_goes_to_the_primary(steps):
    with request_routing(RequestRouting(replica="replica_1")):
        written = False
        for step in steps:
            if step == "read":
                assert router.db_for_read(ApiToken) == ("default" if written else "replica_1")
            elif step == "session read":
                assert router.db_for_read(Session) == "default"
            elif step == "write":
                router.db_for_write(ApiToken)
                written = True
            elif step == "bookkeeping write":
                with bookkeeping():
                    router.db_for_write(ApiToken)
            else:
                router.db_for_write(Session)


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "registry") is True
    assert router.allow_migrate("replica_1", "registry") is False


def test_rows_of_the_primary_and_of_a_replica_may_be_related(one_replica):
    from_primary, from_replica, elsewhere = User(), ApiToken(), ApiToken()
    from_primary._state.db, from_replica._state.db, elsewhere._state.db = "default", "replica_1", "archive"
    assert router.allow_relation(from_primary, from_replica) is True
    assert router.allow_relation(from_primary, elsewhere) is None


def test_each_thread_has_its_own_request():
    writer_done = threading.Event()

    def writer():
        with request_routing(RequestRouting(replica="replica_1")):
            router.db_for_write(ApiToken)
            writer_done.set()

    with request_routing(RequestRouting(replica="replica_1")):
        thread = threading.Thread(target=writer)
        thread.start()
        thread.join()
        assert writer_done.is_set()
        assert router.db_for_read(ApiToken) == "replica_1"


def test_a_write_in_a_thread_of_an_async_request_marks_that_request():
    async def request():
        with request_routing(RequestRouting(replica="replica_1")):
            await sync_to_async(router.db_for_write)(ApiToken)
            return router.db_for_read(ApiToken)

    assert asyncio.run(request()) == "default"


# -- the middleware and its sticky cookie -------------------------------------------------------


def test_a_get_reads_a_replica_and_leaves_no_cookie(one_replica):
    read, response = read_alias_seen_by_a_request(RequestFactory().get("/countries/"))
    assert read == "replica_1"
    assert STICKY_COOKIE not in response.cookies


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_unsafe_method_reads_the_primary_and_keeps_the_browser_there(one_replica, method):
    read, response = read_alias_seen_by_a_request(getattr(RequestFactory(), method)("/engagements/new/"))
    assert read == "default"
    cookie = response.cookies[STICKY_COOKIE]
    assert cookie["max-age"] == settings.DATABASE_REPLICA_STICKY_SECONDS
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_request_after_a_post_reads_the_primary(one_replica):
    _read, after_post = read_alias_seen_by_a_request(RequestFactory().post("/engagements/new/"))
    next_request = RequestFactory().get("/engagements/1/")
    next_request.COOKIES[STICKY_COOKIE] = after_post.cookies[STICKY_COOKIE].value
    read, _response = read_alias_seen_by_a_request(next_request)
    assert read == "default"


def test_an_expired_sticky_cookie_sends_reads_back_to_the_replica(one_replica):
    long_ago = signing.time.time() - settings.DATABASE_REPLICA_STICKY_SECONDS - 5
    with pytest.MonkeyPatch.context() as clock:
        clock.setattr(signing.time, "time", lambda: long_ago)
        stale = signing.get_cookie_signer(salt=STICKY_COOKIE + STICKY_COOKIE_SALT).sign("1")
    request = RequestFactory().get("/engagements/1/")
    request.COOKIES[STICKY_COOKIE] = stale
    assert read_alias_seen_by_a_request(request)[0] == "replica_1"


def test_a_forged_sticky_cookie_is_ignored(one_replica):
    request = RequestFactory().get("/engagements/1/")
    request.COOKIES[STICKY_COOKIE] = "1:forged:signature"
    assert read_alias_seen_by_a_request(request)[0] == "replica_1"


def test_without_replicas_the_middleware_reads_the_primary(monkeypatch):
    monkeypatch.setattr(replicas, "replica_aliases", lambda: [])
    assert read_alias_seen_by_a_request(RequestFactory().get("/countries/"))[0] == "default"


def test_a_streamed_export_reads_its_rows_on_the_request_s_replica_while_it_is_sent(one_replica):
    def rows():
        yield router.db_for_read(ApiToken)
        yield router.db_for_read(ApiToken)

    def view(request):
        return StreamingHttpResponse(rows())

    response = ReplicaRoutingMiddleware(view)(RequestFactory().get("/engagements/export/?format=csv"))
    assert [chunk.decode() for chunk in response.streaming_content] == ["replica_1", "replica_1"]
    assert router.db_for_read(ApiToken) == "default"  # outside the request again
