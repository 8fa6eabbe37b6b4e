"""The one place that decides who sees which confidential record.

``circle_of(user)`` reads a user's memberships once per request and turns them
into a ``Circle``; ``visibility_q(circle, model)`` turns a circle into a ``Q``
object for any ``ConfidentialModel``. Every ``visible_to(user)`` manager
method is built on these two functions and nothing else decides visibility.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Exists, ForeignKey, ManyToManyField, Model, OuterRef, Q, QuerySet

from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import AnyUser

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from typing_extensions import TypeIs

    from partnerhub.access.models import ApiToken, Membership, Organisation
    from partnerhub.core.models import ConfidentialModel

_CACHE_ATTRIBUTE = "_partnerhub_circle"


@dataclass(frozen=True)
class Circle:
    """What a user's memberships entitle them to read.

    ``member_state_ids`` are the EU Member States whose government the user
    works for; ``partner_country_ids`` the partner countries whose authorities
    the user works for.
    """

    organisation_ids: frozenset[int] = frozenset()
    editable_organisation_ids: frozenset[int] = frozenset()
    eu_side: bool = False
    member_state_ids: frozenset[int] = frozenset()
    partner_country_ids: frozenset[int] = frozenset()

    @property
    def is_anonymous(self) -> bool:
        return not self.organisation_ids


PUBLIC_CIRCLE = Circle()


def circle_of(user: AnyUser | None) -> Circle:
    """The user's circle, computed once and kept on the user object.

    Superusers get no special reading rights here: they administer the site
    through the Django admin, they do not read Member States' records.
    """
    if not _may_act(user):
        return PUBLIC_CIRCLE
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = _compute_circle(user)
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_circle(user: AnyUser) -> None:
    """Drop the cached circle after the user's memberships changed."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def _compute_circle(user: "User") -> Circle:
    from partnerhub.access.models import EDITING_ROLES, Membership

    memberships = Membership.objects.filter(user=user).select_related("organisation__country")
    organisation_ids: set[int] = set()
    editable: set[int] = set()
    member_states: set[int] = set()
    partner_countries: set[int] = set()
    eu_side = False
    for membership in memberships:
        organisation = membership.organisation
        organisation_ids.add(organisation.pk)
        if membership.role in EDITING_ROLES:
            editable.add(organisation.pk)
        if organisation.is_eu_side:
            eu_side = True
        if organisation.is_member_state_body and organisation.country_id is not None:
            member_states.add(organisation.country_id)
        if organisation.is_partner_authority and organisation.country_id is not None:
            partner_countries.add(organisation.country_id)
    return Circle(
        organisation_ids=frozenset(organisation_ids),
        editable_organisation_ids=frozenset(editable),
        eu_side=eu_side,
        member_state_ids=frozenset(member_states),
        partner_country_ids=frozenset(partner_countries),
    )


def visibility_q(circle: Circle, model: "type[ConfidentialModel]") -> Q:
    """The records of ``model`` (a ConfidentialModel) that ``circle`` may read."""
    level = "sharing_level"
    allowed = Q(**{level: SharingLevel.PUBLIC})
    if circle.eu_side:
        allowed |= Q(**{f"{level}__in": [SharingLevel.PARTNER, SharingLevel.EU]})
    if circle.partner_country_ids:
        allowed |= Q(**{level: SharingLevel.PARTNER}) & Q(
            _through_exists(model, model.PARTNER_COUNTRIES_FIELD, circle.partner_country_ids)
        )
    if circle.organisation_ids:
        allowed |= Q(owner_id__in=circle.organisation_ids)
        allowed |= Q(**{level: SharingLevel.RESTRICTED}) & _named_in_circle(circle, model)
    return allowed


def _named_in_circle(circle: Circle, model: "type[ConfidentialModel]") -> Q:
    named = Q(_through_exists(model, "shared_with_organisations", circle.organisation_ids))
    if circle.member_state_ids:
        named |= Q(_through_exists(model, "shared_with_countries", circle.member_state_ids))
    return named


def _through_exists(model: "type[ConfidentialModel]", m2m_name: str, target_ids: frozenset[int]) -> Exists | Q:
    field = model._meta.get_field(m2m_name)
    if not field.many_to_many:
        # A record about one country (a partner's stated priority) names it by a foreign key.
        foreign_key = cast("ForeignKey[Any, Any]", field)
        return Q(**{f"{foreign_key.attname}__in": target_ids})
    m2m = cast("ManyToManyField[Any, Any]", field)
    through = m2m.remote_field.through
    assert through is not None, "a many-to-many field has its through model once the models are loaded"
    source = m2m.m2m_field_name()
    target = m2m.m2m_reverse_field_name()
    return Exists(through._default_manager.filter(**{source: OuterRef("pk"), f"{target}__in": target_ids}))


# -- who may write: every permission check of the services calls these rules ----------


def can_edit(user: AnyUser | None, record: "ConfidentialModel") -> bool:
    """Only editors, coordinators and administrators of the owner may change a record."""
    return can_edit_for(user, record.owner_id)


def can_edit_for(user: AnyUser | None, organisation_id: int | None) -> bool:
    """Whether ``user`` records and changes records owned by the organisation ``organisation_id``."""
    return organisation_id in editing_organisation_ids(user)


