"""Every write to labour needs, talent supply, Talent Partnerships, their schemes and pipeline figures.

Who changes what (built on the one rule ``core.visibility.can_edit_for``): editors of the organisation
owning a need, a supply record or a partnership change it; a partnership's schemes and pipeline figures
are changed by the editors of the partnership's owner. Each write validates the whole record (clear
messages naming the field), keeps the field-level history and a named event, all in one transaction.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pycountry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from partnerhub.access.models import Organisation
from partnerhub.core.concurrency import claim_version, give_back_version
from partnerhub.core.history import record_change, record_event
from partnerhub.core.models import ConfidentialModel, ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import can_edit_for
from partnerhub.facts.periods import period_start
from partnerhub.registry.engagement_links import link_engagements, relink_engagements
from partnerhub.talent.models import (
    PIPELINE_STAGES,
    OccupationLevel,
    PartnershipStatus,
    PipelineFigure,
    TalentNeed,
    TalentPartnership,
    TalentScheme,
    TalentSupply,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FIRST_YEAR, LAST_YEAR = 1990, 2100
FIGURE_FIELDS = (
    "occupation",
    "first_year",
    "last_year",
    "eqf_level",
    "languages",
    "language_level",
    "source",
    "source_url",
    "note",
    "sharing_level",
)
NEED_FIELDS = (*FIGURE_FIELDS, "member_state", "region", "sector", "people_per_year")
SUPPLY_FIELDS = (
    *FIGURE_FIELDS,
    "country",
    "yearly_graduates",
    "available_workers",
    "training_capacity",
    "partner_reports_shortage",
)
PARTNERSHIP_FIELDS = ("title", "country", "status", "started_on", "description", "sharing_level")
SCHEME_FIELDS = ("kind", "title", "starts_on", "ends_on", "description")
PIPELINE_FIELDS = ("period", *PIPELINE_STAGES, "note")
# Named only for the restricted level, as on engagements and plans.
CIRCLE_FIELDS = ("shared_with_organisations", "shared_with_countries")
# A need concerns a Member State only: no partner country's users could read it at the partner level.
NEED_SHARING_LEVELS = [level for level in SharingLevel.values if level != SharingLevel.PARTNER]


# -- who may change what ----------------------------------------------------------------


def may_change(user: AnyUser | None, record: ConfidentialModel) -> bool:
    """Editors of the record's owner change it (and, for a partnership, its schemes and pipeline)."""
    return can_edit_for(user, record.owner_id)


def _refuse_unless_editor(acting_user: AnyUser, owner: Organisation) -> None:
    if not can_edit_for(acting_user, owner.pk):
        raise PermissionDenied(
            _("Only editors of %(organisation)s change the records it keeps.") % {"organisation": owner}
        )


def _author(acting_user: AnyUser) -> "User | None":
    """The editor who created a record: refused earlier when not signed in (can_edit_for)."""
    return acting_user if acting_user.is_authenticated else None


def _records(model: type[ConfidentialModel]) -> QuerySet[Any]:
    return model.objects.unrestricted("re-reads, locked, the record in hand; may_change decides below")


def _locked(model: type[ConfidentialModel], record: Model, acting_user: AnyUser) -> Any:
    records = _records(model)
    locked = records.select_for_update(of=("self",)).select_related("owner").get(pk=record.pk)
    _refuse_unless_editor(acting_user, locked.owner)
    return locked


# -- needs and supply ---------------------------------------------------------------------


def create_need(*, owner: Organisation, fields: dict[str, Any], acting_user: AnyUser) -> TalentNeed:
    with transaction.atomic(durable=True):
        _refuse_unless_editor(acting_user, owner)
        need = TalentNeed(owner=owner, created_by=_author(acting_user), **_only(fields, NEED_FIELDS))
        _created(need, fields, "talent.need_created", acting_user, check_need)
    return need


def update_need(
    need: TalentNeed, fields: dict[str, Any], *, acting_user: AnyUser, read_version: int | None = None
) -> TalentNeed:
    """``read_version``: the version the editor read; when the record moved on since, ``EditConflict``
    is raised and nothing is written (the same for supply and partnerships)."""
    with transaction.atomic(durable=True):
        claim_version(_records(TalentNeed), need.pk, read_version)
        need = _locked(TalentNeed, need, acting_user)
        _updated(need, fields, NEED_FIELDS, "talent.need_updated", acting_user, check_need)
    return need


