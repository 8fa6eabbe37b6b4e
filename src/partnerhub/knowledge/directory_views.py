"""The directory of focal points: the list with its filters and CSV export, one entry, its forms, the
person's own entry ("my entry") and its confirmation.

Entries come from ``FocalPoint.objects.visible_to(request.user)``: the whole directory for EU-side users,
only their own entry for anyone else (another's entry is 404). Every page needs a login.
"""

from collections.abc import Iterable, Iterator
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnerhub.access.models import Organisation
from partnerhub.core.forms import saved_through
from partnerhub.core.rendering import render_page_or_partial
from partnerhub.core.visibility import circle_of
from partnerhub.geo.models import Country
from partnerhub.knowledge import directory_services as services
from partnerhub.knowledge.directory_forms import DirectoryFilterForm, FocalPointForm
from partnerhub.knowledge.models import FocalPoint
from partnerhub.registry.exports import csv_lines, neutralise, printable
from partnerhub.registry.models import Theme

CSV_COLUMNS = (
    "id",
    "name",
    "function",
    "role",
    "organisation",
    "email",
    "phone",
    "languages",
    "countries",
    "themes",
    "last_confirmed_at",
)

# The service names the linked account "user"; the form calls it "account".
ACCOUNT = {"user": "account"}


def _entries(request: HttpRequest) -> QuerySet[FocalPoint]:
    return (
        FocalPoint.objects.visible_to(request.user)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("countries", Country.objects.order_by("name")),
            Prefetch("themes", Theme.objects.order_by("position", "name")),
        )
    )


@login_required
@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    entries = form.filter(_entries(request))
    page = Paginator(entries, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    eu_side = circle_of(request.user).eu_side
    context = {
        "form": form,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "rows": [(entry, services.is_stale(entry)) for entry in page.object_list],
        "eu_side": eu_side,
        "may_add": services.may_add(request.user),
        "stale_days": services.stale_after().days,
        "export_query": query.urlencode(),
    }
    return render_page_or_partial(
        request, "knowledge/directory/directory.html", "knowledge/directory/_rows.html", context
    )


@login_required
@require_safe
def directory_export(request: HttpRequest) -> StreamingHttpResponse:
    """CSV only, and only for EU-side users: a list of people's contacts leaves the hub in one file,
    so it goes no further than the circle that reads the whole directory."""
    if not circle_of(request.user).eu_side:
        raise PermissionDenied(_("The directory is exported by EU-side users only."))
    form = DirectoryFilterForm(request.GET or None)
    entries = form.filter(_entries(request)).order_by("name", "pk")
    rows = ([neutralise(printable(value)) for value in row] for row in _csv_rows(entries.iterator(chunk_size=500)))
    response = StreamingHttpResponse(csv_lines(list(CSV_COLUMNS), rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="focal-points-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


def _csv_rows(entries: Iterable[FocalPoint]) -> Iterator[list[Any]]:
    for entry in entries:
        yield [
            entry.pk,
            entry.name,
            entry.function,
            entry.role,
            entry.organisation.name,
            entry.email,
            entry.phone,
            entry.languages,
            " ".join(country.iso3 for country in entry.countries.all()),
            " ".join(theme.code for theme in entry.themes.all()),
            entry.last_confirmed_at.isoformat() if entry.last_confirmed_at else "",
        ]


@login_required
@require_safe
def focal_point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(_entries(request), pk=pk)
    context = {
        "entry": entry,
        "stale": services.is_stale(entry),
        "stale_days": services.stale_after().days,
        "own": services.is_own(request.user, entry),
        "may_change": services.may_change(request.user, entry),
        "may_remove": services.may_change(request.user, entry),
    }
    return render(request, "knowledge/directory/focal_point_detail.html", context)


@login_required
@require_safe
def my_entry(request: HttpRequest) -> HttpResponse:
    """The person's own entry, or a page saying they have none."""
    entry = FocalPoint.objects.visible_to(request.user).filter(user_id=cast(int, request.user.pk)).first()
    if entry is not None:
        return redirect(entry)
    return render(request, "knowledge/directory/no_entry.html", status=200)


@login_required
@require_http_methods(["GET", "POST"])
def focal_point_create(request: HttpRequest) -> HttpResponse:
    if not services.may_add(request.user):
        raise PermissionDenied(_("EU-side editors and coordinators add entries to the directory."))
    form = FocalPointForm(request.POST or None, organisations=_organisations(request))
    if request.method == "POST" and form.is_valid():
        created: list[FocalPoint] = []
        if saved_through(
            form,
            lambda: created.append(services.create_entry(form.service_fields(), acting_user=request.user)),
            renamed=ACCOUNT,
        ):
            messages.success(request, _("The entry was added to the directory."))
            return redirect(created[0])
    return _form_page(request, form, _("New directory entry"), cancel=reverse("knowledge:directory"))


@login_required
@require_http_methods(["GET", "POST"])
def focal_point_update(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(_entries(request), pk=pk)
    keeper = services.may_manage(request.user, entry)
    if not (keeper or services.is_own(request.user, entry)):
        raise PermissionDenied(_("You may read this entry but not change it."))
    form = FocalPointForm(request.POST or None, instance=entry, organisations=_organisations(request), own=not keeper)
    if request.method == "POST" and form.is_valid():
        if saved_through(
            form, lambda: services.update_entry(entry, form.service_fields(), acting_user=request.user), renamed=ACCOUNT
        ):
            messages.success(request, _("The entry was saved."))
            return redirect(entry)
    return _form_page(
        request, form, _("Change the entry of %(name)s") % {"name": entry.name}, cancel=entry.get_absolute_url()
    )


@login_required
@require_POST
def focal_point_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(_entries(request), pk=pk)
    if not services.may_change(request.user, entry):
        raise PermissionDenied(_("You may read this entry but not change it."))
    services.confirm_entry(entry, acting_user=request.user)
    messages.success(request, _("The entry was confirmed as right today."))
    return redirect(entry)


@login_required
@require_http_methods(["GET", "POST"])
def focal_point_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(_entries(request), pk=pk)
    if not services.may_change(request.user, entry):
        raise PermissionDenied(_("You may read this entry but not change it."))
    if request.method == "POST":
        services.delete_entry(entry, acting_user=request.user)
        messages.success(request, _("The entry was removed from the directory. No copy of it is kept."))
        return redirect("knowledge:directory")
    return render(request, "knowledge/directory/confirm_delete.html", {"entry": entry})


def _organisations(request: HttpRequest) -> QuerySet[Organisation] | None:
    managed = services.managed_organisation_ids(request.user)
    return None if managed is None else Organisation.objects.filter(pk__in=managed)


def _form_page(request: HttpRequest, form: FocalPointForm, title: str, *, cancel: str) -> HttpResponse:
    return render(
        request, "knowledge/directory/focal_point_form.html", {"form": form, "title": title, "cancel": cancel}
    )
