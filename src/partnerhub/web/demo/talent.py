"""The demo's Talent Partnerships: Member States' needs and partner countries' supply in EU shortage
occupations, and three partnerships with their schemes, pipeline figures and linked engagements.

The content is in ``talent_content``. Records are written through the ORM by the demo user who would
write them, each creation kept in the field-level history as the talent services keep it. What exists
is kept: a need is found by its owner, Member State and occupation; a supply record by its owner, partner
country and occupation; a partnership by its owner, partner country and title. A partnership, its
schemes and their pipeline figures are written in one transaction: either all of it exists or none,
so that a partnership found is a partnership complete. Pipeline quarters count back from the day the
demo is loaded.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from partnerhub.core.history import record_change
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.geo.models import Country
from partnerhub.plans.services import snapshot
from partnerhub.registry.models import Engagement
from partnerhub.talent.models import (
    Occupation,
    OccupationLevel,
    PipelineFigure,
    TalentNeed,
    TalentPartnership,
    TalentScheme,
    TalentSupply,
)
from partnerhub.web.demo.content import TITLE_PREFIX, DemoError
from partnerhub.web.demo.records import Tally, kept_or_created
from partnerhub.web.demo.talent_content import (
    DEMO_SOURCE,
    FIGURES_NOTE,
    NEEDS,
    PARTNERSHIP_NOTE,
    PARTNERSHIPS,
    SUPPLY,
    DemoNeed,
    DemoPartnership,
    DemoScheme,
    DemoSupply,
    shortage_source,
)

UNSCOPED = "the demo is set up by the operator"
LEGAL_PATHWAYS = "LEGAL"  # the theme codes of legal pathways start with it


@dataclass
class _Context:
    organisations: dict[str, Any]
    users: dict[str, Any]
    today: date
    occupations: dict[str, Occupation]
    countries: dict[str, Country]
    tally: Tally

    def years(self, span: tuple[int, int]) -> tuple[int, int]:
        return self.today.year + span[0], self.today.year + span[1]


def build_talent(organisations: dict[str, Any], users: dict[str, Any], today: date) -> Tally:
    """The demo's needs, supply and Talent Partnerships; what exists is kept."""
    context = _Context(organisations, users, today, _occupations(), _countries(), Tally())
    for need in NEEDS:
        _need(need, context)
    for supply in SUPPLY:
        _supply(supply, context)
    for partnership in PARTNERSHIPS:
        _partnership(partnership, context)
    return context.tally


def _occupations() -> dict[str, Occupation]:
    codes = {spec.occupation for spec in (*NEEDS, *SUPPLY)}
    codes |= {code for spec in PARTNERSHIPS for code in spec.occupations}
    found = {o.code: o for o in Occupation.objects.filter(code__in=codes, level=OccupationLevel.UNIT)}
    if len(found) != len(codes):
        raise DemoError(_("Reference data is missing: run `partnerhub load-reference` first."))
    return found


def _countries() -> dict[str, Country]:
    codes = {spec.member_state for spec in NEEDS} | {spec.country for spec in SUPPLY}
    codes |= {spec.country for spec in PARTNERSHIPS} | {iso3 for spec in PARTNERSHIPS for iso3 in spec.member_states}
    return {c.iso3: c for c in Country.objects.filter(iso3__in=codes)}


def _created(record: Model, author) -> None:
    record_change(record, ObjectChange.Action.CREATE, {}, snapshot(record), user=author)


def _share(record: Any, sharing_level: str, shared_with: tuple[str, ...], context: _Context) -> None:
    """The organisations named for a restricted record; none at any other level."""
    if sharing_level == SharingLevel.RESTRICTED:
        record.shared_with_organisations.set([context.organisations[key] for key in shared_with])


# -- needs and supply --------------------------------------------------------------------------


def _need(spec: DemoNeed, context: _Context) -> TalentNeed:
    owner, occupation = context.organisations[spec.owner], context.occupations[spec.occupation]
    member_state = context.countries[spec.member_state]

    def create() -> TalentNeed:
        first, last = context.years(spec.years)
        author = context.users[spec.author]
        with transaction.atomic():
            need = TalentNeed.objects.create(
                owner=owner,
                sharing_level=spec.sharing_level,
                member_state=member_state,
                occupation=occupation,
                region=spec.region,
                sector=spec.sector,
                people_per_year=spec.people_per_year,
                first_year=first,
                last_year=last,
                eqf_level=spec.eqf_level,
                languages=spec.languages,
                language_level=spec.language_level,
                source=shortage_source(spec.occupation),
                note=FIGURES_NOTE,
                created_by=author,
            )
            _share(need, spec.sharing_level, spec.shared_with, context)
            _created(need, author)
        return need

    existing = TalentNeed.objects.unrestricted(UNSCOPED).filter(
        owner=owner, member_state=member_state, occupation=occupation
    )
    return kept_or_created(existing.first(), create, context.tally, "needs")


