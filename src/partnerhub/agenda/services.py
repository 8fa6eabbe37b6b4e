"""Every write to the calendar goes through these functions; the pages, the API and the tests call them.

Meetings are recorded and changed by editors of their organiser (the owner), like every record of
the hub (``core.visibility.can_edit_for``); counterparts, reference data, by EU-side coordinators.
"""

from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerhub.access.models import Organisation
from partnerhub.agenda.models import (
    Counterpart,
    FeedToken,
    LineStatus,
    LineToTake,
    Meeting,
    hash_feed_token,
    validate_time_zone,
)
from partnerhub.core.history import record_change, record_event
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.signals import records_changed
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import can_edit_for, overlap_deciding_organisations
from partnerhub.geo.models import Country
from partnerhub.registry.engagement_links import checked_engagements, keeping_hidden_links
from partnerhub.registry.models import Theme

SCALAR_FIELDS = (
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "time_zone",
    "place",
    "country",
    "counterpart",
    "confirmed",
    "outcome_notes",
    "sharing_level",
)
RELATED_FIELDS = ("participants", "themes", "engagements", "shared_with_organisations")
# A change of these makes calendars replace the event (the iCalendar SEQUENCE).
RESCHEDULING_FIELDS = ("starts_at", "ends_at", "time_zone", "place")
# What a cancelled meeting still takes: what came of it, and who may read it. Re-planning it (date,
# place, counterpart, participants…) needs reinstating it first.
CHANGEABLE_WHEN_CANCELLED = ("outcome_notes", "sharing_level", "shared_with_organisations")
COUNTERPART_FIELDS = ("country", "authority", "office", "function")


def is_coordinator(user: AnyUser | None) -> bool:
    """Coordinators and administrators on the EU side: they keep the counterparts and see every clash."""
    return bool(overlap_deciding_organisations(user))


def snapshot(meeting: Meeting) -> dict[str, str]:
    """Readable values for the field-level history (the related records by id)."""
    values = {name: _readable(getattr(meeting, name)) for name in SCALAR_FIELDS}
    for name in RELATED_FIELDS:
        values[name] = ",".join(str(pk) for pk in related_ids(meeting, name))
    return values


