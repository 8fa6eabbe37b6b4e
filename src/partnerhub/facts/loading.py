"""Turning a parser's ``Reading`` into indicators, a source and observations, all or nothing.

An observation is identified by indicator × country × destination × period × source. Loading the
same file again changes nothing; a figure the file gives for the first time is loaded; a figure
whose value changed is *revised*:

* an imported, proposed or disputed figure takes the new value (kept in its history);
* an agreed figure is never changed: the new value comes as a new figure, proposed, that
  ``revises`` it, so the agreement is reopened — the agreed figure stands until a coordinator
  agrees the revised one (``revisions_awaiting_decision``) — and an ``observation.revised`` event
  tells the coordinators;
* a superseded figure is history: the new value comes as a new imported figure.

A zero the publisher writes as a filler (UNHCR's "none here", ``Reading.zeros``) is loaded only where
the source already holds a figure for its key and the file gives no other: then it is the figure
revised to zero (or a zero confirmed, unchanged). Elsewhere it stays what it is, no figure.

Imported figures are public statistics: they are owned by their publisher's organisation (found
by name or acronym, else created as an international organisation) and shared publicly, unless the
caller names another owner and sharing level (a coordinator's own figures in a tidy file).
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from partnerhub.access.models import Organisation, OrganisationKind
from partnerhub.core.history import narrowest_level
from partnerhub.core.jobs import finding
from partnerhub.core.middleware import current_request_id
from partnerhub.core.models import Event, ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.signals import records_changed
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import audience_of
from partnerhub.facts.models import FactsLoad, Indicator, Observation, ObservationStatus, Source
from partnerhub.facts.periods import period_start
from partnerhub.facts.services import OBSERVATION_LEVELS
from partnerhub.facts.sources import PARSERS
from partnerhub.facts.sources.base import FileRejected, IndicatorInfo, Reading, SkippedRow, SourceInfo, SourceRow
from partnerhub.geo.models import Country
from partnerhub.registry.models import Theme

BATCH_SIZE = 2000
MAX_FINDINGS = 500
VALUE_STEP = Decimal("0.000001")  # the six decimal places an observation keeps
# SQLite keeps a decimal as a double (15 to 17 significant digits): figures closer than this share
# of their value are the same figure read back.
SAME_FIGURE = Decimal("1e-14")
IN_PLACE = (ObservationStatus.IMPORTED, ObservationStatus.PROPOSED, ObservationStatus.DISPUTED)
REVISION_NOTE = "A revised release of the source gives this figure for an agreed one."

Key = tuple[int, int, int | None, str]
# Beside the parsers' reasons (``sources.base.SKIP_REASONS``), those the loader finds.
LOADER_SKIP_REASONS = {"duplicate": "the same indicator, country and period again in the file"}


@dataclass
class LoadReport:
    observations_read: int = 0
    loaded: int = 0
    unchanged: int = 0
    revised: int = 0
    reopened: int = 0  # revised figures of agreed ones, awaiting a coordinator
    skipped: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "observations_read": self.observations_read,
            "loaded": self.loaded,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "reasons": dict(sorted(self.reasons.items())),
            "revised": self.revised,
            "reopened": self.reopened,
        }


@dataclass
class _Plan:
    """What one load will write, worked out before writing."""

    create: list[Observation] = field(default_factory=list)
    update: list[tuple[Observation, Decimal]] = field(default_factory=list)  # the figure and its old value
    skipped: list[SkippedRow] = field(default_factory=list)
    unchanged: int = 0
    created_revisions: int = 0  # new figures for keys the source had (agreed or superseded figures)
    zeros: int = 0  # zero fillers taken as figures: they revise (or confirm) a figure of the source


def load_reading(
    reading: Reading,
    *,
    loaded_by: AnyUser | None,
    job: FactsLoad | None = None,
    owner: Organisation | None = None,
    sharing_level: str = SharingLevel.PUBLIC,
) -> LoadReport:
    """Writes ``reading`` in one transaction and reports what it did; ``job`` keeps the skipped rows."""
    if sharing_level not in OBSERVATION_LEVELS:
        raise ValueError(f"Loaded figures are public, partner, EU or originator, not {sharing_level!r}")
    report = LoadReport(observations_read=len(reading.rows) + len(reading.skipped))
    with transaction.atomic():
        source = _upsert_source(reading.source)
        indicators = _upsert_indicators(reading.indicators, source)
        owner = owner or publisher_organisation(reading.source.publisher)
        plan = _plan(reading, source, indicators, owner, sharing_level)
        _write(plan, loaded_by, report)
    skipped = [*reading.skipped, *plan.skipped]
    report.observations_read += plan.zeros
    report.skipped, report.reasons = len(skipped), Counter(row.reason for row in skipped)
    report.unchanged = plan.unchanged
    if job is not None:
        _note_skipped(job, skipped)
    return report


def publisher_organisation(publisher: str) -> Organisation:
    found = Organisation.objects.filter(Q(name__iexact=publisher) | Q(acronym__iexact=publisher)).first()
    return found or Organisation.objects.create(name=publisher, kind=OrganisationKind.INTERNATIONAL)


def _upsert_source(info: SourceInfo) -> Source:
    source, _created = Source.objects.get_or_create(publisher=info.publisher, dataset=info.dataset)
    source.release_date = info.release_date or source.release_date
    source.address = info.address or source.address
    source.update_every_days = info.update_every_days or source.update_every_days
    source.save()
    return source


def _upsert_indicators(infos: list[IndicatorInfo], source: Source) -> dict[str, Indicator]:
    existing = {indicator.code: indicator for indicator in Indicator.objects.filter(code__in=[i.code for i in infos])}
    themes = {theme.code: theme for theme in Theme.objects.filter(code__in={t for i in infos for t in i.themes})}
    for info in infos:
        indicator = existing.get(info.code) or Indicator(code=info.code)
        stated = {
            "name": info.name,
            "unit": info.unit,
            "definition": info.definition,
            "direction": info.direction,
            "pair": info.pair,
            "default_source_id": indicator.default_source_id or source.pk,
        }
        # Saved only when new or changed: a save writes again the search entries of every figure of the
        # indicator (they read its name), tens of thousands for a file such as UNHCR's.
        if indicator.pk is None or any(getattr(indicator, name) != value for name, value in stated.items()):
            for name, value in stated.items():
                setattr(indicator, name, value)
            indicator.save()
        indicator.themes.add(*(themes[code] for code in info.themes if code in themes))
        existing[info.code] = indicator
    return existing


def _plan(
    reading: Reading, source: Source, indicators: dict[str, Indicator], owner: Organisation, sharing_level: str
) -> _Plan:
    countries = dict(Country.objects.values_list("iso2", "pk"))
    known = _known_figures(source, indicators)
    plan, seen = _Plan(), set()
    for row in reading.rows:
        problem = _problem(row, indicators, countries)
        if problem is not None:
            plan.skipped.append(problem)
            continue
        indicator = indicators[row.indicator]
        key = (indicator.pk, countries[row.country], countries.get(row.destination), row.period)
        if key in seen:
            plan.skipped.append(SkippedRow(row.line, "duplicate", f"{row.indicator} {row.country} {row.period} again"))
            continue
        seen.add(key)
        _take(plan, known.get(key), key, row, source, owner, sharing_level)
    for key, row in _zeros_to_load(reading, indicators, countries, set(known) - seen):
        plan.zeros += 1
        _take(plan, known[key], key, row, source, owner, sharing_level)
    return plan


def _take(
    plan: _Plan,
    previous: Observation | None,
    key: Key,
    row: SourceRow,
    source: Source,
    owner: Organisation,
    sharing_level: str,
) -> None:
    value = row.value.quantize(VALUE_STEP)
    if previous is None:
        plan.create.append(_new(key, row, value, source, owner, sharing_level))
    elif _same_figure(previous.value, value):
        plan.unchanged += 1
    else:
        _revise(plan, previous, key, row, value, source, owner, sharing_level)


def _zeros_to_load(
    reading: Reading, indicators: dict[str, Indicator], countries: dict[str, int], wanted: set[Key]
) -> Iterator[tuple[Key, SourceRow]]:
    """The zero fillers of the file (``Reading.zeros``) whose key the source already holds a figure for
    and the file gives no other figure: the file says the figure is now 0. Other zeros stay unloaded."""
    units = {info.code: info.unit for info in reading.indicators}
    for cells in reading.zeros if wanted else ():
        country, destination = countries.get(cells.country), countries.get(cells.destination)
        for code in cells.indicators:
            key = (indicators[code].pk if code in indicators else 0, country or 0, destination, cells.period)
            if key in wanted:
                wanted.discard(key)  # a key's first zero stands for it: its other rows are zeros too
                yield (
                    key,
                    SourceRow(
                        cells.line, code, cells.country, cells.period, Decimal(0), units[code], cells.destination
                    ),
                )


def _problem(row: SourceRow, indicators: dict[str, Indicator], countries: dict[str, int]) -> SkippedRow | None:
    if row.indicator not in indicators:
        return SkippedRow(row.line, "unknown-indicator", f"Indicator {row.indicator!r} is not described by the file")
    for code in filter(None, (row.country, row.destination)):
        if code not in countries:
            return SkippedRow(row.line, "unknown-country", f"Country code {code!r} is not a country we know")
    try:
        period_start(row.period)
    except ValueError as error:
        return SkippedRow(row.line, "bad-period", str(error))
    return None


def _known_figures(source: Source, indicators: dict[str, Indicator]) -> dict[Key, Observation]:
    """The latest figure of ``source`` for each key (a revised agreed figure follows the agreed one)."""
    figures = Observation.objects.unrestricted("the loader compares a file with every figure of its source").filter(
        source=source, indicator__in=[indicator.pk for indicator in indicators.values()]
    )
    known: dict[Key, Observation] = {}
    for figure in figures.only(
        "pk", "indicator_id", "country_id", "destination_id", "period", "value", "status", "owner_id", "sharing_level"
    ).order_by("pk"):
        known[(figure.indicator_id, figure.country_id, figure.destination_id, figure.period)] = figure
    return known


def _same_figure(stored: Decimal, read: Decimal) -> bool:
    return stored == read or abs(stored - read) <= abs(read) * SAME_FIGURE


def _new(
    key: Key, row: SourceRow, value: Decimal, source: Source, owner: Organisation, sharing_level: str
) -> Observation:
    indicator_id, country_id, destination_id, period = key
    return Observation(
        indicator_id=indicator_id,
        country_id=country_id,
        destination_id=destination_id,
        period=period,
        period_start=period_start(period),
        value=value,
        unit=row.unit,
        source=source,
        owner=owner,
        sharing_level=sharing_level,
    )


def _revise(
    plan: _Plan,
    previous: Observation,
    key: Key,
    row: SourceRow,
    value: Decimal,
    source: Source,
    owner: Organisation,
    sharing_level: str,
) -> None:
    if previous.status in IN_PLACE:
        plan.update.append((previous, previous.value))
        previous.value, previous.unit = value, row.unit
        return
    figure = _new(key, row, value, source, owner, sharing_level)
    if previous.status == ObservationStatus.AGREED:
        figure.status, figure.revises, figure.note = ObservationStatus.PROPOSED, previous, REVISION_NOTE
        figure.proposed_at = timezone.now()
    plan.create.append(figure)
    plan.created_revisions += 1


def _write(plan: _Plan, loaded_by: AnyUser | None, report: LoadReport) -> None:
    figures = Observation.objects.unrestricted("the loader writes the figures of its file")
    created = figures.bulk_create(plan.create, batch_size=BATCH_SIZE)
    records_changed.send(sender=Observation, pks=[figure.pk for figure in created])
    figures.bulk_update([figure for figure, _old in plan.update], ["value", "unit"], batch_size=BATCH_SIZE)
    reopened = [figure for figure in created if figure.revises_id is not None]
    report.loaded = len(created) - plan.created_revisions
    report.revised = len(plan.update) + plan.created_revisions
    report.reopened = len(reopened)
    _keep_revisions(plan.update, loaded_by)
    _tell_coordinators(reopened, loaded_by)


def _keep_revisions(updated: list[tuple[Observation, Decimal]], loaded_by: AnyUser | None) -> None:
    if not updated:
        return
    content_type = ContentType.objects.get_for_model(Observation)
    user = loaded_by if loaded_by is not None and loaded_by.is_authenticated else None
    audiences: dict[tuple[int, str], list[dict[str, Any]]] = {}
    changes = []
    for figure, old in updated:
        audience = audiences.setdefault((figure.owner_id, figure.sharing_level), [audience_of(figure)])
        changes.append(
            ObjectChange(
                content_type=content_type,
                object_id=figure.pk,
                object_repr=str(figure)[:300],
                action=ObjectChange.Action.UPDATE,
                changes={"value": [str(old), str(figure.value)]},
                user=user,
                request_id=current_request_id.get(),
                sharing_level=narrowest_level(audience),
                audience=audience,
            )
        )
    ObjectChange.objects.bulk_create(changes, batch_size=BATCH_SIZE)


def _tell_coordinators(reopened: list[Observation], loaded_by: AnyUser | None) -> None:
    content_type = ContentType.objects.get_for_model(Observation)
    user = loaded_by if loaded_by is not None and loaded_by.is_authenticated else None
    Event.objects.bulk_create(
        Event(
            name="observation.revised",
            content_type=content_type,
            object_id=figure.pk,
            user=user,
            data={"revises": figure.revises_id, "value": str(figure.value)},
            request_id=current_request_id.get(),
        )
        for figure in reopened
    )


def revisions_awaiting_decision(user: AnyUser | None) -> QuerySet[Observation]:
    """Revised releases of agreed figures that ``user`` may see, while the agreed figure still stands:
    the coordinators' queue."""
    return Observation.objects.visible_to(user).filter(
        status__in=(ObservationStatus.PROPOSED, ObservationStatus.DISPUTED),
        revises__status=ObservationStatus.AGREED,
    )


