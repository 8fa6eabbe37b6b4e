"""What the calendar's API reads and answers."""

from datetime import date, datetime
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AwareDatetime, ConfigDict, Field, field_validator

from partnerhub.agenda.models import Meeting, MeetingKind
from partnerhub.core.api import RecordId
from partnerhub.core.sharing import SharingLevel


class CounterpartOut(Schema):
    id: int
    country: str
    authority: str
    office: str
    function: str

    @staticmethod
    def resolve_country(counterpart: Any) -> str:
        return str(counterpart.country.iso3)


class MeetingOut(Schema):
    id: int
    uid: str
    kind: MeetingKind
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    place: str
    country: str = Field(description="ISO alpha-3 code of the partner country.")
    organiser_id: int
    counterpart: CounterpartOut | None
    themes: list[str] = Field(description="Theme codes.")
    confirmed: bool
    cancelled: bool
    sequence: int
    sharing_level: SharingLevel
    last_modified: datetime

    @staticmethod
    def resolve_country(meeting: Meeting) -> str:
        return str(meeting.country.iso3)

    @staticmethod
    def resolve_organiser_id(meeting: Meeting) -> int:
        return meeting.owner_id

    @staticmethod
    def resolve_themes(meeting: Meeting) -> list[str]:
        return [theme.code for theme in meeting.themes.all()]


class MeetingIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    owner_id: RecordId | None = Field(
        None, description="The organising organisation; your first editable one if empty."
    )
    kind: MeetingKind
    title: str = Field(..., min_length=1, max_length=300)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    time_zone: str = Field("Europe/Brussels", max_length=64, description="IANA name of the place's time zone.")
    place: str = Field("", max_length=300)
    country: str = Field(..., pattern=r"^[A-Za-z]{3}$")
    counterpart_id: int | None = Field(None, ge=1, le=2**31 - 1)
    participant_ids: list[RecordId] = []
    themes: list[str] = Field([], description="Theme codes.")
    engagement_ids: list[RecordId] = Field([], description="Engagements you may read.")
    confirmed: bool = False
    outcome_notes: str = ""
    sharing_level: SharingLevel = SharingLevel.EU


class MeetingUpdateIn(Schema):
    """Only the fields sent change; ``counterpart_id`` null removes the counterpart. The organiser
    stays: a meeting moves to another organisation by recording it there."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: MeetingKind | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    time_zone: str | None = Field(None, max_length=64, description="IANA name of the place's time zone.")
    place: str | None = Field(None, max_length=300)
    country: str | None = Field(None, pattern=r"^[A-Za-z]{3}$")
    counterpart_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Null removes the counterpart.")
    participant_ids: list[RecordId] | None = None
    themes: list[str] | None = Field(None, description="Theme codes.")
    engagement_ids: list[RecordId] | None = Field(None, description="Engagements you may read.")
    confirmed: bool | None = None
    outcome_notes: str | None = None
    sharing_level: SharingLevel | None = None

    @field_validator(
        "kind",
        "title",
        "starts_at",
        "ends_at",
        "time_zone",
        "place",
        "country",
        "participant_ids",
        "themes",
        "engagement_ids",
        "confirmed",
        "outcome_notes",
        "sharing_level",
    )
    @classmethod
    def not_null(cls, value: Any) -> Any:
        """Runs only on the fields sent: null is no value for these."""
        if value is None:
            raise ValueError(_("This field cannot be empty."))
        return value


class MeetingFilterParams(Schema):
    country: str | None = Field(None, pattern=r"^[A-Za-z]{3}$", description="Partner country (ISO alpha-3).")
    theme: str | None = Field(None, max_length=60, description="Theme code.")
    organisation: int | None = Field(None, ge=1, le=2**31 - 1, description="Organiser or participant.")
    kind: MeetingKind | None = None
    upcoming: bool = Field(True, description="Only meetings not yet over.")

    def as_query(self) -> QueryDict:
        """The query string the list page would receive (country codes in capitals)."""
        query = QueryDict(mutable=True)
        for name, value in self.model_dump(exclude_none=True, exclude={"upcoming"}).items():
            query[name] = value.upper() if name == "country" else str(value)
        return query


class LineToTakeOut(Schema):
    id: int
    country: str
    theme: str | None = Field(description="Theme code; null for every meeting with the country.")
    version: int
    text: str
    status: str
    valid_until: date
    agreed_at: datetime | None
    owner_id: int
    sharing_level: SharingLevel
    updated_at: datetime

    @staticmethod
    def resolve_country(line: Any) -> str:
        return str(line.country.iso3)

    @staticmethod
    def resolve_theme(line: Any) -> str | None:
        return None if line.theme is None else str(line.theme.code)


class LineToTakeIn(Schema):
    """A new version of the lines for a country (and theme), as a draft."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    owner_id: RecordId | None = Field(
        None, description="The organisation writing it; your first editable one if empty."
    )
    country: str = Field(..., pattern=r"^[A-Za-z]{3}$", description="Partner country (ISO alpha-3).")
    theme: str | None = Field(None, max_length=60, description="Theme code; null for every meeting with the country.")
    text: str = Field(..., min_length=1, description="The key messages.")
    valid_until: date = Field(..., description="The date until which they hold.")
    sharing_level: SharingLevel = SharingLevel.EU


class LineToTakeUpdateIn(Schema):
    """Only the fields sent change; an agreed version is never changed (write a new version)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str | None = Field(None, min_length=1)
    valid_until: date | None = None
    sharing_level: SharingLevel | None = None

    @field_validator("text", "valid_until", "sharing_level")
    @classmethod
    def not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError(_("This field cannot be empty."))
        return value
