"""The key-facts pages: the indicators, one indicator compared across countries, and for origin ×
destination indicators where a country's people are and whom a country hosts.

Every figure comes from ``Observation.objects.visible_to(request.user)`` (``facts.queries``): a
figure the reader may not see is neither shown nor counted, in tables, charts, maps, totals and the
EU share alike. An unknown indicator or country answers 404, as does a bilateral view of an
indicator that has no pairs.
"""

from decimal import Decimal

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from partnerhub.core.charts import Bar, BarChart, Choropleth
from partnerhub.core.rendering import render_page_or_partial
from partnerhub.facts import exports, queries, services
from partnerhub.facts.forms import FactsFilterForm
from partnerhub.facts.models import Freshness, Indicator, Observation
from partnerhub.geo.models import Country

TOP_COUNTRIES = 15


@require_safe
def indicator_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    countries = queries.countries_with_figures(request.user)
    indicators = list(Indicator.objects.select_related("default_source"))
    for indicator in indicators:
        indicator.countries = countries.get(indicator.pk, 0)  # type: ignore[attr-defined]
        source = indicator.default_source
        indicator.freshness = Freshness(source.freshness(today) if source else Freshness.UNKNOWN)  # type: ignore[attr-defined]
    context = {"indicators": indicators, "may_propose": services.may_propose_figures(request.user)}
    return render(request, "facts/indicator_list.html", context)


@require_safe
def indicator_list_export(request: HttpRequest, file_format: str) -> HttpResponse | StreamingHttpResponse:
    exporter = _exporter(file_format)
    indicators = Indicator.objects.select_related("default_source")
    rows = exports.indicator_rows(indicators, queries.countries_with_figures(request.user), timezone.localdate())
    return exporter(exports.INDICATOR_HEADER, rows, "key-facts-indicators")


@require_safe
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(code)
    form = FactsFilterForm(request.GET or None)
    problems = form.problems() if request.GET else []
    figures = _filtered(request, indicator, form) if not problems else _nothing(request, indicator)
    table = figures.select_related("country", "destination", "source").order_by(*queries.TABLE_ORDER)
    page = Paginator(table, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    totals = queries.totals_by_country(queries.one_per_key(figures, indicator.default_source_id)) if rows else []
    context = {
        "indicator": indicator,
        "form": form,
        "problems": problems,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "rows": rows,
        "flagged": queries.flagged_ids(request.user, indicator) if rows else set(),
        "chart": _top_chart(indicator, totals, "origin"),
        "map": _map(indicator, totals),
        "export_query": _query_without_page(request),
        "may_propose": services.may_propose_figures(request.user),
    }
    return render_page_or_partial(request, "facts/indicator_detail.html", "facts/_figures.html", context)


@require_safe
def indicator_export(request: HttpRequest, code: str, file_format: str) -> HttpResponse | StreamingHttpResponse:
    """Every figure of the indicator page, all its pages, with its filters."""
    exporter = _exporter(file_format)
    indicator = _indicator(code)
    form = FactsFilterForm(request.GET or None)
    figures = _filtered(request, indicator, form) if not form.problems() else _nothing(request, indicator)
    return exporter(exports.OBSERVATION_HEADER, exports.observation_rows(figures.order_by(*queries.TABLE_ORDER)), code)


@require_safe
def origin_view(request: HttpRequest, code: str, iso3: str) -> HttpResponse:
    """Where this country's migrants or refugees are, and how many of them in EU Member States."""
    indicator, country = _pair_indicator(code), _country(iso3)
    figures = queries.current_figures(request.user, indicator).filter(country=country, destination__isnull=False)
    return _bilateral(request, indicator, country, figures, "origin")


@require_safe
def destination_view(request: HttpRequest, code: str, iso3: str) -> HttpResponse:
    """Whom this country hosts: the countries of origin of its migrants or refugees."""
    indicator, country = _pair_indicator(code), _country(iso3)
    figures = queries.current_figures(request.user, indicator).filter(destination=country)
    return _bilateral(request, indicator, country, figures, "destination")


def _bilateral(
    request: HttpRequest, indicator: Indicator, country: Country, figures: QuerySet[Observation], side: str
) -> HttpResponse:
    form = FactsFilterForm(request.GET or None)
    problems = form.problems() if request.GET else []
    period = (form.value("period") or queries.latest_period(figures)) if not problems else ""
    figures = figures.filter(period=period) if period else figures.none()
    chosen = queries.one_per_key(figures, indicator.default_source_id)
    totals = queries.totals_by_destination(chosen) if side == "origin" else queries.totals_by_country(chosen)
    order = ("destination__name",) if side == "origin" else ("country__name",)
    context = {
        "indicator": indicator,
        "country": country,
        "side": side,
        "form": form,
        "problems": problems,
        "period": period,
        "rows": list(figures.select_related("country", "destination", "source").order_by(*order, "source_id", "pk")),
        "flagged": queries.flagged_ids(request.user, indicator) if chosen else set(),
        "share": queries.eu_share(chosen) if side == "origin" else None,
        "total": sum((total.value for total in totals), start=Decimal(0)),
        "chart": _top_chart(indicator, totals, "destination" if side == "origin" else "origin"),
    }
    return render(request, "facts/bilateral.html", context)


def _filtered(request: HttpRequest, indicator: Indicator, form: FactsFilterForm) -> QuerySet[Observation]:
    figures = queries.current_figures(request.user, indicator)
    if indicator.pair:
        figures = figures.filter(destination__isnull=False)
    figures = queries.in_places(figures, form.value("route"), form.value("region"))
    return queries.in_period(figures, form.value("period") or "")


def _nothing(request: HttpRequest, indicator: Indicator) -> QuerySet[Observation]:
    return queries.current_figures(request.user, indicator).none()


def _top_chart(indicator: Indicator, totals: list[queries.CountryTotal], side: str) -> BarChart:
    bars = tuple(
        Bar(label=total.name, value=total.value, link=_country_link(indicator, total.iso3, side))
        for total in totals[:TOP_COUNTRIES]
    )
    return BarChart(title=indicator.name, unit=indicator.unit, bars=bars, in_eur=_in_eur(indicator))


def _map(indicator: Indicator, totals: list[queries.CountryTotal]) -> Choropleth:
    return Choropleth(
        legend_title=f"{indicator.name} ({indicator.unit})",
        values={total.iso3: total.value for total in totals},
        links={total.iso3: reverse("facts:origin_view", args=[indicator.code, total.iso3]) for total in totals}
        if indicator.pair
        else {},
        in_eur=_in_eur(indicator),
    )


def _in_eur(indicator: Indicator) -> bool:
    """Charts label money in euros with "€"; any other unit (people, US dollars, shares) plainly."""
    return indicator.unit.strip().upper() == "EUR"


def _country_link(indicator: Indicator, iso3: str, side: str) -> str | None:
    if not indicator.pair:
        return None
    return reverse(f"facts:{side}_view", args=[indicator.code, iso3])


def _indicator(code: str) -> Indicator:
    return get_object_or_404(Indicator.objects.select_related("default_source"), code=code)


def _pair_indicator(code: str) -> Indicator:
    indicator = _indicator(code)
    if not indicator.pair:
        raise Http404
    return indicator


def _country(iso3: str) -> Country:
    return get_object_or_404(Country, iso3=iso3.upper())


def _exporter(file_format: str) -> exports.Exporter:
    if file_format not in exports.EXPORT_FORMATS:
        raise Http404
    return exports.EXPORT_FORMATS[file_format]


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
