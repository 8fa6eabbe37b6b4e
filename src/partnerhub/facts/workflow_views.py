"""The propose – discuss – agree pages of key facts: one figure with its stances, history and the other
sources' figures beside it, its workflow buttons, and the coordinators' queue of revised figures.

Every figure comes from ``Observation.objects.visible_to(request.user)``: a hidden or missing figure
answers 404; a reader who may not take a step gets 403. Every write goes through ``facts.services``.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnerhub.access.models import Organisation
from partnerhub.core.history import history_rows
from partnerhub.core.types import AnyUser
from partnerhub.facts import services
from partnerhub.facts.disagreements import disagree, relative_gap
from partnerhub.facts.loading import revisions_awaiting_decision
from partnerhub.facts.models import UNDER_DISCUSSION, Observation, ObservationStatus
from partnerhub.facts.workflow_forms import FigureForm, initial_from_query

REVISIONS_PER_PAGE = 50


def visible_figures(user: AnyUser) -> QuerySet[Observation]:
    return Observation.objects.visible_to(user).select_related(
        "indicator", "country", "destination", "source", "proposing_organisation", "proposed_by", "agreed_by"
    )


@dataclass(frozen=True)
class OtherSource:
    """Another figure for the same indicator, country, destination and period, as the reader sees it."""

    figure: Observation
    disagrees: bool
    gap: Any


@login_required
@require_safe
def figure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    figure = get_object_or_404(visible_figures(request.user), pk=pk)
    user = request.user
    discussed = figure.status in UNDER_DISCUSSION
    context = {
        "figure": figure,
        "freshness": figure.source.freshness(timezone.localdate()),
        "stances": figure.endorsements.select_related("organisation", "user"),
        "history": history_rows(figure, user),
        "others": other_sources(figure, user),
        "revises": visible_figures(user).filter(pk=figure.revises_id).first() if figure.revises_id else None,
        "proposing": services.proposing_organisations(user) if figure.status == ObservationStatus.IMPORTED else [],
        "stance_organisations": services.stance_organisations(user, figure) if discussed else [],
        "may_agree": discussed and bool(services.agreeing_organisations(user)),
        "may_keep_agreed": discussed and figure.revises_id is not None and bool(services.agreeing_organisations(user)),
    }
    return render(request, "facts/figure_detail.html", context)


def other_sources(figure: Observation, user: AnyUser) -> list[OtherSource]:
    others = (
        visible_figures(user)
        .filter(
            indicator=figure.indicator_id,
            country=figure.country_id,
            destination=figure.destination_id,
            period=figure.period,
        )
        .exclude(pk=figure.pk)
        .order_by("source__publisher", "source__dataset", "pk")
    )
    return [
        OtherSource(
            other,
            disagrees=other.source_id != figure.source_id and disagree(figure.value, other.value),
            gap=relative_gap(figure.value, other.value),
        )
        for other in others
    ]


@login_required
@require_http_methods(["GET", "POST"])
def figure_create(request: HttpRequest) -> HttpResponse:
    organisations = services.proposing_organisations(request.user)
    if not organisations:
        return _refused(request, _("Only editors of an organisation on the EU side propose figures."))
    initial = initial_from_query(request.GET) if request.method == "GET" else {}
    form = FigureForm(request.POST or None, initial=initial, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            figure = services.propose_figure(
                form.figure(),
                note=form.cleaned_data["note"],
                organisation=form.cleaned_data["organisation"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error.message_dict)
        else:
            messages.success(request, _("The figure is proposed as the one to quote."))
            return _back(figure)
    return render(request, "facts/figure_form.html", {"form": form})


# -- the workflow ------------------------------------------------------------------------------


def _figure_or_404(request: HttpRequest, pk: int) -> Observation:
    return get_object_or_404(visible_figures(request.user), pk=pk)


def _back(figure: Observation) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("facts:figure_detail", args=[figure.pk]))


def _refused(request: HttpRequest, reason: str, figure: Observation | None = None) -> HttpResponse:
    return render(request, "facts/cannot_change.html", {"reason": reason, "figure": figure}, status=403)


def _report_invalid(request: HttpRequest, error: ValidationError) -> None:
    """Each message names the field it is about."""
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            messages.error(request, _("%(field)s: %(message)s") % {"field": field_label(field), "message": message})


def field_label(field: str) -> str:
    labels = {"note": _("Note"), "reason": _("Reason"), "organisation": _("Organisation"), "status": _("Status")}
    return str(labels.get(field, field))


def _chosen(request: HttpRequest, allowed: list[Organisation]) -> Organisation | None:
    """The organisation named in the form among ``allowed``; the only one when there is one."""
    chosen = request.POST.get("organisation", "").strip()
    if not chosen:
        return allowed[0] if len(allowed) == 1 else None
    return next((organisation for organisation in allowed if str(organisation.pk) == chosen), None)


@login_required
@require_POST
def figure_propose(request: HttpRequest, pk: int) -> HttpResponse:
    figure = _figure_or_404(request, pk)
    allowed = services.proposing_organisations(request.user)
    if not allowed:
        return _refused(request, _("Only editors of an organisation on the EU side propose figures."), figure)
    organisation = _chosen(request, allowed)
    if organisation is None:
        _report_invalid(request, ValidationError({"organisation": _("Choose the organisation you propose it for.")}))
        return _back(figure)
    try:
        services.propose_observation(
            figure, note=request.POST.get("note", ""), organisation=organisation, acting_user=request.user
        )
    except ValidationError as error:
        _report_invalid(request, error)
    else:
        messages.success(request, _("The figure is proposed as the one to quote."))
    return _back(figure)


def _take_stance(request: HttpRequest, pk: int, *, disputing: bool) -> HttpResponse:
    figure = _figure_or_404(request, pk)
    allowed = services.stance_organisations(request.user, figure)
    if not allowed:
        return _refused(
            request, _("Editors of another organisation than the one proposing it endorse or dispute a figure."), figure
        )
    organisation = _chosen(request, allowed)
    if organisation is None:
        _report_invalid(request, ValidationError({"organisation": _("Choose the organisation you speak for.")}))
        return _back(figure)
    try:
        if disputing:
            reason = request.POST.get("reason", "")
            services.dispute_observation(figure, reason=reason, acting_user=request.user, organisation=organisation)
        else:
            services.endorse_observation(figure, acting_user=request.user, organisation=organisation)
    except ValidationError as error:
        _report_invalid(request, error)
    else:
        done = _("Your dispute was recorded.") if disputing else _("Your endorsement was recorded.")
        messages.success(request, done)
    return _back(figure)


@login_required
@require_POST
def figure_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    return _take_stance(request, pk, disputing=False)


@login_required
@require_POST
def figure_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    return _take_stance(request, pk, disputing=True)


@login_required
@require_POST
def figure_agree(request: HttpRequest, pk: int) -> HttpResponse:
    figure = _figure_or_404(request, pk)
    try:
        services.agree_observation(figure, acting_user=request.user)
    except PermissionDenied:
        return _refused(request, _("Only coordinators on the EU side record a figure as agreed."), figure)
    except ValidationError as error:
        _report_invalid(request, error)
    else:
        messages.success(request, _("The figure is now the agreed one; the one agreed before it is superseded."))
    return _back(figure)


@login_required
@require_POST
def figure_keep_agreed(request: HttpRequest, pk: int) -> HttpResponse:
    figure = _figure_or_404(request, pk)
    try:
        services.keep_agreed_figure(figure, acting_user=request.user)
    except PermissionDenied:
        return _refused(request, _("Only coordinators on the EU side decide on a revised figure."), figure)
    except ValidationError as error:
        _report_invalid(request, error)
    else:
        messages.success(request, _("The agreed figure stands; the revised one is kept as the source's figure."))
    return _back(figure)


# -- the coordinators' queue -------------------------------------------------------------------


def revisions_count(user: AnyUser) -> int:
    """How many revised figures await ``user``'s decision: 0 for anyone who does not coordinate."""
    if not services.agreeing_organisations(user):
        return 0
    return revisions_awaiting_decision(user).count()


@login_required
@require_safe
def revision_list(request: HttpRequest) -> HttpResponse:
    if not services.agreeing_organisations(request.user):
        return _refused(request, _("Only coordinators on the EU side decide on revised figures."))
    revisions = (
        revisions_awaiting_decision(request.user)
        .select_related("indicator", "country", "destination", "source")
        .order_by("indicator__code", "country__name", "-period_start", "pk")
    )
    page = Paginator(revisions, REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    agreed = {
        figure.pk: figure
        for figure in Observation.objects.visible_to(request.user)
        .select_related("source")
        .filter(pk__in=[revision.revises_id for revision in page])
    }
    rows = [(revision, agreed.get(revision.revises_id or 0)) for revision in page]
    return render(request, "facts/revision_list.html", {"page": page, "rows": rows})
