"""The matching pages: needs with the partner countries suggested, supply with the Member States
suggested, one suggestion explained with the coordinator's override, and the exports."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from partnerhub.core.rendering import render_page_or_partial
from partnerhub.geo.models import Country
from partnerhub.registry.exports import XLSX_CONTENT_TYPE
from partnerhub.talent import overrides as override_service
from partnerhub.talent.match_explanations import (
    FactorLine,
    blocked_reason,
    factor_lines,
    override_text,
    safeguard_text,
)
from partnerhub.talent.match_exports import FORMATS, export_response, is_large, start_export
from partnerhub.talent.match_forms import MatchFilterForm, OverrideForm
from partnerhub.talent.match_queries import (
    MatchFilters,
    candidate_count,
    load_context,
    match_settings,
    need_facts,
    side_filters,
    suggestions_for_needs,
    suggestions_for_supply,
    visible_needs,
    visible_supply,
)
from partnerhub.talent.matching import Match, MatchSettings, NeedFacts, Ranking, SupplyFacts, evaluate
from partnerhub.talent.models import MatchExport, MatchOverride, MatchSide, Occupation, TalentNeed

TOP = 5


@dataclass(frozen=True)
class ShownMatch:
    """A suggestion as a page shows it: its factors and safeguards in words."""

    match: Match
    rank: int | None
    factors: list[FactorLine]
    safeguards: str
    override: str
    reason: str

    @property
    def detail_url(self) -> str:
        m = self.match
        return reverse("talent:match_detail", args=[m.supply.country_iso3, m.supply.occupation, m.need.id])


@dataclass(frozen=True)
class Row:
    """A need (or a supply) with its suggestions: the top ones and the first blocked ones, explained,
    with how many more there are (read on the row's own list, ``all_url``)."""

    subject: object
    top: list[ShownMatch]
    blocked: list[ShownMatch]
    more: int
    all_url: str


def shown(match: Match, rank: int | None, config: MatchSettings) -> ShownMatch:
    return ShownMatch(
        match,
        rank,
        factor_lines(match, config),
        safeguard_text(match, config),
        override_text(match),
        blocked_reason(match, config) if match.blocked else "",
    )


def row_of(subject: NeedFacts | SupplyFacts, ranking: Ranking, config: MatchSettings, *, top: int | None = TOP) -> Row:
    """Only the suggestions shown are put in words: a need may have hundreds (``top=None``: all)."""
    ranked, blocked = ranking.ranked[:top], ranking.blocked[:top]
    more = len(ranking) - len(ranked) - len(blocked)
    if isinstance(subject, NeedFacts):
        all_url = f"{reverse('talent:match_all')}?{urlencode({'need': subject.id})}"
    else:
        query = {"supply_country": subject.country_iso3, "occupation": subject.occupation}
        all_url = f"{reverse('talent:match_all')}?{urlencode(query)}"
    return Row(
        subject,
        [shown(match, rank, config) for rank, match in enumerate(ranked, start=1)],
        [shown(match, None, config) for match in blocked],
        more,
        all_url,
    )


def _filters(request: HttpRequest) -> tuple[MatchFilterForm, MatchFilters, date]:
    form = MatchFilterForm(request.GET or None)
    return form, MatchFilters.of(form.values()), form.day


def _page_context(form: MatchFilterForm, page: Page, rows: list[Row], day: date, side: str) -> dict[str, object]:
    config = match_settings()
    return {
        "form": form,
        "page_obj": page,
        "rows": rows,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "day": day,
        "side": side,
        "weights": [(name, config.weights[name]) for name in ("occupation", "volume", "language", "cooperation")],
        "config": config,
        "formats": FORMATS,
    }


@require_safe
def match_needs(request: HttpRequest) -> HttpResponse:
    """The viewer's visible needs, 25 a page, each with the partner countries suggested."""
    form, filters, day = _filters(request)
    need_filters, _supply_filters = side_filters(MatchSide.NEEDS, filters)
    page = Paginator(visible_needs(request.user, need_filters), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    needs = [need_facts(need) for need in page.object_list]
    config = match_settings()
    rows = [row_of(need, ranking, config) for need, ranking in suggestions_for_needs(request.user, needs, filters, day)]
    context = _page_context(form, page, rows, day, MatchSide.NEEDS)
    return render_page_or_partial(request, "talent/match_needs.html", "talent/match_rows.html", context)


@require_safe
def match_supply(request: HttpRequest) -> HttpResponse:
    """The viewer's visible supply (added up per partner country and occupation), each with the Member
    States whose needs it could meet."""
    form, filters, day = _filters(request)
    _need_filters, supply_filters = side_filters(MatchSide.SUPPLY, filters)
    page = Paginator(visible_supply(request.user, supply_filters), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    config = match_settings()
    found = suggestions_for_supply(request.user, list(page.object_list), filters, day)
    rows = [row_of(supply, ranking, config) for supply, ranking in found]
    context = _page_context(form, page, rows, day, MatchSide.SUPPLY)
    return render_page_or_partial(request, "talent/match_supply.html", "talent/match_rows.html", context)


@require_safe
def match_all(request: HttpRequest) -> HttpResponse:
    """Every suggestion for one need (``?need=<id>``) or for one partner country's supply in one
    occupation (``?supply_country=<ISO3>&occupation=<code>``): the pages show the first five."""
    day = MatchFilterForm(request.GET).day
    config = match_settings()
    need_id, iso3, code = (
        request.GET.get("need", ""),
        request.GET.get("supply_country", ""),
        request.GET.get("occupation", ""),
    )
    if need_id.isdigit():
        need = get_object_or_404(
            TalentNeed.objects.visible_to(request.user).select_related("member_state", "occupation"), pk=need_id
        )
        [(facts, ranking)] = suggestions_for_needs(request.user, [need_facts(need)], MatchFilters(), day)
        context = {"row": row_of(facts, ranking, config, top=None), "side": MatchSide.NEEDS, "day": day}
    elif iso3 and code:
        country = get_object_or_404(Country.objects.filter(is_eu_member=False), iso3=iso3.upper())
        found = [
            s
            for s in visible_supply(request.user, MatchFilters(country=country), minor_groups={code[:3]})
            if s.occupation == code
        ]
        if not found:
            raise Http404
        [(supply, ranking)] = suggestions_for_supply(request.user, found, MatchFilters(), day)
        context = {"row": row_of(supply, ranking, config, top=None), "side": MatchSide.SUPPLY, "day": day}
    else:
        raise Http404
    return render_page_or_partial(request, "talent/match_all.html", "talent/match_row.html", context)


# -- one suggestion -------------------------------------------------------------------------------


def _suggestion_parts(request: HttpRequest, iso3: str, code: str, need_id: int):  # type: ignore[no-untyped-def]
    """The need (visible, else 404), the partner country and the occupation offered (404 when unknown)."""
    need = get_object_or_404(
        TalentNeed.objects.visible_to(request.user).select_related("member_state", "occupation"), pk=need_id
    )
    country = get_object_or_404(Country.objects.filter(is_eu_member=False), iso3=iso3.upper())
    occupation = get_object_or_404(Occupation.objects.filter(level=4), code=code)
    return need, country, occupation


@require_safe
def match_detail(request: HttpRequest, iso3: str, code: str, need_id: int) -> HttpResponse:
    need, country, occupation = _suggestion_parts(request, iso3, code, need_id)
    return _render_detail(request, need, country, occupation, OverrideForm())


def _render_detail(
    request: HttpRequest,
    need: TalentNeed,
    country: Country,
    occupation: Occupation,
    form: OverrideForm,
    status: int = 200,
) -> HttpResponse:
    day = MatchFilterForm(request.GET or None).day
    facts = need_facts(need)
    supplies = [
        s
        for s in visible_supply(request.user, MatchFilters(country=country), minor_groups={occupation.code[:3]})
        if s.occupation == occupation.code
    ]
    context = load_context(request.user, day, need_ids=[need.pk])
    match = evaluate(facts, supplies[0], context) if supplies else None
    config = context.settings
    overrides = (
        MatchOverride.objects.visible_to(request.user)
        .filter(need=need, country=country, occupation=occupation)
        .select_related("decided_by", "withdrawn_by")
        .order_by("-decided_at", "-pk")
    )
    standing = next((o for o in overrides if o.withdrawn_at is None), None)
    page = {
        "need": need,
        "country": country,
        "occupation": occupation,
        "suggestion": shown(match, None, config) if match is not None else None,
        "same_group": occupation.code[:3] == need.occupation.code[:3],
        "edition": context.edition,
        "day": day,
        "config": config,
        "overrides": overrides,
        "standing": standing,
        "may_override": override_service.may_override(request.user),
        "form": form,
    }
    return render(request, "talent/match_detail.html", page, status=status)


@login_required
@require_POST
def override_create(request: HttpRequest, iso3: str, code: str, need_id: int) -> HttpResponse:
    need, country, occupation = _suggestion_parts(request, iso3, code, need_id)
    if not override_service.may_override(request.user):
        raise PermissionDenied
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            override_service.create_override(need, country, occupation, **form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("talent:match_detail", country.iso3, occupation.code, need.pk)
    return _render_detail(request, need, country, occupation, form, status=422)


def override_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    override = get_object_or_404(
        MatchOverride.objects.visible_to(request.user).select_related("need", "country", "occupation", "decided_by"),
        pk=pk,
    )
    if not override_service.may_override(request.user):
        raise PermissionDenied
    detail = reverse("talent:match_detail", args=[override.country.iso3, override.occupation.code, override.need_id])
    if request.method == "POST":
        try:
            override_service.withdraw_override(override, acting_user=request.user)
        except ValidationError:
            pass  # withdrawn already: the page shows it
        return redirect(detail)
    return render(request, "talent/match_override_withdraw.html", {"override": override, "detail": detail})


# -- exports ----------------------------------------------------------------------------------------


@require_safe
def match_export(request: HttpRequest, side: str, file_format: str) -> HttpResponse | StreamingHttpResponse:
    """The suggestions of the page's filters as CSV or XLSX; a large set is exported by a background job."""
    if side not in MatchSide.values or file_format not in FORMATS:
        raise Http404
    form, filters, day = _filters(request)
    if is_large(candidate_count(request.user, side, filters)):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        job = start_export(request.user, side, filters, day, file_format)
        return redirect(job.get_absolute_url())
    return export_response(request.user, side, filters, day, file_format)


def _own_export(request: HttpRequest, pk: int) -> MatchExport:
    # An export holds what its requester may see: anybody else gets 404.
    return get_object_or_404(MatchExport.objects.defer("content"), pk=pk, started_by_id=request.user.pk)


@login_required
@require_safe
def match_export_job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "talent/match_export_job.html", {"job": _own_export(request, pk)})


@login_required
@require_safe
def match_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(MatchExport, pk=pk, started_by_id=request.user.pk, status=MatchExport.Status.DONE)
    content_type = "text/csv; charset=utf-8" if job.file_format == "csv" else XLSX_CONTENT_TYPE
    response = HttpResponse(bytes(job.content or b""), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
    return response
