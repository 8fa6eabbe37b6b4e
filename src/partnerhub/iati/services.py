"""Importing IATI activity files into the registry.

``import_iati_files`` streams each file (``parser``), turns every activity into
a plain record (``mapping``), asks the classifier whether it concerns
migration and writes the kept ones in batches. Each file is written in one
transaction: a file that fails half-way leaves nothing behind, while the files
before it stay imported.

Imported engagements are public, owned by the reporting organisation and
carry provenance ``iati``. Re-importing is idempotent: an activity whose
content did not change is left alone, and a changed one only has its
IATI-owned fields replaced; what users added in the hub (their themes, links,
notes, Action Plan reference, a narrower sharing level) stays.

Imports write directly rather than through ``registry.services``: those
check an acting user's rights, and an import has no user. History is
written all the same, with no user. An import run for a person (an upload)
writes only what that person's organisations own (``import_rights``); the
site operator importing at the terminal writes for every publisher.
"""

import hashlib
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerhub.core.concurrency import claim_version
from partnerhub.core.history import audience_for_history, diff_snapshots, record_change
from partnerhub.core.middleware import current_request_id
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.signals import many_writes, records_changed
from partnerhub.geo.models import Country, RecipientRegion
from partnerhub.iati.bulk import insert_rows, insert_values
from partnerhub.iati.classifier import Classification, classify
from partnerhub.iati.import_rights import ImportRights, refusal_reason, rights_of
from partnerhub.iati.mapping import CRITICAL, ERROR, ActivityRecord, classifier_inputs, identifier_of, map_activity
from partnerhub.iati.organisations import OrganisationDirectory
from partnerhub.iati.parser import SUPPORTED_VERSIONS, ActivityElement, IatiFileRefused, read_activities
from partnerhub.registry import services as registry_services
from partnerhub.registry.models import (
    DataSource,
    Engagement,
    EngagementCountry,
    EngagementKind,
    EngagementLink,
    EngagementRegion,
    EngagementSector,
    EngagementTheme,
    LinkKind,
    MoneyLine,
    Participation,
    Provenance,
    Theme,
    ThemeAssignment,
)

BATCH_SIZE = 250
PROGRESS_EVERY = 200  # activities
LOOKUP_SIZE = 900  # identifiers per query, within SQLite's oldest limit on parameters
PARENT_RELATION = "1"
CHILD_RELATION = "2"


# -- what an import reports ------------------------------------------------


@dataclass
class ImportProblem:
    file: str
    line: int | None
    iati_identifier: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "iati_identifier": self.iati_identifier, "reason": self.reason}


@dataclass
class ImportNotice:
    """A finding that did not stop its activity: a field left out (error) or a warning."""

    file: str
    line: int | None
    iati_identifier: str
    tier: str
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "iati_identifier": self.iati_identifier,
            "tier": self.tier,
            "field": self.field,
            "message": self.message,
        }


NOTICES_KEPT = 1000  # per import: enough to act on, and bounded for files of any size


@dataclass
class FileResult:
    path: Path
    activities_read: int = 0
    migration_relevant: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    findings: Counter = field(default_factory=Counter)
    refused: bool = False
    source_id: int | None = None
    notices: list[ImportNotice] = field(default_factory=list)
    notices_left_out: int = 0
    # For the registry sync: the identifiers the file holds (as hashes), and the
    # engagements the hub holds from this source that the file no longer states.
    identifiers: "_HashSet | None" = None
    vanished: list["HeldActivity"] = field(default_factory=list)

    def problem(self, line: int | None, identifier: str, reason: str) -> None:
        self.problems.append(ImportProblem(str(self.path), line, identifier, reason))

    def notice(self, line: int | None, identifier: str, finding) -> None:
        if len(self.notices) >= NOTICES_KEPT:
            self.notices_left_out += 1
            return
        self.notices.append(
            ImportNotice(str(self.path), line, identifier, finding.tier, finding.field, finding.message)
        )


