"""Every write to a crisis: declare, change, close, reopen.

Who: coordinators and administrators on the EU side (``core.visibility.overlap_deciding_organisations``,
the rule that also decides overlaps; facts' agreement uses the same ``can_coordinate_for``). A crisis
is owned by the organisation in which its coordinator declared it; after that the coordinators of that
organisation change, close and reopen it. Closing keeps the record (with its closing date and note);
each write keeps the field-level history and a named event, in one transaction.
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerhub.access.models import Organisation
from partnerhub.core.history import record_change, record_event
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import can_coordinate_for, overlap_deciding_organisations
from partnerhub.knowledge.models import Crisis, Severity
from partnerhub.plans.services import snapshot

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CRISIS_FIELDS = ("title", "country", "description", "started_on", "severity", "sharing_level")
CIRCLE_FIELDS = ("shared_with_organisations", "shared_with_countries")


# -- who ------------------------------------------------------------------------------------


def declaring_organisations(user: AnyUser | None) -> list[Organisation]:
    """The EU-side organisations on whose behalf ``user`` declares a crisis: where they coordinate."""
    return overlap_deciding_organisations(user)


def may_declare(user: AnyUser | None) -> bool:
    return bool(declaring_organisations(user))


def may_change_crisis(user: AnyUser | None, crisis: Crisis) -> bool:
    """The coordinators (and administrators) of the organisation that declared the crisis."""
    return can_coordinate_for(user, crisis.owner_id)


def _refuse_unless_coordinator(acting_user: AnyUser, organisation_id: int) -> None:
    if not can_coordinate_for(acting_user, organisation_id):
        raise PermissionDenied(_("Only coordinators on the EU side declare, change, close and reopen a crisis."))


# -- writes ---------------------------------------------------------------------------------


def declare_crisis(*, owner: Organisation, fields: dict[str, Any], acting_user: AnyUser) -> Crisis:
    with transaction.atomic(durable=True):
        if not owner.is_eu_side:
            raise PermissionDenied(_("Only coordinators on the EU side declare, change, close and reopen a crisis."))
        _refuse_unless_coordinator(acting_user, owner.pk)
        values = {"sharing_level": SharingLevel.EU, **_only(fields, CRISIS_FIELDS)}
        crisis = Crisis(owner=owner, declared_by=_real(acting_user), **values)
        check_crisis(crisis, fields)
        crisis.save()
        crisis.themes.set(fields.get("themes") or ())
        _set_circle(crisis, fields)
        record_change(crisis, ObjectChange.Action.CREATE, {}, snapshot(crisis), user=acting_user)
        record_event("knowledge.crisis_declared", crisis, user=acting_user)
    return crisis


def update_crisis(crisis: Crisis, fields: dict[str, Any], *, acting_user: AnyUser) -> Crisis:
    with transaction.atomic(durable=True):
        crisis = _locked(crisis, acting_user)
        before = snapshot(crisis)
        for name, value in _only(fields, CRISIS_FIELDS).items():
            setattr(crisis, name, value)
        check_crisis(crisis, fields)
        crisis.save()
        if "themes" in fields:
            crisis.themes.set(fields["themes"] or ())
        _set_circle(crisis, fields)
        after = _keep(crisis, before, "knowledge.crisis_updated", acting_user)
        if any(after[name] != before[name] for name in ("sharing_level", *CIRCLE_FIELDS)):
            record_event(
                "knowledge.crisis_sharing_changed",
                crisis,
                user=acting_user,
                old=before["sharing_level"],
                new=crisis.sharing_level,
            )
    return crisis


def close_crisis(crisis: Crisis, *, closed_on: date | None, note: str, acting_user: AnyUser) -> Crisis:
    """The record stays, listed as closed and readable as before."""
    with transaction.atomic(durable=True):
        crisis = _locked(crisis, acting_user)
        if not crisis.is_open:
            raise ValidationError({"closed_on": _("This crisis is already closed.")})
        closed_on = closed_on or timezone.localdate()
        if closed_on < crisis.started_on:
            raise ValidationError({"closed_on": _("A crisis closes on or after its start date.")})
        if closed_on > timezone.localdate():
            raise ValidationError({"closed_on": _("A crisis is closed today or on a past day, not in the future.")})
        before = snapshot(crisis)
        crisis.closed_on, crisis.closing_note, crisis.closed_by = closed_on, (note or "").strip(), _real(acting_user)
        crisis.save()
        _keep(crisis, before, "knowledge.crisis_closed", acting_user)
    return crisis


def reopen_crisis(crisis: Crisis, *, acting_user: AnyUser) -> Crisis:
    """Open again; the closing date and note stay in the history."""
    with transaction.atomic(durable=True):
        crisis = _locked(crisis, acting_user)
        if crisis.is_open:
            raise ValidationError({"closed_on": _("This crisis is open.")})
        before = snapshot(crisis)
        crisis.closed_on, crisis.closing_note, crisis.closed_by = None, "", None
        crisis.save()
        _keep(crisis, before, "knowledge.crisis_reopened", acting_user)
    return crisis


# -- validation -------------------------------------------------------------------------------


def check_crisis(crisis: Crisis, fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not (crisis.title or "").strip():
        errors["title"] = _("Give the crisis a title.")
    country = crisis.country if crisis.country_id else None
    if country is None:
        errors["country"] = _("Choose the partner country.")
    elif country.is_eu_member:
        errors["country"] = _("%(country)s is an EU Member State, not a partner country.") % {"country": country.name}
    if crisis.started_on is None:
        errors["started_on"] = _("Give the start date.")
    elif crisis.closed_on is not None and crisis.closed_on < crisis.started_on:
        errors["started_on"] = _("The start date is not after the closing date.")
    if crisis.severity not in Severity.values:
        errors["severity"] = _("Choose a severity: %(choices)s.") % {"choices": ", ".join(Severity.values)}
    if crisis.sharing_level not in SharingLevel.values:
        errors["sharing_level"] = _("Choose a sharing level.")
    for member_state in fields.get("shared_with_countries") or ():
        if not member_state.is_eu_member:
            errors["shared_with_countries"] = _("%(country)s is not an EU Member State.") % {
                "country": member_state.name
            }
    if errors:
        raise ValidationError(errors)


# -- helpers ----------------------------------------------------------------------------------


def _locked(crisis: Crisis, acting_user: AnyUser) -> Crisis:
    records = Crisis.objects.unrestricted("re-reads, locked, the crisis in hand; the coordinator rule decides below")
    locked: Crisis = records.select_for_update(of=("self",)).select_related("country").get(pk=crisis.pk)
    _refuse_unless_coordinator(acting_user, locked.owner_id)
    return locked


def _set_circle(crisis: Crisis, fields: dict[str, Any]) -> None:
    """The organisations and Member States named for a restricted crisis; none at any other level."""
    restricted = crisis.sharing_level == SharingLevel.RESTRICTED
    for name in CIRCLE_FIELDS:
        if not restricted:
            getattr(crisis, name).clear()
        elif name in fields:
            getattr(crisis, name).set(fields[name] or ())


def _keep(crisis: Crisis, before: dict[str, Any], event: str, acting_user: AnyUser) -> dict[str, Any]:
    after = snapshot(crisis)
    if after != before:
        record_change(crisis, ObjectChange.Action.UPDATE, before, after, user=acting_user)
        record_event(event, crisis, user=acting_user)
    return after


def _real(acting_user: AnyUser) -> "User | None":
    return acting_user if acting_user.is_authenticated else None


def _only(fields: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name in names}