def editing_organisation_ids(user: AnyUser | None) -> frozenset[int]:
    """The organisations for which ``user`` records and changes records: those where they are an
    editor, a coordinator or an administrator."""
    return circle_of(user).editable_organisation_ids


def can_coordinate_for(user: AnyUser | None, organisation_id: int | None) -> bool:
    """Whether ``user`` is a coordinator or an administrator of the organisation ``organisation_id``
    (who opens and closes the reviews of its Action Plans)."""
    if not _may_act(user) or organisation_id is None:
        return False
    return _memberships(user, Q(role__in=_coordinating_roles())).filter(organisation_id=organisation_id).exists()


def overlap_deciding_organisations(user: AnyUser | None) -> "list[Organisation]":
    """The EU-side organisations in which ``user`` is a coordinator or an administrator."""
    if not _may_act(user):
        return []
    memberships = _memberships(user, Q(role__in=_coordinating_roles()))
    return [membership.organisation for membership in memberships if membership.organisation.is_eu_side]


def can_decide_overlaps(user: AnyUser | None) -> bool:
    """Coordinators and administrators on the EU side decide on possible overlaps (of pairs whose
    two engagements they see) and start the overlap finder."""
    return bool(overlap_deciding_organisations(user))


# ``country`` is a geo.Country, which core does not import.
def priority_recording_organisations(user: AnyUser | None, country: Model) -> "list[Organisation]":
    """The organisations on whose behalf ``user`` records the stated priorities of the partner
    ``country``: EU-side organisations where they coordinate or administer, and the country's own
    authorities where they edit. Once recorded, a priority is changed by its owner's editors (``can_edit``)."""
    from partnerhub.access.models import EDITING_ROLES, OrganisationKind

    if not _may_act(user):
        return []
    memberships = _memberships(
        user,
        Q(role__in=_coordinating_roles())
        | Q(
            role__in=EDITING_ROLES, organisation__kind=OrganisationKind.PARTNER_AUTHORITY, organisation__country=country
        ),
    )
    organisations = {
        m.organisation for m in memberships if m.organisation.is_eu_side or m.organisation.is_partner_authority
    }
    return sorted(organisations, key=lambda organisation: organisation.name)


def iati_importing_organisation_ids(user: AnyUser | None) -> "QuerySet[Membership, Any]":
    """The organisations for which ``user`` imports IATI files, as a subquery of their ids: those
    where they are a coordinator or an administrator."""
    from partnerhub.access.models import Membership

    if not _may_act(user):
        return Membership.objects.none().values("organisation_id")
    return Membership.objects.filter(user=user, role__in=_coordinating_roles()).values("organisation_id")


def _may_act(user: AnyUser | None) -> "TypeIs[User]":
    return user is not None and user.is_authenticated and user.is_active


def _coordinating_roles() -> tuple[str, ...]:
    from partnerhub.access.models import Role

    return (Role.COORDINATOR, Role.ADMINISTRATOR)


def _memberships(user: "User", roles: Q) -> "QuerySet[Membership]":
    from partnerhub.access.models import Membership

    return Membership.objects.filter(user=user).filter(roles).select_related("organisation__country")


def can_hold_api_tokens(user: AnyUser | None) -> "TypeIs[User]":
    """Any active, logged-in user may have personal API tokens."""
    return _may_act(user)


def can_revoke_api_token(user: AnyUser, token: "ApiToken") -> bool:
    """A token is revoked by the user it belongs to, or by a site administrator in the Django admin."""
    return can_hold_api_tokens(user) and (token.user_id == user.pk or user.is_superuser)


# -- who could read a record at a given moment (for its history) -------------


def audience_of(record: "ConfidentialModel") -> dict[str, Any]:
    """Who may read ``record`` now, as plain data to keep with a history entry.

    The ids a level does not consult are left out: named organisations and
    Member States only for restricted records, partner countries only for
    partner records.
    """
    level = record.sharing_level
    audience: dict[str, Any] = {"level": level, "owner": record.owner_id}
    if level == SharingLevel.RESTRICTED:
        audience["organisations"] = sorted(o.pk for o in record.shared_with_organisations.all())
        audience["member_states"] = sorted(c.pk for c in record.shared_with_countries.all())
    if level == SharingLevel.PARTNER:
        audience["countries"] = _partner_country_ids(record)
    return audience


def reads_audience(circle: Circle, audience: dict[str, Any]) -> bool:
    """What ``visibility_q`` decides for a record, decided for an ``audience_of`` it."""
    level = audience.get("level")
    if level == SharingLevel.PUBLIC:
        return True
    if circle.eu_side and level in (SharingLevel.PARTNER, SharingLevel.EU):
        return True
    if level == SharingLevel.PARTNER and circle.partner_country_ids & set(audience.get("countries", ())):
        return True
    if audience.get("owner") in circle.organisation_ids:
        return True
    return level == SharingLevel.RESTRICTED and bool(
        circle.organisation_ids & set(audience.get("organisations", ()))
        or circle.member_state_ids & set(audience.get("member_states", ()))
    )


def _partner_country_ids(record: "ConfidentialModel") -> list[int]:
    field = record._meta.get_field(record.PARTNER_COUNTRIES_FIELD)
    if not field.many_to_many:
        return [getattr(record, cast("ForeignKey[Any, Any]", field).attname)]
    return sorted(c.pk for c in getattr(record, field.name).all())
