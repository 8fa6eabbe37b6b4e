"""What the Talent Partnerships API reads and answers. Countries by ISO alpha-3 code, occupations by
ISCO-08 code, languages by ISO 639-1 code."""

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from partnerhub.core.api import RecordId, read_version_in
from partnerhub.core.sharing import SharingLevel
from partnerhub.talent.models import LanguageLevel, PartnershipStatus, SchemeKind

Count = Field(None, ge=0, le=2**31 - 1)
Year = Field(None, ge=1990, le=2100)
ISO3 = r"^[A-Za-z]{3}$"
ISCO = r"^\d{1,4}$"


# -- answers ------------------------------------------------------------------------------------


class OccupationOut(Schema):
    code: str
    level: int = Field(description="1 major, 2 sub-major, 3 minor, 4 unit group.")
    title: str
    parent: str | None = Field(description="The code of the group above it.")

    @staticmethod
    def resolve_parent(occupation: Any) -> str | None:
        return occupation.code[:-1] or None


class FigureOut(Schema):
    id: int
    owner_id: int
    occupation: str = Field(description="ISCO-08 unit group code.")
    occupation_title: str
    first_year: int
    last_year: int
    eqf_level: int | None
    languages: list[str] = Field(description="ISO 639-1 codes.")
    language_level: str
    source: str
    source_url: str
    note: str
    sharing_level: SharingLevel
    updated_at: datetime
    version: int = Field(description="Moves on with every change; send it back when changing the record.")

    @staticmethod
    def resolve_occupation(record: Any) -> str:
        return str(record.occupation.code)

    @staticmethod
    def resolve_occupation_title(record: Any) -> str:
        return str(record.occupation.title)

    @staticmethod
    def resolve_languages(record: Any) -> list[str]:
        return list(record.language_codes)


class NeedOut(FigureOut):
    member_state: str = Field(description="ISO alpha-3 code of the Member State.")
    region: str
    sector: str
    people_per_year: int

    @staticmethod
    def resolve_member_state(need: Any) -> str:
        return str(need.member_state.iso3)


class SupplyOut(FigureOut):
    country: str = Field(description="ISO alpha-3 code of the partner country.")
    yearly_graduates: int | None
    available_workers: int | None
    training_capacity: int | None
    partner_reports_shortage: bool

    @staticmethod
    def resolve_country(supply: Any) -> str:
        return str(supply.country.iso3)


class PartnershipOut(Schema):
    id: int
    owner_id: int
    title: str
    country: str = Field(description="ISO alpha-3 code of the partner country.")
    member_states: list[str]
    occupations: list[str]
    status: PartnershipStatus
    started_on: date | None
    description: str
    sharing_level: SharingLevel
    engagement_ids: list[int] = Field(description="The linked engagements you may read.")
    updated_at: datetime
    version: int = Field(description="Moves on with every change; send it back when changing the record.")


class SchemeOut(Schema):
    id: int
    partnership_id: int
    kind: SchemeKind
    title: str
    occupations: list[str]
    starts_on: date | None
    ends_on: date | None
    description: str

    @staticmethod
    def resolve_occupations(scheme: Any) -> list[str]:
        return [occupation.code for occupation in scheme.occupations.all()]


class PipelineOut(Schema):
    id: int
    scheme_id: int
    period: str = Field(description="A year, quarter or month: 2025, 2025-Q3, 2025-07.")
    period_start: date
    enrolled: int
    trained: int
    certified: int
    recruited: int
    moved: int
    returned: int
    note: str


# -- filters ---------------------------------------------------------------------------------


class OccupationFilterParams(Schema):
    code: str | None = Field(None, pattern=ISCO, description="Groups whose code starts with this one.")
    level: int | None = Field(None, ge=1, le=4)


class NeedFilterParams(Schema):
    member_state: str | None = Field(None, description="ISO alpha-3 code.")
    occupation: str | None = Field(None, description="ISCO-08 code at any level (2, 22, 222, 2221).")
    sector: str | None = None
    year: int | None = Field(None, description="Needs covering this year.")
    own: bool | None = Field(None, description="Only the needs of your organisations.")


class SupplyFilterParams(Schema):
    country: str | None = Field(None, description="ISO alpha-3 code.")
    route: str | None = Field(None, description="Migration route code.")
    region: str | None = Field(None, description="Region code.")
    occupation: str | None = Field(None, description="ISCO-08 code at any level.")
    shortage: bool | None = Field(None, description="Whether the partner reports a shortage itself.")


class PartnershipFilterParams(Schema):
    country: str | None = Field(None, description="ISO alpha-3 code of the partner country.")
    member_state: str | None = Field(None, description="ISO alpha-3 code.")
    status: PartnershipStatus | None = None
    route: str | None = Field(None, description="Migration route code.")
    occupation: str | None = Field(None, description="ISCO-08 code at any level.")


# -- what the API reads ---------------------------------------------------------------------------

