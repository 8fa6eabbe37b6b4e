"""Keeping computed figures for a few minutes, per circle, until the data changes.

A country profile over thousands of engagements takes a noticeable moment to
compute; desk officers open the same profiles again and again. Figures are
kept under a key made of:

* the viewer's circle (what they may read), never the user alone, so that a
  figure computed for one circle is never shown to another;
* what was asked (country, kind of money, …);
* a stamp of the data: the highest id of every registered confidential model
  (``core.confidential``), of their many-to-many tables and of the
  organisations and memberships circles are made of, the latest change of each
  registered model that keeps one (``updated_at``), and the latest entry of the
  change history and of the admin log. Every write through the hub's services,
  imports and admin moves one of them, and each is read from an index. A newly
  registered model is in the stamp without being listed here.

Entries also expire after ``ANALYSIS_CACHE_SECONDS`` (a safety net for a
change made by hand in the database).
"""

import functools
import hashlib
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.db import connection, connections, router
from django.db.models import Field, Model

from partnerhub.access.models import Membership, Organisation
from partnerhub.core.confidential import registered, through_models
from partnerhub.core.models import ObjectChange
from partnerhub.core.visibility import Circle, circle_of

# What the figures read besides the registered models: who is in which circle, and the history.
NOT_CONFIDENTIAL_READ = (Organisation, Membership, ObjectChange, LogEntry)
LATEST_CHANGE_FIELD = "updated_at"


def stamped_models() -> list[type[Model]]:
    """Every table whose highest id goes into the stamp."""
    confidential = [entry.model for entry in registered()]
    return list(dict.fromkeys([*confidential, *through_models(), *NOT_CONFIDENTIAL_READ]))


def latest_change_models() -> list[type[Model]]:
    """The registered models that keep the time of their latest change."""
    return [
        entry.model
        for entry in registered()
        if any(field.name == LATEST_CHANGE_FIELD for field in entry.model._meta.concrete_fields)
    ]


@functools.cache
def data_stamp_sql() -> str:
    """Only table and column names taken from the models go into the SQL."""
    columns = [(model, model._meta.pk.column) for model in stamped_models()]
    columns += [
        (model, cast(Field, model._meta.get_field(LATEST_CHANGE_FIELD)).column)  # a concrete field
        for model in latest_change_models()
    ]
    quote = connection.ops.quote_name
    parts = [
        f"(SELECT MAX({quote(column)}) FROM {quote(model._meta.db_table)})"  # noqa: S608
        for model, column in columns
    ]
    return "SELECT " + ", ".join(parts)


def data_stamp() -> str:
    """One query, every part of it answered from an index, on the database the figures are read from:
    with replicas, a lagging replica's stamp names that replica's figures, never newer ones."""
    with connections[router.db_for_read(ObjectChange)].cursor() as cursor:
        cursor.execute(data_stamp_sql())
        return repr(cursor.fetchone())


def circle_key(circle: Circle) -> tuple:
    return (
        tuple(sorted(circle.organisation_ids)),
        circle.eu_side,
        tuple(sorted(circle.member_state_ids)),
        tuple(sorted(circle.partner_country_ids)),
    )


def kept_for_circle(user, question: tuple, compute: Callable[[], object]):
    """``compute()``, or what it gave for the same circle, question and data."""
    raw = repr(
        (
            "analysis",
            circle_key(circle_of(user)),
            question,
            settings.BALANCE_PARTNER_THRESHOLD,
            settings.BALANCE_VERDICT_MIN_SHARE_SEEN,
            data_stamp(),
        )
    )
    key = "partnerhub:analysis:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.ANALYSIS_CACHE_SECONDS)
    return value
