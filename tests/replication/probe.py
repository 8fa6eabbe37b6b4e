"""Walks the hub against a primary and a real streaming replica of it, and prints what it saw as JSON.

Run by test_real_replica.py in a process of its own, with ``DATABASE_URL`` naming the primary and
``DATABASE_REPLICA_URLS`` the replica: Django's database connections are fixed when it starts, so
the test process itself (on its SQLite or PostgreSQL test database) cannot take them on. This
script only observes; every judgement is an assertion of the test.

Replaying the replica's WAL is paused in the middle: from then on the replica is a frozen copy,
so whatever a page shows that was written after the pause came from the primary, and whatever it
does not show was read from the replica.
"""

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import django

WRITTEN_BEFORE_PAUSE = "nightly export script"
WRITTEN_DIRECTLY_WHILE_PAUSED = "written on the primary while the replica was paused"
MADE_BY_THE_POST = "made through the form while the replica was paused"
MADE_BY_A_GET = "made by a GET request while the replica was paused"
REPLICA = "replica_1"
CATCH_UP_SECONDS = 60


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerhub.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(walk()))


def walk() -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    from partnerhub.access.services import create_api_token
    from partnerhub.core.replicas import STICKY_COOKIE
    from tests.support.personas import make_user

    facts: dict[str, Any] = {
        "aliases": sorted(settings.DATABASES),
        "routers": settings.DATABASE_ROUTERS,
        "in_recovery": {alias: in_recovery(alias) for alias in settings.DATABASES},
        "tables_on_replica": count_tables(REPLICA),
    }
    desk_officer = make_user("commission.desk.officer")
    with recorded() as queries:
        facts["outside_a_request_count"] = type(desk_officer).objects.count()
    facts["outside_a_request_aliases"] = aliases(queries)
    _token, raw_key = create_api_token(WRITTEN_BEFORE_PAUSE, acting_user=desk_officer)
    facts["caught_up_before_pause"] = wait_for_replica()

    pause_replay()
    facts["replay_paused"] = replay_pause_state()
    create_api_token(WRITTEN_DIRECTLY_WHILE_PAUSED, acting_user=desk_officer)
    browser = Client()
    browser.force_login(desk_officer)  # a session written on the primary, read there at once

    facts["account_page"] = visit(browser, "get", "/account/")
    facts["token_form_post"] = visit(browser, "post", "/account/tokens/new/", {"name": MADE_BY_THE_POST})
    facts["page_after_the_post"] = visit(browser, "get", facts["token_form_post"]["location"])
    sticky = browser.cookies.pop(STICKY_COOKIE, None)  # as when it expires
    facts["sticky_cookie_max_age"] = sticky["max-age"] if sticky else None
    facts["account_page_once_the_cookie_expired"] = visit(browser, "get", "/account/")
    api = Client(headers={"Authorization": f"Bearer {raw_key}"})
    facts["api_list"] = visit(api, "get", "/api/engagements")
    facts["get_that_writes"] = get_that_writes(desk_officer)

    resume_replay()
    facts["caught_up_after_resume"] = wait_for_replica()
    facts["account_page_after_resume"] = visit(Client(), "get", "/account/", login=desk_officer)
    return facts


def visit(browser: Any, method: str, path: str, data: Any = None, *, login: Any = None) -> dict[str, Any]:
    """One request: its status, redirect, cookies, which tokens the page names, where its queries ran."""
    from partnerhub.core.replicas import STICKY_COOKIE

    if login is not None:
        browser.force_login(login)
    with recorded() as queries:
        response = getattr(browser, method)(path, data)
    content = response.content.decode()
    return {
        "status": response.status_code,
        "location": response.get("Location", ""),
        "sets_sticky_cookie": STICKY_COOKIE in response.cookies,
        "shows": [name for name in token_names() if name in content],
        # The database cache's own statements are bookkeeping (core.replicas): keeping an answer writes
        # its entry on the primary and reads there around the write, whatever the page read.
        "read_aliases": aliases([(alias, sql) for alias, sql in queries if not on_cache_table(sql)], "SELECT"),
        "primary_reads_beyond_the_session": [
            sql for alias, sql in queries if alias == "default" and is_read(sql) and "django_session" not in sql
        ],
        "write_aliases": aliases(queries, "INSERT", "UPDATE", "DELETE"),
    }