FORBID = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SharingIn(Schema):
    model_config = FORBID

    sharing_level: SharingLevel | None = None
    shared_with_organisation_ids: list[RecordId] | None = Field(None, description="For the restricted level.")
    shared_with_countries: list[str] | None = Field(None, description="Member States (ISO alpha-3), restricted level.")


class FigureUpdateIn(SharingIn):
    """Only the fields sent change."""

    occupation: str | None = Field(None, pattern=ISCO, description="ISCO-08 unit group code.")
    first_year: int | None = Year
    last_year: int | None = Year
    eqf_level: int | None = Field(None, ge=1, le=8)
    languages: list[str] | None = Field(None, description="ISO 639-1 codes.")
    language_level: LanguageLevel | None = None
    source: str | None = Field(None, max_length=300)
    source_url: str | None = Field(None, max_length=500)
    note: str | None = Field(None, max_length=20000)
    version: int | None = read_version_in("record")


class NeedUpdateIn(FigureUpdateIn):
    member_state: str | None = Field(None, pattern=ISO3)
    region: str | None = Field(None, max_length=120)
    sector: str | None = Field(None, max_length=120)
    people_per_year: int | None = Count


class NeedIn(NeedUpdateIn):
    owner_id: RecordId | None = Field(None, description="The keeping organisation; your first editable one if empty.")
    member_state: str = Field(..., pattern=ISO3)
    occupation: str = Field(..., pattern=ISCO)
    people_per_year: int = Field(..., ge=0, le=2**31 - 1)
    first_year: int = Field(..., ge=1990, le=2100)
    last_year: int = Field(..., ge=1990, le=2100)
    sharing_level: SharingLevel = SharingLevel.EU


class SupplyUpdateIn(FigureUpdateIn):
    country: str | None = Field(None, pattern=ISO3)
    yearly_graduates: int | None = Count
    available_workers: int | None = Count
    training_capacity: int | None = Count
    partner_reports_shortage: bool | None = None


class SupplyIn(SupplyUpdateIn):
    owner_id: RecordId | None = Field(None, description="The keeping organisation; your first editable one if empty.")
    country: str = Field(..., pattern=ISO3)
    occupation: str = Field(..., pattern=ISCO)
    first_year: int = Field(..., ge=1990, le=2100)
    last_year: int = Field(..., ge=1990, le=2100)
    sharing_level: SharingLevel = SharingLevel.EU


class PartnershipUpdateIn(SharingIn):
    """Only the fields sent change; links to engagements you may not read stay whatever ``engagement_ids`` holds."""

    title: str | None = Field(None, max_length=300)
    country: str | None = Field(None, pattern=ISO3)
    member_states: list[str] | None = Field(None, description="ISO alpha-3 codes; at least one.")
    occupations: list[str] | None = Field(None, description="ISCO-08 unit group codes.")
    status: PartnershipStatus | None = None
    started_on: date | None = None
    description: str | None = Field(None, max_length=20000)
    engagement_ids: list[RecordId] | None = Field(None, description="Engagements you may read.")
    version: int | None = read_version_in("partnership")


class PartnershipIn(PartnershipUpdateIn):
    owner_id: RecordId | None = Field(None, description="The keeping organisation; your first editable one if empty.")
    title: str = Field(..., min_length=1, max_length=300)
    country: str = Field(..., pattern=ISO3)
    member_states: list[str] = Field(..., description="ISO alpha-3 codes; at least one.")
    status: PartnershipStatus = PartnershipStatus.EXPLORING
    sharing_level: SharingLevel = SharingLevel.EU


class SchemeUpdateIn(Schema):
    model_config = FORBID

    kind: SchemeKind | None = None
    title: str | None = Field(None, max_length=300)
    occupations: list[str] | None = Field(None, description="ISCO-08 unit group codes.")
    starts_on: date | None = None
    ends_on: date | None = None
    description: str | None = Field(None, max_length=20000)


class SchemeIn(SchemeUpdateIn):
    kind: SchemeKind
    title: str = Field(..., min_length=1, max_length=300)


class PipelineUpdateIn(Schema):
    model_config = FORBID

    period: str | None = Field(None, max_length=7, description="2025, 2025-Q3 or 2025-07.")
    enrolled: int | None = Count
    trained: int | None = Count
    certified: int | None = Count
    recruited: int | None = Count
    moved: int | None = Count
    returned: int | None = Count
    note: str | None = Field(None, max_length=20000)


class PipelineIn(PipelineUpdateIn):
    period: str = Field(..., max_length=7, description="2025, 2025-Q3 or 2025-07.")
    enrolled: int = Field(0, ge=0, le=2**31 - 1)
    trained: int = Field(0, ge=0, le=2**31 - 1)
    certified: int = Field(0, ge=0, le=2**31 - 1)
    recruited: int = Field(0, ge=0, le=2**31 - 1)
    moved: int = Field(0, ge=0, le=2**31 - 1)
    returned: int = Field(0, ge=0, le=2**31 - 1)