COUNTED = ("activities_read", "migration_relevant", "created", "updated", "unchanged", "skipped")


@dataclass
class ImportReport:
    files: int = 0
    activities_read: int = 0
    migration_relevant: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed_files: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    findings: Counter = field(default_factory=Counter)
    file_results: list[FileResult] = field(default_factory=list)
    notices: list[ImportNotice] = field(default_factory=list)
    notices_left_out: int = 0

    def add(self, result: FileResult) -> None:
        self.files += 1
        self.file_results.append(result)
        self.errors.extend(result.problems)
        room = max(NOTICES_KEPT - len(self.notices), 0)
        self.notices.extend(result.notices[:room])
        self.notices_left_out += result.notices_left_out + max(len(result.notices) - room, 0)
        self.failed_files += result.refused
        self.findings.update(result.findings)
        for name in COUNTED:
            setattr(self, name, getattr(self, name) + getattr(result, name))

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            **{name: getattr(self, name) for name in COUNTED},
            "failed_files": self.failed_files,
            "findings": {tier: self.findings.get(tier, 0) for tier in ("critical", "error", "warning")},
            "errors": [problem.as_dict() for problem in self.errors],
        }


@dataclass
class ImportProgress:
    path: Path
    file_number: int
    files_total: int
    bytes_read: int
    bytes_total: int
    activities_read: int


ProgressCallback = Callable[[ImportProgress], None]


# -- entry point -----------------------------------------------------------


def import_iati_files(
    paths: Iterable[str | Path],
    *,
    keep_all: bool = False,
    progress: ProgressCallback | None = None,
    source_names: Mapping[Path, str] | None = None,
    acting_user=None,
) -> ImportReport:
    """Import every IATI activity file in ``paths`` (files, or folders searched for ``*.xml``).

    ``source_names`` gives a file its name as a data source when the path is not
    it (an upload stored under a random name keeps the name it was sent with).
    With an ``acting_user``, only what their organisations own is written; without
    one, the import is the site operator's and writes for every publisher."""
    rights = rights_of(acting_user) if acting_user is not None else None
    report = ImportReport()
    files, missing = find_activity_files(paths)
    for path in missing:
        result = FileResult(path, refused=True)
        result.problem(None, "", _("no such file or folder"))
        report.add(result)
    context = ImportContext(keep_all, rights)
    names = {Path(path): name for path, name in (source_names or {}).items()}
    with many_writes():  # the counted-once figures are brought up to date once, at the end
        for number, path in enumerate(files, start=1):
            source_name = names.get(path, path.name)
            result = _import_file(path, source_name, context, _Progress(progress, path, number, len(files)))
            report.add(result)
            if result.refused:
                context = ImportContext(keep_all, rights)  # its caches may hold rows that were rolled back
        # Second pass, once every file is in: an activity may name one in a later file.
        with transaction.atomic():
            link_related_activities(
                {r.source_id for r in report.file_results if r.source_id is not None},
                owner_ids=rights.organisation_ids if rights is not None else None,
            )
    return report


def find_activity_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    """The ``*.xml`` files named or found under the folders named, and the paths that do not exist."""
    files, missing = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.xml") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(path)
    return list(dict.fromkeys(files)), missing


def _import_file(path: Path, source_name: str, context: "ImportContext", progress: "_Progress") -> FileResult:
    result = FileResult(path)
    try:
        with transaction.atomic(), path.open("rb") as stream:
            writer = _FileWriter(source_name, context, result)
            for activity in read_activities(path, stream):
                writer.take(activity)
                writer.flush_if_full()
                if result.activities_read % PROGRESS_EVERY == 0:
                    progress.report(stream, result)
            writer.finish()
            progress.report(stream, result)
    except IatiFileRefused as refusal:
        return _refused(path, refusal.line, refusal.reason)
    except (OSError, DatabaseError) as error:
        return _refused(path, None, _("the file could not be imported: %(error)s") % {"error": error})
    return result


def _refused(path: Path, line: int | None, reason: str) -> FileResult:
    result = FileResult(path, refused=True)
    result.problem(line, "", reason)
    return result


