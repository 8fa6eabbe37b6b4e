"""The crisis pages: the list (open first, then closed), one crisis with everything needed to respond on
one page, and the forms that declare, change, close and reopen it.

A crisis comes from ``Crisis.objects.visible_to(request.user)``: hidden and missing answer the same 404;
a reader who may not change it gets 403.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnerhub.core.forms import saved_through
from partnerhub.core.history import history_rows
from partnerhub.geo.models import Country
from partnerhub.knowledge import crisis_queries, crisis_services
from partnerhub.knowledge.crisis_forms import CloseCrisisForm, CrisisForm
from partnerhub.knowledge.models import Crisis


@require_safe
def crisis_list(request: HttpRequest) -> HttpResponse:
    crises = crisis_queries.visible_crises(request.user)
    page = Paginator(crises, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "crises": page.object_list,
        "may_declare": crisis_services.may_declare(request.user),
    }
    return render(request, "knowledge/crises/crisis_list.html", context)


@require_safe
def crisis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    crisis = _visible_crisis(request, pk)
    context = {
        "crisis": crisis,
        "may_change": crisis_services.may_change_crisis(request.user, crisis),
        "similar_rule": crisis_queries.SIMILAR_RULE_HELP,
        "history": history_rows(crisis, request.user),
        **crisis_queries.crisis_page(request.user, crisis),
    }
    return render(request, "knowledge/crises/crisis_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def crisis_create(request: HttpRequest) -> HttpResponse:
    organisations = crisis_services.declaring_organisations(request.user)
    if not organisations:
        raise PermissionDenied(_("Only coordinators on the EU side declare, change, close and reopen a crisis."))
    initial = {"country": _country_from_query(request)}
    form = CrisisForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        declared: list[Crisis] = []
        declare = crisis_services.declare_crisis
        if saved_through(
            form, lambda: declared.append(declare(owner=data["owner"], fields=data, acting_user=request.user))
        ):
            messages.success(request, _("The crisis was declared."))
            return redirect(declared[0])
    return _form_page(request, form, _("Declare a crisis"), cancel=reverse("knowledge:crisis_list"))


@login_required
@require_http_methods(["GET", "POST"])
def crisis_update(request: HttpRequest, pk: int) -> HttpResponse:
    crisis = _changeable_crisis(request, pk)
    form = CrisisForm(request.POST or None, instance=crisis, organisations=[])
    if request.method == "POST" and form.is_valid():
        if saved_through(
            form, lambda: crisis_services.update_crisis(crisis, form.cleaned_data, acting_user=request.user)
        ):
            messages.success(request, _("The crisis was saved."))
            return redirect(crisis)
    title = _("Change the crisis “%(crisis)s”") % {"crisis": crisis.title}
    return _form_page(request, form, title, cancel=crisis.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def crisis_close(request: HttpRequest, pk: int) -> HttpResponse:
    crisis = _changeable_crisis(request, pk)
    form = CloseCrisisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        close = crisis_services.close_crisis

        def write() -> Any:
            return close(crisis, closed_on=data["closed_on"], note=data["closing_note"], acting_user=request.user)

        if saved_through(form, write):
            messages.success(request, _("The crisis was closed. Its record is kept."))
            return redirect(crisis)
    title = _("Close the crisis “%(crisis)s”") % {"crisis": crisis.title}
    return render(
        request,
        "knowledge/crises/close_form.html",
        {"form": form, "title": title, "crisis": crisis, "cancel": crisis.get_absolute_url()},
    )


@login_required
@require_POST
def crisis_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    crisis = _changeable_crisis(request, pk)
    try:
        crisis_services.reopen_crisis(crisis, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The crisis was reopened."))
    return redirect(crisis)


# -- shared pieces ---------------------------------------------------------------------------


def _visible_crisis(request: HttpRequest, pk: int) -> Crisis:
    crises = Crisis.objects.visible_to(request.user).select_related("country", "owner", "declared_by", "closed_by")
    crisis: Crisis = get_object_or_404(crises.prefetch_related("themes"), pk=pk)
    return crisis


def _changeable_crisis(request: HttpRequest, pk: int) -> Crisis:
    crisis = _visible_crisis(request, pk)
    if not crisis_services.may_change_crisis(request.user, crisis):
        raise PermissionDenied(_("Only the coordinators of the organisation that declared a crisis change it."))
    return crisis


def _country_from_query(request: HttpRequest) -> Country | None:
    iso3 = (request.GET.get("country") or "").upper()
    return Country.objects.partners().filter(iso3=iso3).first() if iso3 else None


def _form_page(request: HttpRequest, form: CrisisForm, title: str, *, cancel: str) -> HttpResponse:
    return render(request, "web/record_form.html", {"form": form, "title": title, "cancel": cancel})
