"""Meetings and counterparts for the tests, and the registration's factory and edit of a meeting."""

from datetime import UTC, date, datetime, timedelta

from partnerhub.agenda.models import Counterpart, LineToTake, Meeting
from partnerhub.agenda.services import agree_line, create_meeting, draft_line, update_line, update_meeting
from partnerhub.geo.models import Country
from partnerhub.registry.models import Theme

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def counterpart(iso3: str = "MAR", authority: str = "Ministry of the Interior", **fields) -> Counterpart:
    found, _created = Counterpart.objects.get_or_create(
        country=Country.objects.get(iso3=iso3), authority=authority, **fields
    )
    return found


def meeting(
    owner,
    author,
    *,
    starts_at: datetime = START,
    hours: int = 2,
    iso3: str = "MAR",
    themes=("RETURN-REINTEGRATION",),
    with_counterpart: Counterpart | None = None,
    **fields,
) -> Meeting:
    data = {
        "kind": "mission",
        "title": f"{owner.short_name} mission",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=hours),
        "time_zone": "Africa/Casablanca",
        "country": Country.objects.get(iso3=iso3),
        "counterpart": with_counterpart,
        "themes": list(Theme.objects.filter(code__in=themes)),
        **fields,
    }
    return create_meeting(owner=owner, fields=data, acting_user=author)


def hidden_meeting(cast, *, secret: str) -> Meeting:
    return meeting(
        cast.german_interior,
        cast.german_ministry_editor,
        title=secret,
        place=secret,
        outcome_notes=secret,
        sharing_level="originator",
        with_counterpart=counterpart(),
    )


def retitle_meeting(cast, record: Meeting) -> None:
    update_meeting(record, {"title": f"{record.title} (retitled)"}, acting_user=cast.german_ministry_editor)


def line(owner, author, *, iso3: str = "MAR", theme: str | None = None, agreed_by=None, **fields) -> LineToTake:
    drafted = draft_line(
        owner=owner,
        country=Country.objects.get(iso3=iso3),
        theme=Theme.objects.get(code=theme) if theme else None,
        fields={"text": "Return with dignity.", "valid_until": date(2027, 12, 31), **fields},
        acting_user=author,
    )
    return agree_line(drafted, acting_user=agreed_by) if agreed_by is not None else drafted


def hidden_line(cast, *, secret: str) -> LineToTake:
    return line(cast.german_interior, cast.german_ministry_editor, text=secret, sharing_level="originator")


def reword_line(cast, record: LineToTake) -> None:
    update_line(record, {"text": f"{record.text} (reworded)"}, acting_user=cast.german_ministry_editor)