class _Progress:
    def __init__(self, callback: ProgressCallback | None, path: Path, number: int, total: int):
        self.callback, self.path, self.number, self.total = callback, path, number, total
        self.size = path.stat().st_size if path.exists() else 0

    def report(self, stream, result: FileResult) -> None:
        if self.callback is not None:
            self.callback(
                ImportProgress(
                    self.path, self.number, self.total, min(stream.tell(), self.size), self.size, result.activities_read
                )
            )


# -- reference data, read once per import -----------------------------------


class ImportContext:
    """Countries, themes and organisations, looked up in memory."""

    def __init__(self, keep_all: bool, rights: ImportRights | None = None):
        self.keep_all, self.rights = keep_all, rights
        countries = list(Country.objects.values_list("pk", "iso2", "iso3"))
        self.country_ids = {iso2: pk for pk, iso2, _iso3 in countries}
        self.region_ids = dict(RecipientRegion.objects.values_list("code", "pk"))
        self.region_codes = {pk: code for code, pk in self.region_ids.items()}
        self.country_iso3 = {pk: iso3 for pk, _iso2, iso3 in countries}
        self.themes = {theme.code: theme for theme in Theme.objects.all()}
        self.organisations = OrganisationDirectory(self.country_ids)


# -- one file --------------------------------------------------------------


@dataclass
class _Resolved:
    """A record with its references turned into rows of the hub."""

    record: ActivityRecord
    classification: Classification
    fingerprint: str
    owner: Any = None
    country_shares: list = field(default_factory=list)
    region_shares: list = field(default_factory=list)
    participations: list = field(default_factory=list)


class _HashSet:
    """A set of identifier hashes at 8 bytes each, for files of any size.

    A Python set costs about 70 bytes a hash (the int object and its slot) and
    leaves the heap fragmented each time it doubles; on a 100,000-activity file
    it was most of the import's memory growth. Here the hashes live in one
    sorted array of machine integers, plus a small set of the latest ones,
    merged into the array when it fills.
    """

    RECENT_LIMIT = 4096

    def __init__(self, hashes: Iterable[int] = ()):
        self.merged = array("q")
        self.recent: set[int] = set()
        for value in hashes:
            self.add_if_new(value)

    def __contains__(self, value: int) -> bool:
        if value in self.recent:
            return True
        index = bisect_left(self.merged, value)
        return index < len(self.merged) and self.merged[index] == value

    def add_if_new(self, value: int) -> bool:
        """Add ``value``; whether it was not there yet."""
        if value in self:
            return False
        self.recent.add(value)
        if len(self.recent) >= self.RECENT_LIMIT:
            self._merge()
        return True

    def _merge(self) -> None:
        merged, start = array("q"), 0
        for value in sorted(self.recent):
            end = bisect_left(self.merged, value, start)
            merged += self.merged[start:end]
            merged.append(value)
            start = end
        merged += self.merged[start:]
        self.merged, self.recent = merged, set()


@dataclass(frozen=True)
class HeldActivity:
    engagement_id: int
    identifier_hash: int


