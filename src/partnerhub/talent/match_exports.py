"""CSV and XLSX exports of the matching, one row per suggestion with its explanation.

An export of more suggestions than ``PARTNERHUB_TALENT_EXPORT_JOB_THRESHOLD`` runs as a background job
(``MatchExport``): computed with the visibility of the user who asked, kept with the job and served to
that user only. Smaller ones are answered at once. Both build their rows with ``suggestion_rows``.
"""

import logging
from collections.abc import Iterator
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django_tasks import task

from partnerhub.core.types import AnyUser
from partnerhub.geo.models import Country, Route
from partnerhub.registry.exports import XLSX_CONTENT_TYPE, csv_lines, neutralise, printable, xlsx_workbook
from partnerhub.talent.match_explanations import override_text, safeguard_text
from partnerhub.talent.match_queries import (
    MatchFilters,
    match_settings,
    side_filters,
    suggestions_for_needs,
    suggestions_for_supply,
    visible_need_facts,
    visible_supply,
)
from partnerhub.talent.matching import Match, MatchSettings, Ranking
from partnerhub.talent.models import MatchExport, MatchSide

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx")
COLUMNS = (
    ("need_id", 9),
    ("member_state", 18),
    ("occupation_sought", 12),
    ("occupation_sought_title", 36),
    ("people_sought_per_year", 10),
    ("partner_country", 20),
    ("partner_iso3", 8),
    ("occupation_offered", 12),
    ("occupation_offered_title", 36),
    ("people_offered_per_year", 10),
    ("rank", 6),
    ("status", 10),
    ("score", 8),
    ("score_before_safeguards", 10),
    ("occupation_fit", 9),
    ("volume_fit", 9),
    ("language", 9),
    ("cooperation", 9),
    ("safeguards", 60),
    ("override", 60),
)
HEADER = [name for name, _width in COLUMNS]
# Rows are computed a chunk of needs (or supply) at a time, so that memory stays bounded.
CHUNK = 200


def suggestion_rows(user: AnyUser | None, side: str, filters: MatchFilters, day: date) -> Iterator[list[Any]]:
    """Every suggestion the user may see, ranked ones then blocked ones of each need (or supply)."""
    need_filters, supply_filters = side_filters(side, filters)
    config = match_settings()
    if side == MatchSide.NEEDS:
        needs = visible_need_facts(user, need_filters)
        for start in range(0, len(needs), CHUNK):
            for _need, ranking in suggestions_for_needs(user, needs[start : start + CHUNK], filters, day):
                yield from _ranking_rows(ranking, config)
    else:
        supplies = visible_supply(user, supply_filters)
        for start in range(0, len(supplies), CHUNK):
            for _supply, ranking in suggestions_for_supply(user, supplies[start : start + CHUNK], filters, day):
                yield from _ranking_rows(ranking, config)


def _ranking_rows(ranking: Ranking, config: MatchSettings) -> Iterator[list[Any]]:
    for rank, match in enumerate(ranking.ranked, start=1):
        yield _cells(match, rank, _("ranked"), config)
    for match in ranking.blocked:
        yield _cells(match, None, _("blocked"), config)


def _cells(match: Match, rank: int | None, status: str, config: MatchSettings) -> list[Any]:
    need, supply = match.need, match.supply
    row = [
        need.id,
        need.member_state_name,
        need.occupation,
        need.occupation_title,
        need.people_per_year,
        supply.country_name,
        supply.country_iso3,
        supply.occupation,
        supply.occupation_title,
        supply.people_per_year,
        rank,
        status,
        round(match.score, 4),
        round(match.base_score, 4),
        match.occupation_fit,
        round(match.volume_fit, 4),
        match.language_fit,
        match.cooperation_fit,
        safeguard_text(match, config),
        override_text(match),
    ]
    return [neutralise(printable(value)) for value in row]


def export_name(side: str, day: date, file_format: str) -> str:
    return f"talent-matches-{side}-{day:%Y-%m-%d}.{file_format}"


def export_response(
    user: AnyUser | None, side: str, filters: MatchFilters, day: date, file_format: str
) -> HttpResponse | StreamingHttpResponse:
    rows = suggestion_rows(user, side, filters, day)
    response: HttpResponse | StreamingHttpResponse
    if file_format == "csv":
        response = StreamingHttpResponse(csv_lines(HEADER, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(export_file(rows, "xlsx"), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_name(side, day, file_format)}"'
    return response


def export_file(rows: Iterator[list[Any]], file_format: str) -> bytes:
    if file_format == "csv":
        return "".join(csv_lines(HEADER, rows)).encode("utf-8")
    return xlsx_workbook(HEADER, rows, columns=COLUMNS, title=_("Suggestions"))


def is_large(count: int) -> bool:
    return count > settings.PARTNERHUB_TALENT_EXPORT_JOB_THRESHOLD


# -- the background export ------------------------------------------------------------------------


def filter_codes(filters: MatchFilters) -> dict[str, str]:
    """The filters as codes a job keeps (ids would not say what was asked)."""
    codes = {
        "member_state": filters.member_state.iso3 if filters.member_state is not None else "",
        "occupation": filters.occupation,
        "country": filters.country.iso3 if filters.country is not None else "",
        "route": filters.route.code if filters.route is not None else "",
    }
    return {name: code for name, code in codes.items() if code}


def filters_from_codes(codes: dict[str, str]) -> MatchFilters:
    def country(name: str) -> Country | None:
        return Country.objects.filter(iso3=codes[name]).first() if codes.get(name) else None

    route = Route.objects.filter(code=codes["route"]).first() if codes.get("route") else None
    return MatchFilters(country("member_state"), codes.get("occupation", ""), country("country"), route)


def start_export(user: "User", side: str, filters: MatchFilters, day: date, file_format: str) -> MatchExport:
    """Queue the export; a worker builds it once the record is committed."""
    with transaction.atomic():
        job = MatchExport.objects.create(
            started_by=user, side=side, file_format=file_format, filters=filter_codes(filters), matching_date=day
        )
        transaction.on_commit(partial(run_match_export.enqueue, job.pk), robust=True)
    return job


@task()
def run_match_export(job_id: int) -> str:
    job = MatchExport.claim(job_id)
    if job is None:
        return "skipped"
    build_export(job)
    return str(job.status)


def build_export(job: MatchExport) -> None:
    """Builds the file with the visibility of the user who asked for it, as it stands now."""
    try:
        rows = suggestion_rows(job.started_by, job.side, filters_from_codes(job.filters), job.matching_date)
        job.content = export_file(rows, job.file_format)
    except Exception as error:
        logger.exception("Matching export %s failed", job.pk)
        job.fail(
            _("The export stopped on an unexpected error (%(error)s); an administrator can read the worker's log.")
            % {"error": error.__class__.__name__}
        )
        return
    job.file_name = export_name(job.side, job.matching_date, job.file_format)
    job.finish({"bytes": len(job.content)}, also_saving=("content", "file_name"))
