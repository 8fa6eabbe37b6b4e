"""The Talent Partnerships pages: the overview of partnerships, the lists of needs and supply, one record
of each, the partnership page with its schemes, pipeline, linked engagements and the partner's priorities,
the forms that change them, and their exports.

Every record comes from its ``visible_to(request.user)``: hidden and missing answer the same 404; a reader
who may not change what they see gets 403.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from partnerhub.core.charts import Bar, BarChart, Layout
from partnerhub.core.forms import read_version, refused_as_conflict, saved_through
from partnerhub.core.history import history_rows
from partnerhub.core.rendering import render_page_or_partial
from partnerhub.core.types import AnyUser, StrOrPromise
from partnerhub.core.visibility import editing_organisation_ids
from partnerhub.talent import exports, queries, services
from partnerhub.talent.forms import (
    NeedFilterForm,
    NeedForm,
    PartnershipFilterForm,
    PartnershipForm,
    PipelineForm,
    SchemeForm,
    SupplyFilterForm,
    SupplyForm,
)
from partnerhub.talent.models import PIPELINE_STAGES, PipelineFigure, TalentPartnership, TalentScheme

STAGE_LABELS = {stage: str(PipelineFigure._meta.get_field(stage).verbose_name) for stage in PIPELINE_STAGES}  # type: ignore[union-attr]  # the stages are model fields


# -- lists -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """One list page: its records, filters, templates and export."""

    records: Callable[[AnyUser], QuerySet[Any]]
    filters: type[NeedFilterForm] | type[SupplyFilterForm] | type[PartnershipFilterForm]
    page: str
    rows: str
    export: exports.Export
    export_url: str


NEEDS = Listing(
    queries.visible_needs,
    NeedFilterForm,
    "talent/need_list.html",
    "talent/_need_rows.html",
    exports.NEEDS,
    "talent:need_export",
)
SUPPLY = Listing(
    queries.visible_supply,
    SupplyFilterForm,
    "talent/supply_list.html",
    "talent/_supply_rows.html",
    exports.SUPPLY,
    "talent:supply_export",
)
PARTNERSHIPS = Listing(
    queries.visible_partnerships,
    PartnershipFilterForm,
    "talent/overview.html",
    "talent/_partnership_rows.html",
    exports.PARTNERSHIPS,
    "talent:partnership_export",
)


def _filtered(request: HttpRequest, listing: Listing) -> tuple[Any, QuerySet[Any]]:
    form = listing.filters(request.GET or None)
    return form, form.filter(listing.records(request.user), request.user)


def _list_page(request: HttpRequest, listing: Listing) -> HttpResponse:
    form, records = _filtered(request, listing)
    page = Paginator(records, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "records": page.object_list,
        "export_query": query.urlencode(),
        "export_url": listing.export_url,
        "may_create": bool(editing_organisation_ids(request.user)),
    }
    return render_page_or_partial(request, listing.page, listing.rows, context)


def _export(request: HttpRequest, listing: Listing, file_format: str) -> HttpResponse | StreamingHttpResponse:
    if file_format not in exports.FORMATS:
        raise Http404
    _form, records = _filtered(request, listing)
    if listing is PARTNERSHIPS:
        records = records.prefetch_related(
            Prefetch("schemes", TalentScheme.objects.prefetch_related("occupations").order_by("kind", "title", "pk"))
        )
    return exports.export_response(listing.export, records.iterator(chunk_size=500), file_format)


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    """The Talent Partnerships the reader may see, with links to needs, supply and the matching."""
    return _list_page(request, PARTNERSHIPS)


@require_safe
def need_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, NEEDS)


@require_safe
def supply_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, SUPPLY)


@require_safe
def need_export(request: HttpRequest, file_format: str) -> HttpResponse | StreamingHttpResponse:
    return _export(request, NEEDS, file_format)


@require_safe
def supply_export(request: HttpRequest, file_format: str) -> HttpResponse | StreamingHttpResponse:
    return _export(request, SUPPLY, file_format)


@require_safe
def partnership_export(request: HttpRequest, file_format: str) -> HttpResponse | StreamingHttpResponse:
    return _export(request, PARTNERSHIPS, file_format)


@require_safe
def pipeline_export(request: HttpRequest, file_format: str) -> HttpResponse | StreamingHttpResponse:
    """Every pipeline figure the reader may see, with the partnerships' list filters."""
    if file_format not in exports.FORMATS:
        raise Http404
    _form, partnerships = _filtered(request, PARTNERSHIPS)
    figures = (
        PipelineFigure.objects.visible_to(request.user)
        .filter(scheme__partnership__in=partnerships.values("pk"))
        .select_related("scheme__partnership__country")
        .order_by("scheme__partnership__title", "scheme__partnership", "scheme__title", "scheme", "period_start")
    )
    return exports.export_response(exports.PIPELINE, figures, file_format)