class _FileWriter:
    def __init__(self, source_name: str, context: ImportContext, result: FileResult):
        self.context, self.result = context, result
        self.source = _data_source(source_name, context.rights)
        result.source_id = self.source.pk
        self.seen_identifiers = _HashSet()
        # What the hub holds from this file stays up to date even if it no longer looks migration-related.
        held = Engagement.objects.unrestricted("an import acts for the publisher; uploads keep to their rights below")
        held = held.filter(source=self.source, provenance=Provenance.IATI)
        if context.rights is not None:
            held = held.filter(owner_id__in=context.rights.organisation_ids)
        self.held = _HashSet(
            hash(identifier) for identifier in held.values_list("iati_identifier", flat=True).iterator()
        )
        self.batch: list[_Resolved] = []
        self.owners: Counter = Counter()

    def take(self, activity: ActivityElement) -> None:
        """Classify the activity from its texts and codes; read it in full only if it is kept."""
        self.result.activities_read += 1
        identifier = identifier_of(activity.element)
        first_time = self._first_time(identifier)
        if not identifier or not first_time or activity.version not in SUPPORTED_VERSIONS:
            self._reject(self._record(activity, duplicate=not first_time))
            return
        classification = classify(*classifier_inputs(activity.element))
        if classification.is_migration:
            self.result.migration_relevant += 1
        elif not self.context.keep_all and hash(identifier) not in self.held:
            self.result.skipped += 1
            return
        record = self._record(activity)
        if record.is_rejected:
            self._reject(record)
            return
        rights = self.context.rights
        if rights is not None and not rights.may_report_for(self.context.organisations.find(record.reporter)):
            self._refuse(record)
            return
        self._count_findings(record)
        self.batch.append(_Resolved(record, classification, fingerprint(record, classification)))

    @staticmethod
    def _record(activity: ActivityElement, *, duplicate: bool = False) -> ActivityRecord:
        record = map_activity(
            activity.element, line=activity.line, version=activity.version, warnings=activity.warnings
        )
        if duplicate:
            record.flag(
                CRITICAL,
                "iati-identifier",
                _("the iati-identifier %(id)s appears earlier in this file: only its first occurrence is imported")
                % {"id": record.iati_identifier},
            )
        return record

    def _first_time(self, identifier: str) -> bool:
        return self.seen_identifiers.add_if_new(hash(identifier)) or not identifier

    def _reject(self, record: ActivityRecord) -> None:
        self._count_findings(record)
        for finding in record.findings:
            if finding.tier == CRITICAL:
                self.result.problem(record.line, record.iati_identifier, finding.message)

    def _refuse(self, record: ActivityRecord) -> None:
        """An activity the uploader may not write: the same words whether or not the hub holds it."""
        self.result.skipped += 1
        self.result.problem(record.line, record.iati_identifier, refusal_reason(record.reporting_org))

    def _count_findings(self, record: ActivityRecord, findings=None) -> None:
        """Counts the findings (all of the record's by default) and lists those that did not reject it."""
        findings = record.findings if findings is None else findings
        self.result.findings.update(finding.tier for finding in findings)
        for finding in findings:
            if finding.tier != CRITICAL:
                self.result.notice(record.line, record.iati_identifier, finding)

    def flush_if_full(self) -> None:
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        existing = _existing_rows(item.record.iati_identifier for item in self.batch)
        creates, updates = [], []
        for item in self.batch:
            decision = self._decide(existing.get(item.record.iati_identifier), item)
            if decision == "create":
                creates.append(item)
            elif decision == "update":
                updates.append((existing[item.record.iati_identifier].pk, item))
        for item in creates + [item for _pk, item in updates]:
            self._resolve(item)
        created = _create_engagements(creates, self.source, self.context)
        for pk, item in updates:
            _update_engagement(pk, item, self.source, self.context)
        # Written in bulk, without signals: the search index hears of it here.
        records_changed.send(
            sender=Engagement, pks=[engagement.pk for engagement in created] + [pk for pk, _item in updates]
        )
        self.result.created += len(creates)
        self.result.updated += len(updates)
        self.batch = []

    def _decide(self, row: "_ExistingRow | None", item: _Resolved) -> str:
        record = item.record
        if not self._may_write(row, record):
            self._refuse(record)
            return "keep"
        if row is None:
            return "create"
        if row.provenance != Provenance.IATI:
            self.result.skipped += 1
            self.result.problem(
                record.line,
                record.iati_identifier,
                _("an engagement entered in the hub already carries this iati-identifier: left as it is"),
            )
            return "keep"
        if row.fingerprint != item.fingerprint and _is_newer(record, row, self.source.pk):
            return "update"
        self.result.unchanged += 1
        return "keep"

    def _may_write(self, row: "_ExistingRow | None", record: ActivityRecord) -> bool:
        rights = self.context.rights
        if rights is None:
            return True
        if row is not None:
            return rights.may_change(row.owner_id)
        return rights.may_create(record.iati_identifier, self.context.organisations.find(record.reporter))

    def _resolve(self, item: _Resolved) -> None:
        record, context = item.record, self.context
        already_counted = len(record.findings)
        item.owner = context.organisations.resolve(record.reporter)
        self.owners[item.owner.pk] += 1
        for iso2, share in record.countries:
            country_id = context.country_ids.get(iso2)
            if country_id is None:
                record.flag(
                    ERROR,
                    "recipient-country",
                    _("recipient-country '%(code)s' is not an ISO 3166 country code: left out") % {"code": iso2},
                )
                record.add_extra("unmatched_countries", iso2)
            else:
                item.country_shares.append((country_id, share))
        item.region_shares = self._region_shares(record)
        seen = set()
        for reference, role in record.participations:
            organisation = context.organisations.resolve(reference)
            if (organisation.pk, role) not in seen:
                seen.add((organisation.pk, role))
                item.participations.append((organisation, role))
        self._count_findings(record, record.findings[already_counted:])

    def _region_shares(self, record: ActivityRecord) -> list[tuple[int, Any]]:
        shares = []
        for code, share in record.regions:
            region_id = self.context.region_ids.get(code)
            if region_id is None:
                record.flag(
                    ERROR,
                    "recipient-region",
                    _("recipient-region '%(code)s' is not in IATI's Region codelist: left out of the totals")
                    % {"code": code},
                )
            else:
                shares.append((region_id, share))
        return shares

    def finish(self) -> None:
        self.flush()
        self.result.identifiers = self.seen_identifiers
        self.result.vanished = [
            held
            for held in held_activities([self.source.pk], self.context.rights)
            if held.identifier_hash not in self.seen_identifiers
        ]
        if self.owners:
            self.source.publisher_id = self.owners.most_common(1)[0][0]
        self.source.last_refreshed_at = timezone.now()
        self.source.save(update_fields=["publisher", "last_refreshed_at"])


