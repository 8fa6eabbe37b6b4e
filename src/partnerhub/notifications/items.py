"""The items of a digest and of the in-app list: what changed in a window, among what the reader
follows and may see *now*.

Everything is read through ``visible_to(reader)`` at the moment the items are built, never copied
when the change happened: a record widened since appears, a record narrowed since is gone, and a
hidden record counts nowhere. Clash alerts say only what ``agenda.clashes`` lets the reader know.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnerhub.agenda.clashes import COUNTERPART, Clash, ClashPair, clash_pairs, window_days
from partnerhub.agenda.models import LineStatus, LineToTake, Meeting
from partnerhub.agenda.services import is_coordinator
from partnerhub.core.models import Event
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import can_edit_for
from partnerhub.facts.loading import revisions_awaiting_decision
from partnerhub.facts.services import agreeing_organisations
from partnerhub.geo.models import Country
from partnerhub.notifications.scope import Scope, scope_of
from partnerhub.plans.models import OPEN_STATUSES, Action, ActionStatus, PlanStatus
from partnerhub.registry.models import Engagement

ENGAGEMENT_NEW = "engagement_new"
ENGAGEMENT_CHANGED = "engagement_changed"
MEETING_NEW = "meeting_new"
CLASH = "clash"
ACTION_OVERDUE = "action_overdue"
ACTION_STALLED = "action_stalled"
LINE_AGREED = "line_agreed"
REVISION_AWAITING = "revision_awaiting"
# The order of the kinds within a country.
KINDS = (
    CLASH,
    REVISION_AWAITING,
    MEETING_NEW,
    LINE_AGREED,
    ACTION_OVERDUE,
    ACTION_STALLED,
    ENGAGEMENT_NEW,
    ENGAGEMENT_CHANGED,
)


def kind_label(kind: str) -> str:
    labels = {
        ENGAGEMENT_NEW: _("New engagement"),
        ENGAGEMENT_CHANGED: _("Engagement changed"),
        MEETING_NEW: _("New meeting"),
        CLASH: _("Clash alert"),
        ACTION_OVERDUE: _("Action overdue"),
        ACTION_STALLED: _("Action stalled"),
        LINE_AGREED: _("New agreed lines to take"),
        REVISION_AWAITING: _("A revised figure awaits your decision"),
    }
    return labels[kind]


@dataclass(frozen=True)
class Window:
    """Changes after ``since``, up to and including ``until``."""

    since: datetime
    until: datetime

    def q(self, field: str) -> Q:
        return Q(**{f"{field}__gt": self.since, f"{field}__lte": self.until})

    def contains(self, moment: datetime) -> bool:
        return self.since < moment <= self.until


@dataclass(frozen=True)
class Item:
    """One line of a digest: ``path`` is the page it links to (made absolute for e-mails)."""

    kind: str
    country: Country | None
    title: str
    detail: str
    path: str
    time: datetime

    @property
    def label(self) -> str:
        return kind_label(self.kind)

    @property
    def sort_key(self) -> tuple[int, float, str]:
        return (KINDS.index(self.kind), -self.time.timestamp(), self.title)


@dataclass(frozen=True)
class CountryGroup:
    country: Country | None
    items: list[Item]

    @property
    def name(self) -> str:
        return self.country.localized_name if self.country else _("Several or no partner countries")


def items_for(reader: AnyUser, window: Window, scope: Scope | None = None) -> list[Item]:
    """Every item ``reader`` follows and may see now that changed in ``window``, in reading order."""
    scope = scope if scope is not None else scope_of(reader)
    if scope.is_empty:
        return []
    found = [
        *engagement_items(reader, window, scope),
        *meeting_items(reader, window, scope),
        *clash_items(reader, window, scope),
        *line_items(reader, window, scope),
        *action_items(reader, window, scope),
        *revision_items(reader, window, scope),
    ]
    return sorted(found, key=lambda item: (_country_key(item.country), item.sort_key))


def grouped(items: Iterable[Item]) -> list[CountryGroup]:
    """Items (already in reading order) by partner country."""
    groups: dict[int | None, CountryGroup] = {}
    for item in items:
        key = item.country.pk if item.country else None
        groups.setdefault(key, CountryGroup(item.country, [])).items.append(item)
    return list(groups.values())


def _country_key(country: Country | None) -> tuple[bool, str]:
    return (country is None, country.localized_name if country else "")


# -- the registry -----------------------------------------------------------------------------------


def engagement_items(reader: AnyUser, window: Window, scope: Scope) -> list[Item]:
    engagements = (
        Engagement.objects.visible_to(reader)
        .about_migration()
        .filter(scope.q("countries", "themes"), window.q("updated_at"))
        .select_related("owner")
        .prefetch_related("countries")
        .distinct()
    )
    return [
        Item(
            ENGAGEMENT_NEW if window.contains(engagement.created_at) else ENGAGEMENT_CHANGED,
            _country_of(list(engagement.countries.all()), scope),
            engagement.title,
            engagement.owner.localized_name,
            engagement.get_absolute_url(),
            engagement.updated_at,
        )
        for engagement in engagements
    ]


def _country_of(countries: list[Country], scope: Scope) -> Country | None:
    """The followed country an engagement concerns, else its only one: one entry per engagement."""
    followed = [country for country in countries if country.pk in scope.country_ids]
    if followed:
        return min(followed, key=lambda country: country.name)
    return countries[0] if len(countries) == 1 else None


# -- the agenda --------------------------------------------------------------------------------------


def meeting_items(reader: AnyUser, window: Window, scope: Scope) -> list[Item]:
    meetings = (
        Meeting.objects.visible_to(reader)
        .filter(scope.q("country", "themes"), window.q("created_at"), cancelled=False)
        .select_related("country", "owner")
        .distinct()
    )
    return [
        Item(
            MEETING_NEW,
            meeting.country,
            meeting.title,
            _meeting_detail(meeting),
            meeting.get_absolute_url(),
            meeting.created_at,
        )
        for meeting in meetings
    ]


def _meeting_detail(meeting: Meeting) -> str:
    return _("%(organiser)s, %(start)s (%(zone)s)") % {
        "organiser": meeting.owner.localized_name,
        "start": date_format(meeting.local_start, "DATETIME_FORMAT"),
        "zone": meeting.time_zone,
    }


def line_items(reader: AnyUser, window: Window, scope: Scope) -> list[Item]:
    lines = (
        LineToTake.objects.visible_to(reader)
        .filter(scope.q("country", "theme"), window.q("agreed_at"), status=LineStatus.AGREED)
        .select_related("country", "theme")
    )
    return [
        Item(
            LINE_AGREED,
            line.country,
            _("Lines to take, version %(version)s") % {"version": line.version}
            + (f" – {line.theme.localized_name}" if line.theme else ""),
            _("Hold until %(date)s") % {"date": date_format(line.valid_until, "DATE_FORMAT")},
            line.get_absolute_url(),
            line.agreed_at or line.updated_at,
        )
        for line in lines
    ]


# -- clash alerts ------------------------------------------------------------------------------------


def clash_items(reader: AnyUser, window: Window, scope: Scope) -> list[Item]:
    """Clashes of the reader's upcoming followed meetings that arose in ``window``: one of the two
    meetings was created or changed in it."""
    mine = list(
        Meeting.objects.visible_to(reader)
        .filter(scope.q("country", "themes"), cancelled=False, ends_at__gte=window.until)
        .select_related("country", "owner")
        .distinct()
    )
    items: dict[tuple[int, str, int | None], Item] = {}
    for meeting, clash, changed_at in new_clashes(reader, mine, window):
        key = (meeting.pk, clash.reason, clash.other.pk if clash.other else None)
        items[key] = _clash_item(meeting, clash, changed_at)
    return list(items.values())


def new_clashes(reader: AnyUser, mine: list[Meeting], window: Window) -> list[tuple[Meeting, Clash, datetime]]:
    """(meeting, clash as the reader may learn it, when the clash arose) for the clashes of ``mine``
    that arose in ``window``; the same rules as ``agenda.clashes.clashes_for``, in a fixed number of
    queries. An undisclosed clash is one notice per meeting and reason, whatever the hidden meetings."""
    pairs = [(one, other, pair) for pair in _pairs_around(mine) for one, other in _sides(pair, mine)]
    fresh = [(one, other, pair) for one, other, pair in pairs if window.contains(_arose(pair))]
    if not fresh:
        return []
    readable = set(
        Meeting.objects.visible_to(reader)
        .filter(pk__in={other.pk for _, other, _ in fresh})
        .values_list("pk", flat=True)
    )
    coordinator = is_coordinator(reader)
    days = window_days()
    found: list[tuple[Meeting, Clash, datetime]] = []
    for one, other, pair in fresh:
        if other.pk in readable:
            found.append((one, Clash(pair.reason, other, days), _arose(pair)))
        elif coordinator or can_edit_for(reader, one.owner_id):
            # Only the day: the hour would tell when the hidden meeting was written.
            found.append((one, Clash(pair.reason, None, days), max(_day_start(_local_day(_arose(pair))), window.since)))
    return found


def _pairs_around(mine: list[Meeting]) -> list[ClashPair]:
    """Every clashing pair with one of ``mine`` on one side (read unscoped: what a reader learns of
    the other side is decided by ``new_clashes``)."""
    if not mine:
        return []
    reach = timedelta(days=window_days())
    counterparts = {meeting.counterpart_id for meeting in mine if meeting.counterpart_id}
    nearby = (
        Meeting.objects.unrestricted("clashes compare with every meeting; new_clashes decides what a reader learns")
        .filter(Q(country_id__in={meeting.country_id for meeting in mine}) | Q(counterpart_id__in=counterparts))
        .filter(
            cancelled=False,
            starts_at__lte=max(meeting.ends_at for meeting in mine) + reach,
            ends_at__gte=min(meeting.starts_at for meeting in mine) - reach,
        )
        .select_related("owner")
    )
    meetings = {meeting.pk: meeting for meeting in nearby}
    meetings.update({meeting.pk: meeting for meeting in mine})
    themes: dict[int, set[int]] = {pk: set() for pk in meetings}
    through = Meeting.themes.through.objects.filter(meeting_id__in=list(meetings))
    for meeting_id, theme_id in through.values_list("meeting_id", "theme_id"):
        themes[meeting_id].add(theme_id)
    return clash_pairs(list(meetings.values()), themes)


def _sides(pair: ClashPair, mine: list[Meeting]) -> list[tuple[Meeting, Meeting]]:
    """The pair seen from each of its meetings that is one of ``mine`` (the reader's own copy)."""
    by_pk = {meeting.pk: meeting for meeting in mine}
    sides = [(pair.first, pair.second), (pair.second, pair.first)]
    return [(by_pk[one.pk], other) for one, other in sides if one.pk in by_pk]


def _arose(pair: ClashPair) -> datetime:
    return max(pair.first.last_modified, pair.second.last_modified)


def _clash_item(meeting: Meeting, clash: Clash, changed_at: datetime) -> Item:
    return Item(
        CLASH,
        meeting.country,
        meeting.title,
        clash_sentence(clash),
        meeting.get_absolute_url(),
        changed_at,
    )


def clash_sentence(clash: Clash) -> str:
    """What the reader learns of the other meeting; nothing but the window when it is hidden."""
    if clash.other is None:
        if clash.reason == COUNTERPART:
            return ngettext(
                "Another actor meets this counterpart within %(days)s day of this meeting. "
                "Ask the coordinator before you go.",
                "Another actor meets this counterpart within %(days)s days of this meeting. "
                "Ask the coordinator before you go.",
                clash.window_days,
            ) % {"days": clash.window_days}
        return ngettext(
            "Another actor meets this country's authorities on a shared theme within %(days)s day of this "
            "meeting. Ask the coordinator before you go.",
            "Another actor meets this country's authorities on a shared theme within %(days)s days of this "
            "meeting. Ask the coordinator before you go.",
            clash.window_days,
        ) % {"days": clash.window_days}
    template = (
        _("Same counterpart: %(title)s, %(detail)s")
        if clash.reason == COUNTERPART
        else _("Same country and theme: %(title)s, %(detail)s")
    )
    return template % {"title": clash.other.title, "detail": _meeting_detail(clash.other)}


# -- key facts --------------------------------------------------------------------------------------


def revision_items(reader: AnyUser, window: Window, scope: Scope) -> list[Item]:
    """For coordinators following a country: revised releases of its agreed figures, brought in the
    window, that still await a decision now (agreeing or keeping the agreed figure takes them away)."""
    if not scope.country_ids or not agreeing_organisations(reader):
        return []
    revised = Event.objects.filter(
        window.q("time"),
        name="observation.revised",
        content_type__app_label="facts",
        content_type__model="observation",
    )
    brought = dict(revised.order_by("time").values_list("object_id", "time"))
    revisions = (
        revisions_awaiting_decision(reader)
        .filter(country__in=scope.country_ids, pk__in=list(brought))
        .select_related("indicator", "country", "source")
    )
    return [
        Item(
            REVISION_AWAITING,
            revision.country,
            _("%(indicator)s, %(period)s")
            % {"indicator": revision.indicator.localized_name, "period": revision.period},
            _("Revised to %(value)s %(unit)s by %(source)s")
            % {"value": f"{revision.value.normalize():f}", "unit": revision.unit, "source": revision.source},
            reverse("facts:figure_detail", args=[revision.pk]),
            brought[revision.pk],
        )
        for revision in revisions
    ]


# -- the plans ---------------------------------------------------------------------------------------


def action_items(reader: AnyUser, window: Window, scope: Scope) -> list[Item]:
    """Actions of current plans that became overdue in the window (their deadline passed) or were
    reported stalled in it."""
    actions = Action.objects.visible_to(reader).filter(
        scope.q("plan__country", "theme"), plan__status__in=(PlanStatus.DRAFT, PlanStatus.AGREED)
    )
    first_day, last_day = _local_day(window.since), _local_day(window.until)
    # Overdue from the day after the deadline: that day fell in the window.
    overdue = Q(deadline__gte=first_day, deadline__lt=last_day, status__in=OPEN_STATUSES)
    stalled = Q(status=ActionStatus.STALLED, pk__in=_stalled_in(window))
    found = []
    for action in actions.filter(overdue | stalled).select_related("plan__country", "lead_organisation"):
        became_stalled = action.status == ActionStatus.STALLED and not (
            action.deadline and first_day <= action.deadline < last_day
        )
        kind = ACTION_STALLED if became_stalled else ACTION_OVERDUE
        found.append(_action_item(action, kind, window))
    return found


def _stalled_in(window: Window) -> Iterable[int]:
    """The actions whose status was changed to stalled in the window (the plans' named events)."""
    events = Event.objects.filter(
        window.q("time"),
        name="action.status_changed",
        content_type__app_label="plans",
        content_type__model="action",
        data__new=ActionStatus.STALLED,
    )
    return events.values_list("object_id", flat=True)


def _action_item(action: Action, kind: str, window: Window) -> Item:
    deadline = action.deadline
    detail = _("%(plan)s · lead: %(lead)s") % {
        "plan": action.plan.title,
        "lead": action.lead_organisation.localized_name,
    }
    if deadline is not None:
        detail += " · " + _("deadline %(date)s") % {"date": date_format(deadline, "DATE_FORMAT")}
    moment = _day_start(deadline + timedelta(days=1)) if kind == ACTION_OVERDUE and deadline else action.updated_at
    return Item(
        kind,
        action.plan.country,
        str(action),
        detail,
        reverse("plans:plan_detail", args=[action.plan_id]) + "#actions",
        min(max(moment, window.since), window.until),
    )


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))
