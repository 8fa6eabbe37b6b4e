"""Keeping computed figures for a few minutes, per circle, until the data changes.

A country profile over thousands of engagements takes a noticeable moment to
compute; desk officers open the same profiles again and again. Figures are
kept under a key made of:

* the viewer's circle (what they may read), never the user alone, so that a
  figure computed for one circle is never shown to another;
* what was asked (country, kind of money, …);
* a stamp of the data: the highest id of every table the figures read, the
  latest change of an engagement or a priority, and the latest entry of the
  change history and of the admin log. Every write through the hub's services,
  imports and admin moves one of them, and each is read from an index.

Entries also expire after ``ANALYSIS_CACHE_SECONDS`` (a safety net for a
change made by hand in the database).
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.db import connection

from partnerhub.access.models import Membership, Organisation
from partnerhub.analysis.models import PartnerPriority
from partnerhub.core.models import ObjectChange
from partnerhub.core.visibility import Circle, circle_of
from partnerhub.registry.models import (
    Engagement,
    EngagementCountry,
    EngagementLink,
    EngagementRegion,
    EngagementTheme,
    MoneyLine,
    Participation,
)

HIGHEST_ID_OF = (
    Engagement, MoneyLine, EngagementCountry, EngagementRegion, EngagementTheme, EngagementLink, Participation,
    PartnerPriority,
    Organisation, Membership, ObjectChange, LogEntry,
    Engagement.shared_with_organisations.through, Engagement.shared_with_countries.through,
)
LATEST_CHANGE_OF = ((Engagement, "updated_at"), (PartnerPriority, "updated_at"))


def data_stamp() -> str:
    """One query, every part of it answered from an index. Only table and column
    names taken from the models go into the SQL."""
    columns = [(model, model._meta.pk.column) for model in HIGHEST_ID_OF]
    columns += [(model, model._meta.get_field(name).column) for model, name in LATEST_CHANGE_OF]
    quote = connection.ops.quote_name
    parts = [f"(SELECT MAX({quote(column)}) FROM {quote(model._meta.db_table)})"  # noqa: S608
             for model, column in columns]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return repr(cursor.fetchone())


def circle_key(circle: Circle) -> tuple:
    return (
        tuple(sorted(circle.organisation_ids)), circle.eu_side, tuple(sorted(circle.member_state_ids)),
        tuple(sorted(circle.partner_country_ids)),
    )


def kept_for_circle(user, question: tuple, compute: Callable[[], object]):
    """``compute()``, or what it gave for the same circle, question and data."""
    raw = repr(("analysis", circle_key(circle_of(user)), question, settings.BALANCE_PARTNER_THRESHOLD,
                settings.BALANCE_VERDICT_MIN_SHARE_SEEN, data_stamp()))
    key = "partnerhub:analysis:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.ANALYSIS_CACHE_SECONDS)
    return value