def held_activities(source_ids: Iterable[int], rights: ImportRights | None = None) -> Iterator[HeldActivity]:
    """The IATI engagements the hub holds from these sources (within ``rights``, for an upload)."""
    held = Engagement.objects.unrestricted("an import acts for the publisher; uploads keep to their rights below")
    held = held.filter(source_id__in=list(source_ids), provenance=Provenance.IATI)
    if rights is not None:
        held = held.filter(owner_id__in=rights.organisation_ids)
    for pk, identifier in held.values_list("pk", "iati_identifier").iterator(chunk_size=2000):
        yield HeldActivity(pk, hash(identifier))


def _data_source(name: str, rights: ImportRights | None) -> DataSource:
    """The file's data source; an upload never refreshes another organisation's source of the same name."""
    name, number = name[:290], 1
    while True:
        candidate = name if number == 1 else f"{name} ({number})"
        source, _created = DataSource.objects.get_or_create(kind=DataSource.Kind.IATI, name=candidate)
        if rights is None or source.publisher_id is None or rights.may_change(source.publisher_id):
            return source
        number += 1


def fingerprint(record: ActivityRecord, classification: Classification) -> str:
    """What the publisher said (as read by this revision of the mapping, which
    covers organisation matching) and what the classifier made of it."""
    verdict = repr((classification.is_migration, classification.themes, classification.reasons)).encode()
    return hashlib.sha256(record.source_digest.encode() + verdict).hexdigest()


def _is_newer(record: ActivityRecord, row: "_ExistingRow", source_id: int) -> bool:
    """Whether the record should replace what the hub holds: a later
    last-updated-datetime, or, without one to compare, the same file again."""
    if record.last_updated and row.last_updated and record.last_updated != row.last_updated:
        return record.last_updated > row.last_updated
    # Without dates to compare, a second file holding the same activity must
    # not take turns with the first at every import.
    return row.source_id == source_id


