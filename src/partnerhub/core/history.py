"""Writing the two layers of history: field-level changes and named events."""

from typing import Any

from django.contrib.contenttypes.models import ContentType

from partnerhub.core.middleware import current_request_id
from partnerhub.core.models import Event, ObjectChange

Snapshot = dict[str, Any]


def diff_snapshots(before: Snapshot, after: Snapshot) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value differs."""
    fields = list(dict.fromkeys([*before, *after]))
    return {
        field: [before.get(field), after.get(field)]
        for field in fields
        if before.get(field) != after.get(field)
    }


def record_change(instance, action: str, before: Snapshot, after: Snapshot, *, user) -> None:
    changes = diff_snapshots(before, after)
    if action == ObjectChange.Action.UPDATE and not changes:
        return
    ObjectChange.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        object_repr=str(instance)[:300],
        action=action,
        changes=changes,
        user=_real_user(user),
        request_id=current_request_id.get(),
    )


def record_event(name: str, instance, *, user, **data: Any) -> Event:
    return Event.objects.create(
        name=name,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        user=_real_user(user),
        data=data,
        request_id=current_request_id.get(),
    )


def history_of(instance):
    return ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk
    ).select_related("user")


def events_of(instance, names):
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        name__in=names,
    ).select_related("user")


def _real_user(user):
    return user if user is not None and user.is_authenticated else None
