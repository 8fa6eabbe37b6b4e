"""Property: every list, detail, export and API response holds exactly the
records the sharing rules allow — for any organisations, users and records.

The rules are written out again below, plainly, as an oracle that shares no
code with ``core.visibility``; hypothesis generates the worlds.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from partnerhub.access.models import Membership, Organisation, OrganisationKind, Role
from partnerhub.analysis.figures.profile import country_profile
from partnerhub.core.visibility import audience_of, circle_of, reads_audience
from partnerhub.geo.models import Country
from partnerhub.registry.models import Engagement, EngagementCountry, MoneyLine

MEMBER_STATES = ["DEU", "FRA", "ITA"]
PARTNERS = ["MAR", "TUN", "EGY"]
LEVELS = ["public", "partner", "eu", "restricted", "originator"]
EU_SIDE_KINDS = {"eu_institution", "eu_delegation"}
MEMBER_STATE_KINDS = {"ms_ministry", "ms_agency", "ms_embassy"}


@dataclass(frozen=True)
class OrgSpec:
    kind: str
    country: str | None


@dataclass(frozen=True)
class RecordSpec:
    owner: int
    level: str
    countries: frozenset[str]
    named_orgs: frozenset[int]
    named_states: frozenset[str]


def _org_spec():
    def country_for(kind):
        if kind in MEMBER_STATE_KINDS:
            return st.sampled_from(MEMBER_STATES + PARTNERS[:1])  # a misfiled ministry too
        if kind == "partner_authority":
            return st.sampled_from(PARTNERS)
        if kind == "eu_delegation":
            return st.sampled_from(PARTNERS)
        return st.sampled_from([None, "BEL", "CHE"])

    kinds = st.sampled_from([k.value for k in OrganisationKind])
    return kinds.flatmap(lambda kind: country_for(kind).map(lambda c: OrgSpec(kind, c)))


@st.composite
def worlds(draw):
    orgs = draw(st.lists(_org_spec(), min_size=1, max_size=6))
    org_ids = st.integers(0, len(orgs) - 1)
    users = draw(
        st.lists(
            st.lists(
                st.tuples(org_ids, st.sampled_from([r.value for r in Role])), max_size=2, unique_by=lambda m: m[0]
            ),
            min_size=1,
            max_size=5,
        )
    )
    records = draw(
        st.lists(
            st.builds(
                RecordSpec,
                owner=org_ids,
                level=st.sampled_from(LEVELS),
                countries=st.frozensets(st.sampled_from(PARTNERS), max_size=2),
                named_orgs=st.frozensets(org_ids, max_size=2),
                named_states=st.frozensets(st.sampled_from(MEMBER_STATES), max_size=2),
            ),
            min_size=1,
            max_size=8,
        )
    )
    return orgs, users, records


def oracle_may_read(memberships: list[int], orgs: list[OrgSpec], record: RecordSpec) -> bool:
    """The sharing rules, in words turned into code, one level at a time."""
    mine = [orgs[i] for i in memberships]
    member_states = {o.country for o in mine if o.kind in MEMBER_STATE_KINDS and o.country in MEMBER_STATES}
    eu_side = any(o.kind in EU_SIDE_KINDS for o in mine) or bool(member_states)
    partner_countries = {o.country for o in mine if o.kind == "partner_authority"}
    if record.level == "public" or record.owner in memberships:
        return True
    if record.level == "partner":
        return eu_side or bool(partner_countries & record.countries)
    if record.level == "eu":
        return eu_side
    if record.level == "restricted":
        return bool(set(memberships) & record.named_orgs) or bool(member_states & record.named_states)
    return False


@pytest.mark.slow
class ConfidentialityPropertyTest(TestCase):
    def build(self, world):
        cache.clear()  # each generated world reuses the ids of the one before
        orgs, users, records = world
        countries = {c.iso3: c for c in Country.objects.filter(iso3__in=MEMBER_STATES + PARTNERS + ["BEL", "CHE"])}
        organisations = [
            Organisation.objects.create(name=f"org {i}", kind=spec.kind, country=countries.get(spec.country))
            for i, spec in enumerate(orgs)
        ]
        people = []
        for n, memberships in enumerate(users):
            user = get_user_model().objects.create_user(f"user{n}", password="x")
            for org_index, role in memberships:
                Membership.objects.create(user=user, organisation=organisations[org_index], role=role)
            people.append((user, [org_index for org_index, _ in memberships]))
        engagements = []
        for n, spec in enumerate(records):
            engagement = Engagement.objects.create(
                owner=organisations[spec.owner],
                sharing_level=spec.level,
                kind="project",
                title=f"record {n}",
            )
            for iso3 in spec.countries:
                EngagementCountry.objects.create(engagement=engagement, country=countries[iso3])
            engagement.shared_with_organisations.set([organisations[i] for i in spec.named_orgs])
            engagement.shared_with_countries.set([countries[c] for c in spec.named_states])
            engagements.append(engagement)
        return people, engagements

    @staticmethod
    def expected(memberships, orgs, records, engagements):
        return {e.pk for e, r in zip(engagements, records, strict=True) if oracle_may_read(memberships, orgs, r)}

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(worlds())
    def test_visible_to_returns_exactly_what_the_rules_allow(self, world):
        orgs, _users, records = world
        people, engagements = self.build(world)
        for user, memberships in people:
            seen = set(Engagement.objects.visible_to(user).values_list("pk", flat=True))
            assert seen == self.expected(memberships, orgs, records, engagements), (user, memberships)
        anonymous = set(Engagement.objects.visible_to(AnonymousUser()).values_list("pk", flat=True))
        assert anonymous == self.expected([], orgs, records, engagements)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(worlds())
    def test_the_audience_kept_with_history_reads_exactly_like_the_rules(self, world):
        """What a history entry keeps of a record's sharing decides as the rules do."""
        orgs, _users, records = world
        people, engagements = self.build(world)
        audiences = [audience_of(engagement) for engagement in engagements]
        for user, memberships in [*people, (None, [])]:
            circle = circle_of(user or AnonymousUser())
            readable = {
                e.pk for e, audience in zip(engagements, audiences, strict=True) if reads_audience(circle, audience)
            }
            assert readable == self.expected(memberships, orgs, records, engagements), memberships

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(worlds())
    def test_pages_exports_and_api_return_exactly_what_the_rules_allow(self, world):
        orgs, _users, records = world
        people, engagements = self.build(world)
        for user, memberships in [*people, (None, [])]:
            client = Client()
            if user is not None:
                client.force_login(user)
            expected = self.expected(memberships, orgs, records, engagements)
            assert ids_on_list_page(client) == expected
            assert ids_in_csv_export(client) == expected
            assert ids_in_api_list(client) == expected
            for engagement in engagements:
                page = client.get(f"/engagements/{engagement.pk}/")
                api = client.get(f"/api/engagements/{engagement.pk}")
                wanted = 200 if engagement.pk in expected else 404
                assert (page.status_code, api.status_code) == (wanted, wanted), engagement.title

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(worlds())
    def test_country_totals_add_exactly_the_money_the_rules_allow(self, world):
        """Record n carries 2^(n+1) EUR, so a total tells which records went into it."""
        orgs, _users, records = world
        people, engagements = self.build(world)
        for n, engagement in enumerate(engagements):
            MoneyLine.objects.create(
                engagement=engagement,
                kind="commitment",
                amount=2 ** (n + 1),
                amount_eur=2 ** (n + 1),
                currency="EUR",
                value_date=date(2024, 1, 1),
            )
        for user, memberships in [*people, (None, [])]:
            readable = self.expected(memberships, orgs, records, engagements)
            for iso3 in PARTNERS:
                in_country = [(n, r) for n, r in enumerate(records) if iso3 in r.countries]
                expected = sum(
                    Decimal(2 ** (n + 1)) / len(r.countries) for n, r in in_country if engagements[n].pk in readable
                )
                hidden = any(engagements[n].pk not in readable for n, _r in in_country)
                profile = country_profile(user or AnonymousUser(), Country.objects.get(iso3=iso3))
                assert sum(row.reported for row in profile.by_actor) == expected, (iso3, memberships)
                assert profile.undisclosed == hidden, (iso3, memberships)


DETAIL_LINK = re.compile(r'href="/engagements/(\d+)/"')


def ids_on_list_page(client) -> set[int]:
    response = client.get("/engagements/")
    assert response.status_code == 200
    return {int(pk) for pk in DETAIL_LINK.findall(response.content.decode())}


def ids_in_csv_export(client) -> set[int]:
    response = client.get("/engagements/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    rows = csv.DictReader(io.StringIO(text.decode("utf-8-sig")))
    return {int(row["id"]) for row in rows}


def ids_in_api_list(client) -> set[int]:
    response = client.get("/api/engagements", {"page_size": 200})
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}
