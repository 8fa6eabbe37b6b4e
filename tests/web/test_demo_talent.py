"""The demo's Talent Partnerships: needs in real EU shortage occupations and supply from real partner
countries, every figure labelled as demo content, built once however often the demo loads, partner-level
supply read by the partner's own authority and no one outside, and pipelines that add up."""

import csv
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from partnerhub.access.models import OrganisationKind
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.facts.periods import period_start
from partnerhub.registry.models import Engagement
from partnerhub.talent.models import (
    PIPELINE_STAGES,
    PartnershipStatus,
    PipelineFigure,
    SchemeKind,
    TalentNeed,
    TalentPartnership,
    TalentScheme,
    TalentSupply,
)
from partnerhub.web.demo import build_demo
from partnerhub.web.demo.talent import last_quarters
from partnerhub.web.demo.talent_content import DEMO_SOURCE, FIGURES_NOTE, PARTNERSHIP_NOTE

REFERENCE = Path("/work/shared/data/reference")
SHORTAGES = REFERENCE / "talent_partnership_occupations.csv"
SAFEGUARDS = REFERENCE / "health_workforce_safeguards.csv"
GERMANY_MOROCCO = "[Demo] Germany–Morocco skills partnership for electricians and welders"
BELGIUM_TUNISIA = "[Demo] Belgium–Tunisia ICT talent partnership"
TALENT_MODELS = (TalentNeed, TalentSupply, TalentPartnership, TalentScheme, PipelineFigure)

pytestmark = pytest.mark.django_db


def user(username: str):
    return get_user_model().objects.get(username=username)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(line for line in stream if not line.startswith("#")))


def shortage_codes() -> set[str]:
    """The ISCO-08 unit groups of the EURES labour-shortage reports, as the shared reference file maps them."""
    return {row["isco08_code"] for row in rows(SHORTAGES)}


def safeguarded_countries() -> set[str]:
    return {row["iso3"] for row in rows(SAFEGUARDS)}


def every(model):
    return model.objects.unrestricted("test")


def counts() -> dict[str, int]:
    return {model.__name__: every(model).count() for model in TALENT_MODELS} | {
        "links": TalentPartnership.engagements.through.objects.count(),
        "history": ObjectChange.objects.count(),
    }


def partnership(title: str) -> TalentPartnership:
    return every(TalentPartnership).get(title=title)


