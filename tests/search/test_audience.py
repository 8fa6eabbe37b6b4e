"""The audience an entry keeps is its record's, however the record's circle changed: the search, which
decides visibility on the entries, then counts for every reader exactly what ``visible_to`` gives."""

from dataclasses import dataclass

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerhub.core.confidential import registered
from partnerhub.core.visibility import audience_of
from partnerhub.geo.models import Country
from partnerhub.registry.models import Engagement
from partnerhub.registry.services import change_sharing_level, input_from_engagement, update_engagement
from partnerhub.search.models import SearchEntry
from partnerhub.search.services import SearchRequest, search
from partnerhub.search.sources import sources
from tests.toyapp.models import ToyRecord

LEVELS = ["public", "partner", "eu", "restricted", "originator"]
ORGANISATIONS = ["german_interior", "giz", "french_embassy_morocco", "moroccan_interior", "iom"]
MEMBER_STATES = ["DEU", "FRA"]
PARTNER_COUNTRIES = ["MAR", "TUN"]
READERS = [
    "commission_desk_officer",
    "german_ministry_editor",
    "giz_viewer",
    "french_embassy_viewer",
    "moroccan_ministry_user",
    "tunisian_ministry_user",
    "iom_officer",
    "outsider",
]


@dataclass(frozen=True)
class Circle:
    level: str
    organisations: frozenset[str]
    member_states: frozenset[str]
    countries: frozenset[str]


circles = st.builds(
    Circle,
    level=st.sampled_from(LEVELS),
    organisations=st.frozensets(st.sampled_from(ORGANISATIONS), max_size=2),
    member_states=st.frozensets(st.sampled_from(MEMBER_STATES), max_size=1),
    countries=st.frozensets(st.sampled_from(PARTNER_COUNTRIES), min_size=1),
)


def organisations(cast, circle: Circle):
    return [getattr(cast, name) for name in sorted(circle.organisations)]


def countries(codes):
    return list(Country.objects.filter(iso3__in=sorted(codes)))


def create(cast, circle: Circle, number: int) -> tuple[Engagement, ToyRecord]:
    engagement = cast.engagement(
        cast.commission,
        cast.commission_desk_officer,
        title=f"Ferry crossings {number}",
        sharing_level=circle.level,
        countries=sorted(circle.countries),
        shared_with=organisations(cast, circle),
        shared_with_countries=sorted(circle.member_states),
    )
    toy = ToyRecord.objects.create(owner=cast.commission, sharing_level=circle.level, title=f"Ferry toy {number}")
    toy.shared_with_organisations.set(organisations(cast, circle))
    toy.shared_with_countries.set(countries(circle.member_states))
    toy.countries.set(countries(circle.countries))
    return engagement, toy


def move(cast, engagement: Engagement, toy: ToyRecord, circle: Circle) -> None:
    """The engagement through its services; the toy record field by field, as an admin would."""
    if circle.level == "restricted" or engagement.sharing_level == "restricted":
        change_sharing_level(
            engagement,
            circle.level,
            acting_user=cast.commission_desk_officer,
            organisations=organisations(cast, circle),
            countries=countries(circle.member_states),
        )
    else:
        data = input_from_engagement(engagement)
        data.fields["sharing_level"] = circle.level
        data.countries = [(country, None) for country in countries(circle.countries)]
        update_engagement(engagement, data, acting_user=cast.commission_desk_officer)
    toy.sharing_level = circle.level
    toy.save()
    toy.shared_with_organisations.clear()
    toy.shared_with_organisations.add(*organisations(cast, circle))
    toy.shared_with_countries.set(countries(circle.member_states))
    toy.countries.set(countries(circle.countries))


def kept_audiences_are_the_records() -> None:
    for source in sources():
        if not source.has_audience:
            continue
        records = source.every_record().in_bulk()
        for entry in SearchEntry.objects.filter(kind=source.kind).prefetch_related(
            "shared_with_organisations", "shared_with_countries", "partner_countries"
        ):
            assert audience_of(entry) == audience_of(records[entry.object_id]), (source.kind, entry.object_id)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(first=st.lists(circles, min_size=1, max_size=4), then=st.lists(circles, min_size=1, max_size=4))
def test_every_reader_finds_what_visible_to_gives_after_circles_change(cast, first, then):
    with transaction.atomic():
        records = [create(cast, circle, number) for number, circle in enumerate(first)]
        for (engagement, toy), circle in zip(records, then, strict=False):
            engagement.refresh_from_db()
            move(cast, engagement, toy, circle)
        kept_audiences_are_the_records()
        for reader in READERS:
            user = getattr(cast, reader)
            found = search(user, SearchRequest(text="ferry"))
            engagements = Engagement.objects.visible_to(user).filter(title__startswith="Ferry").count()
            toys = ToyRecord.objects.visible_to(user).filter(title__startswith="Ferry").count()
            assert found.total == engagements + toys, reader
            assert {facet.value: facet.count for facet in found.facets["kind"]} == {
                kind: n for kind, n in (("engagement", engagements), ("toy", toys)) if n
            }, reader
        transaction.set_rollback(True)


def test_every_record_with_a_circle_of_its_own_keeps_its_audience_in_the_index(cast):
    """Each searchable type built by its registered factory, then changed through its own service."""
    for entry in registered():
        if entry.search is None or entry.is_child or entry.model is ToyRecord:
            continue
        record = entry.build(cast, secret=f"audience {entry.label}")
        entry.change(cast, record)
    assert SearchEntry.objects.exclude(sharing_level=None).exclude(kind="toy").values("kind").distinct().count() >= 7
    kept_audiences_are_the_records()


def found_by(user) -> int:
    return search(user, SearchRequest(text="ferry")).total


def test_a_change_of_circle_reaches_the_search_at_once_however_it_is_written(cast):
    toy = ToyRecord.objects.create(owner=cast.commission, sharing_level="restricted", title="Ferry schedules")
    toy.shared_with_organisations.add(cast.giz)
    assert (found_by(cast.giz_viewer), found_by(cast.french_embassy_viewer)) == (1, 0)
    toy.shared_with_organisations.remove(cast.giz)
    toy.shared_with_organisations.add(cast.french_embassy_morocco)
    assert (found_by(cast.giz_viewer), found_by(cast.french_embassy_viewer)) == (0, 1)
    toy.shared_with_organisations.clear()
    toy.shared_with_countries.add(Country.objects.get(iso3="DEU"))
    assert (found_by(cast.giz_viewer), found_by(cast.french_embassy_viewer)) == (1, 0)
    toy.shared_with_countries.clear()
    assert found_by(cast.giz_viewer) == 0
    toy.sharing_level = "partner"
    toy.save()
    toy.countries.add(Country.objects.get(iso3="MAR"))
    assert (found_by(cast.moroccan_ministry_user), found_by(cast.tunisian_ministry_user)) == (1, 0)
    toy.countries.set([Country.objects.get(iso3="TUN")])
    assert (found_by(cast.moroccan_ministry_user), found_by(cast.tunisian_ministry_user)) == (0, 1)
    kept_audiences_are_the_records()