# -- needs and supply: one record, its forms ------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """What the need and supply pages share, each with its own words."""

    records: Callable[[AnyUser], QuerySet[Any]]
    form: type[NeedForm] | type[SupplyForm]
    template: str
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    list_url: str
    new_title: StrOrPromise
    edit_title: StrOrPromise
    saved: StrOrPromise
    deleted: StrOrPromise


NEED = Kind(
    queries.visible_needs,
    NeedForm,
    "talent/need_detail.html",
    services.create_need,
    services.update_need,
    services.delete_need,
    "talent:need_list",
    gettext_lazy("New labour need"),
    gettext_lazy("Edit the labour need"),
    gettext_lazy("The labour need was saved."),
    gettext_lazy("The labour need was deleted."),
)
SUPPLY_KIND = Kind(
    queries.visible_supply,
    SupplyForm,
    "talent/supply_detail.html",
    services.create_supply,
    services.update_supply,
    services.delete_supply,
    "talent:supply_list",
    gettext_lazy("New talent supply"),
    gettext_lazy("Edit the talent supply"),
    gettext_lazy("The talent supply was saved."),
    gettext_lazy("The talent supply was deleted."),
)


def _detail(request: HttpRequest, kind: Kind, pk: int) -> HttpResponse:
    record = get_object_or_404(kind.records(request.user), pk=pk)
    context = {
        "record": record,
        "may_change": services.may_change(request.user, record),
        "history": history_rows(record, request.user),
    }
    return render(request, kind.template, context)


def _create(request: HttpRequest, kind: Kind) -> HttpResponse:
    if not editing_organisation_ids(request.user):
        raise PermissionDenied(_("Editors of an organisation record its needs, supply and partnerships."))
    form = kind.form(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[Any] = []
        if saved_through(
            form, lambda: created.append(kind.create(owner=data["owner"], fields=data, acting_user=request.user))
        ):
            messages.success(request, str(kind.saved))
            return redirect(created[0])
    return _form_page(request, form, kind.new_title, cancel=reverse(kind.list_url), template="web/record_form.html")


def _update(request: HttpRequest, kind: Kind, pk: int) -> HttpResponse:
    record = get_object_or_404(kind.records(request.user), pk=pk)
    _require(services.may_change(request.user, record))
    form = kind.form(request.POST or None, instance=record, user=request.user)
    if request.method == "POST" and form.is_valid():
        if saved_through(
            form,
            lambda: kind.update(record, form.cleaned_data, acting_user=request.user, read_version=read_version(form)),
        ):
            messages.success(request, str(kind.saved))
            return redirect(record)
    return _form_page(request, form, kind.edit_title, cancel=record.get_absolute_url(), template="web/record_form.html")


def _delete(request: HttpRequest, kind: Kind, pk: int) -> HttpResponse:
    record = get_object_or_404(kind.records(request.user), pk=pk)
    _require(services.may_change(request.user, record))
    return _deletion(
        request,
        lambda: kind.delete(record, acting_user=request.user),
        question=_("Delete “%(record)s”?") % {"record": _record_name(record)},
        back=record.get_absolute_url(),
        done=str(kind.deleted),
        then=reverse(kind.list_url),
    )


def _record_name(record: Any) -> str:
    place = getattr(record, "member_state", None) or record.country
    return f"{place.name}, {record.occupation}"


@require_safe
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, NEED, pk)


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request: HttpRequest) -> HttpResponse:
    return _create(request, NEED)


@login_required
@require_http_methods(["GET", "POST"])
def need_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _update(request, NEED, pk)


@login_required
@require_http_methods(["GET", "POST"])
def need_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(request, NEED, pk)


@require_safe
def supply_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, SUPPLY_KIND, pk)


@login_required
@require_http_methods(["GET", "POST"])
def supply_create(request: HttpRequest) -> HttpResponse:
    return _create(request, SUPPLY_KIND)


@login_required
@require_http_methods(["GET", "POST"])
def supply_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _update(request, SUPPLY_KIND, pk)


@login_required
@require_http_methods(["GET", "POST"])
def supply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(request, SUPPLY_KIND, pk)


# -- the partnership page -----------------------------------------------------------------------


