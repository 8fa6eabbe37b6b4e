"""Browsing engagements: the filtered list, one record in full, and its exports.

Every queryset starts from ``Engagement.objects.visible_to(request.user)``:
a record outside the viewer's circle is missing from lists, totals and
exports, and its page answers 404.
"""

from collections.abc import Collection, Iterable, Iterator
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from partnerhub.access.models import Organisation
from partnerhub.core.history import events_of
from partnerhub.core.history import readable_history as history_readable_by
from partnerhub.core.kept import kept_count
from partnerhub.core.models import Event, ObjectChange
from partnerhub.core.rendering import render_page_or_partial
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import AnyUser, StrOrPromise
from partnerhub.core.visibility import can_edit, circle_of
from partnerhub.registry.exports import EXPORT_FORMATS, export_response
from partnerhub.registry.filters import EngagementFilter
from partnerhub.registry.history_display import ReferenceNames, linked_engagement_ids, readable_value
from partnerhub.registry.models import Engagement, EngagementQuerySet, MoneyKind, MoneyLine, link_end_visible
from partnerhub.registry.services import log_confidential_access, log_confidential_export
from partnerhub.registry.sources import is_stale

ACCESS_EVENTS = ["engagement.viewed", "engagement.exported"]
# The two vocabularies of the OECD DAC purpose codes (IATI SectorVocabulary
# codelist, codes 1 and 2); other vocabularies are shown by their code.
SECTOR_VOCABULARIES = {"1": _("DAC 5-digit"), "2": _("DAC 3-digit")}
FINDING_TIERS = (
    ("critical", _("Critical: not imported")),
    ("error", _("Errors: imported, the field was left empty")),
    ("warning", _("Warnings")),
)
ACCESS_LOG_LENGTH = 100
CONFIDENTIAL_LEVELS = [SharingLevel.RESTRICTED, SharingLevel.ORIGINATOR]

# History keys that are not model fields of their own.
HISTORY_LABELS = {
    "owner": _("owner organisation"),
    "countries": _("partner countries"),
    "regions": _("recipient regions"),
    "themes": _("themes"),
    "participations": _("participating organisations"),
    "money": _("money"),
    "links": _("Linked engagements"),
}


# -- list ------------------------------------------------------------------


