"""The talent reference pages: the ISCO-08 structure with its ESCO occupations, and the safeguard lists
side by side with the one in force on a chosen date. Reference data, open to every reader."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from partnerhub.geo.models import Country
from partnerhub.talent.models import Occupation, OccupationLevel, SafeguardList, SafeguardListing

SEARCH_LIMIT = 60


@require_safe
def occupation_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    matches = _search(query) if query else None
    majors = Occupation.objects.filter(level=OccupationLevel.MAJOR).annotate(groups=Count("children"))
    return render(
        request,
        "talent/occupation_index.html",
        {"query": query, "matches": matches, "search_limit": SEARCH_LIMIT, "majors": majors},
    )


def _search(query: str) -> list[Occupation]:
    words = query.split()
    condition = Q(code__startswith=query) if query.isdigit() else Q()
    if not query.isdigit():
        for word in words:
            condition &= Q(title__icontains=word) | Q(esco_occupations__label__icontains=word)
    found = Occupation.objects.filter(condition).distinct().order_by("code")
    return list(found[:SEARCH_LIMIT])


@require_safe
def occupation_detail(request: HttpRequest, code: str) -> HttpResponse:
    occupation = get_object_or_404(Occupation, code=code)
    today = timezone.localdate()
    in_force = safeguard_list_in_force(today)
    return render(
        request,
        "talent/occupation_detail.html",
        {
            "occupation": occupation,
            "ancestors": _ancestors(occupation),
            "children": occupation.children.all(),
            "esco_occupations": occupation.esco_occupations.all(),
            "in_force": in_force,
            "covered": bool(in_force and in_force.covers(occupation.code)),
            "today": today,
        },
    )


def _ancestors(occupation: Occupation) -> list[Occupation]:
    codes = [occupation.code[:length] for length in range(1, len(occupation.code))]
    return list(Occupation.objects.filter(code__in=codes).order_by("code"))


def safeguard_list_in_force(day: date) -> SafeguardList | None:
    """The newest list in force on ``day`` (its last day of force included), or None before the first:
    the edition the matching applies (``matching.edition_in_force``), ties broken the same way."""
    lists = SafeguardList.objects.filter(in_force_from__lte=day).filter(
        Q(in_force_until__isnull=True) | Q(in_force_until__gte=day)
    )
    return lists.order_by("-in_force_from", "-name").first()


@dataclass(frozen=True)
class ListRow:
    entry: SafeguardList
    covered: list[tuple[str, str]]  # (ISCO code, title)
    countries: int


@dataclass(frozen=True)
class ListedCountry:
    country: Country
    on_lists: list[bool]  # one per list, in the lists' order


@require_safe
def safeguard_lists(request: HttpRequest) -> HttpResponse:
    asked = request.GET.get("on", "").strip()
    day = _day(asked)
    problem = _("%(value)s is not a date (YYYY-MM-DD): the lists in force today are shown.") % {"value": asked}
    lists: list[SafeguardList] = list(
        SafeguardList.objects.annotate(listed=Count("listings")).order_by("in_force_from")
    )
    in_force = safeguard_list_in_force(day or timezone.localdate())
    covered = Occupation.objects.filter(code__in={code for entry in lists for code in entry.covered_codes})
    titles = dict(covered.values_list("code", "title"))
    return render(
        request,
        "talent/safeguard_lists.html",
        {
            "lists": lists,
            "list_rows": [
                ListRow(entry, [(code, titles.get(code, "")) for code in entry.covered_codes], entry.listed)  # type: ignore[attr-defined]
                for entry in lists
            ],
            "in_force": in_force,
            "day": day or timezone.localdate(),
            "problem": problem if asked and day is None else "",
            "countries": _listed_countries(lists, SafeguardListing.objects.select_related("country__region")),
        },
    )


def _day(text: str) -> date | None:
    try:
        return parse_date(text) if text else None
    except ValueError:
        return None


def _listed_countries(lists: list[SafeguardList], listings: QuerySet[SafeguardListing]) -> list[ListedCountry]:
    by_country: dict[int, tuple[Country, set[int]]] = {}
    for listing in listings:
        country, on = by_country.setdefault(listing.country_id, (listing.country, set()))
        on.add(listing.safeguard_list_id)
    rows = [ListedCountry(country, [entry.pk in on for entry in lists]) for country, on in by_country.values()]
    return sorted(rows, key=lambda row: row.country.name)
