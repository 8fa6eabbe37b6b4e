"""Reads from PostgreSQL read replicas; writes, and the reads that must see them, on the primary.

Switched on by ``DATABASE_REPLICA_URLS`` (settings.py installs the router and the middleware only
then). The rules, explained for operators in docs/deployment.md:

* Outside a request — management commands, the background worker, the shell — everything uses the
  primary: no state is set, so the router answers "primary".
* A request with a safe method (GET, HEAD, OPTIONS, TRACE) reads from one replica, chosen at its
  start and kept for the whole request — a streamed export's rows included — so that its pages
  and counts come from one database.
* From a request's first write on, its reads go to the primary (read-your-writes). A request with
  another method (POST, PUT, PATCH, DELETE) uses the primary from its start.
* Inside ``transaction.atomic`` reads go to the primary: a transaction reads what it locks.
* After a request with an unsafe method or a write, the browser keeps a signed cookie for
  ``DATABASE_REPLICA_STICKY_SECONDS``: its requests read the primary until it expires, so the page
  after a redirect-after-post shows the change even while a replica lags behind.
* Sessions are read and written on the primary only: a login or logout takes effect at once.
* Writes that nobody reads back — a token's last-use stamp, an entry of the database cache — do not
  move a request to the primary (``bookkeeping()``).

The state of a request lives in a context variable holding a mutable object: each thread and each
asyncio task sees its own request, and a write made in a copied context (``sync_to_async``) still
marks the request it belongs to.
"""

import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import connections
from django.db.models import Model
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

from partnerhub.databases import PRIMARY_ALIAS as PRIMARY
from partnerhub.databases import REPLICA_ALIAS_PREFIX

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
STICKY_COOKIE = "partnerhub_primary"
STICKY_COOKIE_SALT = "partnerhub.core.replicas.sticky"
# Always on the primary: a session ended or begun must count at once, whatever a replica's lag.
PRIMARY_ONLY_APPS = frozenset({"sessions"})
# Written without anyone reading it back in the same request (Django's database cache table).
BOOKKEEPING_APPS = frozenset({"sessions", "django_cache"})


@dataclass
class RequestRouting:
    """Where one request reads: ``replica`` until it writes; ``None`` means the primary."""

    replica: str | None
    wrote: bool = False

    def read_alias(self) -> str:
        return PRIMARY if self.replica is None or self.wrote else self.replica


T = TypeVar("T")
_END = object()
_current: ContextVar[RequestRouting | None] = ContextVar("partnerhub_request_routing", default=None)
_in_bookkeeping: ContextVar[bool] = ContextVar("partnerhub_replica_bookkeeping", default=False)


def replica_aliases() -> list[str]:
    """The configured replicas' database aliases, in the order of ``DATABASE_REPLICA_URLS``."""
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_ALIAS_PREFIX)]


@contextmanager
def bookkeeping() -> Iterator[None]:
    """Writes in this block keep the request's reads where they were: nobody reads them back."""
    token = _in_bookkeeping.set(True)
    try:
        yield
    finally:
        _in_bookkeeping.reset(token)


@contextmanager
def request_routing(routing: RequestRouting) -> Iterator[RequestRouting]:
    """Routes the reads of the code run in this block as those of one request."""
    token = _current.set(routing)
    try:
        yield routing
    finally:
        _current.reset(token)


def read_as(routing: RequestRouting, chunks: Iterable[T]) -> Iterator[T]:
    """``chunks``, each one produced with the reads routed as ``routing``'s request.

    Set and reset around each chunk, not once around the whole iteration: a server may pull the
    chunks from different contexts (Django's ASGI handler does, through ``sync_to_async``)."""
    iterator = iter(chunks)
    while True:
        with request_routing(routing):
            chunk = next(iterator, _END)
        if chunk is _END:
            return
        yield cast(T, chunk)


class PrimaryReplicaRouter:
    """Django database router: see the module's docstring for the rules."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        routing = _current.get()
        if routing is None or model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return routing.read_alias()

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        routing = _current.get()
        if routing is not None and not _in_bookkeeping.get() and model._meta.app_label not in BOOKKEEPING_APPS:
            routing.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        """A row read from a replica may be linked to one read from the primary: they are one database."""
        ours = {PRIMARY, *replica_aliases()}
        if obj1._state.db in ours and obj2._state.db in ours:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        """Replicas receive the schema by replication; migrating them would fail (they are read-only)."""
        return db == PRIMARY


class ReplicaRoutingMiddleware:
    """Chooses where each request reads and keeps the sticky cookie after a write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_routing(RequestRouting(replica=self.replica_for(request))) as routing:
            response = self.get_response(request)
        if routing.wrote or request.method not in SAFE_METHODS:
            self.stick_to_primary(response)
        if isinstance(response, StreamingHttpResponse) and self.reads_while_sent(response):
            response.streaming_content = read_as(routing, response.streaming_content)
        return response

    @staticmethod
    def reads_while_sent(response: StreamingHttpResponse) -> bool:
        """An export's rows are read while the server sends them, after the middleware has returned.

        A file (FileResponse) reads no database, and wrapping it would cost the server's sendfile."""
        return not isinstance(response, FileResponse) and not response.is_async

    def replica_for(self, request: HttpRequest) -> str | None:
        """A replica for a safe request of a browser that has not just written; else the primary."""
        replicas = replica_aliases()
        if not replicas or request.method not in SAFE_METHODS or self.wrote_recently(request):
            return None
        return random.choice(replicas)  # noqa: S311 (spreading load, not a secret)

    def wrote_recently(self, request: HttpRequest) -> bool:
        stamp = request.get_signed_cookie(
            STICKY_COOKIE, default=None, salt=STICKY_COOKIE_SALT, max_age=settings.DATABASE_REPLICA_STICKY_SECONDS
        )
        return stamp is not None

    def stick_to_primary(self, response: HttpResponse) -> None:
        response.set_signed_cookie(
            STICKY_COOKIE,
            "1",
            salt=STICKY_COOKIE_SALT,
            max_age=settings.DATABASE_REPLICA_STICKY_SECONDS,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