@dataclass
class _ExistingRow:
    pk: int
    owner_id: int
    provenance: str
    last_updated: datetime | None
    source_id: int | None
    fingerprint: str | None


def _existing_rows(identifiers: Iterator[str]) -> dict[str, _ExistingRow]:
    rows = (
        Engagement.objects.unrestricted("IATI import matches publisher identifiers; ownership checked by import_rights")
        .filter(iati_identifier__in=list(identifiers))
        .values_list(
            "iati_identifier",
            "pk",
            "owner_id",
            "provenance",
            "iati_last_updated",
            "source_id",
            "iati_extra__fingerprint",
        )
    )
    return {identifier: _ExistingRow(*values) for identifier, *values in rows if identifier is not None}


# -- writing ---------------------------------------------------------------


def _iati_fields(item: _Resolved, source: DataSource) -> dict[str, Any]:
    """The fields the publisher owns: a re-import replaces these and nothing else
    (besides the IATI-owned rows: countries, sectors, participations, money,
    the classifier's themes and the links the publisher stated)."""
    record = item.record
    return {
        "title": record.title,
        "description": record.description,
        "language": record.language,
        "status": record.status,
        "planned_start": record.planned_start,
        "planned_end": record.planned_end,
        "actual_start": record.actual_start,
        "actual_end": record.actual_end,
        "humanitarian": record.humanitarian,
        "iati_last_updated": record.last_updated,
        "iati_extra": {**record.extra, "fingerprint": item.fingerprint},
        "import_findings": [finding.as_dict() for finding in record.findings],
        "migration_relevant": item.classification.is_migration,
        "relevance_reasons": [reason.as_dict() for reason in item.classification.reasons],
        "source": source,
    }


def _create_engagements(items: list[_Resolved], source: DataSource, context: ImportContext) -> list[Engagement]:
    if not items:
        return []
    now = timezone.now()
    engagements = [_new_engagement(item, source, now) for item in items]
    insert_rows(engagements, key="iati_identifier")
    children = _Children()
    for engagement, item in zip(engagements, items, strict=True):
        children.add(engagement, item, context, user_theme_ids=())
    children.save()
    _record_creations(
        engagements, [snapshot_of_new(e, item, context) for e, item in zip(engagements, items, strict=True)]
    )
    return engagements


def _new_engagement(item: _Resolved, source: DataSource, now: datetime) -> Engagement:
    engagement = Engagement(
        owner=item.owner,
        sharing_level=SharingLevel.PUBLIC,
        provenance=Provenance.IATI,
        kind=EngagementKind.PROJECT,
        iati_identifier=item.record.iati_identifier,
        created_by=None,
        updated_by=None,
        created_at=now,
        updated_at=now,
        **_iati_fields(item, source),
    )
    # Written without save(), which keeps these two in step.
    engagement.start_date = engagement.actual_start or engagement.planned_start
    engagement.end_date = engagement.actual_end or engagement.planned_end
    return engagement


def _record_creations(engagements: list[Engagement], snapshots: list[dict[str, Any]]) -> None:
    """What ``core.history.record_change`` writes for a creation, for a whole batch at once."""
    content_type = ContentType.objects.get_for_model(Engagement)
    request_id = current_request_id.get()
    insert_values(
        ObjectChange,
        (
            "content_type_id",
            "object_id",
            "object_repr",
            "action",
            "changes",
            "user_id",
            "request_id",
            "sharing_level",
            "audience",
        ),
        [
            (
                content_type.pk,
                engagement.pk,
                str(engagement)[:300],
                str(ObjectChange.Action.CREATE),
                diff_snapshots({}, after),
                None,
                request_id,
                engagement.sharing_level,
                audience_for_history(engagement),
            )
            for engagement, after in zip(engagements, snapshots, strict=True)
        ],
    )