def _readable(value: Any) -> str:
    """Instants in UTC: the same moment typed in the place's zone is no change."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
    return "" if value is None else str(value)


def related_ids(meeting: Meeting, name: str) -> list[int]:
    """The ids a many-to-many field names, read from its table: linked engagements are confidential
    records, and their ids say nothing of them."""
    field = Meeting._meta.get_field(name)
    through = field.remote_field.through  # type: ignore[union-attr]
    target = field.m2m_reverse_field_name()  # type: ignore[union-attr]
    rows = through._default_manager.filter(meeting_id=meeting.pk).values_list(f"{target}_id", flat=True)
    return sorted(rows)


def create_meeting(*, owner: Organisation, fields: dict[str, Any], acting_user: AnyUser) -> Meeting:
    _check_fields(fields)
    with transaction.atomic(durable=True):
        if not can_edit_for(acting_user, owner.pk):
            raise PermissionDenied(
                _("Only editors of %(organisation)s record its meetings.") % {"organisation": owner.name}
            )
        _check_engagements(fields, acting_user)
        meeting = Meeting(owner=owner, **_scalars(fields))
        meeting.save()
        _set_related(meeting, fields)
        record_change(meeting, ObjectChange.Action.CREATE, {}, snapshot(meeting), user=acting_user)
        record_event("event.created", meeting, user=acting_user, sharing_level=meeting.sharing_level)
    return meeting


def update_meeting(meeting: Meeting, fields: dict[str, Any], *, acting_user: AnyUser) -> Meeting:
    """Changes the fields given. Links to engagements hidden from ``acting_user`` stay as they were:
    they can neither see them nor take them off."""
    with transaction.atomic(durable=True):
        meeting = _locked_for_editing(meeting, acting_user)
        _check_fields({**{name: getattr(meeting, name) for name in SCALAR_FIELDS}, **fields})
        _check_engagements(fields, acting_user)
        fields = _keeping_hidden_links(meeting, fields, acting_user)
        before = snapshot(meeting)
        if meeting.cancelled:
            _check_not_replanned(before, fields)
        for name, value in _scalars(fields).items():
            setattr(meeting, name, value)
        if any(before[name] != snapshot(meeting)[name] for name in RESCHEDULING_FIELDS):
            meeting.sequence += 1
        meeting.save()
        _set_related(meeting, fields)
        after = snapshot(meeting)
        if before != after:
            record_change(meeting, ObjectChange.Action.UPDATE, before, after, user=acting_user)
            record_event("event.updated", meeting, user=acting_user, sequence=meeting.sequence)
    return meeting


def cancel_meeting(meeting: Meeting, *, acting_user: AnyUser) -> Meeting:
    """A cancelled meeting stays readable and in the calendars that hold it, marked cancelled; it
    takes outcome notes, and its organiser may reinstate it, but it is not re-planned while cancelled."""
    return _set_cancelled(meeting, True, "event.cancelled", acting_user=acting_user)


def reinstate_meeting(meeting: Meeting, *, acting_user: AnyUser) -> Meeting:
    """The cancelled meeting takes place after all: calendars show it again (a new SEQUENCE)."""
    return _set_cancelled(meeting, False, "event.reinstated", acting_user=acting_user)


def _set_cancelled(meeting: Meeting, cancelled: bool, event: str, *, acting_user: AnyUser) -> Meeting:
    with transaction.atomic(durable=True):
        meeting = _locked_for_editing(meeting, acting_user)
        if meeting.cancelled == cancelled:
            return meeting
        before = snapshot(meeting)
        meeting.cancelled = cancelled
        meeting.sequence += 1
        meeting.save()
        after = {**before, "cancelled": str(cancelled)}
        record_change(
            meeting, ObjectChange.Action.UPDATE, {**before, "cancelled": str(not cancelled)}, after, user=acting_user
        )
        record_event(event, meeting, user=acting_user, sequence=meeting.sequence)
    return meeting


def _check_not_replanned(before: dict[str, str], fields: dict[str, Any]) -> None:
    """Only the fields sent with another value count: a form sends every field, most unchanged."""
    changed = [
        name
        for name, value in fields.items()
        if name in (*SCALAR_FIELDS, *RELATED_FIELDS)
        and name not in CHANGEABLE_WHEN_CANCELLED
        and _as_snapshot(name, value) != before[name]
    ]
    if changed:
        message = _("This meeting is cancelled: reinstate it before you change its plans.")
        raise ValidationError(dict.fromkeys(changed, message))


def _as_snapshot(name: str, value: Any) -> str:
    """``value`` written as ``snapshot`` writes the field."""
    if name in RELATED_FIELDS:
        return ",".join(str(pk) for pk in sorted(set(_ids(value))))
    return _readable(value)


def _keeping_hidden_links(meeting: Meeting, fields: dict[str, Any], acting_user: AnyUser) -> dict[str, Any]:
    """``fields`` with the meeting's links to engagements ``acting_user`` may not read added back."""
    if "engagements" not in fields:
        return fields
    return {**fields, "engagements": keeping_hidden_links(meeting, _ids(fields["engagements"]), acting_user)}


def _locked_for_editing(meeting: Meeting, acting_user: AnyUser) -> Meeting:
    meetings = Meeting.objects.unrestricted("re-reads, locked, the meeting in hand; can_edit_for decides below")
    locked = meetings.select_for_update(of=("self",)).select_related("owner").get(pk=meeting.pk)
    if not can_edit_for(acting_user, locked.owner_id):
        raise PermissionDenied(
            _("Only editors of %(organisation)s, which organises this meeting, may change it.")
            % {"organisation": locked.owner.name}
        )
    return locked


