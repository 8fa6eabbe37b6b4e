"""Every write to the partner's stated priorities goes through these functions.

The page and the API call the same services. Who records a new priority is
decided by ``core.visibility.priority_recording_organisations`` (EU-side
coordinators, editors of the partner country's own authorities); once recorded,
a priority is changed, widened or removed only by editors of the organisation
that owns it, like every record of the hub (``core.visibility.can_edit``).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnerhub.access.models import Organisation
from partnerhub.analysis.forms import snapshot
from partnerhub.analysis.models import PartnerPriority, PriorityComment
from partnerhub.core.history import record_change, record_event
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.visibility import can_edit, priority_recording_organisations

# The fields a user sets on a priority; the owner and the country are fixed when it is recorded.
EDITABLE_FIELDS = ("theme", "description", "source", "source_url", "stated_on", "sharing_level")
PRIORITY_LEVELS = (SharingLevel.PARTNER, SharingLevel.PUBLIC)


def create_priority(*, country, owner, fields: dict[str, Any], acting_user) -> PartnerPriority:
    _check_level(fields)
    with transaction.atomic():
        if owner not in priority_recording_organisations(acting_user, country):
            raise PermissionDenied(
                _("You may not record priorities of %(country)s for %(organisation)s.")
                % {"country": country.name, "organisation": owner.name}
            )
        priority = PartnerPriority(country=country, owner=owner, recorded_by=acting_user, **_editable(fields))
        priority.save()
        record_change(priority, ObjectChange.Action.CREATE, {}, snapshot(priority), user=acting_user)
        record_event("priority.created", priority, user=acting_user, sharing_level=priority.sharing_level)
    return priority


def update_priority(priority: PartnerPriority, fields: dict[str, Any], *, acting_user) -> PartnerPriority:
    _check_level(fields)
    with transaction.atomic():
        priority = _locked_for_editing(priority, acting_user)
        before = snapshot(priority)
        old_level = priority.sharing_level
        for name, value in _editable(fields).items():
            setattr(priority, name, value)
        priority.save()
        after = snapshot(priority)
        if before != after:
            record_change(priority, ObjectChange.Action.UPDATE, before, after, user=acting_user)
            record_event("priority.updated", priority, user=acting_user)
        if old_level != priority.sharing_level:
            record_event(
                "priority.sharing_changed", priority, user=acting_user, old=old_level, new=priority.sharing_level
            )
    return priority


def delete_priority(priority: PartnerPriority, *, acting_user) -> None:
    with transaction.atomic():
        priority = _locked_for_editing(priority, acting_user)
        record_change(priority, ObjectChange.Action.DELETE, snapshot(priority), {}, user=acting_user)
        record_event("priority.deleted", priority, user=acting_user)
        priority.delete()


def _locked_for_editing(priority: PartnerPriority, acting_user) -> PartnerPriority:
    priorities = PartnerPriority.objects.unrestricted("re-reads, locked, the priority in hand; can_edit decides below")
    locked = priorities.select_for_update(of=("self",)).select_related("country", "theme", "owner").get(pk=priority.pk)
    if not can_edit(acting_user, locked):
        raise PermissionDenied(
            _("Only editors of %(organisation)s, which recorded this priority, may change or remove it.")
            % {"organisation": locked.owner.name}
        )
    return locked


def _editable(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name in EDITABLE_FIELDS}


def _check_level(fields: dict[str, Any]) -> None:
    level = fields.get("sharing_level", SharingLevel.PARTNER)
    if level not in PRIORITY_LEVELS:
        raise ValidationError(
            {"sharing_level": _("A priority is shared with the EU side and the partner country, or public.")}
        )


def comment_on_priority(priority: PartnerPriority, text: str, *, acting_user) -> PriorityComment:
    """Anyone of an organisation who may read a priority may comment on it or propose a change;
    only its owner's editors change it."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the comment or the proposal.")})
    with transaction.atomic():
        organisation = _commenting_organisation(acting_user)
        if organisation is None or not PartnerPriority.objects.visible_to(acting_user).filter(pk=priority.pk).exists():
            raise PermissionDenied(_("Members of an organisation who may read a priority comment on it."))
        comment = PriorityComment.objects.create(
            priority=priority, organisation=organisation, author=acting_user, text=text
        )
        record_event("priority.commented", priority, user=acting_user, comment=comment.pk)
    return comment


def _commenting_organisation(user) -> Organisation | None:
    """The organisation a comment is signed with: the user's first, by name."""
    if not user.is_authenticated:
        return None
    return Organisation.objects.filter(memberships__user=user).order_by("name").first()