@pytest.mark.usefixtures("demo_built_once")
class TestDemoTalent:
    def test_the_demo_loads_needs_supply_and_three_partnerships_each_created_in_history(self, demo_built_once):
        tally = demo_built_once.talent

        assert tally.created("partnerships") == 3 and tally.created("schemes") == 5
        assert tally.created("needs") == every(TalentNeed).count() >= 10
        assert tally.created("supply") == every(TalentSupply).count() >= 10
        assert tally.created("pipeline figures") == every(PipelineFigure).count() == 11
        for model in TALENT_MODELS:
            kind = ContentType.objects.get_for_model(model)
            for record in every(model):
                change = ObjectChange.objects.get(content_type=kind, object_id=record.pk)
                assert change.action == ObjectChange.Action.CREATE and change.user is not None

    def test_loading_again_creates_nothing(self):
        before = counts()
        report = StringIO()

        again = build_demo(stdout=report).talent

        assert counts() == before
        assert not [kind for kind, number in again.items() if kind.endswith("created") and number]
        assert again["partnerships kept"] == 3 and again["needs kept"] == before["TalentNeed"]
        assert again["supply kept"] == before["TalentSupply"]
        assert (
            "Demo Talent Partnerships: 0 labour needs, 0 supply records, 0 Talent Partnerships, 0 schemes and "
            "0 pipeline figures created." in report.getvalue()
        )

    def test_every_partnership_need_and_supply_is_labelled_demo(self):
        for record in every(TalentPartnership):
            assert record.title.startswith("[Demo] ") and record.description.endswith(PARTNERSHIP_NOTE)
        for scheme in every(TalentScheme):
            assert scheme.title.startswith("[Demo] ") and scheme.description.endswith(PARTNERSHIP_NOTE)
        for figure in (*every(TalentNeed), *every(TalentSupply)):
            assert figure.source.startswith(DEMO_SOURCE) and figure.note == FIGURES_NOTE
        assert all(figure.note == FIGURES_NOTE for figure in every(PipelineFigure))

    def test_needs_are_in_eu_shortage_occupations_of_several_member_states_at_every_sharing_level(self):
        needs = list(every(TalentNeed).select_related("member_state", "occupation"))

        assert {need.occupation.code for need in needs} <= shortage_codes()
        assert {need.member_state.iso3 for need in needs} >= {"DEU", "NLD", "ITA", "ESP", "FRA"}
        assert all(need.member_state.is_eu_member and need.people_per_year > 0 for need in needs)
        assert {need.sharing_level for need in needs} >= {
            SharingLevel.PUBLIC,
            SharingLevel.EU,
            SharingLevel.RESTRICTED,
            SharingLevel.ORIGINATOR,
        }
        for need in needs:
            named = list(need.shared_with_organisations.all())
            assert len(named) == (1 if need.sharing_level == SharingLevel.RESTRICTED else 0)

    def test_a_restricted_need_is_read_by_the_organisation_it_names_and_not_by_another_member_state(self):
        need = every(TalentNeed).get(sharing_level=SharingLevel.RESTRICTED, member_state__iso3="DEU")

        assert TalentNeed.objects.visible_to(user("nl.mfa")).filter(pk=need.pk).exists()
        assert not TalentNeed.objects.visible_to(user("it.mfa")).filter(pk=need.pk).exists()

    def test_nurse_supply_from_safeguarded_countries_and_a_partner_short_of_nurses_itself(self):
        nurses = every(TalentSupply).filter(occupation__code="2221").select_related("country")
        listed = safeguarded_countries()

        from_listed = {supply.country.iso3 for supply in nurses if supply.country.iso3 in listed}
        tunisia = nurses.get(country__iso3="TUN")

        assert from_listed == {"NGA", "BGD"}
        assert tunisia.partner_reports_shortage and tunisia.country.iso3 not in listed
        assert {s.country.iso3 for s in every(TalentSupply).filter(partner_reports_shortage=True)} == {"TUN"}

    def test_supply_comes_from_partner_countries_in_their_languages(self):
        supply = list(every(TalentSupply).select_related("country"))

        assert {s.country.iso3 for s in supply} == {"MAR", "TUN", "EGY", "PAK", "BGD", "NGA"}
        assert not any(s.country.is_eu_member for s in supply)
        assert all(s.people_per_year > 0 and s.language_codes for s in supply)
        assert {"ar", "fr", "en"} <= {code for s in supply for code in s.language_codes}

    def test_each_partner_level_supply_is_read_by_the_partner_authority_and_not_by_an_outsider(self):
        partner_level = list(every(TalentSupply).filter(sharing_level=SharingLevel.PARTNER).select_related("owner"))
        authorities = {
            username: user(username).memberships.get().organisation for username in ("ma.interior", "tn.social")
        }

        assert {supply.country_id for supply in partner_level} == {org.country_id for org in authorities.values()}
        for supply in partner_level:
            for username, organisation in authorities.items():
                readable = TalentSupply.objects.visible_to(user(username)).filter(pk=supply.pk).exists()
                assert readable == (organisation.country_id == supply.country_id), (username, supply)
            assert supply.owner.kind == OrganisationKind.PARTNER_AUTHORITY
            assert supply.owner.country_id == supply.country_id
            assert not TalentSupply.objects.visible_to(None).filter(pk=supply.pk).exists()

    def test_the_restricted_partnership_is_read_by_its_owner_and_the_one_organisation_it_names(self):
        restricted = every(TalentPartnership).get(sharing_level=SharingLevel.RESTRICTED)

        def reads(username: str) -> bool:
            return TalentPartnership.objects.visible_to(user(username)).filter(pk=restricted.pk).exists()

        assert [org.acronym for org in restricted.shared_with_organisations.all()] == ["DG INTPA"]
        assert reads("nl.mfa") and reads("commission.desk")
        assert not reads("es.interior") and not reads("de.interior") and not reads("home.desk")

    def test_partnerships_pair_member_states_with_a_partner_and_link_visible_legal_pathway_engagements(self):
        for record in every(TalentPartnership).select_related("country", "created_by"):
            links = list(TalentPartnership.engagements.through.objects.filter(talentpartnership=record))
            linked = Engagement.objects.visible_to(record.created_by).filter(pk__in=[x.engagement_id for x in links])

            assert all(state.is_eu_member for state in record.member_states.all())
            assert not record.country.is_eu_member and record.occupations.exists()
            assert 1 <= len(links) <= 2 and linked.count() == len(links)
            for engagement in linked:
                assert engagement.is_demo and engagement.title.startswith("[Demo] ")
                assert engagement.country_shares.filter(country=record.country).exists()
                assert engagement.theme_shares.filter(theme__code__startswith="LEGAL").exists()

        germany_morocco, belgium_tunisia = partnership(GERMANY_MOROCCO), partnership(BELGIUM_TUNISIA)
        assert germany_morocco.status == PartnershipStatus.ACTIVE
        assert {s.kind for s in germany_morocco.schemes.all()} == set(SchemeKind.values)
        assert belgium_tunisia.status == PartnershipStatus.NEGOTIATING
        assert [s.kind for s in belgium_tunisia.schemes.all()] == [SchemeKind.TRAINING]
        assert belgium_tunisia.schemes.get().pipeline.count() == 2

    def test_pipeline_stages_never_grow_and_no_more_return_than_moved(self):
        for figure in every(PipelineFigure):
            counts = [getattr(figure, stage) for stage in PIPELINE_STAGES[:-1]]
            assert counts == sorted(counts, reverse=True), figure
            assert figure.period_start == period_start(figure.period)
        for record in every(TalentPartnership):
            figures = every(PipelineFigure).filter(scheme__partnership=record)
            moved, returned = (sum(getattr(f, stage) for f in figures) for stage in ("moved", "returned"))
            assert returned <= moved

    def test_germany_morocco_reports_the_last_six_quarters_with_a_few_returns(self):
        training = partnership(GERMANY_MOROCCO).schemes.get(kind=SchemeKind.TRAINING)
        returns = partnership(GERMANY_MOROCCO).schemes.get(kind=SchemeKind.RETURN)
        figures = list(training.pipeline.all())
        today = timezone.localdate()

        assert [f.period for f in figures] == [period for period, _ in last_quarters(today, 6)]
        assert figures[-1].period_start < date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        assert [f.enrolled for f in figures] == sorted(f.enrolled for f in figures)
        assert 0 < sum(f.returned for f in returns.pipeline.all()) < sum(f.moved for f in figures) // 10


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)), st.integers(min_value=1, max_value=12))
def test_last_quarters_are_consecutive_and_end_before_the_quarter_of_the_day(today, count):
    quarters = last_quarters(today, count)
    starts = [starts for _, starts in quarters]
    this_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)

    assert len(quarters) == count
    assert all(period_start(period) == starts for period, starts in quarters)
    assert starts == sorted(starts) and starts[-1] < this_quarter <= today
    assert all((b.year - a.year) * 12 + b.month - a.month == 3 for a, b in zip(starts, starts[1:], strict=False))
    assert (this_quarter.year - starts[-1].year) * 12 + this_quarter.month - starts[-1].month == 3
