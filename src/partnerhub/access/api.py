"""Access over the API: bearer-token authentication, and organisations, the actors of the registry,
readable by anyone.

Token authentication lives here rather than in ``core.api`` because it reads
``ApiToken``, and core does not import access.
"""

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import AuthenticationError
from ninja.pagination import paginate
from ninja.security import HttpBearer

from partnerhub.access.models import ApiToken, Organisation, OrganisationKind, PolicyArea
from partnerhub.access.services import note_token_use
from partnerhub.core.api import NumberedPagination


class InvalidToken(AuthenticationError):
    """A bearer token was sent but matches no active user's token."""


class TokenAuth(HttpBearer):
    openapi_description = "A personal API token: `Authorization: Bearer ph_…`"

    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = ApiToken.objects.matching(token)
        if api_token is None or not api_token.user.is_active:
            # A wrong token is an error, not a fall-back to anonymous reading:
            # the script's author must learn that the token no longer works.
            raise InvalidToken(message=_("The API token is unknown or revoked."))
        note_token_use(api_token)
        request.user = api_token.user
        return api_token.user


router = Router(tags=["reference data"])

MAX_ID = 2**63 - 1
NO_NUL = r"^[^\x00]*$"


class OrganisationOut(Schema):
    id: int
    name: str
    acronym: str
    kind: OrganisationKind
    policy_area: PolicyArea | None
    country: str | None = Field(description="ISO alpha-3 code of the organisation's country.")
    iati_identifier: str | None
    aliases: list[str]
    is_demo: bool

    @staticmethod
    def resolve_policy_area(organisation: Organisation) -> str | None:
        return organisation.policy_area or None

    @staticmethod
    def resolve_country(organisation: Organisation) -> str | None:
        return organisation.country.iso3 if organisation.country else None


class OrganisationFilter(Schema):
    kind: list[OrganisationKind] = Field([], description="Organisation kind; repeat for several.")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{3}$", description="ISO alpha-3 code.")
    q: str | None = Field(
        None,
        max_length=200,
        pattern=NO_NUL,
        description="Part of the name, acronym or IATI identifier.",
    )


@router.get("/organisations", response=list[OrganisationOut], summary="List organisations")
@paginate(NumberedPagination)
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilter]) -> QuerySet[Organisation]:
    organisations = Organisation.objects.select_related("country")
    if filters.kind:
        organisations = organisations.filter(kind__in=filters.kind)
    if filters.country:
        organisations = organisations.filter(country__iso3=filters.country.upper())
    if filters.q and filters.q.strip():
        text = filters.q.strip()
        organisations = organisations.filter(
            Q(name__icontains=text) | Q(acronym__icontains=text) | Q(iati_identifier__icontains=text)
        )
    return organisations


@router.get("/organisations/{organisation_id}", response=OrganisationOut, summary="One organisation")
def get_organisation(request: HttpRequest, organisation_id: int = Path(..., ge=1, le=MAX_ID)) -> Organisation:
    return get_object_or_404(Organisation.objects.select_related("country"), pk=organisation_id)
