"""API schemas of the registry: what goes in, what comes out, and how input
becomes the ``EngagementInput`` the services take."""

from collections.abc import Callable, Sequence
from copy import copy
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, create_model

from partnerhub.access.models import Organisation
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import AnyUser
from partnerhub.geo.models import Country
from partnerhub.registry.filters import Relevance
from partnerhub.registry.models import (
    DataSource,
    Engagement,
    EngagementCountry,
    EngagementKind,
    EngagementLink,
    EngagementRegion,
    EngagementSector,
    EngagementStatus,
    EngagementTheme,
    Instrument,
    Interest,
    Language,
    LinkKind,
    MoneyKind,
    MoneyLine,
    Participation,
    ParticipationRole,
    Provenance,
    Theme,
    ThemeAssignment,
)
from partnerhub.registry.services import EngagementInput, MoneyInput
from partnerhub.registry.sources import is_stale

MAX_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1
_M = TypeVar("_M", bound=Model)
MAX_ROWS = 500


def _without_nul(text: str) -> str:
    # PostgreSQL cannot store NUL characters; refuse them before any query.
    if "\x00" in text:
        raise ValueError(_("Text may not contain NUL characters."))
    return text


Text = Annotated[str, AfterValidator(_without_nul)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Iso3 = Annotated[Text, Field(min_length=3, max_length=3, description="ISO 3166-1 alpha-3 code.")]
Code = Annotated[Text, Field(min_length=1, max_length=40)]
Share = Annotated[Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2)]