def delete_need(need: TalentNeed, *, acting_user: AnyUser) -> None:
    with transaction.atomic(durable=True):
        _deleted(_locked(TalentNeed, need, acting_user), "talent.need_deleted", acting_user)


def create_supply(*, owner: Organisation, fields: dict[str, Any], acting_user: AnyUser) -> TalentSupply:
    with transaction.atomic(durable=True):
        _refuse_unless_editor(acting_user, owner)
        supply = TalentSupply(owner=owner, created_by=_author(acting_user), **_only(fields, SUPPLY_FIELDS))
        _created(supply, fields, "talent.supply_created", acting_user, check_supply)
    return supply


def update_supply(
    supply: TalentSupply, fields: dict[str, Any], *, acting_user: AnyUser, read_version: int | None = None
) -> TalentSupply:
    with transaction.atomic(durable=True):
        claim_version(_records(TalentSupply), supply.pk, read_version)
        supply = _locked(TalentSupply, supply, acting_user)
        _updated(supply, fields, SUPPLY_FIELDS, "talent.supply_updated", acting_user, check_supply)
    return supply


def delete_supply(supply: TalentSupply, *, acting_user: AnyUser) -> None:
    with transaction.atomic(durable=True):
        _deleted(_locked(TalentSupply, supply, acting_user), "talent.supply_deleted", acting_user)


def _created(
    record: Any, fields: dict[str, Any], event: str, acting_user: AnyUser, check: Callable[[Any, dict[str, Any]], None]
) -> Any:
    check(record, fields)
    record.save()
    _set_circle(record, fields)
    record_change(record, ObjectChange.Action.CREATE, {}, snapshot(record), user=acting_user)
    record_event(event, record, user=acting_user)
    return record


def _updated(
    record: Any,
    fields: dict[str, Any],
    names: tuple[str, ...],
    event: str,
    acting_user: AnyUser,
    check: Callable[[Any, dict[str, Any]], None],
) -> Any:
    before = snapshot(record)
    for name, value in _only(fields, names).items():
        setattr(record, name, value)
    check(record, fields)
    record.save()
    _set_circle(record, fields)
    after = _keep(record, before, event, acting_user)
    if after == before:
        give_back_version(_records(type(record)), record)
    if any(after[name] != before[name] for name in ("sharing_level", *CIRCLE_FIELDS)):
        record_event(
            event.replace("_updated", "_sharing_changed"),
            record,
            user=acting_user,
            old=before["sharing_level"],
            new=record.sharing_level,
        )
    return record


def _deleted(record: Model, event: str, acting_user: AnyUser) -> None:
    record_change(record, ObjectChange.Action.DELETE, snapshot(record), {}, user=acting_user)
    record_event(event, record, user=acting_user)
    record.delete()


# -- validation ---------------------------------------------------------------------------


def check_need(need: TalentNeed, fields: dict[str, Any]) -> None:
    errors = _figure_errors(need, fields)
    member_state = need.member_state if need.member_state_id else None
    if member_state is None:
        errors["member_state"] = _("Choose the Member State that needs these people.")
    elif not member_state.is_eu_member:
        errors["member_state"] = _("%(country)s is not an EU Member State.") % {"country": member_state.name}
    if need.sharing_level == SharingLevel.PARTNER:
        errors["sharing_level"] = _(
            "A need concerns a Member State, not a partner country: choose another sharing level."
        )
    if need.people_per_year is None or need.people_per_year < 0:
        errors["people_per_year"] = _("Give the number of people sought per year (0 or more).")
    _raise(errors)


def check_supply(supply: TalentSupply, fields: dict[str, Any]) -> None:
    errors = _figure_errors(supply, fields)
    _check_partner_country(supply, errors)
    for name in ("yearly_graduates", "available_workers", "training_capacity"):
        value = getattr(supply, name)
        if value is not None and value < 0:
            errors[name] = _("A count is 0 or more.")
    _raise(errors)


def _check_partner_country(record: TalentSupply | TalentPartnership, errors: dict[str, str]) -> None:
    country = record.country if record.country_id else None
    if country is None:
        errors["country"] = _("Choose the partner country.")
    elif country.is_eu_member:
        errors["country"] = _("%(country)s is an EU Member State, not a partner country.") % {"country": country.name}