@dataclass(frozen=True)
class SchemeRow:
    scheme: TalentScheme
    figures: list[PipelineFigure]


@require_safe
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _visible_partnership(request, pk)
    schemes = list(
        TalentScheme.objects.visible_to(request.user)
        .filter(partnership=partnership)
        .prefetch_related("occupations", Prefetch("pipeline", PipelineFigure.objects.order_by("period_start", "pk")))
    )
    figures = [figure for scheme in schemes for figure in scheme.pipeline.all()]
    totals = queries.totals_by_period(figures)
    context = {
        "partnership": partnership,
        "may_change": services.may_change(request.user, partnership),
        "schemes": [SchemeRow(scheme, list(scheme.pipeline.all())) for scheme in schemes],
        "totals": totals,
        "stage_labels": [STAGE_LABELS[stage] for stage in PIPELINE_STAGES],
        "charts": pipeline_charts(totals),
        "pipeline_summary": pipeline_summary(totals),
        "engagements": queries.linked_engagements(partnership, request.user),
        "priorities": queries.legal_pathway_priorities(partnership.country_id, request.user),
        "history": history_rows(partnership, request.user),
    }
    return render(request, "talent/partnership_detail.html", context)


def pipeline_charts(totals: list[queries.PeriodTotals]) -> list[BarChart]:
    """Small multiples: one column chart per stage, a column per period, drawn by ``web.charts``."""
    if not totals:
        return []
    people = _("people")
    return [
        BarChart(
            title=str(STAGE_LABELS[stage]).capitalize(),
            unit=people,
            bars=tuple(Bar(row.period, row.counts[index], amount_text=str(row.counts[index])) for row in totals),
            layout=Layout.COLUMNS,
            in_eur=False,
        )
        for index, stage in enumerate(PIPELINE_STAGES)
    ]


def pipeline_summary(totals: list[queries.PeriodTotals]) -> str:
    """The charts in one sentence, for those who do not see them."""
    if not totals:
        return ""
    enrolled = sum(row.counts[PIPELINE_STAGES.index("enrolled")] for row in totals)
    moved = sum(row.counts[PIPELINE_STAGES.index("moved")] for row in totals)
    return ngettext(
        "In %(first)s: %(enrolled)s enrolled and %(moved)s moved to the EU, in the schemes you may see.",
        "In %(count)s periods from %(first)s to %(last)s: %(enrolled)s enrolled and %(moved)s moved to the EU, "
        "in the schemes you may see.",
        len(totals),
    ) % {
        "count": len(totals),
        "first": totals[0].period,
        "last": totals[-1].period,
        "enrolled": enrolled,
        "moved": moved,
    }