def _note_skipped(job: FactsLoad, skipped: list[SkippedRow]) -> None:
    for row in skipped[:MAX_FINDINGS]:
        job.findings.append(finding({"line": row.line}, "warning", f"{row.reason}: {row.detail}"))
    if len(skipped) > MAX_FINDINGS:
        more = len(skipped) - MAX_FINDINGS
        job.findings.append(finding({}, "warning", f"{more} more rows skipped, not listed"))


class UnknownSource(ValueError):
    """No parser has this SOURCE name."""


def load_file(
    source_name: str,
    path: Path,
    *,
    loaded_by: AnyUser | None,
    owner: Organisation | None = None,
    sharing_level: str = SharingLevel.PUBLIC,
) -> tuple[FactsLoad, LoadReport | None]:
    """Reads ``path`` with the parser named ``source_name`` and loads it, as a job people can follow.

    A file the parser rejects writes nothing but the failed job, whose message names the file and line.
    """
    if source_name not in PARSERS:
        names = ", ".join(sorted(PARSERS)) or "none"
        raise UnknownSource(f"Unknown source {source_name!r}: the sources are {names}.")
    if not path.is_file():
        raise FileNotFoundError(f"No such file: {path}")
    user = loaded_by if loaded_by is not None and loaded_by.is_authenticated else None
    job = FactsLoad.objects.create(source_name=source_name, file_name=path.name, started_by=user)
    job.start("reading")
    try:
        reading = PARSERS[source_name](path)
    except FileRejected as rejection:
        message = str(rejection) if str(path.name) in str(rejection) else f"{path}: {rejection}"
        job.fail(message)
        return job, None
    job.advance(0, len(reading.rows) + len(reading.skipped), stage="loading")
    report = load_reading(reading, loaded_by=loaded_by, job=job, owner=owner, sharing_level=sharing_level)
    job.advance(report.observations_read)
    job.finish(report.as_dict())
    return job, report