def _figure_errors(record: TalentNeed | TalentSupply, fields: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    _check_sharing(record, fields, errors)
    occupation = record.occupation if record.occupation_id else None
    if occupation is None:
        errors["occupation"] = _("Choose an occupation (an ISCO-08 unit group).")
    elif occupation.level != OccupationLevel.UNIT:
        errors["occupation"] = _("%(occupation)s is not a unit group: choose a four-digit ISCO-08 occupation.") % {
            "occupation": occupation
        }
    errors.update(year_errors(record.first_year, record.last_year))
    if record.eqf_level is not None and not 1 <= record.eqf_level <= 8:
        errors["eqf_level"] = _("The EQF level is from 1 to 8.")
    wrong = unknown_languages(record.languages)
    if wrong:
        errors["languages"] = _("Not ISO 639-1 language codes: %(codes)s.") % {"codes": ", ".join(wrong)}
    record.languages = " ".join(record.languages.replace(",", " ").lower().split())
    return errors


def year_errors(first: int | None, last: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, year in (("first_year", first), ("last_year", last)):
        if year is None:
            errors[name] = _("Give a year.")
        elif not FIRST_YEAR <= year <= LAST_YEAR:
            errors[name] = _("Give a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
    if not errors and first is not None and last is not None and last < first:
        errors["last_year"] = _("The last year is not before the first year.")
    return errors


def unknown_languages(languages: str) -> list[str]:
    """The codes of ``languages`` (separated by spaces or commas) that are no ISO 639-1 code."""
    codes = languages.replace(",", " ").lower().split()
    return [code for code in codes if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None]


def _check_sharing(record: ConfidentialModel, fields: dict[str, Any], errors: dict[str, str]) -> None:
    if record.sharing_level not in SharingLevel.values:
        errors["sharing_level"] = _("Choose a sharing level.")
    for country in fields.get("shared_with_countries") or ():
        if not country.is_eu_member:
            errors["shared_with_countries"] = _("%(country)s is not an EU Member State.") % {"country": country.name}


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _set_circle(record: ConfidentialModel, fields: dict[str, Any]) -> None:
    """The organisations and Member States named for a restricted record; none at any other level."""
    restricted = record.sharing_level == SharingLevel.RESTRICTED
    for name in CIRCLE_FIELDS:
        if not restricted:
            getattr(record, name).clear()
        elif name in fields:
            getattr(record, name).set(fields[name] or ())


# -- partnerships ---------------------------------------------------------------------------


def create_partnership(*, owner: Organisation, fields: dict[str, Any], acting_user: AnyUser) -> TalentPartnership:
    with transaction.atomic(durable=True):
        _refuse_unless_editor(acting_user, owner)
        partnership = TalentPartnership(
            owner=owner, created_by=_author(acting_user), **_only(fields, PARTNERSHIP_FIELDS)
        )
        check_partnership(partnership, fields, creating=True)
        partnership.save()
        _set_circle(partnership, fields)
        partnership.member_states.set(fields["member_states"])
        partnership.occupations.set(fields.get("occupations") or ())
        link_engagements(partnership, fields.get("engagements") or (), acting_user)
        record_change(partnership, ObjectChange.Action.CREATE, {}, snapshot(partnership), user=acting_user)
        record_event("talent.partnership_created", partnership, user=acting_user)
    return partnership


def update_partnership(
    partnership: TalentPartnership, fields: dict[str, Any], *, acting_user: AnyUser, read_version: int | None = None
) -> TalentPartnership:
    with transaction.atomic(durable=True):
        claim_version(_records(TalentPartnership), partnership.pk, read_version)
        partnership = _locked(TalentPartnership, partnership, acting_user)
        before = snapshot(partnership)
        for name, value in _only(fields, PARTNERSHIP_FIELDS).items():
            setattr(partnership, name, value)
        check_partnership(partnership, fields, creating=False)
        partnership.save()
        _set_circle(partnership, fields)
        if "member_states" in fields:
            partnership.member_states.set(fields["member_states"])
        if "occupations" in fields:
            partnership.occupations.set(fields["occupations"] or ())
        if "engagements" in fields:
            relink_engagements(partnership, fields["engagements"] or (), acting_user)
        after = _keep(partnership, before, "talent.partnership_updated", acting_user)
        if after == before:
            give_back_version(_records(TalentPartnership), partnership)
        if any(after[name] != before[name] for name in ("sharing_level", *CIRCLE_FIELDS)):
            record_event(
                "talent.partnership_sharing_changed",
                partnership,
                user=acting_user,
                old=before["sharing_level"],
                new=partnership.sharing_level,
            )
    return partnership


def delete_partnership(partnership: TalentPartnership, *, acting_user: AnyUser) -> None:
    """With its schemes and their pipeline figures, each deletion kept in the history."""
    with transaction.atomic(durable=True):
        partnership = _locked(TalentPartnership, partnership, acting_user)
        schemes = TalentScheme.objects.unrestricted("the schemes of the partnership locked above")
        for scheme in schemes.filter(partnership=partnership):
            _delete_scheme(scheme, acting_user)
        _deleted(partnership, "talent.partnership_deleted", acting_user)


def check_partnership(partnership: TalentPartnership, fields: dict[str, Any], *, creating: bool) -> None:
    errors: dict[str, str] = {}
    _check_sharing(partnership, fields, errors)
    if not (partnership.title or "").strip():
        errors["title"] = _("Give the partnership a title.")
    _check_partner_country(partnership, errors)
    if partnership.status not in PartnershipStatus.values:
        errors["status"] = _("Choose a status.")
    if creating or "member_states" in fields:
        member_states = list(fields.get("member_states") or ())
        if not member_states:
            errors["member_states"] = _("Name at least one Member State.")
        for country in member_states:
            if not country.is_eu_member:
                errors["member_states"] = _("%(country)s is not an EU Member State.") % {"country": country.name}
    wrong = [str(o) for o in fields.get("occupations") or () if o.level != OccupationLevel.UNIT]
    if wrong:
        errors["occupations"] = _("Not unit groups: %(occupations)s.") % {"occupations": "; ".join(wrong)}
    _raise(errors)


# -- schemes ----------------------------------------------------------------------------------


def add_scheme(partnership: TalentPartnership, fields: dict[str, Any], *, acting_user: AnyUser) -> TalentScheme:
    with transaction.atomic(durable=True):
        partnership = _locked(TalentPartnership, partnership, acting_user)
        scheme = TalentScheme(partnership=partnership, **_only(fields, SCHEME_FIELDS))
        check_scheme(scheme, fields)
        scheme.save()
        scheme.occupations.set(fields.get("occupations") or ())
        record_change(scheme, ObjectChange.Action.CREATE, {}, snapshot(scheme), user=acting_user)
        record_event("talent.scheme_created", scheme, user=acting_user, partnership=partnership.pk)
    return scheme


def update_scheme(scheme: TalentScheme, fields: dict[str, Any], *, acting_user: AnyUser) -> TalentScheme:
    with transaction.atomic(durable=True):
        scheme = _locked_scheme(scheme, acting_user)
        before = snapshot(scheme)
        for name, value in _only(fields, SCHEME_FIELDS).items():
            setattr(scheme, name, value)
        check_scheme(scheme, fields)
        scheme.save()
        if "occupations" in fields:
            scheme.occupations.set(fields["occupations"] or ())
        _keep(scheme, before, "talent.scheme_updated", acting_user, partnership=scheme.partnership_id)
    return scheme


def delete_scheme(scheme: TalentScheme, *, acting_user: AnyUser) -> None:
    with transaction.atomic(durable=True):
        _delete_scheme(_locked_scheme(scheme, acting_user), acting_user)


def _delete_scheme(scheme: TalentScheme, acting_user: AnyUser) -> None:
    figures = PipelineFigure.objects.unrestricted("the pipeline of the scheme deleted with it")
    for figure in figures.filter(scheme=scheme):
        _deleted(figure, "talent.pipeline_deleted", acting_user)
    _deleted(scheme, "talent.scheme_deleted", acting_user)


def check_scheme(scheme: TalentScheme, fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not (scheme.title or "").strip():
        errors["title"] = _("Give the scheme a title.")
    if scheme.kind not in {kind for kind, _label in TalentScheme._meta.get_field("kind").choices or ()}:
        errors["kind"] = _("Choose the kind of scheme.")
    if scheme.starts_on and scheme.ends_on and scheme.ends_on < scheme.starts_on:
        errors["ends_on"] = _("The scheme ends after it starts.")
    wrong = [str(o) for o in fields.get("occupations") or () if o.level != OccupationLevel.UNIT]
    if wrong:
        errors["occupations"] = _("Not unit groups: %(occupations)s.") % {"occupations": "; ".join(wrong)}
    _raise(errors)


def _locked_scheme(scheme: TalentScheme, acting_user: AnyUser) -> TalentScheme:
    """The scheme, read anew under the lock of its partnership, whose editors change it."""
    partnership = _locked(TalentPartnership, scheme.partnership, acting_user)
    schemes = TalentScheme.objects.unrestricted("the scheme of the partnership locked above")
    locked = schemes.get(pk=scheme.pk, partnership=partnership)
    locked.partnership = partnership
    return locked


# -- pipeline figures ---------------------------------------------------------------------------


def record_pipeline(scheme: TalentScheme, fields: dict[str, Any], *, acting_user: AnyUser) -> PipelineFigure:
    """One figure per scheme and period (2025, 2025-Q3 or 2025-07)."""
    with transaction.atomic(durable=True):
        scheme = _locked_scheme(scheme, acting_user)
        figure = PipelineFigure(scheme=scheme, **_only(fields, PIPELINE_FIELDS))
        check_pipeline(figure)
        figure.save()
        record_change(figure, ObjectChange.Action.CREATE, {}, snapshot(figure), user=acting_user)
        record_event("talent.pipeline_recorded", figure, user=acting_user, scheme=scheme.pk, period=figure.period)
    return figure


def update_pipeline(figure: PipelineFigure, fields: dict[str, Any], *, acting_user: AnyUser) -> PipelineFigure:
    with transaction.atomic(durable=True):
        scheme = _locked_scheme(figure.scheme, acting_user)
        figure = PipelineFigure.objects.unrestricted("the figure of the scheme locked above").get(
            pk=figure.pk, scheme=scheme
        )
        before = snapshot(figure)
        for name, value in _only(fields, PIPELINE_FIELDS).items():
            setattr(figure, name, value)
        check_pipeline(figure)
        figure.save()
        _keep(figure, before, "talent.pipeline_updated", acting_user, scheme=scheme.pk)
    return figure


def delete_pipeline(figure: PipelineFigure, *, acting_user: AnyUser) -> None:
    with transaction.atomic(durable=True):
        scheme = _locked_scheme(figure.scheme, acting_user)
        figure = PipelineFigure.objects.unrestricted("the figure of the scheme locked above").get(
            pk=figure.pk, scheme=scheme
        )
        _deleted(figure, "talent.pipeline_deleted", acting_user)


def check_pipeline(figure: PipelineFigure) -> None:
    """The period read as facts.periods reads it, one figure per period, every count 0 or more."""
    errors: dict[str, str] = {}
    figure.period = (figure.period or "").strip().upper()
    try:
        figure.period_start = period_start(figure.period)
    except ValueError:
        errors["period"] = _("“%(period)s” is not a year, quarter or month (2025, 2025-Q3, 2025-07).") % {
            "period": figure.period
        }
    else:
        others = PipelineFigure.objects.unrestricted("one figure per period of the scheme checked above")
        if others.filter(scheme=figure.scheme_id, period=figure.period).exclude(pk=figure.pk).exists():
            errors["period"] = _("The scheme has a figure for %(period)s already: change that one.") % {
                "period": figure.period
            }
    for stage in PIPELINE_STAGES:
        value = getattr(figure, stage)
        if value is None or value < 0:
            errors[stage] = _("A count is 0 or more.")
    _raise(errors)


# -- history ----------------------------------------------------------------------------


def snapshot(record: Model) -> dict[str, Any]:
    """Readable values for the field-level history; linked records by id, so that it names nothing hidden."""
    values: dict[str, Any] = {}
    for field in record._meta.concrete_fields:
        if field.name in ("id", "created_at", "updated_at"):
            continue
        value = getattr(record, field.attname)
        values[field.name] = "" if value is None else str(value)
    if record.pk is not None:
        for field in record._meta.many_to_many:
            through = getattr(record, field.name).through.objects
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            values[field.name] = sorted(through.filter(**{source: record.pk}).values_list(f"{target}_id", flat=True))
    return values


def _keep(record: Model, before: dict[str, Any], event: str, acting_user: AnyUser, **data: Any) -> dict[str, Any]:
    after = snapshot(record)
    if after != before:
        record_change(record, ObjectChange.Action.UPDATE, before, after, user=acting_user)
        record_event(event, record, user=acting_user, **data)
    return after


def _only(fields: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name in names}
