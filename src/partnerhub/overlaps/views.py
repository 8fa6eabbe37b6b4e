"""Possible overlaps: the list to review, one pair side by side with its review, and runs per country.

Every pair comes from ``OverlapPair.objects.visible_to(request.user)``: a pair
exists for a user only when both of its engagements do, so a hidden or a
missing pair answers 404. Coordinators and administrators on the EU side record
decisions and start the finder; everyone else reads. Review notes and the names
of reviewers are coordination remarks: the EU side reads them, as it reads
engagement notes.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnerhub.core.history import readable_history
from partnerhub.core.rendering import render_page_or_partial
from partnerhub.core.types import StrOrPromise
from partnerhub.core.visibility import circle_of
from partnerhub.geo.models import Country
from partnerhub.overlaps.filters import OverlapFilter
from partnerhub.overlaps.forms import ReviewForm
from partnerhub.overlaps.models import OverlapDecision, OverlapPair
from partnerhub.overlaps.sentences import explanation_sentence, previous_decision_sentence
from partnerhub.overlaps.services import (
    decide_overlap,
    may_review_overlaps,
    require_overlap_reviewer,
)
from partnerhub.overlaps.tasks import start_overlap_run
from partnerhub.registry.services import log_confidential_access


def visible_pairs(user):
    return OverlapPair.objects.visible_to(user).select_related("first__owner", "second__owner")


# -- the list ---------------------------------------------------------------------


@login_required
@require_safe
def overlap_list(request):
    filterset = OverlapFilter(
        request.GET, queryset=visible_pairs(request.user), default_decision=OverlapDecision.PENDING
    )
    pairs = filterset.qs.order_by("-score", "pk")
    page = Paginator(pairs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for pair in page.object_list:
        pair.sentence = explanation_sentence(pair)
    return render_page_or_partial(
        request,
        "overlaps/overlap_list.html",
        "overlaps/_pair_rows.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "pairs": page.object_list,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "may_review": may_review_overlaps(request.user),
        },
    )


# -- one pair -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def overlap_detail(request, pk: int):
    pair = get_object_or_404(detail_queryset(request.user), pk=pk)
    may_review = may_review_overlaps(request.user)
    form = ReviewForm(request.POST or None, initial={"decision": _current(pair)})
    if request.method == "POST":
        require_overlap_reviewer(request.user)
        if form.is_valid() and _decided(request, pair, form):
            return redirect("overlaps:overlap_detail", pk=pair.pk)
    for engagement in (pair.first, pair.second):
        log_confidential_access(engagement, "viewed", acting_user=request.user)
    return render(
        request,
        "overlaps/overlap_detail.html",
        {
            "pair": pair,
            "form": form,
            "may_review": may_review,
            "sentence": explanation_sentence(pair),
            "previous": previous_decision_sentence(pair),
            "reads_review": circle_of(request.user).eu_side,
            "history": _decision_history(pair, request.user),
        },
    )


def detail_queryset(user):
    return (
        visible_pairs(user)
        .select_related("decided_by")
        .prefetch_related(
            "countries",
            "first__country_shares__country",
            "first__theme_shares__theme",
            "first__participations__organisation",
            "second__country_shares__country",
            "second__theme_shares__theme",
            "second__participations__organisation",
        )
    )


def _current(pair: OverlapPair) -> str | None:
    return pair.decision if pair.decision != OverlapDecision.PENDING else None


def _decided(request, pair: OverlapPair, form: ReviewForm) -> bool:
    try:
        decide_overlap(pair, form.cleaned_data["decision"], note=form.cleaned_data["note"], acting_user=request.user)
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return False
    messages.success(
        request,
        _(
            "Your decision is recorded: “%(decision)s”. The pair comes back for review "
            "only if one of the engagements changes."
        )
        % {"decision": OverlapDecision(form.cleaned_data["decision"]).label},
    )
    return True


def _decision_history(pair: OverlapPair, user) -> list[dict]:
    """Each change of decision the reader may read, newest first (a reopening by the finder has no user):
    only those written while the reader could see both engagements."""
    entries = []
    for entry in readable_history(pair, user):
        change = entry.change
        old, new = change.changes.get("decision", [None, None])
        entries.append(
            {
                "change": change,
                "old": _label(old) if entry.shows_earlier_values else "",
                "new": _label(new),
                "shows_editor": entry.shows_editor,
                "note": (change.changes.get("decision_note") or [None, ""])[1],
            }
        )
    return entries


def _label(decision: str | None) -> StrOrPromise:
    return OverlapDecision(decision).label if decision in OverlapDecision.values else ""


# -- runs for one country -------------------------------------------------------------


@login_required
@require_POST
def country_overlap_run(request, iso3: str):
    country = Country.objects.partner_or_404(iso3)
    run, created = start_overlap_run(country, acting_user=request.user)
    if created:
        messages.success(
            request,
            _(
                "The overlap finder will run for %(country)s. Its pairs appear here when "
                "it has finished, usually within minutes."
            )
            % {"country": country.localized_name},
        )
    else:
        messages.info(
            request,
            _(
                "A run covering %(country)s has been waiting or running since %(time)s; its "
                "pairs will appear when it has finished."
            )
            % {
                "country": country.localized_name,
                "time": date_format(timezone.localtime(run.started_at or run.created_at), "SHORT_DATETIME_FORMAT"),
            },
        )
    return redirect(_back(request, country))


def _back(request, country: Country) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return f"{reverse('overlaps:overlap_list')}?country={country.iso3}"
