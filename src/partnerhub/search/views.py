"""The search page (``/search/``) and the suggestions under the box in the site header."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from partnerhub.core.rendering import render_page_or_partial
from partnerhub.search.forms import SearchForm
from partnerhub.search.services import SearchResults, search, suggest

PER_PAGE = 20


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    found = SearchResults()
    if form.is_bound and form.is_valid():
        found = search(request.user, form.search_request(), page=_page_number(request), per_page=PER_PAGE)
    # The paginator pages through the total; the service has read the page's hits already.
    page_obj = Paginator(range(found.total), PER_PAGE).get_page(found.page)
    context = {
        "form": form,
        "found": found,
        "query_text": form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else "",
        "page_obj": page_obj,
        "page_range": page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1),
    }
    return render_page_or_partial(request, "search/results.html", "search/_results.html", context)


@require_safe
def suggestions(request: HttpRequest) -> HttpResponse:
    titles = suggest(request.user, request.GET.get("q", ""))
    return render(request, "search/_suggestions.html", {"titles": titles})


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1
