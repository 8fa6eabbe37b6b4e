"""The country partnership profile page and the partner priorities recorded on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnerhub.agenda.queries import upcoming_meetings
from partnerhub.analysis.figures import charts
from partnerhub.analysis.figures.keyfacts import key_facts, remittance_context, remittance_sentence, trend_chart
from partnerhub.analysis.figures.profile import SHOWN_MONEY_KINDS, CountryProfile, country_profile
from partnerhub.analysis.forms import (
    MONEY_PARAMETER,
    PartnerPriorityForm,
    PriorityCommentForm,
    may_record_priorities,
    read_money_kind,
    recording_organisations,
    unknown_money_kind_message,
)
from partnerhub.analysis.models import PartnerPriority, PriorityComment
from partnerhub.analysis.services import (
    comment_on_priority,
    create_priority,
    delete_priority,
    update_priority,
)
from partnerhub.core.charts import BarChart, ShareBar
from partnerhub.core.visibility import can_edit, circle_of, editing_organisation_ids
from partnerhub.facts.services import may_propose_figures
from partnerhub.geo.models import Country
from partnerhub.knowledge import lesson_panels
from partnerhub.knowledge.crisis_queries import open_crises  # crises and directory
from partnerhub.overlaps.queries import overlaps_for_country
from partnerhub.plans.queries import actions_needing_attention
from partnerhub.registry.models import MoneyKind


def partner_country(iso3: str) -> Country:
    """Profiles are for partner countries; Member States and unknown codes are 404."""
    return Country.objects.select_related("region").prefetch_related("routes").partner_or_404(iso3)


def chosen_money_kind(request) -> tuple[str, str | None]:
    """The money kind of the breakdowns (``?money=``), and a message when the value is unknown."""
    choice = read_money_kind(request.GET.get(MONEY_PARAMETER))
    return choice.kind, None if choice.unknown is None else unknown_money_kind_message(choice.unknown)


@require_safe
def country_profile_page(request, iso3: str):
    country = partner_country(iso3)
    kind, money_message = chosen_money_kind(request)
    profile = country_profile(request.user, country, kind)
    facts = key_facts(request.user, country)
    context = {
        "country": country,
        "profile": profile,
        "money_message": money_message,
        "money_choices": [
            (k, label)
            for k, label in MoneyKind.choices
            if k in SHOWN_MONEY_KINDS or any(t.kind == k for t in profile.totals)
        ],
        "charts": _charts(profile),
        "key_facts": [(fact, trend_chart(fact, linked=request.user.is_authenticated)) for fact in facts],
        "may_propose_figures": may_propose_figures(request.user),
        "remittances": _remittances(country, facts),
        "overlaps": overlaps_for_country(request.user, country),
        "attention": actions_needing_attention(request.user, country=country),
        "meetings": upcoming_meetings(request.user, country=country),
        "today": timezone.localdate(),
        "may_record_priorities": may_record_priorities(request.user, country),
        "editable_owner_ids": editing_organisation_ids(request.user),
        **_comments_context(request, country),
        # crises and directory: the open crises the reader may see for the country
        "crises": open_crises(request.user, country=country),
        # lessons
        "lessons": lesson_panels.country_block(request.user, country),
    }
    return render(request, "analysis/profile/country_profile.html", context)


def _remittances(country: Country, facts: list) -> dict | None:
    """The context line beside the money: the country's latest yearly remittance inflows."""
    context = remittance_context(facts)
    if context is None:
        return None
    return {"figure": context.figure, "sentence": remittance_sentence(country.localized_name, context)}


def _charts(profile: CountryProfile) -> dict[str, BarChart | ShareBar | None]:
    """What the page's charts show; the template draws them (``{% load charts %}``)."""
    return {
        "theme": charts.pillar_chart(profile),
        "actor": charts.team_europe_actor_chart(profile),
        "instrument": charts.instrument_chart(profile),
        "year": charts.year_chart(profile),
        "balance": charts.balance_chart(profile),
    }


