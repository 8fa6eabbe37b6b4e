"""The country brief, downloaded from the profile page as DOCX or PDF, and a meeting's briefing pack.

The brief renders the same ``CountryProfile`` as the page, for the same
viewer, so its figures are the page's figures. It depends on who asks, so it
is never cached.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from partnerhub.agenda.models import Meeting
from partnerhub.analysis.brief import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE, brief_docx, brief_pdf
from partnerhub.analysis.brief.meeting import meeting_pack_docx, meeting_pack_filename
from partnerhub.analysis.figures.profile import country_profile
from partnerhub.analysis.forms import MONEY_PARAMETER, read_money_kind
from partnerhub.geo.models import Country
from partnerhub.overlaps.queries import overlaps_for_country
from partnerhub.registry.models import MoneyKind

OVERLAPS_IN_BRIEF = 5


@dataclass(frozen=True)
class BriefFormat:
    content_type: str
    render: Callable[..., bytes]


BRIEF_FORMATS = {
    "docx": BriefFormat(DOCX_CONTENT_TYPE, brief_docx),
    "pdf": BriefFormat(PDF_CONTENT_TYPE, brief_pdf),
}


@require_safe
def country_brief(request, iso3: str, file_format: str):
    brief_format = BRIEF_FORMATS.get(file_format)
    if brief_format is None:
        raise Http404
    country = Country.objects.partner_or_404(iso3)
    choice = read_money_kind(request.GET.get(MONEY_PARAMETER))
    if choice.unknown is not None:
        # A downloaded brief carries no message: it is refused rather than made of other figures.
        return _unknown_money_kind(request, country, choice.unknown)
    profile = country_profile(request.user, country, choice.kind, annex=True)
    overlaps = overlaps_for_country(request.user, country, limit=OVERLAPS_IN_BRIEF)
    content = brief_format.render(profile, overlaps, user=request.user)
    return _attachment(content, brief_format.content_type, brief_filename(country.iso3, file_format))


@login_required
@require_safe
def meeting_pack(request, pk: int):
    """The briefing pack of a meeting the reader may see (hidden or missing: 404), as DOCX."""
    meetings = Meeting.objects.visible_to(request.user).select_related("owner", "country", "counterpart")
    meeting = get_object_or_404(meetings, pk=pk)
    return _attachment(meeting_pack_docx(meeting, user=request.user), DOCX_CONTENT_TYPE, meeting_pack_filename(meeting))


def brief_filename(iso3: str, file_format: str) -> str:
    return f"partnership-hub-brief-{iso3}-{timezone.localdate():%Y-%m-%d}.{file_format}"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # What a brief shows depends on the viewer: no shared or stored copy.
    response["Cache-Control"] = "private, no-store"
    return response


def _unknown_money_kind(request, country, value: str) -> HttpResponse:
    context = {"country": country, "parameter": MONEY_PARAMETER, "value": value, "choices": MoneyKind.choices}
    response = render(request, "analysis/brief/bad_parameter.html", context, status=400)
    response["Cache-Control"] = "private, no-store"
    return response