def get_that_writes(user: Any) -> dict[str, Any]:
    """A GET view that reads, writes, reads again and reads in a transaction, run through the middleware."""
    from django.db import transaction
    from django.http import JsonResponse
    from django.test import RequestFactory

    from partnerhub.access.models import ApiToken
    from partnerhub.access.services import create_api_token
    from partnerhub.core.replicas import ReplicaRoutingMiddleware

    def view(request: Any) -> JsonResponse:
        seen = {"before_the_write": ApiToken.objects.filter(name=WRITTEN_DIRECTLY_WHILE_PAUSED).exists()}
        with transaction.atomic():
            seen["in_a_transaction_before_the_write"] = ApiToken.objects.filter(
                name=WRITTEN_DIRECTLY_WHILE_PAUSED
            ).exists()
        seen["alias_before_the_write"] = ApiToken.objects.all().db
        create_api_token(MADE_BY_A_GET, acting_user=user)
        seen["after_the_write"] = ApiToken.objects.filter(name=MADE_BY_A_GET).exists()
        seen["alias_after_the_write"] = ApiToken.objects.all().db
        return JsonResponse(seen)

    response = ReplicaRoutingMiddleware(view)(RequestFactory().get("/"))
    return {**json.loads(response.content), "sets_sticky_cookie": bool(response.cookies)}


def token_names() -> list[str]:
    return [WRITTEN_BEFORE_PAUSE, WRITTEN_DIRECTLY_WHILE_PAUSED, MADE_BY_THE_POST, MADE_BY_A_GET]


@contextmanager
def recorded() -> Iterator[list[tuple[str, str]]]:
    """(alias, statement) of every query run on any database in the block."""
    from django.db import connections

    queries: list[tuple[str, str]] = []

    def wrapper_for(alias: str) -> Any:
        def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            queries.append((alias, sql))
            return execute(sql, params, many, context)

        return record

    with ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(wrapper_for(alias)))
        yield queries


def aliases(queries: list[tuple[str, str]], *verbs: str) -> list[str]:
    return sorted({alias for alias, sql in queries if not verbs or sql.lstrip().upper().startswith(verbs)})


def on_cache_table(sql: str) -> bool:
    from django.conf import settings

    return f'"{settings.CACHES["default"]["LOCATION"]}"' in sql


def is_read(sql: str) -> bool:
    return sql.lstrip().upper().startswith("SELECT")


def scalar(alias: str, sql: str, params: tuple[Any, ...] = ()) -> Any:
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def in_recovery(alias: str) -> bool:
    return bool(scalar(alias, "SELECT pg_is_in_recovery()"))


def count_tables(alias: str) -> int:
    return int(scalar(alias, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"))


def wait_for_replica() -> bool:
    """True once the replica has replayed everything the primary has written so far."""
    target = scalar("default", "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while time.monotonic() < deadline:
        if scalar(REPLICA, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)):
            return True
        time.sleep(0.1)
    return False


def pause_replay() -> None:
    scalar(REPLICA, "SELECT pg_wal_replay_pause()::text")
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while replay_pause_state() != "paused" and time.monotonic() < deadline:
        time.sleep(0.1)


def replay_pause_state() -> str:
    return str(scalar(REPLICA, "SELECT pg_get_wal_replay_pause_state()"))


def resume_replay() -> None:
    scalar(REPLICA, "SELECT pg_wal_replay_resume()::text")


if __name__ == "__main__":
    sys.exit(main())