def _supply(spec: DemoSupply, context: _Context) -> TalentSupply:
    owner, occupation = context.organisations[spec.owner], context.occupations[spec.occupation]
    country = context.countries[spec.country]

    def create() -> TalentSupply:
        first, last = context.years(spec.years)
        author = context.users[spec.author]
        with transaction.atomic():
            supply = TalentSupply.objects.create(
                owner=owner,
                sharing_level=spec.sharing_level,
                country=country,
                occupation=occupation,
                yearly_graduates=spec.graduates,
                available_workers=spec.available,
                training_capacity=spec.capacity,
                partner_reports_shortage=spec.reports_shortage,
                first_year=first,
                last_year=last,
                eqf_level=spec.eqf_level,
                languages=spec.languages,
                source=DEMO_SOURCE,
                note=FIGURES_NOTE,
                created_by=author,
            )
            _created(supply, author)
        return supply

    existing = TalentSupply.objects.unrestricted(UNSCOPED).filter(owner=owner, country=country, occupation=occupation)
    return kept_or_created(existing.first(), create, context.tally, "supply")


# -- partnerships, schemes and pipeline --------------------------------------------------------


def _partnership(spec: DemoPartnership, context: _Context) -> TalentPartnership:
    owner, country = context.organisations[spec.owner], context.countries[spec.country]
    title = TITLE_PREFIX + spec.title

    def create() -> TalentPartnership:
        author = context.users[spec.author]
        with transaction.atomic():
            partnership = TalentPartnership.objects.create(
                owner=owner,
                sharing_level=spec.sharing_level,
                title=title,
                country=country,
                status=spec.status,
                started_on=None if spec.started is None else context.today + timedelta(days=spec.started),
                description=f"{spec.description}\n\n{PARTNERSHIP_NOTE}",
                created_by=author,
            )
            _share(partnership, spec.sharing_level, spec.shared_with, context)
            partnership.member_states.set([context.countries[iso3] for iso3 in spec.member_states])
            partnership.occupations.set([context.occupations[code] for code in spec.occupations])
            _link(partnership, _engagements(country, author, spec.engagements))
            _created(partnership, author)
            for scheme in spec.schemes:
                _scheme(partnership, scheme, author, context)
        return partnership

    existing = TalentPartnership.objects.unrestricted(UNSCOPED).filter(owner=owner, country=country, title=title)
    return kept_or_created(existing.first(), create, context.tally, "partnerships")


def _engagements(country: Country, author, count: int) -> list[Engagement]:
    """The first ``count`` demo engagements on legal pathways in ``country`` that the author may read."""
    engagements = (
        Engagement.objects.visible_to(author)
        .filter(
            is_demo=True,
            title__startswith=TITLE_PREFIX,
            country_shares__country=country,
            theme_shares__theme__code__startswith=LEGAL_PATHWAYS,
        )
        .distinct()
        .order_by("external_reference")
    )
    return list(engagements[:count])


def _link(partnership: TalentPartnership, engagements: list[Engagement]) -> None:
    """Through the link table, as the talent services link: the engagements were read through visible_to."""
    through = TalentPartnership.engagements.through
    through.objects.bulk_create([through(talentpartnership=partnership, engagement=e) for e in engagements])


def _scheme(partnership: TalentPartnership, spec: DemoScheme, author, context: _Context) -> TalentScheme:
    scheme = TalentScheme.objects.create(
        partnership=partnership,
        kind=spec.kind,
        title=TITLE_PREFIX + spec.title,
        starts_on=context.today + timedelta(days=spec.start),
        ends_on=context.today + timedelta(days=spec.end),
        description=f"{spec.description}\n\n{PARTNERSHIP_NOTE}",
    )
    scheme.occupations.set([context.occupations[code] for code in spec.occupations])
    _created(scheme, author)
    context.tally["schemes created"] += 1
    quarters = last_quarters(context.today, len(spec.pipeline))
    for (period, starts), stages in zip(quarters, spec.pipeline, strict=True):
        figure = PipelineFigure.objects.create(
            scheme=scheme,
            period=period,
            period_start=starts,
            enrolled=stages.enrolled,
            trained=stages.trained,
            certified=stages.certified,
            recruited=stages.recruited,
            moved=stages.moved,
            returned=stages.returned,
            note=FIGURES_NOTE,
        )
        _created(figure, author)
        context.tally["pipeline figures created"] += 1
    return scheme


def last_quarters(today: date, count: int) -> list[tuple[str, date]]:
    """The ``count`` quarters before the one ``today`` is in, oldest first, as ("2026-Q3", its first day)."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    quarters: list[tuple[str, date]] = []
    for _step in range(count):
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        quarters.append((f"{year}-Q{quarter}", date(year, 3 * quarter - 2, 1)))
    return quarters[::-1]
