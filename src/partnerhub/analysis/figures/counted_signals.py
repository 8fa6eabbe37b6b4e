"""What puts engagements in ``FiguresOutdated``: every path that changes an engagement, its
money, shares, funding links or sharing lists, or the organisation that owns it."""

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from partnerhub.access.models import Organisation
from partnerhub.core.signals import many_writes_done, records_changed
from partnerhub.registry.models import Engagement, EngagementLink


def connect_counted_signals() -> None:
    post_save.connect(_engagement_written, sender=Engagement, dispatch_uid="counted-engagement-saved")
    post_delete.connect(_engagement_written, sender=Engagement, dispatch_uid="counted-engagement-deleted")
    post_save.connect(_link_written, sender=EngagementLink, dispatch_uid="counted-link-saved")
    post_delete.connect(_link_written, sender=EngagementLink, dispatch_uid="counted-link-deleted")
    records_changed.connect(_engagements_written, dispatch_uid="counted-records-changed")
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="counted-organisation-saved")
    post_migrate.connect(_build_if_missing, dispatch_uid="counted-build-after-migrate")
    many_writes_done.connect(_refresh_after_many_writes, dispatch_uid="counted-after-many-writes")
    # The rows name their engagement's audience (``counted_audience``), which these lists are part of.
    for field in ("shared_with_organisations", "shared_with_countries"):
        through = getattr(Engagement, field).through
        m2m_changed.connect(_sharing_list_changed, sender=through, dispatch_uid=f"counted-{field}")


def _engagement_written(sender: type, instance: Engagement, **_: Any) -> None:
    from partnerhub.analysis.figures.counted import mark_outdated

    mark_outdated([instance.pk])


def _sharing_list_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **_: Any) -> None:
    from partnerhub.analysis.figures.counted import mark_outdated

    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        mark_outdated([instance.pk])
    elif action == "pre_clear":  # an organisation or country taken off every engagement's list at once
        named = next(f for f in sender._meta.get_fields() if f.is_relation and f.related_model is not Engagement)
        mark_outdated(sender.objects.filter(**{named.name: instance}).values_list("engagement_id", flat=True))
    elif pk_set:
        mark_outdated(pk_set)


def _link_written(sender: type, instance: EngagementLink, **_: Any) -> None:
    """A link saved on its own (the admin, a shell); the services mark both ends themselves."""
    from partnerhub.analysis.figures.counted import mark_outdated

    mark_outdated([instance.source_id, instance.target_id])


def _engagements_written(sender: type, pks: Iterable[Any] = (), **_: Any) -> None:
    from partnerhub.analysis.figures.counted import mark_outdated

    if sender is Engagement:
        mark_outdated(pks)


def _organisation_saved(sender: type, instance: Organisation, created: bool = False, **_: Any) -> None:
    """Whether an owner is in Team Europe, and the identifier transactions name it by, decide
    how its engagements' money is counted."""
    from partnerhub.analysis.figures.counted import mark_outdated

    if not created:
        mark_outdated(
            Engagement.objects.unrestricted("an owner changed: its records' counted money is recomputed")
            .filter(owner=instance)
            .values_list("pk", flat=True)
        )


def _refresh_after_many_writes(sender: Any, **_: Any) -> None:
    from partnerhub.analysis.figures.counted import refresh_outdated

    refresh_outdated()


def _build_if_missing(sender: Any, **_: Any) -> None:
    """A database migrated from before the counted rows existed gets them once."""
    from partnerhub.analysis.figures.counted import COUNTRY_INDEX, rebuild_all
    from partnerhub.analysis.models import CountedShare
    from partnerhub.registry.models import EngagementCountry

    if getattr(sender, "label", "") != "analysis":
        return
    if not CountedShare.objects.exists() and EngagementCountry.objects.unrestricted(COUNTRY_INDEX).exists():
        rebuild_all()