def _update_engagement(pk: int, item: _Resolved, source: DataSource, context: ImportContext) -> None:
    rows = Engagement.objects.unrestricted("a row the import matched and import_rights allowed")
    # Locked, so that the version saved below is the current one (registry.services.update_engagement).
    engagement = rows.select_for_update(of=("self",)).select_related("owner").get(pk=pk)
    before = registry_services.snapshot(engagement)
    for name, value in _iati_fields(item, source).items():
        setattr(engagement, name, value)
    engagement.updated_by = None
    engagement.save()
    engagement.country_shares.all().delete()
    engagement.region_shares.all().delete()
    engagement.sectors.all().delete()
    engagement.participations.all().delete()
    engagement.money_lines.all().delete()
    engagement.theme_shares.filter(assigned_by=ThemeAssignment.CLASSIFIER).delete()
    engagement.links_out.filter(from_iati=True).delete()
    user_theme_ids = set(engagement.theme_shares.values_list("theme_id", flat=True))
    children = _Children()
    children.add(engagement, item, context, user_theme_ids=user_theme_ids)
    children.save()
    after = registry_services.snapshot(engagement)
    record_change(engagement, ObjectChange.Action.UPDATE, _without_links(before), _without_links(after), user=None)
    if diff_snapshots(_without_links(before), _without_links(after)):
        # The publisher's change overwrites by design; an editor who opened the record before is refused.
        claim_version(rows, pk, read_version=None)


def _without_links(values: dict[str, Any]) -> dict[str, Any]:
    """The publisher's links are dropped here and stated again by ``link_related_activities``
    once every file is read: compared here, an unchanged link would read as removed."""
    return {name: value for name, value in values.items() if name != "links"}


class _Children:
    """The rows hanging off a batch of engagements, written with one statement per table."""

    COUNTRY = ("engagement_id", "country_id", "share")
    REGION = ("engagement_id", "region_id", "share")
    SECTOR = ("engagement_id", "vocabulary", "code", "percentage")
    PARTICIPATION = ("engagement_id", "organisation_id", "role")
    MONEY = (
        "engagement_id",
        "kind",
        "amount",
        "currency",
        "value_date",
        "amount_eur",
        "eur_rate_date",
        "provider_ref",
        "provider_activity",
        "receiver_ref",
        "receiver_activity",
        "transaction_date",
        "period_start",
        "is_correction",
    )
    THEME = ("engagement_id", "theme_id", "share", "assigned_by", "confidence", "explanation")

    def __init__(self):
        self.countries: list[tuple] = []
        self.regions: list[tuple] = []
        self.sectors: list[tuple] = []
        self.participations: list[tuple] = []
        self.money: list[tuple] = []
        self.themes: list[tuple] = []

    def add(self, engagement: Engagement, item: _Resolved, context: ImportContext, *, user_theme_ids) -> None:
        pk, record = engagement.pk, item.record
        self.countries += [(pk, country_id, share) for country_id, share in item.country_shares]
        self.regions += [(pk, region_id, share) for region_id, share in item.region_shares]
        self.sectors += [(pk, s.vocabulary, s.code, s.percentage) for s in record.sectors]
        self.participations += [(pk, organisation.pk, str(role)) for organisation, role in item.participations]
        self.money += [
            (
                pk,
                str(m.kind),
                m.amount,
                m.currency,
                m.value_date,
                m.amount_eur,
                m.eur_rate_date,
                m.provider_ref,
                m.provider_activity,
                m.receiver_ref,
                m.receiver_activity,
                m.transaction_date,
                m.period_start,
                m.is_correction,
            )
            for m in record.money
        ]
        self.themes += [
            (pk, theme.pk, None, str(ThemeAssignment.CLASSIFIER), suggestion.confidence, suggestion.explanation)
            for suggestion, theme in _suggested_themes(item.classification, context)
            if theme.pk not in user_theme_ids
        ]

    def save(self) -> None:
        insert_values(EngagementCountry, self.COUNTRY, self.countries)
        insert_values(EngagementRegion, self.REGION, self.regions)
        insert_values(EngagementSector, self.SECTOR, self.sectors)
        insert_values(Participation, self.PARTICIPATION, self.participations)
        insert_values(MoneyLine, self.MONEY, self.money)
        insert_values(EngagementTheme, self.THEME, self.themes)


