"""Every write of the key-facts workflow goes through these functions.

Who does what: editors of an EU-side organisation propose a figure — a new one, or an imported one
marked as proposed — with a note; editors of another organisation (EU side, or the authorities of
the country the figure is about) endorse it or dispute it with a reason; a coordinator on the EU
side (``core.visibility.can_coordinate_for``) records it as agreed, and the figure agreed before
it for the same indicator, country, destination and period becomes superseded, never deleted.
Each write keeps the field-level history and a named event in the same transaction.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerhub.access.models import Organisation, OrganisationKind
from partnerhub.core.history import record_change, record_event
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import can_coordinate_for, editing_organisation_ids
from partnerhub.facts.models import (
    UNDER_DISCUSSION,
    Endorsement,
    Indicator,
    Observation,
    ObservationStatus,
    Source,
    Stance,
)
from partnerhub.facts.periods import period_start
from partnerhub.geo.models import Country

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Restricted figures would need their named organisations: not offered yet.
OBSERVATION_LEVELS = (SharingLevel.PUBLIC, SharingLevel.PARTNER, SharingLevel.EU, SharingLevel.ORIGINATOR)


# -- who may do what ------------------------------------------------------------------------


def proposing_organisations(user: AnyUser | None) -> list[Organisation]:
    """The EU-side organisations for which ``user`` proposes figures: those where they edit."""
    editable = Organisation.objects.filter(pk__in=editing_organisation_ids(user)).select_related("country")
    return [organisation for organisation in editable.order_by("name") if organisation.is_eu_side]


def may_propose_figures(user: AnyUser | None) -> bool:
    """Whether ``user`` edits for an EU-side organisation, so that the pages offer "Propose a figure"."""
    return bool(proposing_organisations(user))


def stance_organisations(user: AnyUser | None, observation: Observation) -> list[Organisation]:
    """The organisations for which ``user`` endorses or disputes ``observation``: those where they
    edit, on the EU side or the authorities of the country it is about, other than its proposer."""
    editable = Organisation.objects.filter(pk__in=editing_organisation_ids(user)).exclude(
        pk=observation.proposing_organisation_id or 0
    )
    return [
        organisation
        for organisation in editable.select_related("country").order_by("name")
        if organisation.is_eu_side
        or (
            organisation.kind == OrganisationKind.PARTNER_AUTHORITY
            and organisation.country_id == observation.country_id
        )
    ]


def agreeing_organisations(user: AnyUser | None) -> list[Organisation]:
    """The EU-side organisations for which ``user`` records agreed figures: where they coordinate."""
    editable = Organisation.objects.filter(pk__in=editing_organisation_ids(user)).order_by("name")
    return [o for o in editable.select_related("country") if o.is_eu_side and can_coordinate_for(user, o.pk)]


# -- proposing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureInput:
    """A figure someone proposes that no loaded file carries (a national statistic, a ministry's count)."""

    indicator: Indicator
    country: Country
    period: str
    value: Decimal
    source: Source
    destination: Country | None = None
    unit: str = ""
    method_note: str = ""
    sharing_level: str = SharingLevel.EU


def propose_figure(figure: FigureInput, *, note: str, organisation: Organisation, acting_user: AnyUser) -> Observation:
    """A new figure, proposed for ``organisation`` (which owns it) as the one to quote. A source not
    saved yet is the one of its publisher and dataset if the hub knows it, added otherwise."""
    _check_figure(figure)
    if not note.strip():
        raise ValidationError({"note": _("Say why this figure should be the one to quote.")})
    with transaction.atomic(durable=True):
        _check_may_propose(acting_user, organisation)
        observation = Observation(
            indicator=figure.indicator,
            country=figure.country,
            destination=figure.destination,
            period=figure.period,
            period_start=period_start(figure.period),
            value=figure.value,
            unit=figure.unit or figure.indicator.unit,
            source=_saved(figure.source),
            method_note=figure.method_note,
            sharing_level=figure.sharing_level,
            owner=organisation,
        )
        _mark_proposed(observation, note, organisation, acting_user)
        observation.save()
        record_change(observation, ObjectChange.Action.CREATE, {}, snapshot(observation), user=acting_user)
        record_event("observation.proposed", observation, user=acting_user, note=note)
    return observation


def propose_observation(
    observation: Observation, *, note: str, acting_user: AnyUser, organisation: Organisation | None = None
) -> Observation:
    """An imported figure becomes the one proposed for quoting."""
    with transaction.atomic(durable=True):
        observation = _locked(observation, acting_user)
        organisation = organisation or _first(proposing_organisations(acting_user))
        _check_may_propose(acting_user, organisation)
        if observation.status != ObservationStatus.IMPORTED:
            raise ValidationError(
                {
                    "status": _("Only an imported figure is proposed; this one is %(status)s.")
                    % {"status": observation.get_status_display()}
                }
            )
        if not note.strip():
            raise ValidationError({"note": _("Say why this figure should be the one to quote.")})
        before = snapshot(observation)
        _mark_proposed(observation, note, organisation, acting_user)
        observation.save()
        _keep(observation, before, "observation.proposed", acting_user, note=note)
    return observation


def _mark_proposed(
    observation: Observation, note: str, organisation: Organisation | None, acting_user: AnyUser
) -> None:
    observation.status = ObservationStatus.PROPOSED
    observation.note = note
    observation.proposing_organisation = organisation
    observation.proposed_by = _person(acting_user)
    observation.proposed_at = timezone.now()


def _saved(source: Source) -> Source:
    if source.pk is not None:
        return source
    known = Source.objects.filter(publisher=source.publisher, dataset=source.dataset).first()
    if known is not None:
        return known
    source.full_clean(validate_unique=False)
    source.save()
    return source


def _check_may_propose(user: AnyUser | None, organisation: Organisation | None) -> None:
    if organisation is None or organisation not in proposing_organisations(user):
        raise PermissionDenied(_("Only editors of an organisation on the EU side propose figures."))


def _check_figure(figure: FigureInput) -> None:
    errors: dict[str, str] = {}
    try:
        period_start(figure.period)
    except ValueError:
        errors["period"] = _("A period is a year, a quarter or a month: 2022, 2022-Q3 or 2022-07.")
    if figure.indicator.pair and figure.destination is None:
        errors["destination"] = _("This indicator is given for an origin and a destination: name the destination.")
    if not figure.indicator.pair and figure.destination is not None:
        errors["destination"] = _("This indicator is given for one country: it has no destination.")
    if figure.sharing_level not in OBSERVATION_LEVELS:
        errors["sharing_level"] = _("A figure is public, partner, EU or originator.")
    if errors:
        raise ValidationError(errors)


# -- endorsing and disputing ----------------------------------------------------------------


def endorse_observation(
    observation: Observation, *, acting_user: AnyUser, organisation: Organisation | None = None
) -> Endorsement:
    return _take_stance(observation, Stance.ENDORSE, "", acting_user, organisation)


def dispute_observation(
    observation: Observation, *, reason: str, acting_user: AnyUser, organisation: Organisation | None = None
) -> Endorsement:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the figure is disputed.")})
    return _take_stance(observation, Stance.DISPUTE, reason.strip(), acting_user, organisation)


def _take_stance(
    observation: Observation, stance: str, reason: str, acting_user: AnyUser, organisation: Organisation | None
) -> Endorsement:
    """One stance per organisation: a new one replaces its earlier one, kept in the history."""
    with transaction.atomic(durable=True):
        observation = _locked(observation, acting_user)
        allowed = stance_organisations(acting_user, observation)
        organisation = organisation or _first(allowed)
        if organisation is None or organisation not in allowed:
            raise PermissionDenied(
                _("Editors of another organisation than the one proposing it endorse or dispute a figure.")
            )
        if observation.status not in UNDER_DISCUSSION:
            raise ValidationError({"status": _("Only a proposed figure is endorsed or disputed.")})
        endorsement = observation.endorsements.filter(organisation=organisation).first()
        before = snapshot(endorsement) if endorsement else {}
        endorsement = endorsement or Endorsement(observation=observation, organisation=organisation)
        endorsement.user, endorsement.stance, endorsement.reason = _person(acting_user), stance, reason
        endorsement.save()
        action = ObjectChange.Action.UPDATE if before else ObjectChange.Action.CREATE
        record_change(endorsement, action, before, snapshot(endorsement), user=acting_user)
        name = "observation.endorsed" if stance == Stance.ENDORSE else "observation.disputed"
        record_event(name, observation, user=acting_user, organisation=organisation.pk, reason=reason)
        _follow_stances(observation, acting_user)
    return endorsement


def _follow_stances(observation: Observation, acting_user: AnyUser) -> None:
    """A figure is disputed while one organisation disputes it, proposed otherwise."""
    disputed = observation.endorsements.filter(stance=Stance.DISPUTE).exists()
    status = ObservationStatus.DISPUTED if disputed else ObservationStatus.PROPOSED
    if status != observation.status:
        before = snapshot(observation)
        observation.status = status
        observation.save(update_fields=["status"])
        record_change(observation, ObjectChange.Action.UPDATE, before, snapshot(observation), user=acting_user)


# -- agreeing -------------------------------------------------------------------------------


def agree_observation(observation: Observation, *, acting_user: AnyUser) -> Observation:
    """A coordinator records the figure as agreed; the one agreed before it is superseded."""
    with transaction.atomic(durable=True):
        observation = _locked(observation, acting_user)
        if not agreeing_organisations(acting_user):
            raise PermissionDenied(_("Only coordinators on the EU side record a figure as agreed."))
        if observation.status not in UNDER_DISCUSSION:
            raise ValidationError({"status": _("Only a proposed or disputed figure is agreed.")})
        for previous in _agreed_for_the_same(observation):
            before = snapshot(previous)
            previous.status = ObservationStatus.SUPERSEDED
            previous.save(update_fields=["status"])
            _keep(previous, before, "observation.superseded", acting_user, by=observation.pk)
        before = snapshot(observation)
        observation.status = ObservationStatus.AGREED
        observation.agreed_by = _person(acting_user)
        observation.agreed_at = timezone.now()
        observation.save()
        _keep(observation, before, "observation.agreed", acting_user, value=str(observation.value))
    return observation


def keep_agreed_figure(revision: Observation, *, acting_user: AnyUser) -> Observation:
    """A coordinator keeps the agreed figure a revised release would replace: the revision goes back to
    *imported* — still the source's figure, shown beside the agreed one, out of the queue — and the
    agreed figure stands. Both stay in the history."""
    with transaction.atomic(durable=True):
        revision = _locked(revision, acting_user)
        if not agreeing_organisations(acting_user):
            raise PermissionDenied(_("Only coordinators on the EU side decide on a revised figure."))
        if revision.revises_id is None or revision.status not in UNDER_DISCUSSION:
            raise ValidationError({"status": _("Only a revised figure awaiting a decision is set aside.")})
        before = snapshot(revision)
        revision.status = ObservationStatus.IMPORTED
        revision.save(update_fields=["status"])
        _keep(revision, before, "observation.revision_kept_agreed", acting_user, agreed=revision.revises_id)
    return revision


def _agreed_for_the_same(observation: Observation) -> list[Observation]:
    # Every agreed figure, seen by the coordinator or not: the database allows one only.
    agreed = Observation.objects.unrestricted("one agreed figure per indicator, country and period").filter(
        indicator=observation.indicator_id,
        country=observation.country_id,
        destination=observation.destination_id,
        period=observation.period,
        status=ObservationStatus.AGREED,
    )
    return list(agreed.exclude(pk=observation.pk).select_for_update(of=("self",)))


# -- shared ---------------------------------------------------------------------------------


def _locked(observation: Observation, acting_user: AnyUser) -> Observation:
    """The observation re-read, locked, among those ``acting_user`` may see: 404 otherwise."""
    found = (
        Observation.objects.visible_to(acting_user)
        .select_for_update(of=("self",))
        .select_related("indicator", "country", "source")
        .filter(pk=observation.pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _person(user: AnyUser) -> "User | None":
    return user if user.is_authenticated else None


def _first(organisations: list[Organisation]) -> Organisation | None:
    return organisations[0] if organisations else None


def snapshot(record: Model) -> dict[str, Any]:
    """Readable values for the field-level history; linked records by id."""
    values: dict[str, Any] = {}
    for field in record._meta.concrete_fields:
        if field.name not in ("id", "created_at"):
            value = getattr(record, field.attname)
            values[field.name] = "" if value is None else str(value)
    return values


def _keep(record: Model, before: dict[str, Any], event: str, acting_user: AnyUser | None, **data: Any) -> None:
    after = snapshot(record)
    if after != before:
        record_change(record, ObjectChange.Action.UPDATE, before, after, user=acting_user)
        record_event(event, record, user=acting_user, **data)