class StrictInput(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# -- reference data ----------------------------------------------------------


class ThemeOut(Schema):
    code: str
    name: str
    parent: str | None = Field(description="Code of the parent theme; empty for a top theme.")
    children: list[str] = Field(description="Codes of the themes directly below.")
    interest: Interest = Field(description="Whose interest the theme mainly serves.")
    description: str
    position: int

    @staticmethod
    def resolve_parent(theme: Theme) -> str | None:
        return theme.parent.code if theme.parent is not None else None

    @staticmethod
    def resolve_children(theme: Theme) -> list[str]:
        return [child.code for child in theme.children.all()]


class InstrumentOut(Schema):
    code: str
    name: str
    kind: str
    managed_by: str
    period: str
    flexible_crisis_response: str
    flexibility_note: str
    description: str
    sources: str


# -- engagement filters --------------------------------------------------------


class EngagementFilterParams(Schema):
    """The filters of the engagement list page, as query parameters."""

    q: Text | None = Field(None, max_length=200, description="Words in title, description or references.")
    country: list[Iso3] = Field([], description="Partner country (ISO alpha-3); repeatable.")
    theme: list[Code] = Field([], description="Theme code, sub-themes included; repeatable.")
    organisation: list[Id] = Field([], description="Organisation id, as owner or participant.")
    instrument: list[Code] = Field([], description="Funding instrument code.")
    kind: list[EngagementKind] = []
    status: list[EngagementStatus] = []
    sharing_level: list[SharingLevel] = []
    provenance: list[Provenance] = []
    relevance: Relevance | None = Field(
        None,
        description="relevant (the default): records about migration only; all: also the records an IATI "
        "import kept that are not about migration; other: those only.",
    )
    year_from: int | None = Field(None, description="Active in or after this year.")
    year_to: int | None = Field(None, description="Active in or before this year.")
    ordering: Text | None = Field(
        None,
        max_length=100,
        description="updated, title or start, '-' for descending; comma-separated for several.",
    )

    def as_query(self) -> QueryDict:
        """The same query string the list page would receive."""
        query = QueryDict(mutable=True)
        for name, value in self.model_dump(exclude_none=True).items():
            values = value if isinstance(value, list) else [value]
            query.setlist(name, [str(item) for item in values])
        return query


# -- engagement input ----------------------------------------------------------


class CountryShareIn(StrictInput):
    iso3: Iso3
    share: Share | None = Field(None, description="Percentage; give one for every country or none.")


class ThemeShareIn(StrictInput):
    code: Code
    share: Share | None = Field(None, description="Percentage; give one for every theme or none.")


class ParticipationIn(StrictInput):
    organisation: Id
    role: ParticipationRole


class MoneyIn(StrictInput):
    kind: MoneyKind
    # 14 digits before the point keep the euro equivalent inside the stored precision.
    amount: Decimal = Field(max_digits=16, decimal_places=2)
    currency: Text = Field("EUR", pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code.")
    value_date: date
    is_correction: bool = Field(
        False,
        description="A negative commitment, disbursement, expenditure or incoming fund is refused "
        "unless it corrects an earlier one; budgets are never negative.",
    )


class LinkIn(StrictInput):
    target: Id = Field(description="Id of the linked engagement.")
    kind: LinkKind


class EngagementIn(StrictInput):
    """A whole engagement. Codes and ids refer to the reference data endpoints."""

    owner: Id = Field(description="Id of the owner organisation; you must edit for it.")
    kind: EngagementKind
    title: Text = Field(min_length=1, max_length=500)
    description: Text = Field("", max_length=100_000)
    language: Language = Language.EN
    status: EngagementStatus = EngagementStatus.PIPELINE
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    instrument: Code | None = Field(None, description="Funding instrument code.")
    external_reference: Text = Field("", max_length=100)
    humanitarian: bool = Field(False, description="Relates entirely or partly to humanitarian aid.")
    action_plan_reference: Text = Field("", max_length=100, description="The Action Plan item this engagement serves.")
    notes: Text = Field("", max_length=100_000, description="Kept in the hub; never exported.")
    sharing_level: SharingLevel = SharingLevel.EU
    countries: list[CountryShareIn] = Field([], max_length=MAX_ROWS)
    themes: list[ThemeShareIn] = Field([], max_length=MAX_ROWS)
    participations: list[ParticipationIn] = Field([], max_length=MAX_ROWS)
    money: list[MoneyIn] = Field([], max_length=MAX_ROWS)
    links: list[LinkIn] = Field([], max_length=MAX_ROWS)
    shared_with_organisations: list[Id] = Field(
        [], max_length=MAX_ROWS, description="For restricted records: organisations that may read."
    )
    shared_with_countries: list[Iso3] = Field(
        [], max_length=MAX_ROWS, description="For restricted records: Member States that may read."
    )

    version: int | None = Field(
        None,
        ge=1,
        le=MAX_VERSION,
        description="When changing an engagement: the `version` you read. If someone changed the engagement "
        "since, nothing is written and the answer is 409. Ignored when recording one.",
    )

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in type(self).model_fields if name != "version"}


def _every_field_optional(schema: type[Schema], name: str, doc: str) -> type[Schema]:
    """A copy of ``schema`` where any field may be left out, but none set to null
    unless the original allows it."""
    fields: dict[str, Any] = {}
    for field_name, info in schema.model_fields.items():
        optional = copy(info)
        optional.default, optional.default_factory = None, None
        fields[field_name] = (info.annotation, optional)
    return create_model(name, __base__=StrictInput, __doc__=doc, **fields)


EngagementPatch = _every_field_optional(
    EngagementIn,
    "EngagementPatch",
    "Some fields of an engagement; the fields left out keep their values.",
)


def patch_values(patch: Schema) -> dict[str, Any]:
    return {name: getattr(patch, name) for name in patch.model_fields_set if name != "version"}


# -- engagement output -----------------------------------------------------------


class OrganisationRef(Schema):
    id: int
    name: str


class InstrumentRef(Schema):
    code: str
    name: str


class CountryShareOut(Schema):
    iso3: str
    name: str
    share: Decimal | None

    @staticmethod
    def resolve_iso3(row: EngagementCountry) -> str:
        return row.country.iso3

    @staticmethod
    def resolve_name(row: EngagementCountry) -> str:
        return row.country.name


class RegionShareOut(Schema):
    code: str = Field(description="IATI Region code (vocabulary 1, the OECD DAC regions).")
    name: str
    share: Decimal | None = Field(description="Percentage of the engagement; blank: what the countries leave.")

    @staticmethod
    def resolve_code(row: EngagementRegion) -> str:
        return row.region.code

    @staticmethod
    def resolve_name(row: EngagementRegion) -> str:
        return row.region.name


class ThemeShareOut(Schema):
    code: str
    name: str
    share: Decimal | None
    assigned_by: ThemeAssignment = Field(description="A user's choice or the classifier's suggestion.")
    confidence: Decimal | None = Field(description="The classifier's confidence, from 0 to 1.")
    explanation: str = Field(description="Why the classifier suggested the theme.")

    @staticmethod
    def resolve_code(row: EngagementTheme) -> str:
        return row.theme.code

    @staticmethod
    def resolve_name(row: EngagementTheme) -> str:
        return row.theme.name


class ParticipationOut(Schema):
    organisation: OrganisationRef
    role: ParticipationRole


class MoneyLineOut(Schema):
    kind: MoneyKind
    amount: Decimal
    currency: str
    value_date: date = Field(description="Date of the exchange rate (IATI value-date).")
    transaction_date: date | None = Field(
        description="Date of the transaction as the publisher gives it; empty: the value date."
    )
    period_start: date | None = Field(description="Start of a budget's period; empty: the value date.")
    is_correction: bool = Field(description="A negative amount correcting an earlier one.")
    amount_eur: Decimal
    eur_rate_date: date | None = Field(description="Date of the ECB rate used; empty for EUR.")
    provider_ref: str = Field(description="IATI identifier of the organisation that provided the money.")
    provider_activity: str = Field(description="IATI identifier of the activity it came from.")
    receiver_ref: str = Field(description="IATI identifier of the organisation that received it.")
    receiver_activity: str = Field(description="IATI identifier of the activity it went to.")


class SectorOut(Schema):
    vocabulary: str = Field(description="IATI sector vocabulary: 1 is DAC 5-digit, 2 is DAC 3-digit.")
    code: str
    percentage: Decimal | None


class ImportFindingOut(Schema):
    tier: str = Field(description="critical, error or warning.")
    field: str = Field("", description="The field or element concerned.")
    message: str


class RelevanceReasonOut(Schema):
    kind: str = Field(description="code (a DAC purpose code) or term (words the classifier recognised).")
    field: str = Field(description="Where: sector for a code, else the text's field (title, description).")
    text: str = Field(description="The code, or the words as the publisher wrote them.")
    name: str = Field("", description="The purpose code's DAC name.")


class EngagementSourceOut(Schema):
    name: str
    kind: DataSource.Kind
    last_refreshed_at: datetime | None
    is_stale: bool = Field(description="Not refreshed within the source's stale-after limit.")

    @staticmethod
    def resolve_is_stale(source: DataSource) -> bool:
        return is_stale(source)


class MoneyTotalOut(Schema):
    kind: MoneyKind
    amount_eur: Decimal
    lines: int


class LinkedEngagementOut(Schema):
    id: int
    title: str


class LinkOut(Schema):
    kind: LinkKind
    target: LinkedEngagementOut


class EngagementOut(Schema):
    id: int
    url: str = Field(description="The engagement's page.")
    title: str
    description: str
    language: Language
    kind: EngagementKind
    status: EngagementStatus
    owner: OrganisationRef
    sharing_level: SharingLevel
    shared_with_organisations: list[OrganisationRef]
    shared_with_countries: list[str]
    planned_start: date | None
    planned_end: date | None
    actual_start: date | None
    actual_end: date | None
    start_date: date | None = Field(description="Actual start where known, else planned.")
    end_date: date | None = Field(description="Actual end where known, else planned.")
    instrument: InstrumentRef | None
    countries: list[CountryShareOut]
    regions: list[RegionShareOut] = Field(
        description="Recipient regions: money for regional programmes, counted in no country."
    )
    themes: list[ThemeShareOut]
    participations: list[ParticipationOut]
    money: list[MoneyLineOut]
    totals: list[MoneyTotalOut] = Field(
        description="EUR total per kind of money; budgets, commitments and disbursements are never added together."
    )
    links: list[LinkOut] = Field(description="Links to the engagements you may see.")
    sectors: list[SectorOut]
    humanitarian: bool
    action_plan_reference: str
    notes: str = Field(description="Coordinators' remarks: shown to the owner and the EU side only.")
    provenance: Provenance
    source: EngagementSourceOut | None = Field(description="Where an imported engagement came from.")
    iati_identifier: str | None
    iati_last_updated: datetime | None = Field(description="When the IATI publisher last updated the activity.")
    migration_relevant: bool = Field(
        description="Whether the record is about migration: records entered in the hub are; an imported one "
        "as the classifier found."
    )
    relevance_reasons: list[RelevanceReasonOut] = Field(
        description="Why the classifier found an imported record about migration: codes, and words by field."
    )
    import_findings: list[ImportFindingOut] = Field(description="Problems the import found and flagged on this record.")
    external_reference: str
    is_demo: bool
    created_at: datetime
    updated_at: datetime
    version: int = Field(
        description="Moves on with every change. Send it back (or its ETag in If-Match) when changing the "
        "engagement, so that a change made meanwhile by someone else is not overwritten."
    )

    @staticmethod
    def resolve_url(engagement: Engagement, context: dict[str, Any]) -> str:
        request: HttpRequest = context["request"]
        return request.build_absolute_uri(engagement.get_absolute_url())

    @staticmethod
    def resolve_notes(engagement: Engagement, context: dict[str, Any]) -> str:
        return engagement.notes_for(context["request"].user)

    @staticmethod
    def resolve_shared_with_organisations(engagement: Engagement) -> QuerySet[Organisation]:
        return engagement.shared_with_organisations.all()

    @staticmethod
    def resolve_shared_with_countries(engagement: Engagement) -> list[str]:
        return [country.iso3 for country in engagement.shared_with_countries.all()]

    @staticmethod
    def resolve_countries(engagement: Engagement) -> QuerySet[EngagementCountry]:
        return engagement.country_shares.all()

    @staticmethod
    def resolve_regions(engagement: Engagement) -> QuerySet[EngagementRegion]:
        return engagement.region_shares.all()

    @staticmethod
    def resolve_themes(engagement: Engagement) -> QuerySet[EngagementTheme]:
        return engagement.theme_shares.all()

    @staticmethod
    def resolve_participations(engagement: Engagement) -> QuerySet[Participation]:
        return engagement.participations.all()

    @staticmethod
    def resolve_sectors(engagement: Engagement) -> QuerySet[EngagementSector]:
        return engagement.sectors.all()

    @staticmethod
    def resolve_relevance_reasons(engagement: Engagement) -> list[dict[str, str]]:
        return [
            {key: str(reason.get(key, "")) for key in ("kind", "field", "text", "name")}
            for reason in engagement.relevance_reasons or []
            if isinstance(reason, dict)
        ]

    @staticmethod
    def resolve_import_findings(engagement: Engagement) -> list[dict[str, str]]:
        return [
            {
                "tier": str(finding.get("tier", "")),
                "field": str(finding.get("field", "")),
                "message": str(finding.get("message", "")),
            }
            for finding in engagement.import_findings or []
            if isinstance(finding, dict)
        ]

    @staticmethod
    def resolve_money(engagement: Engagement) -> QuerySet[MoneyLine]:
        return engagement.money_lines.all()

    @staticmethod
    def resolve_totals(engagement: Engagement) -> list[dict[str, Any]]:
        lines = list(engagement.money_lines.all())
        return [
            {"kind": kind, "amount_eur": sum((line.amount_eur for line in of_kind), Decimal(0)), "lines": len(of_kind)}
            for kind in MoneyKind.values
            if (of_kind := [line for line in lines if line.kind == kind])
        ]

    @staticmethod
    def resolve_links(engagement: Any) -> list[EngagementLink]:
        # Prefetched to this attribute by registry.api.visible_engagements: the model's type lacks it.
        links: list[EngagementLink] = engagement.visible_links
        return links


# -- from input to the service's EngagementInput -----------------------------------


def engagement_input(
    values: dict[str, Any], *, acting_user: AnyUser, base: EngagementInput | None = None
) -> EngagementInput:
    """Resolve codes and ids in ``values`` onto ``base`` (or a new input).

    Raises ``ValidationError`` keyed by field, naming every unknown code or id.
    """
    data = base or EngagementInput(owner=None, fields={})
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        resolve = _RESOLVERS.get(name, _scalar)
        try:
            resolved = resolve(value, acting_user)
        except ValidationError as error:
            errors[name] = error.messages
            continue
        _assign(data, name, resolved)
    if errors:
        raise ValidationError(errors)
    return data


def _assign(data: EngagementInput, name: str, value: Any) -> None:
    if name == "owner" or name in _RELATED_LISTS:
        setattr(data, name, value)
    else:
        data.fields[name] = value


def _scalar(value: Any, user: AnyUser) -> Any:
    return getattr(value, "value", value)


def _by_key(queryset: QuerySet[_M], key: str, wanted: Sequence[Any], unknown_message: str) -> dict[Any, _M]:
    """Objects of ``queryset`` by ``key``, or one error naming every unknown value."""
    found: dict[Any, _M] = {getattr(obj, key): obj for obj in queryset.filter(**{f"{key}__in": set(wanted)})}
    unknown = list(dict.fromkeys(value for value in wanted if value not in found))
    if unknown:
        raise ValidationError(unknown_message % {"values": ", ".join(map(str, unknown))})
    return found


def _organisations(ids: list[int]) -> dict[int, Organisation]:
    return _by_key(Organisation.objects.all(), "pk", ids, _("Unknown organisation id: %(values)s."))


def _countries_by_iso3(codes: list[str]) -> dict[str, Country]:
    return _by_key(Country.objects.all(), "iso3", codes, _("Unknown country code: %(values)s."))


def _owner(value: int, user: AnyUser) -> Organisation:
    return _organisations([value])[value]


def _instrument(code: str | None, user: AnyUser) -> Instrument | None:
    if code is None:
        return None
    return _by_key(Instrument.objects.all(), "code", [code], _("Unknown instrument code: %(values)s."))[code]


def _countries(rows: list[CountryShareIn], user: AnyUser) -> list[tuple[Country, Decimal | None]]:
    codes = [row.iso3.upper() for row in rows]
    found = _countries_by_iso3(codes)
    return [(found[code], row.share) for code, row in zip(codes, rows, strict=True)]


def _themes(rows: list[ThemeShareIn], user: AnyUser) -> list[tuple[Theme, Decimal | None]]:
    found = _by_key(Theme.objects.all(), "code", [row.code for row in rows], _("Unknown theme code: %(values)s."))
    return [(found[row.code], row.share) for row in rows]


def _participations(rows: list[ParticipationIn], user: AnyUser) -> list[tuple[Organisation, str]]:
    found = _organisations([row.organisation for row in rows])
    return [(found[row.organisation], row.role.value) for row in rows]


def _money(rows: list[MoneyIn], user: AnyUser) -> list[MoneyInput]:
    return [
        MoneyInput(row.kind.value, row.amount, row.currency.upper(), row.value_date, is_correction=row.is_correction)
        for row in rows
    ]


def _links(rows: list[LinkIn], user: AnyUser) -> list[tuple[Engagement, str]]:
    # Hidden engagements are reported exactly like missing ones.
    found = _by_key(
        Engagement.objects.visible_to(user), "pk", [row.target for row in rows], _("Unknown engagement id: %(values)s.")
    )
    return [(found[row.target], row.kind.value) for row in rows]


def _shared_with_organisations(ids: list[int], user: AnyUser) -> list[Organisation]:
    found = _organisations(ids)
    return [found[pk] for pk in dict.fromkeys(ids)]


def _shared_with_countries(codes: list[str], user: AnyUser) -> list[Country]:
    codes = [code.upper() for code in codes]
    found = _countries_by_iso3(codes)
    return [found[code] for code in dict.fromkeys(codes)]


_RELATED_LISTS = {
    "countries",
    "themes",
    "participations",
    "money",
    "links",
    "shared_with_organisations",
    "shared_with_countries",
}
# Each turns the API's value of one field into what EngagementInput holds, or raises ValidationError.
_RESOLVERS: dict[str, Callable[[Any, AnyUser], Any]] = {
    "owner": _owner,
    "instrument": _instrument,
    "countries": _countries,
    "themes": _themes,
    "participations": _participations,
    "money": _money,
    "links": _links,
    "shared_with_organisations": _shared_with_organisations,
    "shared_with_countries": _shared_with_countries,
}