def _scalars(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name in SCALAR_FIELDS}


def _set_related(meeting: Meeting, fields: dict[str, Any]) -> None:
    """Written through the link tables: the related manager of linked engagements would read the
    engagements themselves, unscoped, to compare."""
    for name in RELATED_FIELDS:
        if name not in fields:
            continue
        field = Meeting._meta.get_field(name)
        through = field.remote_field.through  # type: ignore[union-attr]
        target = f"{field.m2m_reverse_field_name()}_id"  # type: ignore[union-attr]
        through._default_manager.filter(meeting_id=meeting.pk).delete()
        through._default_manager.bulk_create(
            [through(meeting_id=meeting.pk, **{target: pk}) for pk in dict.fromkeys(_ids(fields[name]))]
        )
    # Written in bulk, without signals: the search index hears of it here.
    records_changed.send(sender=Meeting, pks=[meeting.pk])


def _ids(records: Any) -> list[int]:
    """Records or their ids."""
    return [getattr(record, "pk", record) for record in records]


def _check_fields(fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    starts, ends = fields.get("starts_at"), fields.get("ends_at")
    if isinstance(starts, datetime) and timezone.is_naive(starts):
        errors["starts_at"] = _("Give the time with its time zone.")
    elif isinstance(starts, datetime) and isinstance(ends, datetime) and ends < starts:
        errors["ends_at"] = _("A meeting ends after it starts.")
    try:
        validate_time_zone(fields.get("time_zone", "Europe/Brussels"))
    except ValidationError as error:
        errors["time_zone"] = error.messages[0]
    counterpart, country = fields.get("counterpart"), fields.get("country")
    if counterpart is not None and country is not None and counterpart.country_id != country.pk:
        errors["counterpart"] = _("The counterpart is an authority of another country.")
    if fields.get("sharing_level", SharingLevel.EU) not in SharingLevel.values:
        errors["sharing_level"] = _("Choose a sharing level.")
    if errors:
        raise ValidationError(errors)


def _check_engagements(fields: dict[str, Any], acting_user: AnyUser) -> None:
    """A meeting links only engagements its organiser's editor may read."""
    checked_engagements(fields.get("engagements", ()), acting_user)


# -- counterparts: reference data kept by coordinators ------------------------------------------


def save_counterpart(counterpart: Counterpart | None, fields: dict[str, Any], *, acting_user: AnyUser) -> Counterpart:
    """Records a new counterpart (``counterpart`` None) or changes one; EU-side coordinators only."""
    with transaction.atomic(durable=True):
        if not is_coordinator(acting_user):
            raise PermissionDenied(_("Coordinators keep the list of counterparts."))
        record = counterpart or Counterpart()
        before = {} if counterpart is None else _counterpart_snapshot(record)
        for name in COUNTERPART_FIELDS:
            if name in fields:
                setattr(record, name, fields[name])
        record.full_clean()
        record.save()
        action = ObjectChange.Action.CREATE if counterpart is None else ObjectChange.Action.UPDATE
        record_change(record, action, before, _counterpart_snapshot(record), user=acting_user)
        record_event(f"counterpart.{'created' if counterpart is None else 'updated'}", record, user=acting_user)
    return record


def _counterpart_snapshot(counterpart: Counterpart) -> dict[str, str]:
    return {name: str(getattr(counterpart, name)) for name in COUNTERPART_FIELDS}


# -- the personal calendar feed ---------------------------------------------------------------


def issue_feed_token(*, acting_user: User) -> tuple[FeedToken, str]:
    """A new feed address for the user; the one they had stops working. The secret is shown once."""
    with transaction.atomic(durable=True):
        revoke_feed_tokens(acting_user=acting_user, durable=False)
        raw = FeedToken.new_secret()
        token = FeedToken.objects.create(user=acting_user, token_hash=hash_feed_token(raw))
        record_event("feed.issued", token, user=acting_user)
    return token, raw


def revoke_feed_tokens(*, acting_user: User, durable: bool = True) -> int:
    with transaction.atomic(durable=durable):
        revoked = FeedToken.objects.active().filter(user=acting_user).update(revoked_at=timezone.now())
        if revoked:
            record_event("feed.revoked", acting_user, user=acting_user, tokens=revoked)
    return revoked


# -- lines to take ------------------------------------------------------------------------------

LINE_FIELDS = ("text", "valid_until", "sharing_level")


def line_snapshot(line: LineToTake) -> dict[str, str]:
    names = ("country", "theme", "version", "status", *LINE_FIELDS)
    return {name: "" if getattr(line, name) is None else str(getattr(line, name)) for name in names}


def draft_line(
    *, owner: Organisation, country: Country, theme: Theme | None, fields: dict[str, Any], acting_user: AnyUser
) -> LineToTake:
    """A new version of the lines for ``country`` (and ``theme``), as a draft."""
    with transaction.atomic(durable=True):
        if not can_edit_for(acting_user, owner.pk):
            raise PermissionDenied(
                _("Only editors of %(organisation)s write lines to take for it.") % {"organisation": owner.name}
            )
        versions = LineToTake.objects.unrestricted("numbers the versions of every reader's lines alike")
        last = versions.filter(country=country, theme=theme).aggregate(last=Max("version"))["last"] or 0
        author = acting_user if acting_user.is_authenticated else None
        line = LineToTake(owner=owner, country=country, theme=theme, version=last + 1, author=author)
        for name in LINE_FIELDS:
            if name in fields:
                setattr(line, name, fields[name])
        line.save()
        record_change(line, ObjectChange.Action.CREATE, {}, line_snapshot(line), user=acting_user)
        record_event("line.drafted", line, user=acting_user, version=line.version)
    return line


def update_line(line: LineToTake, fields: dict[str, Any], *, acting_user: AnyUser) -> LineToTake:
    """Changes a draft; an agreed version stays as it was agreed (a new version replaces it)."""
    with transaction.atomic(durable=True):
        line = _locked_line(line, acting_user)
        if line.status == LineStatus.AGREED:
            raise ValidationError({"text": _("An agreed version is not changed: write a new version.")})
        before = line_snapshot(line)
        for name in LINE_FIELDS:
            if name in fields:
                setattr(line, name, fields[name])
        line.save()
        record_change(line, ObjectChange.Action.UPDATE, before, line_snapshot(line), user=acting_user)
        record_event("line.updated", line, user=acting_user)
    return line


def agree_line(line: LineToTake, *, acting_user: AnyUser) -> LineToTake:
    """Coordinators of the owner mark a draft as agreed: from then on it is the current version."""
    with transaction.atomic(durable=True):
        line = _locked_line(line, acting_user)
        if not is_coordinator(acting_user):
            raise PermissionDenied(_("Coordinators mark lines to take as agreed."))
        if line.status == LineStatus.AGREED:
            return line
        before = line_snapshot(line)
        line.status = LineStatus.AGREED
        line.agreed_at = timezone.now()
        line.save()
        record_change(line, ObjectChange.Action.UPDATE, before, line_snapshot(line), user=acting_user)
        record_event("line.agreed", line, user=acting_user, version=line.version)
    return line


def _locked_line(line: LineToTake, acting_user: AnyUser) -> LineToTake:
    lines = LineToTake.objects.unrestricted("re-reads, locked, the line in hand; can_edit_for decides below")
    locked = lines.select_for_update(of=("self",)).select_related("owner", "country", "theme").get(pk=line.pk)
    if not can_edit_for(acting_user, locked.owner_id):
        raise PermissionDenied(
            _("Only editors of %(organisation)s, which wrote these lines, may change them.")
            % {"organisation": locked.owner.name}
        )
    return locked
