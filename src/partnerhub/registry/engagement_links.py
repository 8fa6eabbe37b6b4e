"""Links from other records (lessons, talent partnerships, plan actions, meetings) to engagements.

An editor links only engagements they may see; links to engagements hidden from them stay as they were,
since they can neither see them nor take them off. The links are read and written through the
many-to-many table, never the related manager, which would read the engagements themselves unscoped.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from partnerhub.core.types import AnyUser
from partnerhub.registry.models import Engagement

LINK_FIELD = "engagements"


def checked_engagements(engagements: Iterable[Any], acting_user: AnyUser) -> list[int]:
    """The ids of ``engagements`` (records or ids); ``ValidationError`` on ``engagements`` if any is hidden
    from ``acting_user``."""
    wanted = {engagement.pk if isinstance(engagement, Model) else int(engagement) for engagement in engagements}
    visible = set(Engagement.objects.visible_to(acting_user).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - visible:
        raise ValidationError({LINK_FIELD: _("Link only engagements you may see.")})
    return sorted(wanted)


def keeping_hidden_links(record: Model, chosen: Iterable[int], acting_user: AnyUser) -> list[int]:
    """``chosen`` with the engagements ``record`` links to that ``acting_user`` may not see added back."""
    linked = engagement_links(record).values_list(_target_column(record), flat=True)
    hidden = Engagement.objects.hidden_from(acting_user).filter(pk__in=linked).values_list("pk", flat=True)
    return sorted(set(chosen) | set(hidden))


def link_engagements(record: Model, engagements: Iterable[Any], acting_user: AnyUser) -> None:
    """The links of a new record: only engagements ``acting_user`` may see."""
    set_engagement_links(record, checked_engagements(engagements, acting_user))


def relink_engagements(record: Model, engagements: Iterable[Any], acting_user: AnyUser) -> None:
    """``record`` links to ``engagements`` and to the engagements hidden from ``acting_user`` it linked to."""
    chosen = checked_engagements(engagements, acting_user)
    set_engagement_links(record, keeping_hidden_links(record, chosen, acting_user))


def engagement_links(record: Model) -> "QuerySet[Any]":
    """The rows of ``record``'s link table."""
    field = record._meta.get_field(LINK_FIELD)
    through = field.remote_field.through  # type: ignore[union-attr]
    links: QuerySet[Any] = through._default_manager.filter(**{field.m2m_field_name(): record.pk})  # type: ignore[union-attr]
    return links


def set_engagement_links(record: Model, engagement_ids: Iterable[int]) -> None:
    """Only the rows that change are deleted or added."""
    field = record._meta.get_field(LINK_FIELD)
    through = field.remote_field.through  # type: ignore[union-attr]
    source, target = f"{field.m2m_field_name()}_id", _target_column(record)  # type: ignore[union-attr]
    wanted = set(engagement_ids)
    links = engagement_links(record)
    links.exclude(**{f"{target}__in": wanted}).delete()
    kept = set(links.values_list(target, flat=True))
    through._default_manager.bulk_create([through(**{source: record.pk, target: pk}) for pk in sorted(wanted - kept)])


def _target_column(record: Model) -> str:
    field = record._meta.get_field(LINK_FIELD)
    return f"{field.m2m_reverse_field_name()}_id"  # type: ignore[union-attr]
