"""Every write to the directory of focal points: add, change, confirm, remove.

Who: EU-side editors of the entry's organisation, EU-side coordinators (for any organisation), and
the person themself (the entry's linked account) for their own entry. The directory is an EU-side
tool, so an editor outside the EU side does not keep entries they could not read afterwards.

Personal data is kept to the minimum and not copied: no field-level history of an entry is written
(``core.models.ObjectChange`` would keep its name and contact after removal). Removing an entry deletes
the row; the only trace is an event "a focal point was removed by X", without any field of the entry.
"""

from datetime import timedelta
from typing import Any

import pycountry
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerhub.access.models import Organisation
from partnerhub.core.history import record_event
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import circle_of, editing_organisation_ids, overlap_deciding_organisations
from partnerhub.knowledge.models import FocalPoint, FocalPointRole

ENTRY_FIELDS = ("name", "function", "role", "organisation", "email", "phone", "languages", "user")
# What the person changes on their own entry: not who keeps it nor which account it is linked to.
OWN_FIELDS = ("name", "function", "role", "email", "phone", "languages")
LINKS = ("countries", "themes")
DEFAULT_STALE_DAYS = 365


def stale_after() -> timedelta:
    return timedelta(days=int(getattr(settings, "FOCAL_POINT_STALE_DAYS", DEFAULT_STALE_DAYS)))


def is_stale(entry: FocalPoint) -> bool:
    """Not confirmed for longer than the setting allows (never confirmed counts as stale)."""
    confirmed = entry.last_confirmed_at
    return confirmed is None or timezone.now() - confirmed > stale_after()


# -- who ------------------------------------------------------------------------------------


def is_coordinator(user: AnyUser | None) -> bool:
    return bool(overlap_deciding_organisations(user))


def managed_organisation_ids(user: AnyUser | None) -> frozenset[int] | None:
    """The organisations whose entries ``user`` adds and changes; ``None`` for every organisation
    (coordinators)."""
    if is_coordinator(user):
        return None
    if not circle_of(user).eu_side:
        return frozenset()
    editable = Organisation.objects.filter(pk__in=editing_organisation_ids(user))
    return frozenset(organisation.pk for organisation in editable if organisation.is_eu_side)


def may_add(user: AnyUser | None) -> bool:
    managed = managed_organisation_ids(user)
    return managed is None or bool(managed)


def may_manage(user: AnyUser | None, entry: FocalPoint) -> bool:
    """Add, change, confirm and remove the entry as its keepers do."""
    managed = managed_organisation_ids(user)
    return managed is None or entry.organisation_id in managed


def is_own(user: AnyUser | None, entry: FocalPoint) -> bool:
    return user is not None and user.is_authenticated and entry.user_id == user.pk


def may_change(user: AnyUser | None, entry: FocalPoint) -> bool:
    return is_own(user, entry) or may_manage(user, entry)


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(
            _(
                "Only editors of the entry's organisation, coordinators and the person themself change "
                "a directory entry."
            )
        )


# -- writes ---------------------------------------------------------------------------------


def create_entry(fields: dict[str, Any], *, acting_user: AnyUser) -> FocalPoint:
    with transaction.atomic(durable=True):
        organisation = fields.get("organisation")
        managed = managed_organisation_ids(acting_user)
        _refuse_unless(managed is None or (bool(managed) and (organisation is None or organisation.pk in managed)))
        entry = FocalPoint(**_only(fields, ENTRY_FIELDS))
        check_entry(entry)
        entry.save()
        entry.countries.set(fields.get("countries") or ())
        entry.themes.set(fields.get("themes") or ())
    return entry


def update_entry(entry: FocalPoint, fields: dict[str, Any], *, acting_user: AnyUser) -> FocalPoint:
    """The keepers change every field; the person their own details (and that confirms them)."""
    with transaction.atomic(durable=True):
        entry = _locked(entry)
        keeper = may_manage(acting_user, entry)
        own = is_own(acting_user, entry)
        _refuse_unless(keeper or own)
        for name, value in _only(fields, ENTRY_FIELDS if keeper else OWN_FIELDS).items():
            setattr(entry, name, value)
        if keeper and "organisation" in fields:
            managed = managed_organisation_ids(acting_user)
            _refuse_unless(managed is None or entry.organisation_id in managed)
        if own:
            entry.last_confirmed_at = timezone.now()
        check_entry(entry)
        entry.save()
        for name in LINKS:
            if name in fields:
                getattr(entry, name).set(fields[name] or ())
    return entry


def confirm_entry(entry: FocalPoint, *, acting_user: AnyUser) -> FocalPoint:
    """Stamps the entry as still right today."""
    with transaction.atomic(durable=True):
        entry = _locked(entry)
        _refuse_unless(may_change(acting_user, entry))
        entry.last_confirmed_at = timezone.now()
        entry.save(update_fields=["last_confirmed_at", "updated_at"])
    return entry


def delete_entry(entry: FocalPoint, *, acting_user: AnyUser) -> None:
    """Deletes the row; the event names who removed an entry, never whose entry it was."""
    with transaction.atomic(durable=True):
        entry = _locked(entry)
        _refuse_unless(may_change(acting_user, entry))
        record_event("knowledge.focal_point_removed", entry, user=acting_user)
        entry.delete()


# -- validation -------------------------------------------------------------------------------


def check_entry(entry: FocalPoint) -> None:
    errors: dict[str, str] = {}
    entry.name = (entry.name or "").strip()
    entry.function = (entry.function or "").strip()
    if not entry.name:
        errors["name"] = _("Give the person's name.")
    if not entry.function:
        errors["function"] = _("Give the person's function.")
    if not entry.organisation_id:
        errors["organisation"] = _("Choose the person's organisation.")
    if entry.role not in FocalPointRole.values:
        errors["role"] = _("Choose a role: %(choices)s.") % {"choices": ", ".join(FocalPointRole.values)}
    wrong = unknown_languages(entry.languages or "")
    if wrong:
        errors["languages"] = _("Not ISO 639-1 language codes: %(codes)s.") % {"codes": ", ".join(wrong)}
    entry.languages = ", ".join((entry.languages or "").replace(",", " ").lower().split())
    entry.email = (entry.email or "").strip()
    if entry.email:
        try:
            validate_email(entry.email)
        except ValidationError:
            errors["email"] = _("Give a valid e-mail address.")
    if not (entry.email or entry.phone):
        errors["email"] = _("Give an e-mail address or a telephone number, so that colleagues can reach the person.")
    if entry.user_id is not None:
        taken = FocalPoint.objects.filter(user_id=entry.user_id).exclude(pk=entry.pk).exists()
        if taken:
            errors["user"] = _("This account is already linked to another entry.")
    if errors:
        raise ValidationError(errors)


def unknown_languages(languages: str) -> list[str]:
    """The codes of ``languages`` (separated by spaces or commas) that are no ISO 639-1 code."""
    codes = languages.replace(",", " ").lower().split()
    return [code for code in codes if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None]


def _locked(entry: FocalPoint) -> FocalPoint:
    locked: FocalPoint = FocalPoint.objects.select_for_update().get(pk=entry.pk)
    return locked


def _only(fields: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name in names}
