"""The calendar's pages: upcoming meetings, month and week, one meeting with its clash notices, the
forms, the counterparts, and the personal calendar feed.

Every meeting comes from ``Meeting.objects.visible_to(request.user)``: a hidden or missing meeting
answers 404; a reader who may not change it gets 403 on its form.
"""

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnerhub.access.models import Organisation
from partnerhub.agenda import calendars
from partnerhub.agenda.clashes import ClashPair, clash_pairs, clashes_for, mark_clashes, theme_ids, window_days
from partnerhub.agenda.exports import EXPORT_FORMATS
from partnerhub.agenda.feed import calendar_of
from partnerhub.agenda.filters import MeetingFilter
from partnerhub.agenda.forms import CounterpartForm, LineToTakeForm, MeetingForm
from partnerhub.agenda.lines import current_lines, line_for
from partnerhub.agenda.models import Counterpart, FeedToken, LineStatus, LineToTake, Meeting
from partnerhub.agenda.services import (
    agree_line,
    cancel_meeting,
    create_meeting,
    draft_line,
    is_coordinator,
    issue_feed_token,
    reinstate_meeting,
    revoke_feed_tokens,
    save_counterpart,
    update_line,
    update_meeting,
)
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import can_edit, editing_organisation_ids
from partnerhub.geo.models import Country
from partnerhub.registry.models import Engagement


def visible_meetings(user: AnyUser) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user).select_related("owner", "country", "counterpart__country")


def _filtered(request: HttpRequest) -> MeetingFilter:
    return MeetingFilter(request.GET, queryset=visible_meetings(request.user))


def _filter_context(request: HttpRequest, filterset: MeetingFilter) -> dict[str, Any]:
    kept = request.GET.copy()
    for name in ("page", "month", "week"):
        kept.pop(name, None)
    return {
        "form": filterset.form,
        "filters": kept.urlencode(),
        "may_record": bool(editing_organisation_ids(request.user)),
        "may_see_clashes": is_coordinator(request.user),
    }


def _upcoming(filterset: MeetingFilter) -> QuerySet[Meeting]:
    return filterset.qs.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")