# -- partner priorities ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def priority_create(request, iso3: str):
    country = partner_country(iso3)
    organisations = recording_organisations(request.user, country)
    if not organisations:
        return _cannot_record(request, country)
    form = PartnerPriorityForm(
        request.POST or None, organisations=organisations, initial={"owner": organisations[0].pk}
    )
    if request.method == "POST" and form.is_valid():
        priority = create_priority(
            country=country, owner=form.cleaned_data["owner"], fields=form.cleaned_data, acting_user=request.user
        )
        messages.success(request, _("The priority was recorded."))
        return HttpResponseRedirect(priority.get_absolute_url())
    return render(request, "analysis/profile/priority_form.html", {"country": country, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def priority_update(request, iso3: str, pk: int):
    country = partner_country(iso3)
    priority = _visible_priority(request, country, pk)
    if not can_edit(request.user, priority):
        return _cannot_edit(request, country, priority)
    form = PartnerPriorityForm(request.POST or None, instance=priority, organisations=[priority.owner])
    del form.fields["owner"]  # the recording organisation stays the owner
    if request.method == "POST" and form.is_valid():
        try:
            update_priority(priority, form.cleaned_data, acting_user=request.user)
        except PermissionDenied:
            return _cannot_edit(request, country, priority)
        messages.success(request, _("The priority was updated."))
        return HttpResponseRedirect(priority.get_absolute_url())
    return render(
        request, "analysis/profile/priority_form.html", {"country": country, "form": form, "priority": priority}
    )


@login_required
@require_http_methods(["GET", "POST"])
def priority_delete(request, iso3: str, pk: int):
    country = partner_country(iso3)
    priority = _visible_priority(request, country, pk)
    if not can_edit(request.user, priority):
        return _cannot_edit(request, country, priority)
    if request.method == "POST":
        try:
            delete_priority(priority, acting_user=request.user)
        except PermissionDenied:
            return _cannot_edit(request, country, priority)
        messages.success(request, _("The priority was removed."))
        return HttpResponseRedirect(reverse("analysis:country_profile", args=[country.iso3]) + "#priorities")
    return render(request, "analysis/profile/priority_confirm_delete.html", {"country": country, "priority": priority})


@login_required
@require_POST
def priority_comment(request, iso3: str):
    country = partner_country(iso3)
    form = PriorityCommentForm(request.POST, priorities=_visible_priorities(request, country))
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()
        )
        messages.error(request, _("Your comment was not saved. %(problems)s") % {"problems": problems})
    else:
        try:
            comment_on_priority(form.cleaned_data["priority"], form.cleaned_data["text"], acting_user=request.user)
        except PermissionDenied as denied:
            messages.error(request, str(denied))
        else:
            messages.success(request, _("Your comment was added."))
    return HttpResponseRedirect(reverse("analysis:country_profile", args=[country.iso3]) + "#priority-comments")


def _comments_context(request, country: Country) -> dict:
    comments = (
        PriorityComment.objects.visible_to(request.user)
        .filter(priority__country=country)
        .select_related("organisation", "priority__theme")
    )
    may_comment = request.user.is_authenticated and bool(circle_of(request.user).organisation_ids)
    return {
        "priority_comments": list(comments),
        "comment_form": PriorityCommentForm(priorities=_visible_priorities(request, country)) if may_comment else None,
    }


def _visible_priorities(request, country: Country):
    return PartnerPriority.objects.visible_to(request.user).filter(country=country).select_related("theme__parent")


def _visible_priority(request, country: Country, pk: int) -> PartnerPriority:
    """Hidden and missing priorities answer the same 404."""
    return get_object_or_404(
        PartnerPriority.objects.visible_to(request.user).select_related("owner", "theme"), pk=pk, country=country
    )


def _cannot_record(request, country):
    return render(request, "analysis/profile/priority_cannot_record.html", {"country": country}, status=403)


def _cannot_edit(request, country, priority):
    return render(
        request, "analysis/profile/priority_cannot_edit.html", {"country": country, "priority": priority}, status=403
    )
