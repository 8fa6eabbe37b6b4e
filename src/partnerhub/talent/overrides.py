"""A coordinator's decision on one suggestion: allow it despite a safeguard, or block it.

Coordinators and administrators on the EU side (as for agreed key facts and overlap decisions:
``core.visibility.overlap_deciding_organisations``) who see the need record an override, with its
reason; it is read by everyone who sees the need. Withdrawing keeps the override and its history:
only a standing (not withdrawn) override acts on the matching.
"""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerhub.core.history import record_change, record_event
from partnerhub.core.models import ObjectChange
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import overlap_deciding_organisations
from partnerhub.geo.models import Country
from partnerhub.talent.models import MatchOverride, Occupation, OccupationLevel, OverrideDecision, TalentNeed

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FIELDS = ("need_id", "country_id", "occupation_id", "decision", "reason", "decided_by_id", "withdrawn_at")


def may_override(user: AnyUser | None) -> bool:
    """Coordinators and administrators of an EU institution or a Member State body."""
    return bool(overlap_deciding_organisations(user))


def _coordinator(user: AnyUser | None) -> "User":
    """``user``, a coordinator (so logged in); PermissionDenied otherwise."""
    if not may_override(user) or user is None or not user.is_authenticated:
        raise PermissionDenied(_("Only coordinators on the EU side allow or block a suggestion."))
    return user


def _fields(override: MatchOverride) -> dict[str, Any]:
    values = {name: getattr(override, name) for name in FIELDS}
    values["withdrawn_at"] = override.withdrawn_at.isoformat() if override.withdrawn_at else None
    return values


def create_override(
    need: TalentNeed, country: Country, occupation: Occupation, *, decision: str, reason: str, acting_user: AnyUser
) -> MatchOverride:
    """Records the decision on the suggestion (need × country's supply in occupation). ``need`` was read
    through the acting user's ``visible_to``; the service checks it again."""
    with transaction.atomic():
        _check_visible(need, acting_user)
        coordinator = _coordinator(acting_user)
        _check(country, occupation, decision, reason)
        override = MatchOverride(
            need=need, country=country, occupation=occupation, decision=decision, reason=reason.strip()
        )
        override.decided_by = coordinator
        try:
            with transaction.atomic():
                override.save()
        except IntegrityError:
            raise ValidationError(
                _("A coordinator has decided on this suggestion already: withdraw that decision first.")
            ) from None
        record_change(override, ObjectChange.Action.CREATE, {}, _fields(override), user=acting_user)
        record_event(f"talent.override_{decision}", override, user=acting_user, need=need.pk)
    return override


def withdraw_override(override: MatchOverride, *, acting_user: AnyUser) -> MatchOverride:
    """The override stops acting on the matching; it stays, with who withdrew it and when."""
    with transaction.atomic():
        overrides = MatchOverride.objects.visible_to(acting_user).select_for_update(of=("self",))
        locked = overrides.filter(pk=override.pk).first()
        if locked is None:
            raise Http404
        coordinator = _coordinator(acting_user)
        if locked.withdrawn_at is not None:
            raise ValidationError(_("This decision was withdrawn already."))
        before = _fields(locked)
        locked.withdrawn_at, locked.withdrawn_by = timezone.now(), coordinator
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        record_change(locked, ObjectChange.Action.UPDATE, before, _fields(locked), user=acting_user)
        record_event("talent.override_withdrawn", locked, user=acting_user, need=locked.need_id)
    return locked


def _check_visible(need: TalentNeed, user: AnyUser | None) -> None:
    if not TalentNeed.objects.visible_to(user).filter(pk=need.pk).exists():
        raise Http404


def _check(country: Country, occupation: Occupation, decision: str, reason: str) -> None:
    errors: dict[str, str] = {}
    if country.is_eu_member:
        errors["country"] = _("Choose a partner country, not an EU Member State.")
    if occupation.level != OccupationLevel.UNIT:
        errors["occupation"] = _("Choose an occupation's unit group (four digits).")
    if decision not in OverrideDecision.values:
        errors["decision"] = _("Choose allow or block.")
    if not reason.strip():
        errors["reason"] = _("Give the reason for the decision.")
    if errors:
        raise ValidationError(errors)
