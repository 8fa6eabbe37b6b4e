"""Optimistic locking: a save is refused when the record changed after the editor read it.

A record edited by people carries a ``version`` counter. The form or API client
sends back the version it read; ``claim_version`` moves the record to the next
version with one ``UPDATE … WHERE version = n``. Of two saves that read the same
version, the database lets only one such statement match the row (on PostgreSQL
the second waits for the first to commit, then finds the version moved on), so
the second save is refused with ``EditConflict`` and writes nothing.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Model, QuerySet
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from partnerhub.core.models import ObjectChange

IF_MATCH_PATTERN = re.compile(r'(?:W/)?"([1-9][0-9]{0,9})"')


@dataclass(eq=False)
class EditConflict(Exception):  # noqa: N818 - reads as what happened, like Django's PermissionDenied
    """Someone saved the record after the editor read it; nothing was written."""

    read_version: int
    current_version: int | None
    # The history rows written since the editor's version, newest first.
    changes: list[ObjectChange] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message

    @property
    def last_change(self) -> ObjectChange | None:
        return self.changes[0] if self.changes else None

    @property
    def changed_by(self) -> str | None:
        change = self.last_change
        if change is None:
            return None
        return author_name(change)

    @property
    def changed_at(self) -> datetime | None:
        return self.last_change.time if self.last_change else None

    @property
    def changed_fields(self) -> list[str]:
        return list(dict.fromkeys(name for change in reversed(self.changes) for name in change.changes))

    @property
    def message(self) -> str:
        if self.current_version is None:
            return _("This record was deleted after you opened it. Nothing was saved.")
        if self.changed_by and self.changed_at:
            when = date_format(localtime(self.changed_at), "DATETIME_FORMAT")
            return _(
                "%(who)s changed this record on %(when)s, after you opened it. "
                "Nothing was saved: your changes would have replaced theirs."
            ) % {"who": self.changed_by, "when": when}
        return _(
            "This record changed after you opened it: you read version %(read)s, it is now at version "
            "%(current)s. Nothing was saved: read it again, then make your change."
        ) % {"read": self.read_version, "current": self.current_version}

    def as_json(self) -> dict[str, Any]:
        return {
            "detail": self.message,
            "current_version": self.current_version,
            "changed_by": self.changed_by,
            "changed_at": self.changed_at,
            "changed_fields": self.changed_fields,
        }


def author_name(change: ObjectChange) -> str:
    if change.user is None:
        return _("an import")
    return change.user.get_full_name() or change.user.get_username()


def lock_field(model: type[Model]) -> str:
    """The name of the model's version counter (``core.models.Versioned.lock_field``)."""
    return getattr(model, "lock_field", "version")


def version_of(record: Model) -> int:
    version: int = getattr(record, lock_field(type(record)))
    return version


def claim_version(rows: QuerySet[Any], pk: int, read_version: int | None) -> None:
    """Moves record ``pk`` of ``rows`` to its next version; call it inside the save's transaction.

    With ``read_version`` None (an import, a system change) the version moves on
    whatever it was, so that an editor who opened the record before is refused.
    """
    counter = lock_field(rows.model)
    target = rows.filter(pk=pk)
    if read_version is not None:
        target = target.filter(**{counter: read_version})
    if target.update(**{counter: F(counter) + 1}) == 0 and read_version is not None:
        raise _conflict(rows, pk, read_version)


def give_back_version(rows: QuerySet[Any], record: Model) -> None:
    """A save that changed nothing keeps the version: each version step has its history row,
    for a refused editor to be told who made it. Call it inside the save's transaction, with
    ``record`` as read after ``claim_version``."""
    counter = lock_field(rows.model)
    rows.filter(pk=record.pk).update(**{counter: F(counter) - 1})
    setattr(record, counter, getattr(record, counter) - 1)


def _conflict(rows: QuerySet[Any], pk: int, read_version: int) -> EditConflict:
    current = rows.filter(pk=pk).values_list(lock_field(rows.model), flat=True).first()
    if current is None:
        return EditConflict(read_version, None)
    return EditConflict(read_version, current, changes_since(rows.model, pk, current - read_version))


def changes_since(model: type[Model], pk: int, count: int) -> list[ObjectChange]:
    """The ``count`` latest changes of a record, newest first: each version step wrote one."""
    if count <= 0:
        return []
    history = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=pk)
    return list(history.select_related("user").order_by("-time", "-pk")[:count])


class PreconditionFailed(EditConflict):
    """The same refusal, for a client that named the version in an If-Match header (HTTP 412)."""


def version_from_if_match(header: str | None) -> int | None:
    """The version an If-Match header names: ``"3"`` or ``W/"3"``; ``*`` or no header names none.

    Raises ``ValueError`` for anything else."""
    if header is None or header.strip() == "*":
        return None
    match = IF_MATCH_PATTERN.fullmatch(header.strip())
    if match is None:
        raise ValueError(header)
    return int(match.group(1))


def etag_for(version: int) -> str:
    return f'"{version}"'
