"""Writing the two layers of history: field-level changes and named events.

Each change keeps who could read the record when it was written (its sharing
level and circle, ``core.visibility.audience_of``). A reader is shown only the
changes written while the record was visible to them, and the earlier values
of a change only when the record was visible to them before it too: widening a
record to the public does not publish what it said while it was confidential.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from partnerhub.core.confidential import entry_for
from partnerhub.core.middleware import current_request_id
from partnerhub.core.models import Event, ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import Circle, audience_of, circle_of, reads_audience

Snapshot = dict[str, Any]

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from partnerhub.core.models import ConfidentialModel


def diff_snapshots(before: Snapshot, after: Snapshot) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value differs."""
    fields = list(dict.fromkeys([*before, *after]))
    return {field: [before.get(field), after.get(field)] for field in fields if before.get(field) != after.get(field)}


def record_change(instance: Model, action: str, before: Snapshot, after: Snapshot, *, user: AnyUser | None) -> None:
    changes = diff_snapshots(before, after)
    if action == ObjectChange.Action.UPDATE and not changes:
        return
    audience = audience_for_history(instance)
    ObjectChange.objects.create(
        sharing_level=narrowest_level(audience),
        audience=audience,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        object_repr=str(instance)[:300],
        action=action,
        changes=changes,
        user=_real_user(user),
        request_id=current_request_id.get(),
    )


def record_event(name: str, instance: Model, *, user: AnyUser | None, **data: Any) -> Event:
    return Event.objects.create(
        name=name,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        user=_real_user(user),
        data=data,
        request_id=current_request_id.get(),
    )


def audience_for_history(instance: Model) -> list[dict[str, Any]]:
    """Who may read ``instance`` now: its own circle, or for a registered child row
    that exists only for those who read its parents (an overlap pair and its two
    engagements), the circle of each parent."""
    entry = entry_for(type(instance))
    if entry is not None and entry.is_child:
        return [part for name in entry.parents for part in audience_for_history(getattr(instance, name))]
    if hasattr(instance, "sharing_level") and hasattr(instance, "owner_id"):
        return [audience_of(cast("ConfidentialModel", instance))]
    return []


def narrowest_level(audience: list[dict[str, Any]]) -> str:
    levels = [part["level"] for part in audience]
    return max(levels, key=SharingLevel.rank) if levels else ""


@dataclass(frozen=True)
class ReadableChange:
    """One change as a given reader may see it."""

    change: ObjectChange
    shows_earlier_values: bool
    shows_editor: bool


def readable_history(instance: Model, user: AnyUser | None) -> list[ReadableChange]:
    """The changes of ``instance`` that ``user`` may read, newest first.

    The owner organisation's own people read every change; editor names are
    shown to the EU side only.
    """
    circle = circle_of(user)
    sees_all = getattr(instance, "owner_id", None) in circle.organisation_ids
    readable: list[ReadableChange] = []
    before: ObjectChange | None = None
    for change in reversed(list(history_of(instance))):
        if sees_all or _reads(circle, change):
            readable.append(
                ReadableChange(
                    change,
                    shows_earlier_values=sees_all or before is None or _reads(circle, before),
                    shows_editor=circle.eu_side,
                )
            )
        before = change
    return readable[::-1]


def _reads(circle: Circle, change: ObjectChange) -> bool:
    return all(reads_audience(circle, part) for part in change.audience)


def history_of(instance: Model) -> QuerySet[ObjectChange]:
    return ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk
    ).select_related("user")


def events_of(instance: Model, names: Iterable[str]) -> QuerySet[Event]:
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        name__in=names,
    ).select_related("user")


def _real_user(user: AnyUser | None) -> "User | None":
    return user if user is not None and user.is_authenticated else None


def history_rows(record: Model, user: AnyUser | None) -> list[dict[str, Any]]:
    """The changes of ``record`` the reader may read, for the history block of its page
    (``web/partials/history_fields.html``), each field labelled as the model names it."""
    labels = {field.name: field.verbose_name for field in record._meta.get_fields() if hasattr(field, "verbose_name")}
    return [
        {
            "change": entry.change,
            "shows_earlier_values": entry.shows_earlier_values,
            "shows_editor": entry.shows_editor,
            "fields": [(labels.get(name, name), *values) for name, values in sorted(entry.change.changes.items())],
        }
        for entry in readable_history(record, user)
    ]
