"""Keeping computed figures, per circle, until the data changes, in a cache all workers share.

A country profile over thousands of engagements takes a noticeable moment to
compute; desk officers open the same profiles again and again. Figures are
kept in Django's database cache (one table, ``createcachetable``, so every
server process reads what another computed, with no cache service to run)
under a key made of:

* the viewer's circle (what they may read), never the user alone, so that a
  figure computed for one circle is never shown to another;
* what was asked (country, kind of money, …);
* the version of the data (``core.dataversion``), one row of the database that
  moves after every committed change to a table the figures read: every
  registered confidential model, their many-to-many tables, the organisations
  and memberships circles are made of, and the change history and admin log.
  Single saves and deletes move it through the signals connected below, bulk
  writes of registered models through their querysets; a newly registered
  model is watched without being listed here.

A connection whose open transaction has changed the data neither reads nor
keeps figures: what it sees is not yet what other workers see. Entries also
expire after ``ANALYSIS_CACHE_SECONDS`` (a safety net for a change made by hand
in the database).
"""

import functools
from collections.abc import Callable
from typing import cast

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from partnerhub.access.models import Membership, Organisation
from partnerhub.core.confidential import ConfidentialChild, registered, through_models
from partnerhub.core.dataversion import data_changed, has_unshared_changes
from partnerhub.core.kept import kept
from partnerhub.core.models import ConfidentialModel, ObjectChange
from partnerhub.core.visibility import Circle, circle_of

# What the figures read besides the registered models: who is in which circle, and the history.
NOT_CONFIDENTIAL_READ = (Organisation, Membership, ObjectChange, LogEntry)


@functools.cache
def watched_models() -> frozenset[type[Model]]:
    """Every table whose changes move the data version (read once the apps are ready)."""
    confidential = [entry.model for entry in registered()]
    return frozenset([*confidential, *through_models(), *NOT_CONFIDENTIAL_READ])


def _on_write(sender, **_kwargs) -> None:
    if sender in watched_models():
        data_changed()


def _on_many_to_many(sender, action: str, **_kwargs) -> None:
    if action.startswith("post_") and sender in watched_models():
        data_changed()


def connect_version_signals() -> None:
    """Called once from ``AnalysisConfig.ready``. Deletes are watched model by model: a receiver of every
    model's deletes would keep Django from deleting any row without loading it first (its collector
    fetches rows for their delete signals), which made the search index's rewrites and every derived
    table's deletes read whole rows back."""
    post_save.connect(_on_write, dispatch_uid="analysis-data-version-save")
    for model in models_deletes_are_watched_for():
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"analysis-data-version-delete-{model._meta.label}")
    m2m_changed.connect(_on_many_to_many, dispatch_uid="analysis-data-version-m2m")


def models_deletes_are_watched_for() -> list[type[Model]]:
    """Every model that is or may become a watched one: the confidential models and their children (all
    of them, whether or not their app has registered them yet — apps register in their own ``ready``,
    some after this one), their many-to-many tables, and the other tables the figures read."""
    confidential = [model for model in apps.get_models() if issubclass(model, (ConfidentialModel, ConfidentialChild))]
    throughs = [
        cast("type[Model]", field.remote_field.through)
        for model in confidential
        for field in model._meta.local_many_to_many
    ]
    return list(dict.fromkeys([*confidential, *throughs, *NOT_CONFIDENTIAL_READ]))


def circle_key(circle: Circle) -> tuple:
    return (
        tuple(sorted(circle.organisation_ids)),
        circle.eu_side,
        tuple(sorted(circle.member_state_ids)),
        tuple(sorted(circle.partner_country_ids)),
    )


def kept_for_circle(user, question: tuple, compute: Callable[[], object]):
    """``compute()``, or what it gave for the same circle, question and data."""
    if has_unshared_changes():
        return compute()
    circle = circle_key(circle_of(user))
    settings_read = (settings.BALANCE_PARTNER_THRESHOLD, settings.BALANCE_VERDICT_MIN_SHARE_SEEN)
    return kept("analysis", (circle, question, *settings_read), compute)
