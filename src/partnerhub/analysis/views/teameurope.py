"""Pages over many partner countries: the country index with its world map, the
portfolio-wide balance table (and its CSV), and the Team Europe views per
migration route and per thematic pillar.

Every figure comes from ``partnerhub.analysis.figures.teameurope``, over what the viewer
may see. A bad query value never fails a page: the page names the field, says
what it shows instead, and uses the default.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from partnerhub.analysis.figures.cache import kept_for_circle
from partnerhub.analysis.figures.regions import regional_scope
from partnerhub.analysis.figures.teameurope import (
    SHOWN_MONEY_KINDS,
    SORT_KEYS,
    AreaView,
    CountryRow,
    Taxonomy,
    country_rows,
    index_scope,
    index_totals,
    partner_countries,
    partner_country_figures,
    pillar_portfolio,
    pillar_summaries,
    profile_url,
    ranked_by_balance,
    regions_portfolio,
    route_portfolio,
    route_summaries,
    sorted_rows,
)
from partnerhub.analysis.forms import (
    BalanceFilterForm,
    CountryIndexForm,
    CountryJumpForm,
    MoneyForm,
    form_errors,
    money_choices,
    validated,
)
from partnerhub.core.charts import Bar, BarChart, Choropleth
from partnerhub.geo.models import Country, RecipientRegion, Region, Route
from partnerhub.knowledge import lesson_panels
from partnerhub.registry.exports import csv_lines, neutralise, printable
from partnerhub.registry.models import MoneyKind, Theme

DEFAULT_SORT = "-amount"
# Amounts and counts are read largest first; names and shares from the lowest.
DESCENDING_FIRST = {"amount", "engagements"}
CHART_COUNTRIES = 15
SHARE_PLACES = Decimal("0.1")
CSV_PLACES = Decimal("0.01")


# -- /countries/ --------------------------------------------------------------------


@require_safe
def country_index(request):
    if "country" in request.GET:
        jump = validated(CountryJumpForm(request.GET))
        if not jump.errors:
            return redirect(profile_url(jump.cleaned_data["country"]))
    else:
        jump = CountryJumpForm()
    form = validated(CountryIndexForm(request.GET))
    kind, sort = form.money_kind(), form.cleaned_data.get("sort") or DEFAULT_SORT
    partners = partner_countries()
    index = partner_country_figures(request.user, partners, kind)
    rows = index["rows"]
    context = {
        "kind": kind,
        "kind_label": MoneyKind(kind).label,
        "money_choices": money_choices(),
        "sort": sort,
        "sort_keep": [("sort", sort)],
        "errors": form_errors(form) + form_errors(jump),
        "totals": index["totals"],
        "rows": sorted_rows(rows, sort),
        "headers": sort_headers(kind, sort),
        "map": country_map(rows, partners, index["hidden"], kind),
        "partners": partners,
        "has_demo": index["has_demo"],
        "threshold": settings.BALANCE_PARTNER_THRESHOLD,
        "min_share_seen": settings.BALANCE_VERDICT_MIN_SHARE_SEEN,
    }
    return render(request, "analysis/teameurope/country_index.html", context)


def sort_headers(kind: str, sort: str) -> dict[str, dict]:
    """For each sortable column: the link that sorts by it (again: the other way) and its aria-sort."""
    headers = {}
    for name in SORT_KEYS:
        active, descending = sort.lstrip("-") == name, sort.startswith("-")
        if active:
            following = name if descending else f"-{name}"
        else:
            following = f"-{name}" if name in DESCENDING_FIRST else name
        state = ("descending" if descending else "ascending") if active else "none"
        headers[name] = {"url": f"?{urlencode({'money': kind, 'sort': following})}", "aria_sort": state}
    return headers


def country_map(rows: list[CountryRow], partners: list[Country], hidden, kind: str) -> Choropleth:
    labels = {
        country.iso3: _("%(country)s (+ undisclosed)") % {"country": country.localized_name}
        for country in partners
        if hidden.in_country(country.pk)
    }
    return Choropleth(
        _("Team Europe money, %(kind)s, EUR counted once") % {"kind": MoneyKind(kind).label.lower()},
        {row.country.iso3: row.team_europe for row in rows},
        links={country.iso3: profile_url(country) for country in partners},
        labels=labels,
    )


# -- /countries/balance/ ------------------------------------------------------------

BALANCE_CSV_HEADER = [
    "rank",
    "iso3",
    "country",
    "region",
    "routes",
    "money_kind",
    "team_europe_eur",
    "undisclosed",
    "eu_money_share",
    "shared_money_share",
    "partner_money_share",
    "eu_engagement_share",
    "shared_engagement_share",
    "partner_engagement_share",
    "unclassified_eur",
    "basis",
    "partner_share",
    "threshold",
    "one_sided",
    "one_sided_towards",
    "verdict_withheld",
    "engagements",
    "profile_url",
]


@require_safe
def balance_table(request):
    form = validated(BalanceFilterForm(request.GET))
    wants_csv = request.GET.get("format") == "csv"
    if wants_csv and form.errors:
        return HttpResponseBadRequest(" ".join(form_errors(form)), content_type="text/plain; charset=utf-8")
    kind = form.money_kind()
    route, region = form.cleaned_data.get("route"), form.cleaned_data.get("region")
    rows = balance_rows(request.user, kind, route, region)
    if wants_csv:
        return balance_csv(request, rows, kind)
    context = {
        "form": form,
        "kind": kind,
        "kind_label": MoneyKind(kind).label,
        "money_choices": money_choices(),
        "route": route,
        "region": region,
        "errors": form_errors(form),
        "rows": rows,
        "threshold": settings.BALANCE_PARTNER_THRESHOLD,
        "min_share_seen": settings.BALANCE_VERDICT_MIN_SHARE_SEEN,
        "csv_query": csv_query(kind, route, region),
    }
    return render(request, "analysis/teameurope/balance_table.html", context)


def balance_rows(user, kind: str, route: Route | None, region: Region | None) -> list[CountryRow]:
    partners = Country.objects.partners().select_related("region").prefetch_related("routes")
    if route is not None:
        partners = partners.filter(routes=route)
    if region is not None:
        partners = partners.filter(region=region)
    countries = list(partners)

    def compute():
        scope = index_scope(user, [country.pk for country in countries], Taxonomy.load(), kinds=[kind])
        return ranked_by_balance(country_rows(scope, countries, kind))

    question = ("balance_rows", kind, route and route.pk, region and region.pk, get_language())
    return kept_for_circle(user, question, compute)


def csv_query(kind: str, route: Route | None, region: Region | None) -> str:
    """The download of the table as shown: values the page could not use are left out."""
    query = {"money": kind, "format": "csv"}
    if route is not None:
        query["route"] = route.code
    if region is not None:
        query["region"] = region.code
    return urlencode(query)


def balance_csv(request, rows: list[CountryRow], kind: str) -> HttpResponse:
    lines = (
        [neutralise(printable(value)) for value in balance_csv_row(request, rank, row, kind)]
        for rank, row in enumerate(rows, start=1)
    )
    response = HttpResponse("".join(csv_lines(BALANCE_CSV_HEADER, lines)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="partnership-hub-balance-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    # The figures depend on who asks.
    patch_cache_control(response, private=True, no_store=True)
    return response


def balance_csv_row(request, rank: int, row: CountryRow, kind: str) -> list:
    balance = row.balance
    return [
        rank,
        row.country.iso3,
        row.country.localized_name,
        row.country.region.name if row.country.region else "",
        "; ".join(route.code for route in row.routes),
        kind,
        rounded(row.team_europe, CSV_PLACES),
        "yes" if row.undisclosed else "no",
        *(rounded(part.money_share, CSV_PLACES) for part in balance.parts),
        *(rounded(part.engagement_share, CSV_PLACES) for part in balance.parts),
        rounded(balance.unclassified_money, CSV_PLACES),
        balance.basis or "",
        rounded(balance.partner_share, CSV_PLACES),
        balance.threshold,
        one_sided_cell(balance),
        balance.one_sided_towards or "",
        "yes" if balance.verdict_withheld else "no",
        row.engagements,
        request.build_absolute_uri(row.url),
    ]


def one_sided_cell(balance) -> str:
    """Empty where no verdict is given to this reader: "no" would be a verdict too."""
    if balance.verdict_withheld:
        return ""
    return "yes" if balance.one_sided else "no"


def rounded(value: Decimal | None, places: Decimal) -> Decimal | None:
    return None if value is None else value.quantize(places)


# -- /team-europe/ ------------------------------------------------------------------


@require_safe
def team_europe(request):
    partners = Country.objects.partners().order_by("name")
    routes = Route.objects.prefetch_related(Prefetch("countries", queryset=partners), "recipient_regions")
    partner_ids = list(partners.values_list("pk", flat=True))

    def compute():
        taxonomy = Taxonomy.load()
        scope = index_scope(request.user, partner_ids, taxonomy)
        regions = {region.pk: region for route in routes for region in route.recipient_regions.all()}
        regional = regional_scope(request.user, regions.values(), SHOWN_MONEY_KINDS)
        return {
            "totals": index_totals(scope, partner_ids, undisclosed=scope.hidden.in_countries(partner_ids)),
            "routes": route_summaries(scope, routes, regional),
            "pillars": pillar_summaries(scope, partner_ids, taxonomy),
            "has_demo": scope.has_demo,
        }

    figures = kept_for_circle(request.user, ("team_europe", get_language()), compute)
    return render(request, "analysis/teameurope/team_europe.html", {"kinds": money_choices(), **figures})


@require_safe
def route_view(request, code: str):
    route = get_object_or_404(Route, code=code)
    form = validated(MoneyForm(request.GET))
    kind = form.money_kind()
    countries = list(route.countries.partners().select_related("region").order_by("name"))
    regions = list(route.recipient_regions.prefetch_related("routes"))
    view = route_portfolio(request.user, countries, kind, Taxonomy.load(), regions)
    context = area_context(form, view, kind, title=route.localized_name, area="route")
    context.update(route=route, countries=countries)
    return render(request, "analysis/teameurope/area.html", context)


@require_safe
def region_index(request):
    form = validated(MoneyForm(request.GET))
    kind = form.money_kind()
    regions = list(RecipientRegion.objects.prefetch_related("routes"))
    totals, rows = kept_for_circle(
        request.user,
        ("team_europe_regions", kind, get_language()),
        lambda: regions_portfolio(request.user, regions, kind),
    )
    return render(
        request,
        "analysis/teameurope/regions.html",
        {
            "totals": totals,
            "rows": rows,
            "kind": kind,
            "kind_label": MoneyKind(kind).label,
            "money_choices": money_choices(),
            "errors": form_errors(form),
        },
    )


@require_safe
def pillar_view(request, code: str):
    pillar = get_object_or_404(Theme, code=code, parent__isnull=True)
    form = validated(MoneyForm(request.GET))
    kind = form.money_kind()
    partners = list(Country.objects.partners().select_related("region").order_by("name"))
    taxonomy = Taxonomy.load()
    view = pillar_portfolio(request.user, pillar, partners, kind, taxonomy)
    context = area_context(form, view, kind, title=pillar.name, area="pillar")
    context.update(pillar=pillar, sub_themes=taxonomy.children(pillar))
    # lessons
    context["lessons"] = lesson_panels.theme_block(request.user, pillar)
    return render(request, "analysis/teameurope/area.html", context)


def area_context(form: MoneyForm, view: AreaView, kind: str, *, title: str, area: str) -> dict:
    return {
        "title": title,
        "area": area,
        "view": view,
        "kind": kind,
        "kind_label": MoneyKind(kind).label,
        "money_choices": money_choices(),
        "errors": form_errors(form),
        "chart": country_chart(view, kind),
        "chart_is_partial": len([row for row in view.countries if row.amount]) > CHART_COUNTRIES,
        "chart_size": CHART_COUNTRIES,
    }


def country_chart(view: AreaView, kind: str) -> BarChart:
    rows = [row for row in view.countries if row.amount][:CHART_COUNTRIES]
    return BarChart(
        _("Team Europe money by country, %(kind)s") % {"kind": MoneyKind(kind).label.lower()},
        _("EUR, each euro counted once"),
        tuple(
            Bar(
                row.country.localized_name,
                row.amount,
                link=row.url,
                note=_("+ undisclosed") if row.undisclosed else None,
            )
            for row in rows
        ),
    )