@login_required
@require_http_methods(["GET", "POST"])
def partnership_create(request: HttpRequest) -> HttpResponse:
    if not editing_organisation_ids(request.user):
        raise PermissionDenied(_("Editors of an organisation record its needs, supply and partnerships."))
    form = PartnershipForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[TalentPartnership] = []
        create = services.create_partnership
        if saved_through(
            form, lambda: created.append(create(owner=data["owner"], fields=data, acting_user=request.user))
        ):
            messages.success(request, _("The Talent Partnership was saved."))
            return redirect(created[0])
    return _form_page(
        request,
        form,
        _("New Talent Partnership"),
        cancel=reverse("talent:overview"),
        template="web/record_form.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_update(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _visible_partnership(request, pk)
    _require(services.may_change(request.user, partnership))
    form = PartnershipForm(request.POST or None, instance=partnership, user=request.user)
    if request.method == "POST" and form.is_valid():
        update = services.update_partnership
        if saved_through(
            form,
            lambda: update(partnership, form.cleaned_data, acting_user=request.user, read_version=read_version(form)),
        ):
            messages.success(request, _("The Talent Partnership was saved."))
            return redirect(partnership)
    return _form_page(
        request,
        form,
        _("Edit the Talent Partnership"),
        cancel=partnership.get_absolute_url(),
        template="web/record_form.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_delete(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _visible_partnership(request, pk)
    _require(services.may_change(request.user, partnership))
    return _deletion(
        request,
        lambda: services.delete_partnership(partnership, acting_user=request.user),
        question=_("Delete the Talent Partnership “%(title)s” with its schemes and pipeline figures?")
        % {"title": partnership.title},
        back=partnership.get_absolute_url(),
        done=_("The Talent Partnership was deleted."),
        then=reverse("talent:overview"),
    )


def _visible_partnership(request: HttpRequest, pk: int) -> TalentPartnership:
    """Hidden and missing partnerships answer the same 404."""
    return get_object_or_404(queries.visible_partnerships(request.user), pk=pk)


# -- schemes and pipeline figures ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def scheme_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _visible_partnership(request, pk)
    _require(services.may_change(request.user, partnership))
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if saved_through(form, lambda: services.add_scheme(partnership, form.cleaned_data, acting_user=request.user)):
            messages.success(request, _("The scheme was added."))
            return redirect(partnership)
    return _form_page(request, form, _("New scheme"), cancel=partnership.get_absolute_url(), back=partnership)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_update(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(queries.visible_schemes(request.user), pk=pk)
    partnership = scheme.partnership
    _require(services.may_change(request.user, partnership))
    form = SchemeForm(request.POST or None, instance=scheme)
    if request.method == "POST" and form.is_valid():
        if saved_through(form, lambda: services.update_scheme(scheme, form.cleaned_data, acting_user=request.user)):
            messages.success(request, _("The scheme was saved."))
            return redirect(partnership)
    return _form_page(request, form, _("Edit the scheme"), cancel=partnership.get_absolute_url(), back=partnership)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(queries.visible_schemes(request.user), pk=pk)
    partnership = scheme.partnership
    _require(services.may_change(request.user, partnership))
    return _deletion(
        request,
        lambda: services.delete_scheme(scheme, acting_user=request.user),
        question=_("Delete the scheme “%(title)s” with its pipeline figures?") % {"title": scheme.title},
        back=partnership.get_absolute_url(),
        done=_("The scheme was deleted."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def pipeline_create(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(queries.visible_schemes(request.user), pk=pk)
    partnership = scheme.partnership
    _require(services.may_change(request.user, partnership))
    form = PipelineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if saved_through(form, lambda: services.record_pipeline(scheme, form.cleaned_data, acting_user=request.user)):
            messages.success(request, _("The pipeline figure was recorded."))
            return redirect(partnership)
    title = _("Pipeline of “%(scheme)s”") % {"scheme": scheme.title}
    return _form_page(request, form, title, cancel=partnership.get_absolute_url(), back=partnership)


@login_required
@require_http_methods(["GET", "POST"])
def pipeline_update(request: HttpRequest, pk: int) -> HttpResponse:
    figure = get_object_or_404(queries.visible_pipeline(request.user), pk=pk)
    partnership = figure.scheme.partnership
    _require(services.may_change(request.user, partnership))
    form = PipelineForm(request.POST or None, instance=figure)
    if request.method == "POST" and form.is_valid():
        if saved_through(form, lambda: services.update_pipeline(figure, form.cleaned_data, acting_user=request.user)):
            messages.success(request, _("The pipeline figure was saved."))
            return redirect(partnership)
    title = _("Pipeline of “%(scheme)s”") % {"scheme": figure.scheme.title}
    return _form_page(request, form, title, cancel=partnership.get_absolute_url(), back=partnership)


@login_required
@require_http_methods(["GET", "POST"])
def pipeline_delete(request: HttpRequest, pk: int) -> HttpResponse:
    figure = get_object_or_404(queries.visible_pipeline(request.user), pk=pk)
    partnership = figure.scheme.partnership
    _require(services.may_change(request.user, partnership))
    return _deletion(
        request,
        lambda: services.delete_pipeline(figure, acting_user=request.user),
        question=_("Delete the pipeline figure of %(period)s for “%(scheme)s”?")
        % {"period": figure.period, "scheme": figure.scheme.title},
        back=partnership.get_absolute_url(),
        done=_("The pipeline figure was deleted."),
    )


# -- shared pieces ---------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may read this record but not change it."))


def _form_page(
    request: HttpRequest,
    form: Any,
    title: StrOrPromise,
    *,
    cancel: str,
    back: TalentPartnership | None = None,
    template: str = "talent/form.html",
) -> HttpResponse:
    context = {"form": form, "title": title, "cancel": cancel, "back": back}
    # 409 when the save was refused because someone changed the record meanwhile.
    return render(request, template, context, status=409 if refused_as_conflict(form) else 200)


def _deletion(
    request: HttpRequest, delete: Callable[[], None], *, question: str, back: str, done: str, then: str = ""
) -> HttpResponse:
    """The confirmation page on GET; the deletion on POST."""
    if request.method == "POST":
        delete()
        messages.success(request, done)
        return redirect(then or back)
    return render(request, "talent/confirm_delete.html", {"question": question, "back": back})