@require_safe
def engagement_list(request: HttpRequest) -> HttpResponse:
    engagement_filter = EngagementFilter(
        request.GET, queryset=Engagement.objects.visible_to(request.user), request=request
    )
    engagements = engagement_filter.qs.in_stable_order().with_page_relations()
    page = KeptCountPaginator(engagements, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    attach_commitments(page.object_list)
    context = {
        "filter": engagement_filter,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "engagements": page.object_list,
        "export_query": query_without_page(request),
    }
    return render_page_or_partial(request, "registry/engagement_list.html", "registry/_engagement_rows.html", context)


class KeptCountPaginator(Paginator):
    """Counts its records once per query and data (``kept_count``): every page of a list shows the count."""

    @cached_property
    def count(self) -> int:
        return kept_count(cast("QuerySet[Any]", self.object_list))  # the list page pages a queryset


def attach_commitments(engagements: Iterable[Any]) -> None:
    """Each row's commitments in EUR, summed by the database for the page's rows
    only (one query, however many rows; the count stays a plain COUNT). Rows get the total as an
    attribute of their own, which the model's type does not know."""
    totals = dict(
        MoneyLine.objects.unrestricted("the page's rows, just read through visible_to")
        .filter(engagement__in=[e.pk for e in engagements], kind=MoneyKind.COMMITMENT)
        .values("engagement")
        .annotate(total=Sum("amount_eur"))
        .values_list("engagement", "total")
    )
    for engagement in engagements:
        engagement.commitments_eur = totals.get(engagement.pk)


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    encoded: str = query.urlencode()
    return encoded


# -- detail ----------------------------------------------------------------


@require_safe
def engagement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = get_object_or_404(detail_queryset(request.user), pk=pk)
    log_confidential_access(engagement, "viewed", acting_user=request.user)
    context = detail_context(request.user, engagement)
    return render(request, "registry/engagement_detail.html", context)


def detail_queryset(user: AnyUser) -> EngagementQuerySet:
    return (
        Engagement.objects.visible_to(user)
        .select_related("owner", "instrument", "created_by", "updated_by", "source")
        .prefetch_related(
            "country_shares__country",
            "region_shares__region",
            "theme_shares__theme",
            "participations__organisation",
            "money_lines",
            "sectors",
            "shared_with_organisations",
            "shared_with_countries",
        )
    )


def detail_context(user: AnyUser, engagement: Engagement) -> dict[str, Any]:
    is_owner_member = engagement.owner_id in circle_of(user).organisation_ids
    money_lines = engagement.money_lines.all()
    attach_funding_chain(money_lines, user)
    return {
        "engagement": engagement,
        "money_groups": money_by_kind(money_lines),
        "has_funding_chain": any(
            line.provider_ref or line.receiver_ref or line.provider_activity or line.receiver_activity
            for line in money_lines
        ),
        "findings": findings_by_tier(engagement.import_findings),
        "sectors": [(sector_vocabulary_label(s.vocabulary), s) for s in engagement.sectors.all()],
        "source_is_stale": engagement.source is not None and is_stale(engagement.source),
        "links_out": engagement.links_out.filter(link_end_visible(user, "target")).select_related("target"),
        "links_in": engagement.links_in.filter(link_end_visible(user, "source")).select_related("source"),
        "history": readable_history(engagement, user, hidden=() if engagement.notes_for(user) else ("notes",)),
        "access_log": access_log(engagement) if is_owner_member else None,
        "can_edit": can_edit(user, engagement),
        "shows_editor_names": circle_of(user).eu_side,
        "notes": engagement.notes_for(user),
    }


def money_by_kind(lines: Iterable[MoneyLine]) -> list[dict[str, Any]]:
    """Lines grouped by kind, each with its own EUR subtotal; kinds are never added up."""
    groups = []
    for kind, label in MoneyKind.choices:
        kind_lines = [line for line in lines if line.kind == kind]
        if kind_lines:
            subtotal = sum((line.amount_eur for line in kind_lines), Decimal(0))
            groups.append({"kind": kind, "label": label, "lines": kind_lines, "subtotal_eur": subtotal})
    return groups


def attach_funding_chain(lines: Iterable[Any], user: AnyUser) -> None:
    """Names the organisations and the engagements a money line's IATI references
    point to, where the hub knows them and the viewer may see the engagement (as attributes of the
    lines of their own, which the model's type does not know)."""
    org_refs = {ref for line in lines for ref in (line.provider_ref, line.receiver_ref) if ref}
    activity_refs = {ref for line in lines for ref in (line.provider_activity, line.receiver_activity) if ref}
    organisations = (
        dict(Organisation.objects.filter(iati_identifier__in=org_refs).values_list("iati_identifier", "name"))
        if org_refs
        else {}
    )
    engagements = (
        {
            e.iati_identifier: e
            for e in Engagement.objects.visible_to(user)
            .filter(iati_identifier__in=activity_refs)
            .only("pk", "title", "language", "iati_identifier")
        }
        if activity_refs
        else {}
    )
    for line in lines:
        line.provider_name = organisations.get(line.provider_ref, "")
        line.receiver_name = organisations.get(line.receiver_ref, "")
        line.provider_engagement = engagements.get(line.provider_activity)
        line.receiver_engagement = engagements.get(line.receiver_activity)


def sector_vocabulary_label(vocabulary: str) -> StrOrPromise:
    if vocabulary in SECTOR_VOCABULARIES:
        return SECTOR_VOCABULARIES[vocabulary]
    return _("vocabulary %(code)s") % {"code": vocabulary}


def findings_by_tier(findings: list[Any] | None) -> list[dict[str, Any]]:
    """The import's findings, most serious first, each tier with its own heading."""
    rows = [finding for finding in findings or [] if isinstance(finding, dict)]
    return [
        {"tier": tier, "label": label, "findings": of_tier}
        for tier, label in FINDING_TIERS
        if (of_tier := [finding for finding in rows if finding.get("tier") == tier])
    ]


def access_log(engagement: Engagement) -> list[Event]:
    """Who viewed or exported the record while confidential, with their organisations."""
    events = events_of(engagement, ACCESS_EVENTS).prefetch_related("user__memberships__organisation")
    return list(events[:ACCESS_LOG_LENGTH])


def readable_history(engagement: Engagement, user: AnyUser, hidden: Collection[str] = ()) -> list[dict[str, Any]]:
    """The changes this reader may read (``core.history.readable_history``), less
    the fields they may not read (``hidden``)."""
    names = ReferenceNames(reader=user)
    readable = history_readable_by(engagement, user)
    names.read_engagements(
        pk
        for entry in readable
        for value in entry.change.changes.get("links", ())
        for pk in linked_engagement_ids(value)
    )
    entries: Iterator[dict[str, Any]] = (
        {
            "change": entry.change,
            "fields": changed_fields(entry.change, hidden, names),
            "shows_earlier_values": entry.shows_earlier_values,
            "shows_editor": entry.shows_editor,
        }
        for entry in readable
    )
    return [entry for entry in entries if entry["fields"] or entry["change"].action != ObjectChange.Action.UPDATE]


def changed_fields(
    change: ObjectChange, hidden: Collection[str] = (), names: ReferenceNames | None = None
) -> list[tuple[StrOrPromise, Any, Any]]:
    """(label, old, new) per field as the reader reads it, leaving out a field that reads the same
    before and after (links to engagements hidden from them); a creation lists only the fields it filled."""
    creation = change.action == ObjectChange.Action.CREATE
    names = names or ReferenceNames()
    read = (
        (name, readable_value(name, old, names), readable_value(name, new, names))
        for name, (old, new) in change.changes.items()
        if name not in hidden
    )
    return [
        (history_label(name), old, new)
        for name, old, new in read
        if not (creation and new in (None, "")) and (creation or old != new)
    ]


def history_label(name: str) -> StrOrPromise:
    if name in HISTORY_LABELS:
        return HISTORY_LABELS[name]
    try:
        # A reverse relation has no verbose_name: the AttributeError below covers it.
        label: StrOrPromise = getattr(Engagement._meta.get_field(name), "verbose_name")  # noqa: B009
        return label
    except (FieldDoesNotExist, AttributeError):
        return name.replace("_", " ")


# -- exports ---------------------------------------------------------------


@require_safe
def engagement_export(request: HttpRequest, file_format: str) -> HttpResponse | StreamingHttpResponse:
    if file_format not in EXPORT_FORMATS:
        raise Http404
    engagement_filter = EngagementFilter(
        request.GET, queryset=Engagement.objects.visible_to(request.user), request=request
    )
    engagements = engagement_filter.qs.in_stable_order()
    log_confidential_export(
        engagements.filter(sharing_level__in=CONFIDENTIAL_LEVELS).only("pk", "sharing_level"),
        acting_user=request.user,
    )
    return export_response(file_format, engagements, request)
