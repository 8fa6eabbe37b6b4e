"""Answers kept until the data changes, in the cache every server worker shares.

An answer is kept under its question and the version of the data (``core.dataversion``, moved after
every committed change to what pages read), and at most ``ANALYSIS_CACHE_SECONDS``. A connection
whose open transaction has changed the data neither reads nor keeps answers: what it sees is not yet
what other workers see. ``analysis.figures.cache`` keeps figures per circle on top of this; a query
needs no circle in its key, since ``visible_to`` writes what the reader may see into its SQL.
"""

import hashlib
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from partnerhub.core.dataversion import current_version, has_unshared_changes


def kept(namespace: str, question: tuple, compute: Callable[[], object]) -> Any:
    """``compute()``, or what it gave for the same question and data."""
    if has_unshared_changes():
        return compute()
    raw = repr((namespace, question, current_version()))
    key = f"partnerhub:{namespace}:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.ANALYSIS_CACHE_SECONDS)
    return value


def kept_count(queryset: QuerySet[Any]) -> int:
    """``queryset.count()`` kept: counting a country's 11,700 visible records reads each of them
    (40 ms at 100,000), on every page of its list."""
    return cast("int", _kept_for_query(queryset, "count", queryset.count, empty=0))


def kept_ids(queryset: QuerySet[Any]) -> list[int]:
    """The ids of ``queryset``, kept."""
    return cast("list[int]", _kept_for_query(queryset, "ids", lambda: list(queryset.values_list("pk", flat=True)), []))


def _kept_for_query(queryset: QuerySet[Any], what: str, compute: Callable[[], object], empty: object) -> Any:
    """Kept under the query's own SQL and parameters, which hold everything its answer depends on."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return empty
    return kept(what, (queryset.db, sql, tuple(params)), compute)
