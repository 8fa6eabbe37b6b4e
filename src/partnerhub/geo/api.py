"""Countries and migration routes: reference data anyone may read."""

from typing import TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate

from partnerhub.core.api import NumberedPagination
from partnerhub.geo.models import Country, CountryQuerySet, Region, Route

router = Router(tags=["reference data"])

ISO3_PATTERN = r"^[A-Za-z]{3}$"
CODE_PATTERN = r"^[A-Za-z0-9_.-]{1,40}$"

_Coded = TypeVar("_Coded", Region, Route)


class RegionOut(Schema):
    code: str
    name: str


class CountryOut(Schema):
    iso3: str
    iso2: str
    numeric: str
    name: str
    official_name: str
    is_eu_member: bool
    is_priority_partner: bool = Field(description="A partner country with an EU Action Plan.")
    region: RegionOut | None
    routes: list[str] = Field(description="Codes of the migration routes the country is on.")

    @staticmethod
    def resolve_routes(country: Country) -> list[str]:
        return [route.code for route in country.routes.all()]


class CountryFilter(Schema):
    eu_member: bool | None = Field(None, description="Only EU Member States (true) or only others.")
    priority_partner: bool | None = Field(None, description="Only priority partner countries.")
    route: str | None = Field(None, pattern=CODE_PATTERN, description="Migration route code.")
    region: str | None = Field(None, pattern=CODE_PATTERN, description="Region code.")


class RouteOut(Schema):
    code: str
    name: str
    description: str
    source: str
    countries: list[str] = Field(description="ISO 3166-1 alpha-3 codes of the route's countries.")

    @staticmethod
    def resolve_countries(route: Route) -> list[str]:
        return [country.iso3 for country in route.countries.all()]


def _countries() -> CountryQuerySet:
    return Country.objects.select_related("region").prefetch_related("routes")


@router.get("/countries", response=list[CountryOut], summary="List countries")
@paginate(NumberedPagination)
def list_countries(request: HttpRequest, filters: Query[CountryFilter]) -> CountryQuerySet:
    countries = _countries()
    if filters.eu_member is not None:
        countries = countries.filter(is_eu_member=filters.eu_member)
    if filters.priority_partner is not None:
        countries = countries.filter(is_priority_partner=filters.priority_partner)
    if filters.route:
        countries = countries.filter(routes=_known(Route, "route", filters.route))
    if filters.region:
        countries = countries.filter(region=_known(Region, "region", filters.region))
    return countries


@router.get("/countries/{iso3}", response=CountryOut, summary="One country")
def get_country(request: HttpRequest, iso3: str = Path(..., pattern=ISO3_PATTERN)) -> Country:
    return get_object_or_404(_countries(), iso3=iso3.upper())


@router.get("/routes", response=list[RouteOut], summary="List migration routes")
def list_routes(request: HttpRequest) -> QuerySet[Route]:
    return Route.objects.prefetch_related("countries")


def _known(model: type[_Coded], field: str, code: str) -> _Coded:
    found = model.objects.filter(code=code).first()
    if found is None:
        raise ValidationError(
            [
                {
                    "type": "unknown_code",
                    "loc": ["query", field],
                    "msg": _("Unknown code: %(code)s.") % {"code": code},
                }
            ]
        )
    return found