@login_required
@require_safe
def meeting_list(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    upcoming = _upcoming(filterset)
    page = Paginator(upcoming.prefetch_related("themes"), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    meetings = list(page.object_list)
    current = current_lines(request.user, [meeting.country_id for meeting in meetings])
    for meeting in meetings:
        meeting.line = line_for(meeting, current)
    mark_clashes(meetings, request.user)
    context = {
        "page_obj": page,
        "meetings": meetings,
        "today": timezone.localdate(),
        **_filter_context(request, filterset),
    }
    return render(request, "agenda/meeting_list.html", context)


@login_required
@require_safe
def meeting_export(request: HttpRequest, file_format: str) -> HttpResponse | StreamingHttpResponse:
    """The rows of the list page, every page of them, with its filters."""
    if file_format not in EXPORT_FORMATS:
        raise Http404
    return EXPORT_FORMATS[file_format](_upcoming(_filtered(request)), request)


@login_required
@require_safe
def meeting_month(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    first = calendars.read_month(request.GET.get("month"))
    start, end = calendars.span(*calendars.month_range(first))
    meetings = list(filterset.qs.filter(starts_at__lt=end, ends_at__gte=start).order_by("starts_at", "pk"))
    mark_clashes(meetings, request.user)
    previous, following = calendars.neighbour_months(first)
    context = {
        "month": first,
        "month_value": f"{first:%Y-%m}",
        "weeks": calendars.month_weeks(first, meetings),
        "previous": previous,
        "following": following,
        **_filter_context(request, filterset),
    }
    return render(request, "agenda/meeting_month.html", context)


@login_required
@require_safe
def meeting_week(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    monday = calendars.read_week(request.GET.get("week"))
    start, end = calendars.span(monday, monday + calendars.timedelta(days=6))
    meetings = list(filterset.qs.filter(starts_at__lt=end, ends_at__gte=start).order_by("starts_at", "pk"))
    mark_clashes(meetings, request.user)
    context = {
        "monday": monday,
        "week_value": calendars.iso_week(monday),
        "days": calendars.week_days(monday, meetings),
        "previous": calendars.iso_week(monday - calendars.timedelta(days=7)),
        "following": calendars.iso_week(monday + calendars.timedelta(days=7)),
        **_filter_context(request, filterset),
    }
    return render(request, "agenda/meeting_week.html", context)


@login_required
@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(visible_meetings(request.user), pk=pk)
    context = {
        "meeting": meeting,
        "clashes": clashes_for(meeting, request.user),
        "window_days": window_days(),
        "engagements": Engagement.objects.visible_to(request.user).filter(pk__in=meeting.engagements.values("pk")),
        "hidden_engagements": Engagement.objects.hidden_from(request.user)
        .filter(pk__in=meeting.engagements.values("pk"))
        .exists(),
        "may_edit": can_edit(request.user, meeting),
        "line": line_for(meeting, current_lines(request.user, [meeting.country_id])),
        "today": timezone.localdate(),
    }
    return render(request, "agenda/meeting_detail.html", context)


def _organising(user: AnyUser) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=editing_organisation_ids(user)).order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    organisations = _organising(request.user)
    if not organisations:
        return _refused(request, _("Editors, coordinators and administrators of an organisation record its meetings."))
    form = MeetingForm(request.POST or None, user=request.user, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = create_meeting(
                owner=form.cleaned_data["owner"], fields=form.cleaned_data, acting_user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting was recorded."))
            return HttpResponseRedirect(meeting.get_absolute_url())
    return render(request, "agenda/meeting_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_update(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(visible_meetings(request.user), pk=pk)
    if not can_edit(request.user, meeting):
        return _refused(request, _("Only editors of the organising organisation change a meeting."), meeting)
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user, organisations=[meeting.owner])
    del form.fields["owner"]  # the organiser stays the owner
    if meeting.cancelled:
        form.keep_plans()
    if request.method == "POST" and form.is_valid():
        try:
            meeting = update_meeting(meeting, form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting was updated."))
            return HttpResponseRedirect(meeting.get_absolute_url())
    return render(request, "agenda/meeting_form.html", {"form": form, "meeting": meeting})


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(visible_meetings(request.user), pk=pk)
    try:
        cancel_meeting(meeting, acting_user=request.user)
    except PermissionDenied:
        return _refused(request, _("Only editors of the organising organisation cancel a meeting."), meeting)
    messages.success(request, _("The meeting was cancelled."))
    return HttpResponseRedirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(visible_meetings(request.user), pk=pk)
    try:
        reinstate_meeting(meeting, acting_user=request.user)
    except PermissionDenied:
        return _refused(request, _("Only editors of the organising organisation reinstate a meeting."), meeting)
    messages.success(request, _("The meeting was reinstated: it takes place as planned."))
    return HttpResponseRedirect(meeting.get_absolute_url())


def _refused(request: HttpRequest, reason: str, meeting: Meeting | None = None) -> HttpResponse:
    return render(request, "agenda/cannot_change.html", {"reason": reason, "meeting": meeting}, status=403)


# -- counterparts -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def counterpart_list(request: HttpRequest) -> HttpResponse:
    may_keep = is_coordinator(request.user)
    form = CounterpartForm(request.POST or None)
    if request.method == "POST":
        if not may_keep:
            return _refused(request, _("Coordinators keep the list of counterparts."))
        if form.is_valid():
            save_counterpart(None, form.cleaned_data, acting_user=request.user)
            messages.success(request, _("The counterpart was added."))
            return HttpResponseRedirect(reverse("agenda:counterpart_list"))
    counterparts = Counterpart.objects.select_related("country")
    return render(
        request, "agenda/counterpart_list.html", {"counterparts": counterparts, "form": form, "may_keep": may_keep}
    )


@login_required
@require_http_methods(["GET", "POST"])
def counterpart_update(request: HttpRequest, pk: int) -> HttpResponse:
    counterpart = get_object_or_404(Counterpart, pk=pk)
    if not is_coordinator(request.user):
        return _refused(request, _("Coordinators keep the list of counterparts."))
    form = CounterpartForm(request.POST or None, instance=counterpart)
    if request.method == "POST" and form.is_valid():
        save_counterpart(counterpart, form.cleaned_data, acting_user=request.user)
        messages.success(request, _("The counterpart was updated."))
        return HttpResponseRedirect(reverse("agenda:counterpart_list"))
    return render(request, "agenda/counterpart_form.html", {"form": form, "counterpart": counterpart})


# -- the personal calendar feed -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def feed_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.is_authenticated
    address = ""
    if request.method == "POST" and request.POST.get("action") == "revoke":
        revoke_feed_tokens(acting_user=user)
        messages.success(request, _("Your calendar feed address no longer works."))
        return HttpResponseRedirect(reverse("agenda:feed_settings"))
    if request.method == "POST":
        _token, raw = issue_feed_token(acting_user=user)
        address = request.build_absolute_uri(reverse("agenda:feed", args=[raw]))
    active = FeedToken.objects.active().filter(user=user).first()
    return render(request, "agenda/feed_settings.html", {"address": address, "active": active})


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login: the secret in the address stands for the user. A revoked or unknown one is 404."""
    found = FeedToken.objects.matching(token)
    if found is None or not found.user.is_active:
        raise Http404
    meetings = visible_meetings(found.user).order_by("starts_at", "pk")
    body = calendar_of(meetings, _("Partnership Hub agenda"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


# -- lines to take ------------------------------------------------------------------------------


def visible_lines(user: AnyUser) -> QuerySet[LineToTake]:
    return LineToTake.objects.visible_to(user).select_related("country", "theme", "owner", "author")


@login_required
@require_safe
def line_list(request: HttpRequest) -> HttpResponse:
    lines = visible_lines(request.user).order_by("country__name", "theme__code", "-version", "-pk")
    latest: dict[tuple[int, int | None], LineToTake] = {}
    for line in lines:
        latest.setdefault((line.country_id, line.theme_id), line)
    context = {
        "lines": list(latest.values()),
        "today": timezone.localdate(),
        "may_write": bool(editing_organisation_ids(request.user)),
    }
    return render(request, "agenda/line_list.html", context)


@login_required
@require_safe
def line_detail(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(visible_lines(request.user), pk=pk)
    versions = list(visible_lines(request.user).filter(country=line.country, theme=line.theme).order_by("-version"))
    earlier = [version for version in versions if version.version < line.version]
    context = {
        "line": line,
        "versions": versions,
        "changes": text_changes(earlier[0].text, line.text) if earlier else [],
        "compared_with": earlier[0] if earlier else None,
        "today": timezone.localdate(),
        "may_edit": can_edit(request.user, line),
        "may_agree": can_edit(request.user, line) and is_coordinator(request.user),
    }
    return render(request, "agenda/line_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def line_create(request: HttpRequest) -> HttpResponse:
    organisations = _organising(request.user)
    if not organisations:
        return _refused(request, _("Editors, coordinators and administrators of an organisation write its lines."))
    form = LineToTakeForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        line = draft_line(
            owner=data["owner"], country=data["country"], theme=data["theme"], fields=data, acting_user=request.user
        )
        messages.success(request, _("The draft was saved."))
        return HttpResponseRedirect(line.get_absolute_url())
    return render(request, "agenda/line_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def line_update(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(visible_lines(request.user), pk=pk)
    if not can_edit(request.user, line):
        return _refused(request, _("Only editors of the organisation that wrote these lines change them."))
    if line.status == LineStatus.AGREED:
        return _refused(request, _("An agreed version is not changed: write a new version."))
    form = LineToTakeForm(request.POST or None, instance=line, organisations=[line.owner])
    for fixed in ("owner", "country", "theme"):
        del form.fields[fixed]
    if request.method == "POST" and form.is_valid():
        update_line(line, form.cleaned_data, acting_user=request.user)
        messages.success(request, _("The draft was saved."))
        return HttpResponseRedirect(line.get_absolute_url())
    return render(request, "agenda/line_form.html", {"form": form, "line": line})


@login_required
@require_POST
def line_agree(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(visible_lines(request.user), pk=pk)
    try:
        agree_line(line, acting_user=request.user)
    except PermissionDenied:
        return _refused(request, _("Coordinators of the organisation that wrote these lines mark them as agreed."))
    messages.success(request, _("These lines are now the agreed version."))
    return HttpResponseRedirect(line.get_absolute_url())


def text_changes(before: str, after: str) -> list[tuple[str, str]]:
    """The lines of ``after`` compared with ``before``: ("+", added), ("-", removed) or ("", kept)."""
    marks = {"+ ": "+", "- ": "-", "  ": ""}
    return [
        (marks[row[:2]], row[2:]) for row in difflib.ndiff(before.splitlines(), after.splitlines()) if row[:2] in marks
    ]


# -- the coordinators' overview of clashes ------------------------------------------------------


@dataclass
class CountryClashes:
    """The upcoming clashes of one partner country, soonest first."""

    country: Country
    pairs: list[ClashPair] = field(default_factory=list)


def upcoming_clashes(user: AnyUser) -> tuple[list[CountryClashes], list[tuple[Meeting, str]]]:
    """Every upcoming clash, per partner country: the pairs whose two meetings ``user`` reads, then
    apart the meetings they read that clash with one they may not read (of which nothing is told). Pairs of two meetings
    ``user`` may not read are left out. One query reads the meetings, one their themes, one what
    ``user`` reads."""
    upcoming = list(
        Meeting.objects.unrestricted("the overview compares every upcoming meeting; only readable ones are shown")
        .filter(cancelled=False, ends_at__gte=timezone.now())
        .select_related("owner", "country")
        .order_by("starts_at", "pk")
    )
    themes = theme_ids(meeting.pk for meeting in upcoming)
    readable = set(Meeting.objects.visible_to(user).filter(pk__in=list(themes)).values_list("pk", flat=True))
    groups: dict[int, CountryClashes] = {}
    half_known: list[tuple[Meeting, str]] = []
    for pair in clash_pairs(upcoming, themes):
        first_read, second_read = pair.first.pk in readable, pair.second.pk in readable
        if first_read and second_read:
            groups.setdefault(pair.first.country_id, CountryClashes(pair.first.country)).pairs.append(pair)
        elif first_read or second_read:
            half_known.append((pair.first if first_read else pair.second, pair.reason))
    return list(groups.values()), half_known


@login_required
@require_safe
def clash_overview(request: HttpRequest) -> HttpResponse:
    """For EU-side coordinators: every upcoming clash, grouped by partner country, soonest first."""
    if not is_coordinator(request.user):
        return _refused(request, _("Coordinators see the overview of clashes."))
    countries, undisclosed = upcoming_clashes(request.user)
    context = {"countries": countries, "undisclosed": undisclosed, "window_days": window_days()}
    return render(request, "agenda/clash_overview.html", context)