def _suggested_themes(classification: Classification, context: ImportContext):
    seen = set()
    for suggestion in classification.themes:
        theme = context.themes.get(suggestion.theme_code)
        if theme is not None and theme.pk not in seen:
            seen.add(theme.pk)
            yield suggestion, theme


def snapshot_of_new(engagement: Engagement, item: _Resolved, context: ImportContext) -> dict[str, Any]:
    """``registry.services.snapshot`` of a just-created engagement, built from
    memory instead of six queries (a test holds the two equal)."""
    plain, pct, joined = registry_services._plain, registry_services._pct, registry_services._joined
    values = {name: plain(getattr(engagement, name)) for name in registry_services.SCALAR_FIELDS}
    values["owner"] = str(item.owner)
    values["countries"] = joined(
        f"{context.country_iso3[country_id]}{pct(share)}" for country_id, share in item.country_shares
    )
    values["regions"] = joined(
        f"{context.region_codes[region_id]}{pct(share)}" for region_id, share in item.region_shares
    )
    values["themes"] = joined(
        f"{theme.code}{pct(None)}" for _s, theme in _suggested_themes(item.classification, context)
    )
    values["participations"] = joined(
        f"{organisation.short_name} ({role})" for organisation, role in item.participations
    )
    values["money"] = joined(f"{m.kind} {m.amount} {m.currency} {m.value_date.isoformat()}" for m in item.record.money)
    values["links"] = joined(())
    values["shared_with_organisations"] = joined(())
    values["shared_with_countries"] = joined(())
    return values


# -- related activities ----------------------------------------------------


def link_related_activities(
    source_ids: set[int], chunk_size: int = 500, *, owner_ids: frozenset[int] | None = None
) -> None:
    """Turn the related activities the publishers named into links, where the
    other activity is in the hub. Reads the sources' engagements in chunks;
    with ``owner_ids`` (an upload), only those these organisations own."""
    rows = Engagement.objects.unrestricted("the import links its own sources' rows; uploads keep to owner_ids").filter(
        source_id__in=source_ids, iati_extra__has_key="related_activities"
    )
    if owner_ids is not None:
        rows = rows.filter(owner_id__in=owner_ids)
    related = rows.values_list("pk", "iati_extra__related_activities").order_by("pk")
    chunk: list[tuple[int, list[dict[str, Any]]]] = []
    for row in related.iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) >= chunk_size:
            _link_chunk(chunk)
            chunk = []
    _link_chunk(chunk)


def _link_chunk(rows: list[tuple[int, list[dict[str, Any]]]]) -> None:
    refs = sorted({relation["ref"] for _pk, relations in rows for relation in relations or () if "ref" in relation})
    targets: dict[str | None, int] = {}
    for start in range(0, len(refs), LOOKUP_SIZE):
        targets.update(
            Engagement.objects.unrestricted("links name publishers' identifiers, as IATI does")
            .filter(iati_identifier__in=refs[start : start + LOOKUP_SIZE])
            .values_list("iati_identifier", "pk")
        )
    links = set()
    for pk, relations in rows:
        for relation in relations or ():
            target = targets.get(relation.get("ref"))
            if target is None or target == pk:
                continue
            if relation.get("type") == CHILD_RELATION:
                # A parent listing its children: each child is part of this activity.
                links.add((target, pk, str(LinkKind.PART_OF), True))
            else:
                kind = LinkKind.PART_OF if relation.get("type") == PARENT_RELATION else LinkKind.RELATED
                links.add((pk, target, str(kind), True))
    # A link stated again by an unchanged activity is already there: let it be.
    insert_values(EngagementLink, ("source_id", "target_id", "kind", "from_iati"), sorted(links), ignore_conflicts=True)
    if links:
        # Written without signals; links change how money is counted along funding chains.
        records_changed.send(sender=Engagement, pks=sorted({pk for link in links for pk in link[:2]}))
